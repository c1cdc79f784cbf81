package dev.agentry.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** How the console signs people in beside API keys. */
@ConfigMapping(prefix = "agentry.console")
public interface ConsoleConfig {

    /**
     * The client id of the console at the OIDC issuer named by {@code quarkus.oidc.auth-server-url}: a
     * public client (no secret) allowed the redirect {@code <service>/console/signed-in} and, for the
     * browser to call the issuer, the service's origin (Keycloak's "Web origins"). Set, the console
     * offers sign-in with the issuer (authorization code with PKCE); unset, keys only.
     */
    Optional<String> oidcClientId();

    /** The scopes the console asks the issuer for. */
    @WithDefault("openid")
    String oidcScope();
}
