package dev.agentry.tool.http;

import dev.agentry.asset.Redactor;
import dev.agentry.tool.Egress;
import dev.agentry.tool.HttpAuth;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the tools of one HTTP toolset share: the client and its connection pool, the credentials,
 * and the rules every request obeys (allowed hosts, timeout, retries, response size).
 */
final class Connection {

    /** Statuses worth another attempt of an idempotent call: the server was busy or briefly broken. */
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);

    private static final int MAX_ERROR_EXCERPT = 500;
    /** Longest single wait between attempts, whatever Retry-After asks. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final ToolsetDefinition.Http toolset;
    private final HttpClient client;
    private final Credentials credentials;
    private final Clock clock;

    Connection(ToolsetDefinition.Http toolset, HttpClient client, Clock clock, Redactor redactor) {
        this.toolset = toolset;
        this.client = client;
        this.clock = clock;
        this.credentials = Credentials.of(
                toolset.auth(),
                client,
                clock,
                tokens -> redactor.update("access token of toolset " + toolset.name(), tokens));
        // The header an API may echo back holds the password only in base64.
        if (toolset.auth() instanceof HttpAuth.Basic basic) {
            redactor.update(
                    "basic credentials of toolset " + toolset.name(), java.util.Set.of(Credentials.basic(basic)));
        }
    }

    /**
     * Sends {@code request} and reads its JSON answer, trying again (when {@code retryable}) after
     * transient failures, and once with renewed credentials after a 401 where that can help.
     *
     * @param errorHeader a header that marks the answer as a failure even on 2xx, or null
     */
    ToolResult exchange(String tool, Outgoing request, Instant deadline, boolean retryable, String errorHeader) {
        String what = request.describe();
        if (!ToolsetDefinition.Transport.allows(
                toolset.allowedHosts(), request.uri().getHost())) {
            return ToolResult.refused(what + " goes to " + request.uri().getHost() + ", outside the hosts toolset '"
                    + toolset.name() + "' may reach " + toolset.allowedHosts());
        }
        Optional<String> internal =
                Egress.refusal(request.uri().getHost(), toolset.allowedHosts(), InetAddress::getAllByName);
        if (internal.isPresent()) {
            return ToolResult.refused(what + " is not sent: " + internal.get());
        }
        boolean renewed = false;
        int retries = 0;
        while (true) {
            Duration timeout = timeout(deadline);
            if (timeout.isZero()) {
                return ToolResult.failed(tool + " ran out of time before " + what + " could be sent");
            }
            Attempt attempt;
            try {
                attempt = send(credentials.apply(request, timeout), timeout);
            } catch (Credentials.Unavailable e) {
                return ToolResult.failed(tool + " cannot authenticate: " + e.getMessage());
            } catch (HttpTimeoutException e) {
                attempt = new Attempt.Broken(tool + " timed out after " + timeout.toMillis() + " ms (" + what + ")");
            } catch (IOException e) {
                attempt = new Attempt.Broken(
                        tool + " could not reach " + request.uri().getHost() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ToolResult.failed(tool + " was interrupted: the run was cancelled or ran out of time");
            }
            if (attempt instanceof Attempt.Answered answered
                    && answered.response().statusCode() == 401
                    && credentials.renewable()
                    && !renewed) {
                credentials.invalidate();
                renewed = true;
                continue;
            }
            Optional<Duration> wait = retryable && retries < toolset.retries().max()
                    ? attempt.retryAfter(toolset.retries().backoff().multipliedBy(1L << retries))
                    : Optional.empty();
            if (wait.isPresent() && clock.instant().plus(wait.get()).isBefore(deadline)) {
                retries++;
                try {
                    Thread.sleep(wait.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ToolResult.failed(tool + " was interrupted: the run was cancelled or ran out of time");
                }
                continue;
            }
            return switch (attempt) {
                case Attempt.Broken broken -> ToolResult.failed(broken.message() + tried(retries));
                case Attempt.Answered answered -> result(answered, what, errorHeader, retries);
            };
        }
    }

    private ToolResult result(Attempt.Answered answered, String what, String errorHeader, int retries) {
        byte[] body = answered.body();
        if (body.length > toolset.maxResponse().bytes()) {
            return ToolResult.failed("the answer to " + what + " is larger than "
                    + toolset.maxResponse().bytes() + " bytes; ask for less (filters, fewer fields, a smaller page)");
        }
        int status = answered.response().statusCode();
        if (status < 200 || status > 299) {
            return ToolResult.failed("HTTP " + status + " from " + what + ": " + excerpt(body) + tried(retries));
        }
        if (errorHeader != null) {
            Optional<String> error = answered.response().headers().firstValue(errorHeader);
            if (error.isPresent()) {
                return ToolResult.failed(error.get() + " error from " + what + ": " + excerpt(body));
            }
        }
        return ToolResult.success(HttpTool.parse(body, status));
    }

    private Attempt send(Outgoing request, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(request.uri()).timeout(timeout).header("User-Agent", "Agentry");
        request.headers().forEach(builder::header);
        builder.method(
                request.method(),
                request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream stream = response.body()) {
            return new Attempt.Answered(response, stream.readNBytes((int)
                    Math.min(Integer.MAX_VALUE - 8, toolset.maxResponse().bytes() + 1)));
        }
    }

    private Duration timeout(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return Duration.ZERO;
        }
        return left.compareTo(toolset.timeout()) < 0 ? left : toolset.timeout();
    }

    private static String tried(int retries) {
        return retries == 0 ? "" : " (after " + (retries + 1) + " attempts)";
    }

    static String excerpt(byte[] body) {
        String text =
                new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() > MAX_ERROR_EXCERPT ? text.substring(0, MAX_ERROR_EXCERPT) + "..." : text;
    }

    /** One try: an answer of any status, or no answer at all. */
    private sealed interface Attempt {

        /** How long to wait before trying again, if this attempt is worth repeating. */
        Optional<Duration> retryAfter(Duration backoff);

        record Answered(HttpResponse<InputStream> response, byte[] body) implements Attempt {
            @Override
            public Optional<Duration> retryAfter(Duration backoff) {
                if (!TRANSIENT.contains(response.statusCode())) {
                    return Optional.empty();
                }
                Optional<Duration> asked = response.headers()
                        .firstValue("Retry-After")
                        .filter(value -> value.matches("[0-9]{1,6}"))
                        .map(value -> Duration.ofSeconds(Long.parseLong(value)));
                return Optional.of(asked.orElseGet(() -> jitter(backoff)));
            }
        }

        record Broken(String message) implements Attempt {
            @Override
            public Optional<Duration> retryAfter(Duration backoff) {
                return Optional.of(jitter(backoff));
            }
        }

        /** The backoff, give or take a quarter, so that many callers do not retry in lock step. */
        private static Duration jitter(Duration backoff) {
            long millis = backoff.toMillis();
            long spread = millis / 4;
            long waited =
                    millis + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(-spread, spread + 1));
            return Duration.ofMillis(Math.min(waited, MAX_WAIT.toMillis()));
        }
    }
}
