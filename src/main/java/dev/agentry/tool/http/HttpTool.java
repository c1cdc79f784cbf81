package dev.agentry.tool.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.HttpAuth;
import dev.agentry.tool.HttpToolDefinition;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolSpec;
import dev.agentry.tool.ToolsetDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** One declarative HTTP tool: fills its request template, sends it, and returns the chosen part of the answer. */
final class HttpTool implements Tool {

    /** Largest response body read; a larger one is a failed call rather than a flooded model. */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    private static final int MAX_ERROR_EXCERPT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSpec spec;
    private final ToolsetDefinition.Http toolset;
    private final HttpToolDefinition definition;
    private final RequestTemplate template;
    private final HttpClient client;

    HttpTool(ToolsetDefinition.Http toolset, HttpToolDefinition definition, HttpClient client) {
        this.toolset = toolset;
        this.definition = definition;
        this.client = client;
        this.template = new RequestTemplate(definition.http());
        this.spec = new ToolSpec(
                toolset.name(),
                definition.name(),
                definition.description(),
                ArgumentSchema.of(definition.parameters()));
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult call(ToolCall call, ToolContext context) {
        Duration timeout = timeout(context.deadline());
        HttpRequest request;
        try {
            request = request(call.arguments(), timeout);
        } catch (IllegalArgumentException e) {
            return ToolResult.failed(spec.id() + " cannot be called: " + e.getMessage());
        }
        String what = request.method() + " " + request.uri();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream stream = response.body()) {
                body = stream.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (body.length > MAX_RESPONSE_BYTES) {
                return ToolResult.failed("the answer to " + what + " is larger than " + MAX_RESPONSE_BYTES
                        + " bytes; ask for less (filters, fewer fields, a smaller page)");
            }
            int status = response.statusCode();
            if (status < 200 || status > 299) {
                return ToolResult.failed("HTTP " + status + " from " + what + ": " + excerpt(body));
            }
            return ToolResult.success(pick(parse(body, status)));
        } catch (HttpTimeoutException e) {
            return ToolResult.failed(spec.id() + " timed out after " + timeout.toMillis() + " ms (" + what + ")");
        } catch (IOException e) {
            return ToolResult.failed(
                    spec.id() + " could not reach " + request.uri().getHost() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.failed(spec.id() + " was interrupted: the run was cancelled or ran out of time");
        }
    }

    private HttpRequest request(JsonNode arguments, Duration timeout) {
        URI uri = URI.create(toolset.baseUrl().replaceAll("/+$", "") + template.pathAndQuery(arguments));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "Agentry");
        toolset.headers().forEach(builder::header);
        template.headers(arguments).forEach(builder::header);
        switch (toolset.auth()) {
            case HttpAuth.Bearer bearer ->
                builder.header("Authorization", "Bearer " + bearer.token().value());
            case HttpAuth.Header header ->
                builder.header(header.name(), header.value().value());
            case null -> {
                // a public API
            }
        }
        var body = template.body(arguments);
        if (body.isPresent()) {
            builder.header("Content-Type", "application/json")
                    .method(
                            definition.http().method(),
                            HttpRequest.BodyPublishers.ofString(body.get().toString()));
        } else {
            builder.method(definition.http().method(), HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    private Duration timeout(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        Duration configured = toolset.timeout();
        if (left.compareTo(configured) < 0) {
            return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
        }
        return configured;
    }

    private static JsonNode parse(byte[] body, int status) {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode().put("status", status);
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JsonNodeFactory.instance.textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private JsonNode pick(JsonNode response) {
        String pointer = definition.http().result();
        if (pointer.isEmpty()) {
            return response;
        }
        JsonNode part = response.at(pointer);
        return part.isMissingNode() ? JsonNodeFactory.instance.nullNode() : part;
    }

    private static String excerpt(byte[] body) {
        String text =
                new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() > MAX_ERROR_EXCERPT ? text.substring(0, MAX_ERROR_EXCERPT) + "..." : text;
    }
}
