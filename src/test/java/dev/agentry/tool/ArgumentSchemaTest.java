package dev.agentry.tool;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schemas come from MCP servers and fetched documents: the library must never look anything up for them. */
class ArgumentSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(get(anyUrl()).willReturn(aResponse().withBody("{\"type\": \"string\"}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /**
     * Builds the schema and checks arguments against it; whatever happens, nothing may be fetched.
     * What refused the schema: the error building it, or the problem reported for the arguments.
     */
    private String use(String schema) {
        try {
            return String.join("; ", ArgumentSchema.of(JSON.readTree(schema)).problems(JSON.readTree("{\"q\": 1}")));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError("a schema that cannot be used must be an IllegalArgumentException", e);
        }
    }

    @Test
    void a_remote_reference_is_not_fetched() {
        String http = use("{\"type\": \"object\", \"properties\": {\"q\": {\"$ref\": \"" + server.baseUrl()
                + "/schema.json\"}}}");
        String id = use("{\"type\": \"object\", \"$id\": \"" + server.baseUrl() + "/base/\","
                + " \"properties\": {\"q\": {\"$ref\": \"other.json\"}}}");
        String meta = use("{\"$schema\": \"" + server.baseUrl() + "/meta.json\", \"type\": \"object\"}");

        server.verify(0, anyRequestedFor(anyUrl()));
        assertThat(http).contains("only local #/ references are followed");
        assertThat(id).contains("only local #/ references are followed");
        assertThat(meta).contains("only local #/ references are followed");
    }

    @Test
    void a_file_reference_is_not_read() throws Exception {
        Path secret =
                Files.writeString(dir.resolve("secret.json"), "{\"type\": \"string\", \"const\": \"s3cr3t-value\"}");

        String file = use("{\"type\": \"object\", \"properties\": {\"q\": {\"$ref\": \"" + secret.toUri() + "\"}}}");

        assertThat(file).contains("only local #/ references are followed").doesNotContain("s3cr3t-value");
    }

    @Test
    void the_bundled_meta_schema_and_local_references_still_work() throws Exception {
        ArgumentSchema schema = ArgumentSchema.of(JSON.readTree("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                 "properties": {"q": {"$ref": "#/$defs/word"}}, "$defs": {"word": {"type": "string"}}}"""));

        assertThat(schema.problems(JSON.readTree("{\"q\": \"ok\"}"))).isEmpty();
        assertThat(schema.problems(JSON.readTree("{\"q\": 1}"))).hasSize(1);
    }
}
