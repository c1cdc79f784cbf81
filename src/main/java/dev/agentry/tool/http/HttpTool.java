package dev.agentry.tool.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.HttpBinding;
import dev.agentry.tool.HttpToolDefinition;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolSpec;
import dev.agentry.tool.ToolsetDefinition;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One declarative HTTP tool: fills its request template, sends it over its toolset's
 * {@link Connection}, follows the API's pagination if told to, and returns the chosen part of the
 * answer.
 */
final class HttpTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSpec spec;
    private final ToolsetDefinition.Http toolset;
    private final HttpToolDefinition definition;
    private final RequestTemplate template;
    private final Connection connection;

    HttpTool(ToolsetDefinition.Http toolset, HttpToolDefinition definition, Connection connection) {
        this.toolset = toolset;
        this.definition = definition;
        this.connection = connection;
        this.template = new RequestTemplate(definition.http());
        this.spec = new ToolSpec(
                toolset.name(),
                definition.name(),
                definition.description(),
                ArgumentSchema.of(definition.parameters()),
                definition.annotations());
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public boolean sendsIdempotencyKey() {
        return template.mentions(HttpToolDefinition.IDEMPOTENCY_KEY);
    }

    @Override
    public ToolResult call(ToolCall call, ToolContext context) {
        ObjectNode arguments = call.arguments().deepCopy();
        arguments.put(HttpToolDefinition.IDEMPOTENCY_KEY, idempotencyKey(context, call));
        Outgoing first;
        try {
            first = request(arguments);
        } catch (IllegalArgumentException e) {
            return ToolResult.failed(spec.id() + " cannot be called: " + e.getMessage());
        }
        boolean retryable = spec.annotations().retryable();
        String errorHeader = definition.http().errorHeader();
        ToolResult answer = connection.exchange(spec.id(), first, context.deadline(), retryable, errorHeader);
        HttpBinding.Pages pages = definition.http().pages();
        if (pages == null || !(answer instanceof ToolResult.Success(JsonNode page))) {
            return pick(answer);
        }
        JsonPointer items = JsonPointer.compile(pages.items());
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        page.at(items).forEach(all::add);
        for (int read = 1; read < pages.maxPages(); read++) {
            Optional<Outgoing> next;
            try {
                next = next(page, pages, arguments);
            } catch (IllegalArgumentException e) {
                return ToolResult.failed("page " + (read + 1) + " failed after " + all.size() + " items: " + spec.id()
                        + " cannot follow to the next page: " + e.getMessage());
            }
            if (next.isEmpty()) {
                break;
            }
            // Reading a further page changes nothing, so it may be retried whatever the tool is.
            ToolResult more = connection.exchange(spec.id(), next.get(), context.deadline(), true, errorHeader);
            if (!(more instanceof ToolResult.Success(JsonNode nextPage))) {
                return ToolResult.failed(
                        "page " + (read + 1) + " failed after " + all.size() + " items: " + more.modelText());
            }
            page = nextPage;
            page.at(items).forEach(all::add);
        }
        // The last page's own fields (a link or token to the rest, done flags), with every item read.
        JsonNode merged = page.deepCopy();
        JsonNode parent = merged.at(items.head());
        if (parent instanceof ObjectNode object) {
            object.set(items.last().getMatchingProperty(), all);
        } else if (items.matches()) {
            merged = all;
        }
        return pick(ToolResult.success(merged));
    }

    private Outgoing request(JsonNode arguments) {
        URI uri = URI.create(toolset.baseUrl().replaceAll("/+$", "") + template.pathAndQuery(arguments));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.putAll(toolset.headers());
        headers.putAll(template.headers(arguments));
        byte[] body = null;
        Optional<JsonNode> json = template.body(arguments);
        if (json.isPresent()) {
            headers.put("Content-Type", "application/json");
            body = json.get().toString().getBytes(StandardCharsets.UTF_8);
        }
        return new Outgoing(definition.http().method(), uri, headers, body);
    }

    /** The request for the page after {@code page}, or empty when it was the last. */
    private Optional<Outgoing> next(JsonNode page, HttpBinding.Pages pages, ObjectNode arguments) {
        if (pages.nextUrl() != null) {
            JsonNode link = page.at(pages.nextUrl());
            if (!link.isTextual() || link.asText().isEmpty()) {
                return Optional.empty();
            }
            URI base = URI.create(toolset.baseUrl());
            URI target = base.resolve(link.asText());
            if (!sameOrigin(base, target)) {
                // The toolset's credentials go with the request: only to the scheme, host and port they are for.
                throw new IllegalArgumentException("the link " + target.getScheme() + "://" + target.getRawAuthority()
                        + " is not the toolset's own " + base.getScheme() + "://" + base.getRawAuthority());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept", "application/json");
            headers.putAll(toolset.headers());
            return Optional.of(new Outgoing("GET", target, headers, null));
        }
        JsonNode token = page.at(pages.nextToken());
        if (!token.isValueNode() || token.isNull() || token.asText().isEmpty()) {
            return Optional.empty();
        }
        arguments.set(pages.tokenArgument(), token);
        return Optional.of(request(arguments));
    }

    /** Same scheme, host and port, a port left out counting as the scheme's default. */
    static boolean sameOrigin(URI base, URI target) {
        return base.getScheme() != null
                && base.getScheme().equalsIgnoreCase(target.getScheme())
                && base.getHost() != null
                && base.getHost().equalsIgnoreCase(target.getHost())
                && port(base) == port(target);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    private ToolResult pick(ToolResult answer) {
        String pointer = definition.http().result();
        if (pointer.isEmpty() || !(answer instanceof ToolResult.Success(JsonNode value))) {
            return answer;
        }
        JsonNode part = value.at(pointer);
        return ToolResult.success(part.isMissingNode() ? JsonNodeFactory.instance.nullNode() : part);
    }

    /**
     * A key for APIs that de-duplicate side effects: the same for the same call of the same step of
     * the same run, so a resumed run that repeats a call is recognised; 32 lowercase hex characters,
     * which suits both Idempotency-Key headers and Google Calendar event ids.
     */
    static String idempotencyKey(ToolContext context, ToolCall call) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((context.runId() + "/" + context.step() + "/" + call.id())
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static JsonNode parse(byte[] body, int status) {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode().put("status", status);
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException notJson) {
            return JsonNodeFactory.instance.textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
