package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Limits;
import dev.agentry.agent.Schedule;
import dev.agentry.model.ModelSettings;
import dev.agentry.policy.Policy;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.tool.HttpAuth;
import dev.agentry.tool.HttpBinding;
import dev.agentry.tool.HttpToolDefinition;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolsetDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas shipped in the asset folders describe exactly what the reader accepts: every
 * bundled example passes both, and each schema names the same fields as the record it stands for.
 */
class AssetSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AssetBinder BINDER = AssetBinder.create();
    private static final Variables DEMO = Variables.of(Map.ofEntries(
            Map.entry("GOOGLE_CLIENT_ID", "client-id-1"),
            Map.entry("GOOGLE_CLIENT_SECRET", "client-secret-1"),
            Map.entry("GOOGLE_REFRESH_TOKEN", "refresh-token-1"),
            Map.entry("SALESFORCE_INSTANCE_URL", "https://example.my.salesforce.com"),
            Map.entry("SALESFORCE_CLIENT_ID", "client-id-2"),
            Map.entry("SALESFORCE_CLIENT_SECRET", "client-secret-2"),
            Map.entry("MS_TENANT_ID", "contoso.onmicrosoft.com"),
            Map.entry("MS_CLIENT_ID", "client-id-3"),
            Map.entry("MS_CLIENT_SECRET", "client-secret-3"),
            Map.entry("HUBSPOT_ACCESS_TOKEN", "access-token-1"),
            Map.entry("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            Map.entry("AWS_SECRET_ACCESS_KEY", "secret-access-key-1"),
            Map.entry("FUNCTIONS_BASE_URL", "https://gateway.example.com/function"),
            Map.entry("FUNCTIONS_TOKEN", "functions-token-1")));

    private static JsonNode schema(String file) throws IOException {
        return JSON.readTree(Path.of(file).toFile());
    }

    private static List<Path> examples(String folder) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(folder))) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }

    private static void examplesPass(String folder, String schemaFile, Class<?> type) throws IOException {
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema(schemaFile));
        List<Path> files = examples(folder);
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            YamlTree tree = StrictYaml.read(file.toString(), Files.readAllBytes(file));
            assertThat(schema.validate(tree.root()))
                    .as("%s against %s", file, schemaFile)
                    .isEmpty();
            BINDER.bind(file.toString(), tree, type, DEMO);
        }
    }

    private static Set<String> fieldsOf(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition property : BINDER.mapper()
                .getSerializationConfig()
                .introspect(BINDER.mapper().constructType(type))
                .findProperties()) {
            names.add(property.getName());
        }
        return names;
    }

    private static Set<String> propertiesOf(JsonNode schema) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void the_bundled_agents_pass_the_agent_schema_and_the_reader() throws IOException {
        examplesPass("agents", "agents/agent.schema.json", AgentDefinition.class);
    }

    @Test
    void the_bundled_toolsets_pass_the_toolset_schema_and_the_reader() throws IOException {
        examplesPass("tools", "tools/toolset.schema.json", ToolsetDefinition.class);
    }

    @Test
    void the_bundled_policies_pass_the_policy_schema_and_the_reader() throws IOException {
        examplesPass("policies", "policies/policy.schema.json", Policy.class);
    }

    @Test
    void the_bundled_sandbox_profiles_pass_the_sandbox_schema_and_the_reader() throws IOException {
        examplesPass("sandbox", "sandbox/sandbox.schema.json", SandboxProfile.class);
    }

    @Test
    void the_sandbox_schema_names_the_fields_the_reader_knows() throws IOException {
        JsonNode schema = schema("sandbox/sandbox.schema.json");

        assertThat(propertiesOf(schema)).isEqualTo(fieldsOf(SandboxProfile.class));
        assertThat(propertiesOf(schema.at("/properties/limits"))).isEqualTo(fieldsOf(SandboxProfile.Limits.class));
        assertThat(propertiesOf(schema.at("/properties/pool"))).isEqualTo(fieldsOf(SandboxProfile.Pool.class));
    }

    @Test
    void the_sandbox_schema_states_the_pool_defaults_the_reader_applies() throws IOException {
        JsonNode pool = schema("sandbox/sandbox.schema.json").at("/properties/pool/properties");

        assertThat(pool.at("/size/description").asText())
                .endsWith("Default " + SandboxProfile.Pool.DEFAULT.size() + ".");
        assertThat(pool.at("/max-executions-per-worker/description").asText())
                .endsWith("Default " + SandboxProfile.Pool.DEFAULT.maxExecutionsPerWorker() + ".");
    }

    @Test
    void the_agent_schema_names_the_fields_the_reader_knows() throws IOException {
        JsonNode schema = schema("agents/agent.schema.json");

        assertThat(propertiesOf(schema)).isEqualTo(fieldsOf(AgentDefinition.class));
        assertThat(propertiesOf(schema.at("/properties/model"))).isEqualTo(fieldsOf(ModelSettings.class));
        assertThat(propertiesOf(schema.at("/properties/limits"))).isEqualTo(fieldsOf(Limits.class));
        assertThat(propertiesOf(schema.at("/properties/schedule"))).isEqualTo(fieldsOf(Schedule.class));
    }

    @Test
    void the_toolset_schema_names_the_fields_the_reader_knows() throws IOException {
        JsonNode http = schema("tools/toolset.schema.json").at("/$defs/http");
        JsonNode auth = schema("tools/toolset.schema.json").at("/$defs/auth/oneOf");

        Set<String> toolset = new TreeSet<>(fieldsOf(ToolsetDefinition.Http.class));
        toolset.add("type");
        assertThat(propertiesOf(http)).isEqualTo(toolset);
        assertThat(propertiesOf(schema("tools/toolset.schema.json").at("/$defs/httpTool")))
                .isEqualTo(fieldsOf(HttpToolDefinition.class));
        assertThat(propertiesOf(schema("tools/toolset.schema.json").at("/$defs/httpTool/properties/http")))
                .isEqualTo(fieldsOf(HttpBinding.class));
        assertThat(propertiesOf(auth.get(0))).isEqualTo(withType(fieldsOf(HttpAuth.Bearer.class)));
        assertThat(propertiesOf(auth.get(1))).isEqualTo(withType(fieldsOf(HttpAuth.Header.class)));
        assertThat(propertiesOf(auth.get(2))).isEqualTo(withType(fieldsOf(HttpAuth.Basic.class)));
        assertThat(propertiesOf(auth.get(3))).isEqualTo(withType(fieldsOf(HttpAuth.OAuth2.class)));
        assertThat(propertiesOf(auth.get(4))).isEqualTo(withType(fieldsOf(HttpAuth.AwsSigV4.class)));
        JsonNode defs = schema("tools/toolset.schema.json").at("/$defs");
        assertThat(propertiesOf(defs.at("/httpTool/properties/http/properties/pages")))
                .isEqualTo(fieldsOf(HttpBinding.Pages.class));
        assertThat(propertiesOf(defs.path("annotations"))).isEqualTo(fieldsOf(ToolAnnotations.class));
        assertThat(propertiesOf(defs.path("retries"))).isEqualTo(fieldsOf(ToolsetDefinition.Retries.class));
        assertThat(propertiesOf(defs.path("mcp"))).isEqualTo(withType(fieldsOf(ToolsetDefinition.Mcp.class)));
        assertThat(propertiesOf(defs.path("openapi"))).isEqualTo(withType(fieldsOf(ToolsetDefinition.OpenApi.class)));
    }

    @Test
    void the_policy_schema_names_the_fields_the_reader_knows() throws IOException {
        JsonNode schema = schema("policies/policy.schema.json");

        assertThat(propertiesOf(schema)).isEqualTo(fieldsOf(Policy.class));
        assertThat(propertiesOf(schema.at("/properties/rules/items"))).isEqualTo(fieldsOf(Policy.Rule.class));
    }

    private static Set<String> withType(Set<String> fields) {
        Set<String> all = new TreeSet<>(fields);
        all.add("type");
        return all;
    }
}
