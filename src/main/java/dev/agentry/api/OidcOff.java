package dev.agentry.api;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps OIDC off until an issuer is configured ({@code QUARKUS_OIDC_AUTH_SERVER_URL}): with a tenant
 * resolver present, Quarkus disables a default tenant that names no issuer instead of refusing to
 * start. It resolves nothing itself; every request uses the default tenant, the configured one.
 */
@ApplicationScoped
public class OidcOff implements TenantConfigResolver {

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> requestContext) {
        return Uni.createFrom().nullItem();
    }
}
