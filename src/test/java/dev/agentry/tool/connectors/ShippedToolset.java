package dev.agentry.tool.connectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.Variables;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import dev.agentry.tool.http.HttpToolsetFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A toolset file exactly as shipped in {@code tools/}, read by the production reader with its
 * variables pointed at a WireMock server that plays the provider, and built by the production
 * factory. Values in {@code variables} may say {@code {base}} for the server's address.
 */
final class ShippedToolset implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer server;
    private final Map<String, Tool> tools = new LinkedHashMap<>();

    ShippedToolset(String file, Map<String, String> variables) {
        server = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        Map<String, String> values = new HashMap<>();
        variables.forEach((name, value) -> values.put(name, value.replace("{base}", server.baseUrl())));
        ToolsetDefinition definition = AssetBinder.create()
                .read(Path.of("tools", file), "tools/" + file, ToolsetDefinition.class, Variables.of(values))
                .value();
        new HttpToolsetFactory()
                .create((ToolsetDefinition.Http) definition)
                .forEach(tool -> tools.put(tool.spec().name(), tool));
    }

    Tool tool(String name) {
        Tool tool = tools.get(name);
        if (tool == null) {
            throw new IllegalArgumentException("no tool " + name + " in " + tools.keySet());
        }
        return tool;
    }

    /** Calls {@code name} as step 1 of run_1 with call id {@code callId}, checking the arguments against its schema first. */
    ToolResult call(String name, String arguments, String callId) {
        Tool tool = tool(name);
        try {
            var parsed = JSON.readTree(arguments);
            var problems = tool.spec().parameters().problems(parsed);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("the test's arguments break the schema: " + problems);
            }
            return tool.call(
                    new ToolCall(callId, tool.spec().id(), parsed),
                    new ToolContext(
                            "run_1",
                            "agent",
                            1,
                            Instant.now().plus(Duration.ofSeconds(30)),
                            "default",
                            ToolInvoker.none()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ToolResult call(String name, String arguments) {
        return call(name, arguments, "call_1");
    }

    @Override
    public void close() {
        server.stop();
    }
}
