package dev.agentry.tool.openapi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.AgentryException;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import dev.agentry.tool.http.HttpToolsetFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Toolsets generated from an OpenAPI 3 document, from a file in tools/ or from a URL. */
class OpenApiToolsetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tools;

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() throws Exception {
        server.start();
        Files.copy(Path.of("src/test/resources/openapi/petstore.yaml"), tools.resolve("petstore.yaml"));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ToolsetDefinition.OpenApi definition(String yaml) {
        return (ToolsetDefinition.OpenApi) AssetBinder.create()
                .bind(
                        "tools/pets.yaml",
                        StrictYaml.read("tools/pets.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("BASE", server.baseUrl())))
                .value();
    }

    private List<Tool> tools(String yaml) {
        return new OpenApiToolsetFactory(tools, new HttpToolsetFactory()).create(definition(yaml));
    }

    private static ToolResult call(Tool tool, String arguments) throws Exception {
        return tool.call(
                new ToolCall("call_1", tool.spec().id(), JSON.readTree(arguments)),
                new ToolContext("run_1", "agent", 1, Instant.now().plusSeconds(30), "default", ToolInvoker.none()));
    }

    @Test
    void chosen_operations_become_tools_with_parameters_bodies_and_annotations_from_their_methods() throws Exception {
        List<Tool> pets = tools("""
                name: pets
                type: openapi
                spec: petstore.yaml
                base-url: ${BASE}/v1
                operations: [listPets, createPet, showPetById, deletePet]
                """);

        assertThat(pets)
                .extracting(tool -> tool.spec().name())
                .containsExactly("list_pets", "create_pet", "show_pet_by_id", "delete_pet");
        assertThat(pets.get(0).spec().annotations()).isEqualTo(ToolAnnotations.READ_ONLY);
        assertThat(pets.get(1).spec().annotations()).isEqualTo(ToolAnnotations.UNANNOTATED);
        assertThat(pets.get(3).spec().annotations().idempotent()).isTrue();
        assertThat(pets.get(0).spec().parameters().json()).isEqualTo(JSON.readTree("""
                        {"type": "object", "properties": {
                           "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                           "X_Tenant": {"type": "string", "description": "The tenant."}},
                         "required": ["X_Tenant"]}"""));
        assertThat(pets.get(1)
                        .spec()
                        .parameters()
                        .json()
                        .at("/properties/body/properties/owner/properties/email/format")
                        .asText())
                .as("references are inlined")
                .isEqualTo("email");
        assertThat(pets.get(1)
                        .spec()
                        .parameters()
                        .json()
                        .at("/properties/body/properties/age")
                        .has("exclusiveMinimum"))
                .isFalse();
        assertThat(pets.get(2).spec().description()).isEqualTo("Info for a specific pet");

        server.stubFor(get(urlPathEqualTo("/v1/pets")).willReturn(aResponse().withBody("[{\"id\": \"p1\"}]")));
        server.stubFor(post(urlPathEqualTo("/v1/pets"))
                .willReturn(aResponse().withStatus(201).withBody("{\"id\": \"p2\"}")));
        server.stubFor(
                get(urlPathEqualTo("/v1/pets/p%201")).willReturn(aResponse().withBody("{\"id\": \"p 1\"}")));

        assertThat(call(pets.get(0), "{\"limit\": 5, \"X_Tenant\": \"acme\"}").modelText())
                .isEqualTo("[{\"id\":\"p1\"}]");
        assertThat(call(pets.get(1), "{\"body\": {\"name\": \"Rex\", \"age\": 3}}")
                        .modelText())
                .isEqualTo("{\"id\":\"p2\"}");
        assertThat(call(pets.get(2), "{\"petId\": \"p 1\"}").modelText()).isEqualTo("{\"id\":\"p 1\"}");
        server.verify(getRequestedFor(urlPathEqualTo("/v1/pets"))
                .withQueryParam("limit", equalTo("5"))
                .withHeader("X-Tenant", equalTo("acme")));
        server.verify(postRequestedFor(urlPathEqualTo("/v1/pets"))
                .withRequestBody(equalToJson("{\"name\": \"Rex\", \"age\": 3}")));
    }

    @Test
    void the_document_can_come_from_a_url_and_its_server_is_the_default_base_url() throws Exception {
        server.stubFor(
                get(urlPathEqualTo("/openapi.json")).willReturn(aResponse().withBody("""
                        {"openapi": "3.1.0", "info": {"title": "Scores", "version": "1"},
                         "servers": [{"url": "/api"}],
                         "paths": {"/score/{id}": {"get": {"operationId": "getScore",
                            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]}}}}""")));
        server.stubFor(
                get(urlPathEqualTo("/api/score/7")).willReturn(aResponse().withBody("{\"score\": 42}")));

        List<Tool> scores = tools("""
                name: scores
                type: openapi
                spec: ${BASE}/openapi.json
                operations: [getScore]
                """);

        assertThat(call(scores.getFirst(), "{\"id\": \"7\"}").modelText()).isEqualTo("{\"score\":42}");
    }

    @Test
    void unknown_operations_and_documents_outside_the_tools_folder_are_named() {
        assertThatThrownBy(() -> tools("""
                        name: pets
                        type: openapi
                        spec: petstore.yaml
                        operations: [listPets, adoptPet]
                        """))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessage("tools/pets.yaml: field 'operations' names 'adoptPet', which the document does not have;"
                        + " it has [createPet, deletePet, listPets, showPetById]");
        assertThatThrownBy(() -> definition("""
                        name: pets
                        type: openapi
                        spec: ../secrets/petstore.yaml
                        operations: [listPets]
                        """))
                .hasMessageContaining("spec")
                .hasMessageContaining("must be a path inside the tools folder");
        assertThatThrownBy(() -> tools("""
                        name: pets
                        type: openapi
                        spec: missing.yaml
                        operations: [listPets]
                        """))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageStartingWith("tools/pets.yaml: field 'spec' cannot be read");
    }

    @Test
    void the_documents_server_host_is_the_only_one_allowed() {
        ToolsetDefinition.Http http =
                new OpenApiToolsetFactory(tools, new HttpToolsetFactory()).toHttp(definition("""
                        name: pets
                        type: openapi
                        spec: petstore.yaml
                        operations: [listPets]
                        """));

        assertThat(http.baseUrl()).isEqualTo("https://eu.pets.example.com/v1");
        assertThat(http.allowedHosts()).containsExactly("eu.pets.example.com");
    }

    private static final String SCORES = """
            {"openapi": "3.1.0", "info": {"title": "Scores", "version": "1"},
             "servers": [{"url": "%s"}],
             "paths": {"/score/{id}": {"get": {"operationId": "getScore",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": %s}]}}}}""";

    private static final String FETCHED = """
            name: scores
            type: openapi
            spec: ${BASE}/openapi.json
            operations: [getScore]
            """;

    @Test
    void a_document_is_fetched_over_https_only_except_from_this_machine() {
        assertThatThrownBy(() -> tools("""
                        name: scores
                        type: openapi
                        spec: http://scores.example.com/openapi.json
                        operations: [getScore]
                        """))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessage("tools/scores.yaml: field 'spec' cannot be read: documents are fetched over HTTPS only"
                        + " (plain HTTP only from this machine); use an https URL, or save the document in"
                        + " tools/ and name its path");
    }

    @Test
    void only_this_machine_counts_as_this_machine() {
        assertThat(OpenApiToolsetFactory.loopback("localhost")).isTrue();
        assertThat(OpenApiToolsetFactory.loopback("127.0.0.1")).isTrue();
        assertThat(OpenApiToolsetFactory.loopback("127.255.0.9")).isTrue();
        assertThat(OpenApiToolsetFactory.loopback("[::1]")).isTrue();
        assertThat(OpenApiToolsetFactory.loopback("127.evil.example")).isFalse();
        assertThat(OpenApiToolsetFactory.loopback("127.0.0.1.nip.io")).isFalse();
        assertThat(OpenApiToolsetFactory.loopback("127.0.0.256")).isFalse();
        assertThat(OpenApiToolsetFactory.loopback("localhost.evil.example")).isFalse();
    }

    @Test
    void a_redirect_is_not_followed() {
        server.stubFor(get(urlPathEqualTo("/openapi.json"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "http://169.254.169.254/latest")));

        assertThatThrownBy(() -> tools(FETCHED))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageEndingWith("redirects to http://169.254.169.254/latest; redirects are not followed, name"
                        + " the document's own URL");
        server.verify(1, getRequestedFor(urlPathEqualTo("/openapi.json")));
    }

    @Test
    void a_document_that_trickles_in_is_given_up_at_the_timeout() {
        server.stubFor(get(urlPathEqualTo("/openapi.json"))
                .willReturn(aResponse()
                        .withBody(SCORES.formatted("/api", "{\"type\": \"string\"}"))
                        .withChunkedDribbleDelay(20, 10_000)));

        assertThatThrownBy(() -> tools(FETCHED.replace("operations:", "timeout: 1s\noperations:")))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageContaining("it did not arrive within PT1S");
    }

    @Test
    void a_fetched_document_does_not_choose_where_the_credentials_go() {
        server.stubFor(get(urlPathEqualTo("/openapi.json"))
                .willReturn(aResponse()
                        .withBody(SCORES.formatted("https://collector.evil.example/api", "{\"type\": \"string\"}"))));

        assertThatThrownBy(() -> tools(FETCHED))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageStartingWith("tools/scores.yaml: field 'base-url' is needed: the fetched document names"
                        + " its server 'https://collector.evil.example/api'");
        assertThat(tools(FETCHED.replace("operations:", "base-url: https://scores.example.com/api\noperations:")))
                .hasSize(1);
    }

    @Test
    void references_that_fan_out_are_refused_before_they_exhaust_memory() {
        StringBuilder document = new StringBuilder(SCORES.formatted("/api", "{\"$ref\": \"#/components/schemas/s0\"}"));
        document.setLength(document.length() - 1);
        document.append(", \"components\": {\"schemas\": {");
        for (int i = 0; i < 30; i++) {
            String next = "#/components/schemas/s" + (i + 1);
            document.append(
                    "\"s%d\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"%s\"}, \"b\": {\"$ref\": \"%s\"}}},"
                            .formatted(i, next, next));
        }
        document.append("\"s30\": {\"type\": \"string\"}}}}");
        server.stubFor(
                get(urlPathEqualTo("/openapi.json")).willReturn(aResponse().withBody(document.toString())));

        assertThatThrownBy(() -> tools(FETCHED))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageStartingWith("tools/scores.yaml: field 'operations' cannot offer 'getScore': its schema's"
                        + " $refs expand to more than 50000 nodes");
    }

    @Test
    void a_dynamic_reference_is_refused() {
        server.stubFor(get(urlPathEqualTo("/openapi.json"))
                .willReturn(aResponse()
                        .withBody(SCORES.formatted("/api", "{\"$dynamicRef\": \"http://169.254.169.254/x\"}"))));

        assertThatThrownBy(() -> tools(FETCHED))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessageContaining("uses $dynamicRef");
    }
}
