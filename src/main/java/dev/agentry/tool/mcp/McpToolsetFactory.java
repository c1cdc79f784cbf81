package dev.agentry.tool.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.asset.Secret;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.Egress;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolSpec;
import dev.agentry.tool.ToolsetDefinition;
import dev.agentry.tool.ToolsetFactory;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.McpToolMetadataKeys;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * MCP servers as toolsets, through langchain4j's MCP client: connects (starting a stdio server's
 * process), lists the server's tools, keeps those the allow list names, and closes the previous
 * connection when a toolset's file changes.
 */
@ApplicationScoped
public class McpToolsetFactory implements ToolsetFactory<ToolsetDefinition.Mcp> {

    private static final Logger LOG = Logger.getLogger(McpToolsetFactory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, McpClient> clients = new ConcurrentHashMap<>();

    @Override
    public Class<ToolsetDefinition.Mcp> type() {
        return ToolsetDefinition.Mcp.class;
    }

    @Override
    public List<Tool> create(ToolsetDefinition.Mcp definition) {
        McpClient client = connect(definition);
        List<ToolSpecification> offered;
        try {
            offered = client.listTools();
        } catch (RuntimeException e) {
            close(client);
            throw new AgentryException.Unavailable(
                    "MCP toolset '" + definition.name() + "' could not list the server's tools: " + e.getMessage());
        }
        Set<String> names = offered.stream().map(ToolSpecification::name).collect(Collectors.toSet());
        List<String> missing = definition.allow().stream()
                .filter(name -> !name.equals("*") && !names.contains(name))
                .toList();
        if (!missing.isEmpty()) {
            close(client);
            throw new AgentryException.InvalidInput(
                    422,
                    "MCP toolset '" + definition.name() + "' allows " + missing
                            + ", which the server does not offer; it offers "
                            + names.stream().sorted().toList()
                            + ". Fix the names in tools/" + definition.name() + ".yaml");
        }
        List<Tool> tools = new ArrayList<>();
        for (ToolSpecification offer : offered) {
            if (definition.allows(offer.name())) {
                tools.add(new McpTool(spec(definition, offer), offer.name(), client));
            }
        }
        McpClient previous = clients.put(definition.name(), client);
        if (previous != null && previous != client) {
            close(previous);
        }
        return tools;
    }

    private static McpClient connect(ToolsetDefinition.Mcp definition) {
        if (definition.url() != null) {
            String host = URI.create(definition.url()).getHost();
            Optional<String> internal =
                    Egress.refusal(host, definition.allowedHosts(), java.net.InetAddress::getAllByName);
            if (internal.isPresent()) {
                throw new AgentryException.Unavailable(
                        "MCP toolset '" + definition.name() + "' is not connected: " + internal.get());
            }
        }
        McpTransport transport = definition.url() != null
                ? StreamableHttpMcpTransport.builder()
                        .url(definition.url())
                        .customHeaders(reveal(definition.headers()))
                        .timeout(definition.timeout())
                        .build()
                : new StdioMcpTransport.Builder()
                        .command(stdioCommand(definition))
                        .environment(reveal(definition.env()))
                        .logEvents(false)
                        .build();
        try {
            return new DefaultMcpClient.Builder()
                    .key(definition.name())
                    .clientName("agentry")
                    .clientVersion("0.1")
                    .transport(transport)
                    .initializationTimeout(definition.timeout())
                    .toolExecutionTimeout(definition.timeout())
                    .build();
        } catch (RuntimeException e) {
            throw new AgentryException.Unavailable("MCP toolset '" + definition.name() + "' could not connect to "
                    + (definition.url() != null ? definition.url() : "its command " + definition.command()) + ": "
                    + e.getMessage());
        }
    }

    /** The server's command, run with none of the service's environment but the basics and its {@code env:}. */
    private static List<String> stdioCommand(ToolsetDefinition.Mcp definition) {
        // Started through env, a missing program would only show as a server that never answers.
        if (!StdioEnvironment.exists(definition.command().getFirst(), System.getenv("PATH"))) {
            throw new AgentryException.Unavailable("MCP toolset '" + definition.name()
                    + "' could not connect to its command " + definition.command() + ": no such program '"
                    + definition.command().getFirst() + "'; fix 'command' in tools/" + definition.name()
                    + ".yaml");
        }
        Set<String> own = definition.env() == null ? Set.of() : definition.env().keySet();
        return StdioEnvironment.command(definition.command(), System.getenv(), own)
                .orElseGet(() -> {
                    LOG.warnf(
                            "MCP toolset '%s': no env program (/usr/bin/env) to start its server with a clean"
                                    + " environment; the server inherits the service's",
                            definition.name());
                    return definition.command();
                });
    }

    /** The server's tool as Agentry names and describes it; the server's own name is kept for calls. */
    static ToolSpec spec(ToolsetDefinition.Mcp definition, ToolSpecification offer) {
        ObjectNode parameters = offer.parameters() == null
                ? JSON.createObjectNode()
                : JSON.valueToTree(JsonSchemaElementUtils.toMap(offer.parameters()));
        parameters.put("type", "object");
        ToolAnnotations annotations = definition.annotations().get(offer.name());
        if (annotations == null) {
            Map<String, Object> metadata = offer.metadata() == null ? Map.of() : offer.metadata();
            annotations = new ToolAnnotations(
                    hint(metadata, McpToolMetadataKeys.READ_ONLY_HINT),
                    hint(metadata, McpToolMetadataKeys.DESTRUCTIVE_HINT),
                    hint(metadata, McpToolMetadataKeys.IDEMPOTENT_HINT),
                    null);
        }
        return new ToolSpec(
                definition.name(),
                agentryName(definition.name(), offer.name()),
                offer.description(),
                ArgumentSchema.of(parameters),
                annotations);
    }

    /** MCP tool names may hold capitals, dots and hyphens; Agentry's are lowercase with '_'. */
    static String agentryName(String toolset, String name) {
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "t_" + clean;
        }
        int room = ToolsetDefinition.MAX_FUNCTION_NAME - toolset.length() - 1;
        return clean.length() > room ? clean.substring(0, room) : clean;
    }

    private static Map<String, String> reveal(Map<String, Secret> secrets) {
        Map<String, String> values = new java.util.HashMap<>();
        secrets.forEach((name, secret) -> values.put(name, secret.value()));
        return values;
    }

    private static Boolean hint(Map<String, Object> metadata, String key) {
        return metadata.get(key) instanceof Boolean value ? value : null;
    }

    private static void close(McpClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debugf("closing an MCP client failed: %s", e);
        }
    }

    @PreDestroy
    void closeAll() {
        clients.values().forEach(McpToolsetFactory::close);
        clients.clear();
    }
}
