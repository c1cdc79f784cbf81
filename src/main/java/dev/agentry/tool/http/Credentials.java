package dev.agentry.tool.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.tool.HttpAuth;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Proves a toolset's identity on each request, as its {@link HttpAuth} says. One instance per
 * toolset, shared by its tools, so an OAuth2 token is fetched once and reused until it expires.
 */
abstract sealed class Credentials {

    /** The most of a token endpoint's answer that is read: a token answer is a few hundred bytes. */
    static final int MAX_TOKEN_ANSWER = 64 * 1024;

    /** Could not obtain what the request needs, such as an OAuth2 token; the message is for the model. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * @param issued told each credential obtained at run time (an OAuth2 access token), so that it is
     *     scrubbed from whatever an API echoes back, like the secrets written in files
     */
    static Credentials of(HttpAuth auth, HttpClient client, Clock clock, Consumer<Set<String>> issued) {
        return switch (auth) {
            case null -> new Fixed(Map.of());
            case HttpAuth.Bearer bearer ->
                new Fixed(Map.of("Authorization", "Bearer " + bearer.token().value()));
            case HttpAuth.Header header ->
                new Fixed(Map.of(header.name(), header.value().value()));
            case HttpAuth.Basic basic -> new Fixed(Map.of("Authorization", "Basic " + basic(basic)));
            case HttpAuth.OAuth2 oauth2 -> new OAuth2Tokens(oauth2, client, clock, issued);
            case HttpAuth.AwsSigV4 sigV4 -> new SigV4(sigV4);
        };
    }

    /** The base64 of {@code username:password}, as a Basic Authorization header carries it. */
    static String basic(HttpAuth.Basic basic) {
        return Base64.getEncoder()
                .encodeToString((basic.username() + ":" + basic.password().value()).getBytes(StandardCharsets.UTF_8));
    }

    /** The request with its credentials added. */
    abstract Outgoing apply(Outgoing request, Duration timeout) throws Unavailable, InterruptedException;

    /** Whether a 401 may mean stale credentials that {@link #invalidate()} renews. */
    boolean renewable() {
        return false;
    }

    void invalidate() {}

    /** Headers that never change, such as a bearer token or an API key. */
    private static final class Fixed extends Credentials {
        private final Map<String, String> headers;

        Fixed(Map<String, String> headers) {
            this.headers = headers;
        }

        @Override
        Outgoing apply(Outgoing request, Duration timeout) {
            return headers.isEmpty() ? request : request.withHeaders(headers);
        }
    }

    /** OAuth 2.0 client-credentials or refresh-token grant, with the token cached until shortly before expiry. */
    static final class OAuth2Tokens extends Credentials {
        private static final ObjectMapper JSON = new ObjectMapper();
        /** Renew this long before the provider says the token expires, to absorb clock skew and latency. */
        private static final Duration EARLY = Duration.ofSeconds(60);
        /** Assumed lifetime when the token response does not say. */
        private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(30);

        private record Token(String value, Instant renewAt) {}

        private final HttpAuth.OAuth2 auth;
        private final HttpClient client;
        private final Clock clock;
        private final Consumer<Set<String>> issued;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Token token;

        OAuth2Tokens(HttpAuth.OAuth2 auth, HttpClient client, Clock clock, Consumer<Set<String>> issued) {
            this.auth = auth;
            this.client = client;
            this.clock = clock;
            this.issued = issued;
        }

        @Override
        Outgoing apply(Outgoing request, Duration timeout) throws Unavailable, InterruptedException {
            return request.withHeaders(Map.of("Authorization", "Bearer " + current(timeout)));
        }

        @Override
        boolean renewable() {
            return true;
        }

        @Override
        void invalidate() {
            token = null;
        }

        private String current(Duration timeout) throws Unavailable, InterruptedException {
            Token held = token;
            if (held != null && clock.instant().isBefore(held.renewAt())) {
                return held.value();
            }
            lock.lock();
            try {
                held = token;
                if (held == null || !clock.instant().isBefore(held.renewAt())) {
                    held = fetch(timeout);
                    token = held;
                    issued.accept(Set.of(held.value()));
                }
                return held.value();
            } finally {
                lock.unlock();
            }
        }

