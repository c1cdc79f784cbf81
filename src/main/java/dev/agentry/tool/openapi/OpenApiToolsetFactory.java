package dev.agentry.tool.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentry.AgentryException;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.StrictYaml;
import dev.agentry.tool.HttpBinding;
import dev.agentry.tool.HttpToolDefinition;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolsetDefinition;
import dev.agentry.tool.ToolsetFactory;
import dev.agentry.tool.http.HttpToolsetFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Toolsets made from an OpenAPI 3 document: each chosen operation becomes a declarative HTTP tool
 * (path, query and header parameters as arguments, a JSON request body as the argument
 * {@code body}), then built exactly like a hand-written HTTP toolset. Local {@code $ref}s are
 * inlined; external ones are not followed.
 */
@ApplicationScoped
public class OpenApiToolsetFactory implements ToolsetFactory<ToolsetDefinition.OpenApi> {

    /** Largest document read (JSON; YAML documents have the asset reader's 1 MiB limit). */
    static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final int MAX_REF_DEPTH = 32;
    /**
     * Schema nodes one parameter or body may become once its {@code $ref}s are inlined: a few
     * kilobytes of references to references can otherwise expand until memory runs out.
     */
    static final int MAX_INLINED_NODES = 50_000;

    private final Path toolsDir;
    private final HttpToolsetFactory http;

    /**
     * The service's factory. Marked for CDI: with two constructors and neither chosen, the container
     * made no bean of this class, and every OpenAPI toolset was refused as not supported.
     */
    @Inject
    OpenApiToolsetFactory(AssetsConfig config, HttpToolsetFactory http) {
        this(Path.of(config.toolsDir()), http);
    }

    public OpenApiToolsetFactory(Path toolsDir, HttpToolsetFactory http) {
        this.toolsDir = toolsDir;
        this.http = http;
    }

    @Override
    public Class<ToolsetDefinition.OpenApi> type() {
        return ToolsetDefinition.OpenApi.class;
    }

    @Override
    public List<Tool> create(ToolsetDefinition.OpenApi definition) {
        return http.create(toHttp(definition));
    }

    /** The HTTP toolset the document's chosen operations make. */
    public ToolsetDefinition.Http toHttp(ToolsetDefinition.OpenApi definition) {
        JsonNode document = read(definition);
        if (!document.path("openapi").asText().startsWith("3.")) {
            throw invalid(
                    definition,
                    "spec",
                    "is not an OpenAPI 3 document (its 'openapi' field is '"
                            + document.path("openapi").asText() + "'); Swagger 2 documents must be converted first");
        }
        Map<String, Operation> operations = operations(document);
        List<HttpToolDefinition> tools = new ArrayList<>();
        for (String operationId : definition.operations()) {
            Operation operation = operations.get(operationId);
            if (operation == null) {
                throw invalid(
                        definition,
                        "operations",
                        "names '" + operationId + "', which the document does not have; it has "
                                + operations.keySet().stream()
                                        .sorted()
                                        .limit(50)
                                        .toList());
            }
            try {
                tools.add(tool(document, operation, definition.annotations().get(operationId)));
            } catch (IllegalArgumentException e) {
                throw invalid(definition, "operations", "cannot offer '" + operationId + "': " + e.getMessage());
            }
        }
        try {
            return new ToolsetDefinition.Http(
                    definition.name(),
                    definition.description().isEmpty()
                            ? document.path("info").path("title").asText("")
                            : definition.description(),
                    baseUrl(definition, document),
                    definition.allowedHosts(),
                    definition.auth(),
                    definition.timeout(),
                    definition.retries(),
                    definition.maxResponse(),
                    definition.headers(),
                    tools);
        } catch (IllegalArgumentException e) {
            throw invalid(definition, "base-url", e.getMessage());
        }
    }

    private record Operation(String id, String method, String path, JsonNode pathItem, JsonNode node) {}

