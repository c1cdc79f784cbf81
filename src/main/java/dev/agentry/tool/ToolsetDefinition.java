package dev.agentry.tool;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.FieldException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A toolset as written in {@code tools/<name>.yaml}. The {@code type} field picks the kind; without
 * it a toolset is declarative HTTP.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = ToolsetDefinition.Http.class)
@JsonSubTypes({@JsonSubTypes.Type(value = ToolsetDefinition.Http.class, name = "http")})
public sealed interface ToolsetDefinition permits ToolsetDefinition.Http {

    /** Longest function name models accept (OpenAI's limit). */
    int MAX_FUNCTION_NAME = 64;

    String name();

    String description();

    /** Requests that go over HTTP: one base URL, one auth, one request template per tool. */
    record Http(
            String name,
            String description,
            String baseUrl,
            HttpAuth auth,
            Duration timeout,
            Map<String, String> headers,
            List<HttpToolDefinition> tools)
            implements ToolsetDefinition {

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Http {
            requireName(name);
            description = description == null ? "" : description;
            if (baseUrl == null || !isHttpUrl(baseUrl)) {
                throw new FieldException(
                        "base-url",
                        "must be an http or https URL such as https://api.example.com/v1, got '" + baseUrl + "'");
            }
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            if (timeout.isZero() || timeout.isNegative()) {
                throw new FieldException("timeout", "must be longer than zero, such as 10s");
            }
            headers = headers == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
            tools = requireTools(name, tools);
        }
    }

    private static void requireName(String name) {
        if (name == null || !AssetFolder.NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name",
                    "must be lowercase letters, digits and hyphens, starting with a letter, got '" + name + "'");
        }
    }

    private static <T extends NamedTool> List<T> requireTools(String toolset, List<T> tools) {
        if (tools == null || tools.isEmpty()) {
            throw new FieldException("tools", "is required; describe at least one tool");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            String name = tools.get(i).name();
            if (!seen.add(name)) {
                throw new FieldException("tools[" + i + "].name", "repeats '" + name + "'; tool names must be unique");
            }
            if (toolset.length() + 1 + name.length() > MAX_FUNCTION_NAME) {
                throw new FieldException(
                        "tools[" + i + "].name",
                        "makes the function name '" + toolset + "_" + name + "' longer than " + MAX_FUNCTION_NAME
                                + " characters, which models refuse; shorten the toolset or tool name");
            }
        }
        return List.copyOf(tools);
    }

    static boolean isHttpUrl(String text) {
        try {
            URI uri = URI.create(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
