package dev.agentry.api;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * An API key presented as {@code Authorization: Bearer <key>}: a request type of its own, so that
 * only {@link KeyIdentities} reads it and OIDC's identity provider never sees a key (nor the keys'
 * provider a token).
 */
final class ApiKeyRequest extends BaseAuthenticationRequest {

    private final String key;

    ApiKeyRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
