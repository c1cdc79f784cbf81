package dev.agentry.model.langchain4j;

import dev.agentry.model.RetryPolicy;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP client under every langchain4j model adapter. It exists because langchain4j's own retry
 * cannot see response headers: this one retries 408, 429 and 5xx with jittered exponential backoff
 * and honours {@code Retry-After}. Blocking calls park a virtual thread cheaply, and an interrupt
 * (run cancelled or out of time) ends a call or a backoff at once.
 */
public final class RetryingHttpClient implements HttpClient {

    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    /** The most a model's answer may hold: far more than any reply, far less than the service's memory. */
    static final long MAX_ANSWER_BYTES = 16L * 1024 * 1024;

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final RetryPolicy policy;

    private RetryingHttpClient(Builder builder) {
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        this.readTimeout = builder.readTimeout;
        this.policy = builder.policy;
    }

    public static Builder builder(RetryPolicy policy) {
        return new Builder(policy);
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        HttpResponse<String> response = send(request, BoundedText.handler(MAX_ANSWER_BYTES));
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        try {
            HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
            listener.onOpen(SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .build());
            try (InputStream body = response.body()) {
                parser.parse(body, listener);
            }
            listener.onClose();
        } catch (IOException e) {
            listener.onError(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            listener.onError(e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        java.net.http.HttpRequest jdkRequest = toJdk(request);
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<T> response = http.send(jdkRequest, handler);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response;
                }
                Optional<Duration> delay =
                        retryDelay(status, attempt, response.headers().map());
                String body = bodyText(response.body());
                if (delay.isEmpty()) {
                    throw new HttpException(status, body);
                }
                wait = delay.get();
            } catch (IOException e) {
                if (e instanceof BoundedText.TooLarge || e.getCause() instanceof BoundedText.TooLarge) {
                    throw new UncheckedIOException(
                            "no usable answer from " + jdkRequest.uri() + ": "
                                    + (e instanceof BoundedText.TooLarge ? e : e.getCause()).getMessage(),
                            e);
                }
                if (attempt >= policy.maxAttempts()) {
                    throw new UncheckedIOException(
                            "no answer from " + jdkRequest.uri() + " after " + attempt + " attempts: " + e, e);
                }
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                throw interrupted(jdkRequest);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                throw interrupted(jdkRequest);
            }
        }
    }

    private static CancellationException interrupted(java.net.http.HttpRequest request) {
        Thread.currentThread().interrupt();
        return new CancellationException("model call to " + request.uri() + " was interrupted");
    }

    private Optional<Duration> retryDelay(int status, int attempt, Map<String, List<String>> headers) {
        if (!RETRYABLE.contains(status) || attempt >= policy.maxAttempts()) {
            return Optional.empty();
        }
        Optional<Duration> asked = retryAfter(headers);
        if (asked.isPresent()) {
            return asked.get().compareTo(policy.maxDelay()) > 0 ? Optional.empty() : asked;
        }
        return Optional.of(backoff(attempt));
    }

    private Duration backoff(int attempt) {
        long base = policy.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, policy.maxDelay().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** {@code Retry-After} as seconds or as an HTTP date, as RFC 9110 allows. */
    static Optional<Duration> retryAfter(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("retry-after")
                    && !header.getValue().isEmpty()) {
                String value = header.getValue().getFirst().trim();
                try {
                    return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
                } catch (NumberFormatException notSeconds) {
                    try {
                        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                        Duration until = Duration.between(ZonedDateTime.now(when.getZone()), when);
                        return Optional.of(until.isNegative() ? Duration.ZERO : until);
                    } catch (DateTimeParseException notDate) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String bodyText(Object body) {
        if (body instanceof InputStream stream) {
            try (stream) {
                return new String(stream.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
        String text = body == null ? "" : body.toString();
        return text.length() > 64 * 1024 ? text.substring(0, 64 * 1024) + "..." : text;
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder builder =
                java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        java.net.http.HttpRequest.BodyPublisher body = request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8);
        return builder.method(request.method().name(), body).build();
    }

    /** Builds the client with the timeouts each langchain4j adapter sets from its own settings. */
    public static final class Builder implements HttpClientBuilder {
        private final RetryPolicy policy;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        private Builder(RetryPolicy policy) {
            this.policy = policy;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public RetryingHttpClient build() {
            return new RetryingHttpClient(this);
        }
    }
}
