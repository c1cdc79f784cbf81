package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible chat-completions endpoint that answers from {@link DemoScript}s: the agent
 * comes from the URL ({@code /demo/<agent>/v1/chat/completions}), the turn from the number of
 * assistant messages already in the conversation. Replies use the real wire format, tool calls and
 * token usage included, so Agentry's production OpenAI client is what talks to it.
 */
final class ScriptedModel implements ResponseDefinitionTransformerV2 {

    static final String NAME = "agentry-scripted-model";
    private static final Pattern PATH = Pattern.compile("/demo/([a-z][a-z0-9-]*)/v1/chat/completions");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Optional<DemoScript>> scripts = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Matcher path = PATH.matcher(event.getRequest().getUrl());
        JsonNode request;
        try {
            request = JSON.readTree(event.getRequest().getBodyAsString());
        } catch (IOException e) {
            return error(400, "the request body is not JSON");
        }
        if (!path.matches()) {
            return error(404, "no demo script at " + event.getRequest().getUrl());
        }
        String agent = path.group(1);
        Optional<DemoScript> script = scripts.computeIfAbsent(agent, DemoScript::load);
        if (script.isEmpty()) {
            return error(
                    404, "the demo has no script for agent '" + agent + "'; set OPENAI_API_KEY to use a real model");
        }
        int turn = 0;
        for (JsonNode message : request.path("messages")) {
            if ("assistant".equals(message.path("role").asText())) {
                turn++;
            }
        }
        return reply(request, script.get(), turn);
    }

    private static ResponseDefinition reply(JsonNode request, DemoScript script, int turn) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        String finish = "stop";
        if (turn >= script.turns().size()) {
            message.put("content", "(The demo script for " + script.agent() + " has no turn " + (turn + 1) + ".)");
        } else {
            DemoScript.Turn scripted = script.turns().get(turn);
            if (scripted.content() == null) {
                message.putNull("content");
            } else {
                message.put("content", scripted.content());
            }
            if (!scripted.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                int position = 0;
                for (DemoScript.Call call : scripted.toolCalls()) {
                    calls.addObject()
                            .put("id", "call_" + (turn + 1) + "_" + ++position)
                            .put("type", "function")
                            .putObject("function")
                            .put("name", call.function())
                            .put("arguments", call.arguments().toString());
                }
                finish = "tool_calls";
            }
        }
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-demo-" + script.agent() + "-" + (turn + 1))
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.path("model").asText("demo"));
        body.putArray("choices")
                .addObject()
                .put("index", 0)
                .put("finish_reason", finish)
                .set("message", message);
        long prompt = Math.max(1, request.toString().length() / 4);
        long completion = Math.max(1, message.toString().length() / 4);
        body.putObject("usage")
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        return json(200, body.toString());
    }

    private static ResponseDefinition error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "invalid_request_error");
        return json(status, body.toString());
    }

    static ResponseDefinition json(int status, String body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }
}
