package dev.agentry.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads {@code Authorization: Bearer <key>} and hands the key to {@link KeyIdentities}. A request
 * without the header stays anonymous (endpoints that need a role then answer 401); an address that
 * keeps presenting keys that are not valid is refused for a while ({@link FailedAttempts}).
 */
@ApplicationScoped
public class KeyAuthentication implements HttpAuthenticationMechanism {

    /** Set on a failure that was refused for too many earlier failures from the same address. */
    static final String THROTTLED = "agentry.throttled";

    private static final String BEARER = "bearer ";

    private final FailedAttempts failures;
    /** Whether an OIDC issuer is configured, so that tokens shaped as JWTs are left to it. */
    private final boolean oidc;

    KeyAuthentication(
            FailedAttempts failures, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        this.failures = failures;
        this.oidc = issuer.filter(url -> !url.isBlank()).isPresent();
    }

    /**
     * Whether {@code header} (an {@code Authorization} value) carries a token this mechanism leaves to
     * OIDC: one shaped as a JWT, when an issuer is configured.
     */
    boolean leavesToOidc(String header) {
        return oidc
                && header != null
                && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && looksLikeJwt(header.substring(BEARER.length()).strip());
    }

    /**
     * A compact JWS: three base64url parts, the first a JSON header. Agentry's keys ({@code agk_...})
     * never contain a dot.
     */
    static boolean looksLikeJwt(String token) {
        return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** Before OIDC's mechanism, which would try to verify an API key as a token. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String address = FailedAttempts.address(context);
        Optional<Long> wait = failures.refusedFor(address);
        if (wait.isPresent()) {
            return Uni.createFrom()
                    .failure(new AuthenticationFailedException(
                            "too many requests with keys that are not valid", Map.of(THROTTLED, wait.get())));
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.substring(BEARER.length()).isBlank()) {
            failures.record(address);
            return Uni.createFrom()
                    .failure(new AuthenticationFailedException("the Authorization header is not 'Bearer <key>'"));
        }
        String key = header.substring(BEARER.length()).strip();
        if (oidc && looksLikeJwt(key)) {
            // An OIDC access token: the OIDC mechanism, tried next, verifies it.
            return Uni.createFrom().nullItem();
        }
        AuthenticationRequest request = HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyRequest(key), context);
        return identities.authenticate(request).onFailure().invoke(() -> failures.record(address));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