        private Token fetch(Duration timeout) throws Unavailable, InterruptedException {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", auth.grant());
            if (auth.refreshToken() != null) {
                form.put("refresh_token", auth.refreshToken().value());
            }
            if (auth.scope() != null) {
                form.put("scope", auth.scope());
            }
            if (auth.audience() != null) {
                form.put("audience", auth.audience());
            }
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(auth.tokenUrl()))
                    .timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("User-Agent", "Agentry");
            if (auth.clientAuth().equals("basic")) {
                String pair = encode(auth.clientId().value()) + ":"
                        + encode(auth.clientSecret().value());
                builder.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            } else {
                form.put("client_id", auth.clientId().value());
                if (!auth.clientSecret().isEmpty()) {
                    form.put("client_secret", auth.clientSecret().value());
                }
            }
            StringJoiner body = new StringJoiner("&");
            form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
            HttpResponse<InputStream> response;
            byte[] answered;
            try {
                response = client.send(
                        builder.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream stream = response.body()) {
                    answered = stream.readNBytes(MAX_TOKEN_ANSWER + 1);
                }
            } catch (IOException e) {
                throw new Unavailable("could not reach the OAuth2 token endpoint " + auth.tokenUrl() + ": " + e);
            }
            if (answered.length > MAX_TOKEN_ANSWER) {
                throw new Unavailable("the OAuth2 token endpoint " + auth.tokenUrl() + " answered more than "
                        + MAX_TOKEN_ANSWER / 1024 + " KiB, far more than a token; check token-url");
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(answered);
            } catch (IOException e) {
                answer = JSON.createObjectNode();
            }
            if (response.statusCode() != 200 || !answer.path("access_token").isTextual()) {
                String error = answer.path("error").asText("");
                String description = answer.path("error_description").asText("");
                throw new Unavailable("the OAuth2 token endpoint " + auth.tokenUrl() + " refused the "
                        + auth.grant() + " grant: HTTP " + response.statusCode()
                        + (error.isEmpty() ? "" : " " + error) + (description.isEmpty() ? "" : " (" + description + ")")
                        + "; check the toolset's client id, secret and scope");
            }
            long seconds = answer.path("expires_in").asLong(0);
            Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
            Duration early = lifetime.compareTo(EARLY.multipliedBy(2)) > 0 ? EARLY : lifetime.dividedBy(2);
            return new Token(
                    answer.path("access_token").asText(), clock.instant().plus(lifetime.minus(early)));
        }

        private static String encode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }
    }

    /** AWS Signature Version 4, by the AWS SDK's signer; each request is signed anew. */
    private static final class SigV4 extends Credentials {
        /** Java's HTTP client sets these itself and refuses them as user headers. */
        private static final List<String> SET_BY_CLIENT = List.of("host", "content-length");

        private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        private final HttpAuth.AwsSigV4 auth;

        SigV4(HttpAuth.AwsSigV4 auth) {
            this.auth = auth;
        }

        @Override
        Outgoing apply(Outgoing request, Duration timeout) {
            SdkHttpRequest.Builder unsigned =
                    SdkHttpRequest.builder().uri(request.uri()).method(SdkHttpMethod.fromValue(request.method()));
            request.headers().forEach(unsigned::putHeader);
            AwsCredentialsIdentity identity = auth.sessionToken() == null
                    ? AwsCredentialsIdentity.create(
                            auth.accessKeyId().value(), auth.secretAccessKey().value())
                    : AwsSessionCredentialsIdentity.create(
                            auth.accessKeyId().value(),
                            auth.secretAccessKey().value(),
                            auth.sessionToken().value());
            byte[] body = request.body() == null ? new byte[0] : request.body();
            SdkHttpRequest signed = signer.sign(sign -> sign.identity(identity)
                            .request(unsigned.build())
                            .payload(ContentStreamProvider.fromByteArray(body))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, auth.service())
                            .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region()))
                    .request();
            Map<String, String> added = new LinkedHashMap<>();
            signed.headers().forEach((name, values) -> {
                if (!SET_BY_CLIENT.contains(name.toLowerCase(Locale.ROOT))
                        && !request.headers().containsKey(name)) {
                    added.put(name, String.join(",", new ArrayList<>(values)));
                }
            });
            return request.withHeaders(added);
        }
    }
}
