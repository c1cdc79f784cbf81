package dev.agentry.tool;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.agentry.asset.FieldException;
import dev.agentry.asset.Secret;
import java.util.regex.Pattern;

/** How an HTTP toolset proves who it is. Credentials come from the environment via {@code ${VAR}}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HttpAuth.Bearer.class, name = "bearer"),
    @JsonSubTypes.Type(value = HttpAuth.Header.class, name = "header"),
    @JsonSubTypes.Type(value = HttpAuth.Basic.class, name = "basic"),
    @JsonSubTypes.Type(value = HttpAuth.OAuth2.class, name = "oauth2"),
    @JsonSubTypes.Type(value = HttpAuth.AwsSigV4.class, name = "aws-sigv4")
})
public sealed interface HttpAuth
        permits HttpAuth.Bearer, HttpAuth.Header, HttpAuth.Basic, HttpAuth.OAuth2, HttpAuth.AwsSigV4 {

    /** The kind, as {@code type} spells it. */
    default String type() {
        return switch (this) {
            case Bearer bearer -> "bearer";
            case Header header -> "header";
            case Basic basic -> "basic";
            case OAuth2 oauth2 -> "oauth2";
            case AwsSigV4 sigV4 -> "aws-sigv4";
        };
    }

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(Secret token) implements HttpAuth {
        public Bearer {
            if (token == null || token.isEmpty()) {
                throw new FieldException("token", "is required; write token: ${YOUR_TOKEN_VARIABLE}");
            }
        }
    }

    /** A header of your choosing carrying the credential, such as {@code X-API-Key}. */
    record Header(String name, Secret value) implements HttpAuth {
        private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

        public Header {
            if (name == null || !TOKEN.matcher(name).matches()) {
                throw new FieldException("name", "must be an HTTP header name such as X-API-Key, got '" + name + "'");
            }
            if (value == null || value.isEmpty()) {
                throw new FieldException("value", "is required; write value: ${YOUR_KEY_VARIABLE}");
            }
        }
    }

    /** HTTP basic authentication, as used by CalDAV servers, Jira and many self-hosted functions. */
    record Basic(String username, Secret password) implements HttpAuth {
        public Basic {
            if (username == null || username.isEmpty() || username.contains(":")) {
                throw new FieldException("username", "is required and cannot contain ':'");
            }
            if (password == null || password.isEmpty()) {
                throw new FieldException("password", "is required; write password: ${YOUR_PASSWORD_VARIABLE}");
            }
        }
    }

    /**
     * OAuth 2.0 access tokens fetched from {@code token-url}: the client-credentials grant, or the
     * refresh-token grant when {@code refresh-token} is given. Tokens are cached until shortly before
     * they expire and fetched again when an API answers 401.
     *
     * @param clientAuth {@code body} (client_secret_post, the default) or {@code basic}
     *     (client_secret_basic)
     */
    record OAuth2(
            String tokenUrl,
            Secret clientId,
            Secret clientSecret,
            Secret refreshToken,
            String scope,
            String audience,
            String clientAuth)
            implements HttpAuth {
        public OAuth2 {
            if (tokenUrl == null || !ToolsetDefinition.isHttpUrl(tokenUrl)) {
                throw new FieldException(
                        "token-url",
                        "must be the provider's token endpoint, such as https://oauth2.googleapis.com/token");
            }
            if (clientId == null || clientId.isEmpty()) {
                throw new FieldException("client-id", "is required; write client-id: ${YOUR_CLIENT_ID_VARIABLE}");
            }
            if (clientSecret == null) {
                clientSecret = new Secret("", null);
            }
            if (refreshToken != null && refreshToken.isEmpty()) {
                refreshToken = null;
            }
            if (refreshToken == null && clientSecret.isEmpty()) {
                throw new FieldException(
                        "client-secret",
                        "is required for the client-credentials grant; write client-secret: ${YOUR_SECRET_VARIABLE},"
                                + " or give refresh-token for the refresh-token grant");
            }
            clientAuth = clientAuth == null ? "body" : clientAuth;
            if (!clientAuth.equals("body") && !clientAuth.equals("basic")) {
                throw new FieldException("client-auth", "must be body or basic, got '" + clientAuth + "'");
            }
        }

        public String grant() {
            return refreshToken == null ? "client_credentials" : "refresh_token";
        }
    }

    /**
     * AWS Signature Version 4, computed by the AWS SDK's signer.
     *
     * @param service the signing name, such as {@code lambda}
     * @param sessionToken for temporary credentials; empty when there is none
     */
    record AwsSigV4(String region, String service, Secret accessKeyId, Secret secretAccessKey, Secret sessionToken)
            implements HttpAuth {
        private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

        public AwsSigV4 {
            if (region == null || !REGION.matcher(region).matches()) {
                throw new FieldException("region", "must be an AWS region such as eu-central-1, got '" + region + "'");
            }
            if (service == null || !service.matches("[a-z0-9-]+")) {
                throw new FieldException("service", "must be the service's signing name, such as lambda");
            }
            if (accessKeyId == null || accessKeyId.isEmpty()) {
                throw new FieldException("access-key-id", "is required; write access-key-id: ${AWS_ACCESS_KEY_ID}");
            }
            if (secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new FieldException(
                        "secret-access-key", "is required; write secret-access-key: ${AWS_SECRET_ACCESS_KEY}");
            }
            if (sessionToken != null && sessionToken.isEmpty()) {
                sessionToken = null;
            }
        }
    }
}
