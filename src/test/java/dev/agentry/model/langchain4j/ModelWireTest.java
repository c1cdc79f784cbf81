package dev.agentry.model.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.AgentryException;
import dev.agentry.asset.Secret;
import dev.agentry.model.FunctionSpec;
import dev.agentry.model.Message;
import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelReply;
import dev.agentry.model.ModelRequest;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import dev.agentry.model.TestModelsConfig;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.model.anthropic.AnthropicModelProvider;
import dev.agentry.model.ollama.OllamaModelProvider;
import dev.agentry.model.openai.OpenAiModelProvider;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each provider against a server speaking its real wire format: the exact request, the reply parsed, retries. */
class ModelWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static ModelRequest conversation() throws Exception {
        return new ModelRequest(
                "Be brief.",
                List.of(
                        new Message.User("Find Dana"),
                        new Message.Assistant("", List.of(new ToolRequest("c1", "crm_find", "{\"q\":\"Dana\"}"))),
                        new Message.ToolOutput("c1", "crm_find", "{\"n\":1}")),
                List.of(new FunctionSpec(
                        "crm_find",
                        "Find contacts",
                        JSON.readTree("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
                                + "\"description\":\"name\"}},\"required\":[\"q\"]}"))));
    }

    private ModelClient client(Provider provider, String path) {
        var config = TestModelsConfig.standard();
        var settings =
                new ModelSettings(provider, "m1", server.baseUrl() + path, new Secret("key-1", null), 0.5, 100, null);
        return switch (provider) {
            case OPENAI -> new OpenAiModelProvider(config).create("a", settings);
            case OLLAMA -> new OllamaModelProvider(config).create("a", settings);
            case ANTHROPIC -> new AnthropicModelProvider(config).create("a", settings);
            case DEMO -> throw new IllegalArgumentException("not a wire provider");
        };
    }

    private static final String OPENAI_REPLY = """
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "m1",
             "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
               "tool_calls": [{"id": "call_9", "type": "function",
                 "function": {"name": "cal_book", "arguments": "{\\"at\\":\\"9:00\\"}"}}]}}],
             "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}}
            """;

    @Test
    void openai_sends_the_chat_completions_request_and_reads_tool_calls() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(OPENAI_REPLY)));

        ModelReply reply = client(Provider.OPENAI, "/v1").chat(conversation());

        assertThat(reply)
                .isEqualTo(new ModelReply(
                        "",
                        List.of(new ToolRequest("call_9", "cal_book", "{\"at\":\"9:00\"}")),
                        new TokenUsage(42, 7)));
        server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer key-1"))
                .withRequestBody(equalToJson("""
                        {"model": "m1", "temperature": 0.5, "stream": false, "max_tokens": 100,
                         "messages": [
                           {"role": "system", "content": "Be brief."},
                           {"role": "user", "content": "Find Dana"},
                           {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                             "function": {"name": "crm_find", "arguments": "{\\"q\\":\\"Dana\\"}"}}]},
                           {"role": "tool", "tool_call_id": "c1", "content": "{\\"n\\":1}"}],
                         "tools": [{"type": "function", "function": {"name": "crm_find", "description": "Find contacts",
                           "parameters": {"type": "object", "properties": {"q": {"type": "string", "description": "name"}},
                             "required": ["q"]}}}]}
                        """, false, false)));
    }

    @Test
    void ollama_sends_its_native_chat_request_and_reads_tool_calls() throws Exception {
        server.stubFor(post(urlEqualTo("/api/chat")).willReturn(okJson("""
                {"model": "m1", "created_at": "2026-11-23T10:00:00Z", "done": true, "done_reason": "stop",
                 "message": {"role": "assistant", "content": "",
                   "tool_calls": [{"function": {"name": "cal_book", "arguments": {"at": "9:00"}}}]},
                 "prompt_eval_count": 30, "eval_count": 5}
                """)));

        ModelReply reply = client(Provider.OLLAMA, "").chat(conversation());

        assertThat(reply.toolRequests()).containsExactly(new ToolRequest("call_1", "cal_book", "{\"at\":\"9:00\"}"));
        assertThat(reply.usage()).isEqualTo(new TokenUsage(30, 5));
        server.verify(postRequestedFor(urlEqualTo("/api/chat")).withRequestBody(equalToJson("""
                {"model": "m1", "stream": false, "options": {"temperature": 0.5, "num_predict": 100, "stop": []},
                 "messages": [
                   {"role": "system", "content": "Be brief."},
                   {"role": "user", "content": "Find Dana"},
                   {"role": "assistant", "tool_calls": [{"id": "c1", "function": {"name": "crm_find", "arguments": {"q": "Dana"}}}]},
                   {"role": "tool", "content": "{\\"n\\":1}"}],
                 "tools": [{"type": "function", "function": {"name": "crm_find", "description": "Find contacts",
                   "parameters": {"type": "object", "properties": {"q": {"type": "string", "description": "name"}},
                     "required": ["q"]}}}]}
                """, false, false)));
    }

    @Test
    void anthropic_sends_a_messages_request_and_reads_tool_use() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(okJson("""
                {"id": "msg_1", "type": "message", "role": "assistant", "model": "m1",
                 "content": [{"type": "text", "text": "Booking."},
                   {"type": "tool_use", "id": "toolu_1", "name": "cal_book", "input": {"at": "9:00"}}],
                 "stop_reason": "tool_use", "usage": {"input_tokens": 12, "output_tokens": 4}}
                """)));

        ModelReply reply = client(Provider.ANTHROPIC, "/v1").chat(conversation());

        assertThat(reply)
                .isEqualTo(new ModelReply(
                        "Booking.",
                        List.of(new ToolRequest("toolu_1", "cal_book", "{\"at\":\"9:00\"}")),
                        new TokenUsage(12, 4)));
        server.verify(postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo("key-1"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withRequestBody(equalToJson("""
                        {"model": "m1", "max_tokens": 100, "stream": false, "temperature": 0.5,
                         "system": [{"type": "text", "text": "Be brief."}],
                         "messages": [
                           {"role": "user", "content": [{"type": "text", "text": "Find Dana"}]},
                           {"role": "assistant", "content": [{"type": "tool_use", "id": "c1", "name": "crm_find", "input": {"q": "Dana"}}]},
                           {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "c1", "content": "{\\"n\\":1}"}]}],
                         "tools": [{"name": "crm_find", "description": "Find contacts",
                           "input_schema": {"type": "object", "properties": {"q": {"type": "string", "description": "name"}},
                             "required": ["q"]}}]}
                        """, false, false)));
    }

    @Test
    void retries_a_429_after_the_time_its_retry_after_asks_for() throws Exception {
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .inScenario("rate limit")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{}"))
                .willSetStateTo("open"));
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .inScenario("rate limit")
                .whenScenarioStateIs("open")
                .willReturn(okJson(OPENAI_REPLY)));

        long started = System.nanoTime();
        ModelReply reply = client(Provider.OPENAI, "/v1").chat(conversation());
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(reply.toolRequests()).hasSize(1);
        assertThat(waitedMs).isGreaterThanOrEqualTo(950);
        server.verify(exactly(2), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void retries_server_errors_with_backoff_then_gives_up_naming_the_status() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"overloaded\"}}")));

        assertThatThrownBy(() -> client(Provider.OPENAI, "/v1").chat(conversation()))
                .isInstanceOf(AgentryException.Unavailable.class)
                .hasMessage("model call to openai-compatible model 'm1' at " + server.baseUrl()
                        + "/v1 failed: HTTP 503: {\"error\":{\"message\":\"overloaded\"}}");
        server.verify(exactly(4), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void does_not_retry_when_retry_after_exceeds_the_longest_wait() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "3600")
                        .withBody("{}")));

        assertThatThrownBy(() -> client(Provider.OPENAI, "/v1").chat(conversation()))
                .hasMessageContaining("failed: HTTP 429");
        server.verify(exactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void an_answer_past_the_size_limit_is_refused_not_read_and_not_retried() {
        byte[] huge = new byte[(int) RetryingHttpClient.MAX_ANSWER_BYTES + 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        server.stubFor(
                post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withBody(huge)));

        assertThatThrownBy(() -> client(Provider.OPENAI, "/v1").chat(conversation()))
                .isInstanceOf(AgentryException.Unavailable.class)
                .hasMessageContaining("the answer is larger than 16777216 bytes, the most Agentry reads from a model");
        server.verify(exactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void does_not_retry_an_authentication_failure() {
        server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Incorrect API key\"}}")));

        assertThatThrownBy(() -> client(Provider.OPENAI, "/v1").chat(conversation()))
                .hasMessageEndingWith("failed: HTTP 401: {\"error\":{\"message\":\"Incorrect API key\"}}");
        server.verify(exactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void reads_retry_after_as_seconds_or_as_an_http_date() {
        assertThat(RetryingHttpClient.retryAfter(java.util.Map.of("Retry-After", List.of("7"))))
                .contains(java.time.Duration.ofSeconds(7));
        assertThat(RetryingHttpClient.retryAfter(
                        java.util.Map.of("retry-after", List.of("Thu, 01 Jan 1970 00:00:00 GMT"))))
                .contains(java.time.Duration.ZERO);
        assertThat(RetryingHttpClient.retryAfter(java.util.Map.of("Retry-After", List.of("soon"))))
                .isEmpty();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }
}
