package dev.agentry.api;

import dev.agentry.access.ApiKeys;
import dev.agentry.access.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a presented API key into an identity whose roles are the key's role's grants. */
@ApplicationScoped
public class KeyIdentities implements IdentityProvider<ApiKeyRequest> {

    /** The identity attribute holding the {@link Caller}. */
    static final String CALLER = "agentry.caller";

    private final ApiKeys keys;

    KeyIdentities(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Class<ApiKeyRequest> getRequestType() {
        return ApiKeyRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyRequest request, AuthenticationRequestContext context) {
        String presented = request.key();
        return context.runBlocking(() -> keys.recognise(presented)
                .map(KeyIdentities::identity)
                .orElseThrow(() -> new AuthenticationFailedException("the key is not valid or was revoked")));
    }

    private static SecurityIdentity identity(Caller caller) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.actor().id()))
                .addRoles(caller.role().grants())
                .addAttribute(CALLER, caller)
                .build();
    }
}