    private static Map<String, Operation> operations(JsonNode document) {
        Map<String, Operation> operations = new LinkedHashMap<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(entry -> {
                    String method = entry.getKey().toLowerCase(Locale.ROOT);
                    String id = entry.getValue().path("operationId").asText("");
                    if (METHODS.contains(method) && !id.isEmpty()) {
                        operations.put(id, new Operation(id, method, path.getKey(), path.getValue(), entry.getValue()));
                    }
                }));
        return operations;
    }

    private static HttpToolDefinition tool(JsonNode document, Operation operation, ToolAnnotations annotations) {
        ObjectNode properties = JSON.createObjectNode();
        ArrayNode required = JSON.createArrayNode();
        Map<String, JsonNode> query = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        String path = operation.path();
        List<JsonNode> parameters = new ArrayList<>();
        operation.pathItem().path("parameters").forEach(parameters::add);
        operation.node().path("parameters").forEach(parameters::add);
        for (JsonNode raw : parameters) {
            JsonNode parameter = resolve(document, raw, 0);
            String name = parameter.path("name").asText("");
            String in = parameter.path("in").asText("");
            if (name.isEmpty()) {
                continue;
            }
            String argument = argumentName(name);
            boolean mandatory = parameter.path("required").asBoolean(false) || in.equals("path");
            switch (in) {
                case "path" -> path = path.replace("{" + name + "}", "{" + argument + "}");
                case "query" -> query.put(name, TextNode.valueOf("{" + argument + "}"));
                case "header" -> headers.put(name, "{" + argument + "}");
                default -> {
                    if (mandatory) {
                        throw new IllegalArgumentException("its required " + in + " parameter '" + name
                                + "' cannot be sent; only path, query and header parameters are supported");
                    }
                    continue;
                }
            }
            ObjectNode schema = parameter.has("schema")
                    ? (ObjectNode) schema(document, parameter.path("schema"))
                    : JSON.createObjectNode().put("type", "string");
            if (parameter.hasNonNull("description") && !schema.has("description")) {
                schema.put("description", parameter.path("description").asText());
            }
            properties.set(argument, schema);
            if (mandatory) {
                required.add(argument);
            }
        }
        JsonNode body = null;
        JsonNode requestBody = resolve(document, operation.node().path("requestBody"), 0);
        JsonNode content = requestBody.path("content").path("application/json");
        if (!content.isMissingNode()) {
            String argument = properties.has("body") ? "requestBody" : "body";
            JsonNode bodySchema = content.has("schema")
                    ? schema(document, content.path("schema"))
                    : JSON.createObjectNode().put("type", "object");
            properties.set(argument, bodySchema);
            if (requestBody.path("required").asBoolean(false)) {
                required.add(argument);
            }
            body = TextNode.valueOf("{" + argument + "}");
        } else if (requestBody.path("required").asBoolean(false)) {
            throw new IllegalArgumentException("its request body is not application/json, which is all Agentry sends");
        }
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.set("properties", properties);
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        String summary = operation.node().path("summary").asText("");
        String description = operation.node().path("description").asText("");
        String text = (summary + (summary.isEmpty() || description.isEmpty() ? "" : ". ") + description).strip();
        return new HttpToolDefinition(
                toolName(operation.id()),
                text.length() > 1000 ? text.substring(0, 1000) : text,
                schema,
                annotations != null ? annotations : annotationsOf(operation.method()),
                new HttpBinding(operation.method(), path, query, headers, body, null, null, null));
    }

    /** What HTTP's own semantics say of a method: GET is safe, PUT and DELETE idempotent. */
    static ToolAnnotations annotationsOf(String method) {
        return switch (method) {
            case "get" -> ToolAnnotations.READ_ONLY;
            case "put", "delete" -> new ToolAnnotations(false, true, true, false);
            default -> ToolAnnotations.UNANNOTATED;
        };
    }

    /** {@code listPets} → {@code list_pets}; {@code get-pet.v2} → {@code get_pet_v2}. */
    static String toolName(String operationId) {
        String snake = operationId
                .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]+", "_")
                .replaceAll("^_+|_+$", "");
        if (snake.isEmpty() || !Character.isLetter(snake.charAt(0))) {
            snake = "op_" + snake;
        }
        return snake.length() > 60 ? snake.substring(0, 60) : snake;
    }

    private static String argumentName(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isLetter(clean.charAt(0)) || clean.charAt(0) == '_' ? clean : "_" + clean;
    }

    /** A schema with local references inlined and OpenAPI 3.0's boolean exclusive bounds dropped. */
    private static JsonNode schema(JsonNode document, JsonNode schema) {
        JsonNode resolved = inline(document, schema, 0, new int[] {0});
        return resolved.isObject() ? resolved : JSON.createObjectNode();
    }

    /**
     * @param made the nodes made so far for this schema, bounded by {@link #MAX_INLINED_NODES}
     * @throws IllegalArgumentException past that bound, or for a keyword that would make the schema
     *     library look elsewhere ({@code $dynamicRef})
     */
    private static JsonNode inline(JsonNode document, JsonNode node, int depth, int[] made) {
        if (++made[0] > MAX_INLINED_NODES) {
            throw new IllegalArgumentException("its schema's $refs expand to more than " + MAX_INLINED_NODES
                    + " nodes; simplify the schema or describe this operation by hand in an http toolset");
        }
        if (node.isObject()) {
            if (node.has("$ref")) {
                return depth >= MAX_REF_DEPTH
                        ? JSON.createObjectNode()
                        : inline(document, resolve(document, node, depth), depth + 1, made);
            }
            if (node.has("$dynamicRef")) {
                throw new IllegalArgumentException(
                        "its schema uses $dynamicRef, which Agentry does not resolve; only #/ references are");
            }
            ObjectNode copy = JSON.createObjectNode();
            node.properties().forEach(field -> {
                String key = field.getKey();
                if ((key.equals("exclusiveMinimum") || key.equals("exclusiveMaximum"))
                        && field.getValue().isBoolean()) {
                    return;
                }
                // Identifiers a schema library would resolve (and fetch) against: references are inlined here.
                if (IGNORED.contains(key)) {
                    return;
                }
                copy.set(key, inline(document, field.getValue(), depth, made));
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(inline(document, element, depth, made)));
            return copy;
        }
        return node;
    }

    /** Keywords dropped from inlined schemas: OpenAPI's own, and identifiers that point elsewhere. */
    private static final java.util.Set<String> IGNORED =
            java.util.Set.of("nullable", "example", "xml", "$id", "$schema", "$anchor", "$dynamicAnchor");

    /** Follows a {@code $ref} to {@code #/...} in the same document; anything else stays as it is. */
    private static JsonNode resolve(JsonNode document, JsonNode node, int depth) {
        JsonNode current = node;
        for (int hops = depth; current.has("$ref") && hops < MAX_REF_DEPTH; hops++) {
            String reference = current.path("$ref").asText();
            if (!reference.startsWith("#/")) {
                throw new IllegalArgumentException(
                        "it refers to '" + reference + "' in another document; only #/ references are followed");
            }
            JsonNode target = document.at(reference.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("it refers to '" + reference + "', which the document lacks");
            }
            current = target;
        }
        return current;
    }

    private String baseUrl(ToolsetDefinition.OpenApi definition, JsonNode document) {
        if (definition.baseUrl() != null) {
            return definition.baseUrl();
        }
        JsonNode server = document.path("servers").path(0);
        String url = server.path("url").asText("");
        for (var variable : server.path("variables").properties()) {
            url = url.replace(
                    "{" + variable.getKey() + "}",
                    variable.getValue().path("default").asText(""));
        }
        if (ToolsetDefinition.isHttpUrl(url)) {
            if (ToolsetDefinition.isHttpUrl(definition.spec())
                    && !sameOrigin(url, definition.spec())
                    && !listed(definition.allowedHosts(), URI.create(url).getHost())) {
                // A fetched document must not choose where the toolset's credentials go.
                throw invalid(
                        definition,
                        "base-url",
                        "is needed: the fetched document names its server '" + url + "', not the host it came"
                                + " from, and only a host you name receives the toolset's credentials; write"
                                + " base-url: " + url + " (or list its host in allowed-hosts)");
            }
            return url;
        }
        if (!url.isEmpty() && ToolsetDefinition.isHttpUrl(definition.spec())) {
            return URI.create(definition.spec()).resolve(url).toString();
        }
        throw invalid(
                definition,
                "base-url",
                "is needed: the document's first server is '" + url + "', not a full URL; write base-url:"
                        + " https://api.example.com");
    }

    private static boolean sameOrigin(String a, String b) {
        URI x = URI.create(a);
        URI y = URI.create(b);
        return x.getScheme().equalsIgnoreCase(y.getScheme())
                && String.valueOf(x.getHost()).equalsIgnoreCase(String.valueOf(y.getHost()))
                && port(x) == port(y);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean listed(List<String> hosts, String host) {
        return hosts != null && host != null && hosts.stream().anyMatch(listed -> listed.equalsIgnoreCase(host));
    }

    private JsonNode read(ToolsetDefinition.OpenApi definition) {
        byte[] bytes;
        String source = definition.spec();
        try {
            bytes = ToolsetDefinition.isHttpUrl(source) ? fetch(source, definition.timeout()) : readFile(source);
        } catch (IOException e) {
            throw invalid(definition, "spec", "cannot be read: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw invalid(definition, "spec", "was not read: interrupted");
        }
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw invalid(definition, "spec", "is larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        String start =
                new String(bytes, 0, Math.min(bytes.length, 64), java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            return start.startsWith("{")
                    ? JSON.readTree(bytes)
                    : StrictYaml.read(source, bytes).root();
        } catch (IOException | RuntimeException e) {
            throw invalid(definition, "spec", "is not valid JSON or YAML: " + e.getMessage());
        }
    }

    private byte[] readFile(String relative) throws IOException {
        Path root = toolsDir.toAbsolutePath().normalize();
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root)) {
            throw new IOException("it is outside the tools folder");
        }
        if (Files.size(file) > MAX_DOCUMENT_BYTES) {
            throw new IOException("it is larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /**
     * The document at {@code url}: over HTTPS (plain HTTP only to this machine), without following
     * redirects, at most {@link #MAX_DOCUMENT_BYTES}, all within {@code timeout}.
     */
    static byte[] fetch(String url, Duration timeout) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !loopback(uri.getHost())) {
            throw new IOException("documents are fetched over HTTPS only (plain HTTP only from this machine);"
                    + " use an https URL, or save the document in tools/ and name its path");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Accept", "application/json, application/yaml")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 == 3) {
                throw new IOException("HTTP " + response.statusCode() + " from " + url + " redirects to "
                        + response.headers().firstValue("Location").orElse("nowhere")
                        + "; redirects are not followed, name the document's own URL");
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            // The request's timeout ends with the headers; a body that trickles is bounded here.
            java.util.concurrent.FutureTask<byte[]> read =
                    new java.util.concurrent.FutureTask<>(() -> body.readNBytes(MAX_DOCUMENT_BYTES + 1));
            Thread.ofVirtual().start(read);
            try {
                return read.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                read.cancel(true);
                throw new IOException("it did not arrive within " + timeout + " from " + url);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
            }
        }
    }

    /** {@code localhost}, an IPv4 address in 127.0.0.0/8 or {@code [::1]}; a name such as {@code 127.evil.example} is not. */
    static boolean loopback(String host) {
        return host != null
                && (host.equalsIgnoreCase("localhost")
                        || host.equals("[::1]")
                        || LOOPBACK_V4.matcher(host).matches());
    }

    private static final java.util.regex.Pattern LOOPBACK_V4 =
            java.util.regex.Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private static AgentryException.InvalidInput invalid(
            ToolsetDefinition.OpenApi definition, String field, String message) {
        return new AgentryException.InvalidInput(
                422, "tools/" + definition.name() + ".yaml: field '" + field + "' " + message);
    }
}
