package dev.agentry.tool;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.ByteSize;
import dev.agentry.asset.FieldException;
import dev.agentry.asset.Secret;
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
@JsonSubTypes({
    @JsonSubTypes.Type(value = ToolsetDefinition.Http.class, name = "http"),
    @JsonSubTypes.Type(value = ToolsetDefinition.Mcp.class, name = "mcp"),
    @JsonSubTypes.Type(value = ToolsetDefinition.OpenApi.class, name = "openapi")
})
public sealed interface ToolsetDefinition
        permits ToolsetDefinition.Http, ToolsetDefinition.Mcp, ToolsetDefinition.OpenApi {

    /** Longest function name models accept (OpenAI's limit). */
    int MAX_FUNCTION_NAME = 64;

    String name();

    String description();

    /** A kind's name as {@code type} spells it. */
    default String type() {
        return switch (this) {
            case Http http -> "http";
            case Mcp mcp -> "mcp";
            case OpenApi openApi -> "openapi";
        };
    }

    /**
     * Requests that go over HTTP: one base URL, one auth, one request template per tool.
     *
     * @param allowedHosts the only hosts requests may go to ({@code api.example.com} or
     *     {@code *.example.com}); by default the base URL's host. A request that would leave them,
     *     such as a next-page link elsewhere, is refused.
     * @param retries how often a failed call to an idempotent tool is tried again
     * @param maxResponse the largest response body read; a larger one fails the call
     */
    record Http(
            String name,
            String description,
            String baseUrl,
            List<String> allowedHosts,
            HttpAuth auth,
            Duration timeout,
            Retries retries,
            ByteSize maxResponse,
            Map<String, String> headers,
            List<HttpToolDefinition> tools)
            implements ToolsetDefinition {

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
        public static final ByteSize DEFAULT_MAX_RESPONSE = ByteSize.ofMebibytes(1);

        public Http {
            requireName(name);
            description = description == null ? "" : description;
            Transport transport = new Transport(baseUrl, allowedHosts, timeout, retries, maxResponse, headers);
            allowedHosts = transport.allowedHosts();
            timeout = transport.timeout();
            retries = transport.retries();
            maxResponse = transport.maxResponse();
            headers = transport.headers();
            tools = requireTools(name, tools);
        }
    }

    /**
     * An MCP server's tools: a local command spoken to over stdio, or a streamable HTTP endpoint.
     * The environment given to the command and the headers sent to the endpoint are secrets: shown
     * only by reference or masked.
     *
     * @param allow the server's tools agents may use, by the server's names; {@code "*"} for all
     * @param annotations per tool (server's name), overriding what the server says of it
     */
    record Mcp(
            String name,
            String description,
            List<String> command,
            Map<String, Secret> env,
            String url,
            Map<String, Secret> headers,
            List<String> allowedHosts,
            Duration timeout,
            List<String> allow,
            Map<String, ToolAnnotations> annotations)
            implements ToolsetDefinition {

        public Mcp {
            requireName(name);
            description = description == null ? "" : description;
            command = command == null ? List.of() : List.copyOf(command);
            if (command.isEmpty() == (url == null)) {
                throw new FieldException(
                        "command",
                        "give exactly one of command (a server started over stdio, such as [npx, -y, server])"
                                + " or url (a streamable HTTP endpoint)");
            }
            if (url != null && !isHttpUrl(url)) {
                throw new FieldException("url", "must be an http or https URL such as https://mcp.example.com/mcp");
            }
            env = env == null ? Map.of() : Map.copyOf(env);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (url == null) {
                if (allowedHosts != null && !allowedHosts.isEmpty()) {
                    throw new FieldException(
                            "allowed-hosts", "applies to a url; a server started by command has no host to allow");
                }
                allowedHosts = List.of();
            } else {
                String host = URI.create(url).getHost().toLowerCase(java.util.Locale.ROOT);
                allowedHosts = allowedHosts == null || allowedHosts.isEmpty()
                        ? List.of(host)
                        : Transport.checkedHosts(allowedHosts);
                if (!Transport.allows(allowedHosts, host)) {
                    throw new FieldException(
                            "url", "goes to " + host + ", which allowed-hosts " + allowedHosts + " does not include");
                }
            }
            timeout = timeoutOrDefault(timeout);
            if (allow == null || allow.isEmpty()) {
                throw new FieldException(
                        "allow",
                        "is required; list the server's tools agents may use, or [\"*\"] for every one it offers");
            }
            allow = List.copyOf(allow);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }

        public boolean allows(String tool) {
            return allow.contains("*") || allow.contains(tool);
        }
    }

    /**
     * Tools made from an OpenAPI 3 document: one per chosen operation, sent like a declarative HTTP
     * tool. GET and HEAD operations are read-only, PUT and DELETE idempotent, unless
     * {@code annotations} says otherwise.
     *
     * @param spec the document: a path inside the tools folder, or an http(s) URL
     * @param baseUrl where requests go; by default the document's first server
     * @param operations the operations to offer, by operationId
     */
    record OpenApi(
            String name,
            String description,
            String spec,
            String baseUrl,
            List<String> allowedHosts,
            HttpAuth auth,
            Duration timeout,
            Retries retries,
            ByteSize maxResponse,
            Map<String, String> headers,
            List<String> operations,
            Map<String, ToolAnnotations> annotations)
            implements ToolsetDefinition {

        public OpenApi {
            requireName(name);
            description = description == null ? "" : description;
            if (spec == null || spec.isBlank()) {
                throw new FieldException(
                        "spec", "is required; give the OpenAPI document's path in tools/ or its https URL");
            }
            if (!isHttpUrl(spec) && (spec.startsWith("/") || spec.contains("..") || spec.contains("\\"))) {
                throw new FieldException(
                        "spec", "must be a path inside the tools folder (no '/' at the start, no '..') or a URL");
            }
            if (baseUrl != null && !isHttpUrl(baseUrl)) {
                throw new FieldException("base-url", "must be an http or https URL, got '" + baseUrl + "'");
            }
            allowedHosts = allowedHosts == null ? null : List.copyOf(allowedHosts);
            timeout = timeoutOrDefault(timeout);
            retries = retries == null ? Retries.DEFAULT : retries;
            maxResponse = maxResponseOrDefault(maxResponse);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (operations == null || operations.isEmpty()) {
                throw new FieldException("operations", "is required; list the operationIds agents may call");
            }
            operations = List.copyOf(operations);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    /**
     * Retries of failed calls to idempotent tools: after a connection failure, a timeout, or a 429,
     * 500, 502, 503 or 504, waiting {@code backoff}, then twice that, and so on (or what Retry-After
     * asks, within the deadline).
     */
    record Retries(Integer max, Duration backoff) {
        public static final Retries DEFAULT = new Retries(2, Duration.ofMillis(200));

        public Retries {
            max = max == null ? DEFAULT.max() : max;
            if (max < 0 || max > 10) {
                throw new FieldException("max", "must be between 0 (no retries) and 10, got " + max);
            }
            backoff = backoff == null ? DEFAULT.backoff() : backoff;
            if (backoff.isNegative()) {
                throw new FieldException("backoff", "cannot be negative");
            }
        }
    }

    /** The transport fields Http checks and completes, kept together so their rules live in one place. */
    record Transport(
            String baseUrl,
            List<String> allowedHosts,
            Duration timeout,
            Retries retries,
            ByteSize maxResponse,
            Map<String, String> headers) {

        private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
                "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
        /** An IPv4 range, which lets requests reach private addresses that names resolve to. */
        private static final java.util.regex.Pattern RANGE =
                java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}");

        public Transport {
            if (baseUrl == null || !isHttpUrl(baseUrl)) {
                throw new FieldException(
                        "base-url",
                        "must be an http or https URL such as https://api.example.com/v1, got '" + baseUrl + "'");
            }
            String baseHost = URI.create(baseUrl).getHost().toLowerCase(java.util.Locale.ROOT);
            if (allowedHosts == null || allowedHosts.isEmpty()) {
                allowedHosts = List.of(baseHost);
            } else {
                allowedHosts = checkedHosts(allowedHosts);
                if (!allows(allowedHosts, baseHost)) {
                    throw new FieldException(
                            "base-url",
                            "goes to " + baseHost + ", which allowed-hosts " + allowedHosts
                                    + " does not include; add the host or fix the URL");
                }
            }
            timeout = timeoutOrDefault(timeout);
            retries = retries == null ? Retries.DEFAULT : retries;
            maxResponse = maxResponseOrDefault(maxResponse);
            headers = headers == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        }

        /**
         * Allowed hosts as written, lower-cased: names, {@code *.example.com} wildcards (not over a
         * public suffix) and IPv4 ranges.
         *
         * @throws FieldException naming the entry of {@code allowed-hosts} that is none of these
         */
        static List<String> checkedHosts(List<String> allowedHosts) {
            List<String> hosts = new java.util.ArrayList<>();
            for (int i = 0; i < allowedHosts.size(); i++) {
                String host = allowedHosts.get(i).toLowerCase(java.util.Locale.ROOT);
                if (!HOST.matcher(host).matches() && !RANGE.matcher(host).matches()) {
                    throw new FieldException(
                            "allowed-hosts[" + i + "]",
                            "must be a host name such as api.example.com or *.example.com, or an address range"
                                    + " such as 10.0.0.0/8, got '" + host + "'");
                }
                if (host.startsWith("*.") && publicSuffix(host.substring(2))) {
                    throw new FieldException(
                            "allowed-hosts[" + i + "]",
                            "'" + host + "' covers every host under the public suffix '" + host.substring(2)
                                    + "'; name the domain, such as *.example." + host.substring(2));
                }
                hosts.add(host);
            }
            return List.copyOf(hosts);
        }

        /** Whether {@code domain} is a public suffix ({@code com}, {@code co.uk}), under which anyone may register. */
        private static boolean publicSuffix(String domain) {
            return com.google.common.net.InternetDomainName.isValid(domain)
                    && com.google.common.net.InternetDomainName.from(domain).isPublicSuffix();
        }

        /** Whether {@code host} is one of {@code allowed} ({@code *.example.com} covers its subdomains). */
        public static boolean allows(List<String> allowed, String host) {
            if (host == null) {
                return false;
            }
            String h = host.toLowerCase(java.util.Locale.ROOT);
            for (String pattern : allowed) {
                if (pattern.startsWith("*.") ? h.endsWith(pattern.substring(1)) : h.equals(pattern)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A request timeout as written, or the default; refused unless longer than zero. */
    private static Duration timeoutOrDefault(Duration timeout) {
        Duration checked = timeout == null ? Http.DEFAULT_TIMEOUT : timeout;
        if (checked.isZero() || checked.isNegative()) {
            throw new FieldException("timeout", "must be longer than zero, such as 10s");
        }
        return checked;
    }

    /** A response cap as written, or the default; refused outside 1KB to 64MB. */
    private static ByteSize maxResponseOrDefault(ByteSize maxResponse) {
        ByteSize checked = maxResponse == null ? Http.DEFAULT_MAX_RESPONSE : maxResponse;
        if (checked.bytes() < 1024 || checked.bytes() > 64L * 1024 * 1024) {
            throw new FieldException("max-response", "must be between 1KB and 64MB, got " + checked.bytes());
        }
        return checked;
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
