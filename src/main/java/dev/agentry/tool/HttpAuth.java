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
    @JsonSubTypes.Type(value = HttpAuth.Header.class, name = "header")
})
public sealed interface HttpAuth permits HttpAuth.Bearer, HttpAuth.Header {

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
}
