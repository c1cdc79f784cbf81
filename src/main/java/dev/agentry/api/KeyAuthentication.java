package dev.agentry.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
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

    KeyAuthentication(FailedAttempts failures) {
        this.failures = failures;
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
        AuthenticationRequest request = HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(new TokenCredential(key, "bearer")), context);
        return identities.authenticate(request).onFailure().invoke(() -> failures.record(address));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
