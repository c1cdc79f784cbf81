package dev.agentry.tool.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.tool.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tools/functions.yaml against an OpenFaaS-style gateway: POST JSON, get JSON, with an idempotency key. */
class FunctionsContractTest {

    private ShippedToolset functions;

    @BeforeEach
    void start() {
        functions = new ShippedToolset(
                "functions.yaml", Map.of("FUNCTIONS_BASE_URL", "{base}/function", "FUNCTIONS_TOKEN", "gw-token"));
    }

    @AfterEach
    void stop() {
        functions.close();
    }

    @Test
    void posts_the_input_with_a_stable_idempotency_key_and_returns_the_answer() {
        functions.server.stubFor(post(urlPathEqualTo("/function/score-lead"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"score\": 87, \"reasons\": [\"budget\", \"timing\"]}")));

        ToolResult first = functions.call("invoke", "{\"function\": \"score-lead\", \"input\": {\"leadId\": \"L-7\"}}");
        functions.call("invoke", "{\"function\": \"score-lead\", \"input\": {\"leadId\": \"L-7\"}}");
        functions.call("invoke", "{\"function\": \"score-lead\", \"input\": {\"leadId\": \"L-7\"}}", "call_2");

        assertThat(first.modelText()).isEqualTo("{\"score\":87,\"reasons\":[\"budget\",\"timing\"]}");
        var requests = functions.server.findAll(postRequestedFor(urlPathEqualTo("/function/score-lead"))
                .withHeader("Authorization", equalTo("Bearer gw-token"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"leadId\": \"L-7\"}")));
        assertThat(requests).hasSize(3);
        String key = requests.get(0).getHeader("Idempotency-Key");
        assertThat(key).matches("[0-9a-f]{32}");
        assertThat(requests.get(1).getHeader("Idempotency-Key")).isEqualTo(key);
        assertThat(requests.get(2).getHeader("Idempotency-Key")).isNotEqualTo(key);
    }

    @Test
    void a_failing_function_is_an_error_and_is_not_retried() {
        functions.server.stubFor(post(urlPathEqualTo("/function/flaky"))
                .willReturn(aResponse().withStatus(502).withBody("upstream function crashed")));

        ToolResult result = functions.call("invoke", "{\"function\": \"flaky\", \"input\": 1}");

        assertThat(result.modelText())
                .isEqualTo("error: HTTP 502 from POST " + functions.server.baseUrl()
                        + "/function/flaky: upstream function crashed");
        functions.server.verify(1, postRequestedFor(urlPathEqualTo("/function/flaky")));
    }

    @Test
    void a_function_name_cannot_climb_out_of_the_gateway_path() {
        var schema = functions.tool("invoke").spec().parameters();
        var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

        assertThat(schema.problems(node.objectNode().put("function", "../admin")))
                .isNotEmpty();
        assertThat(schema.problems(node.objectNode().put("function", "score-lead")))
                .isEmpty();
    }
}
