package dev.agentry.model.langchain4j;

import static java.util.Objects.requireNonNull;

import dev.agentry.AgentryException;
import dev.agentry.model.FunctionSpec;
import dev.agentry.model.Message;
import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelReply;
import dev.agentry.model.ModelRequest;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A {@link ModelClient} over any langchain4j {@link ChatModel}: translates Agentry's conversation to
 * langchain4j messages and back, passes tool parameter schemas through untouched, and turns every
 * failure into one {@link AgentryException.Unavailable} whose message says which endpoint failed
 * and how.
 */
public final class ChatModelClient implements ModelClient {

    private static final int MAX_ERROR_BODY = 500;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final ChatModel model;
    private final String endpoint;

    /** The tool specifications of the last function list seen: a run offers the same list at every step. */
    private volatile Specifications lastSpecifications = new Specifications(List.of(), List.of());

    private record Specifications(List<FunctionSpec> functions, List<ToolSpecification> tools) {}

    /**
     * The messages of the last request, converted: a run's next request repeats its messages and adds
     * a few, so only those are converted again. Compared by identity; when runs share this client and
     * interleave, a request that does not continue the last one is converted whole.
     */
    private volatile Converted lastConverted = new Converted("", List.of(), List.of());

    private record Converted(String instructions, List<Message> source, List<ChatMessage> messages) {}

    /** @param endpoint how to name the endpoint in errors, such as {@code openai gpt-4o-mini at https://...} */
    public ChatModelClient(ChatModel model, String endpoint) {
        this.model = requireNonNull(model, "model");
        this.endpoint = requireNonNull(endpoint, "endpoint");
    }

    @Override
    public ModelReply chat(ModelRequest request) {
        ChatRequest.Builder chat = ChatRequest.builder().messages(messages(request));
        if (!request.functions().isEmpty()) {
            chat.toolSpecifications(tools(request.functions()));
        }
        ChatResponse response;
        try {
            response = model.chat(chat.build());
        } catch (CancellationException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("model call to " + endpoint + " was interrupted");
            }
            throw new AgentryException.Unavailable("model call to " + endpoint + " failed: " + describe(e));
        }
        return reply(response);
    }

    private List<ChatMessage> messages(ModelRequest request) {
        List<Message> source = request.messages();
        Converted last = lastConverted;
        int reused = last.instructions().equals(request.instructions()) ? sameStart(last.source(), source) : 0;
        boolean system = !request.instructions().isBlank();
        List<ChatMessage> messages = new ArrayList<>(source.size() + 1);
        if (reused > 0) {
            messages.addAll(last.messages().subList(0, reused + (system ? 1 : 0)));
        } else if (system) {
            messages.add(SystemMessage.from(request.instructions()));
        }
        for (Message message : source.subList(reused, source.size())) {
            messages.add(
                    switch (message) {
                        case Message.User user -> UserMessage.from(user.text());
                        case Message.Assistant assistant -> assistant(assistant);
                        case Message.ToolOutput output ->
                            ToolExecutionResultMessage.from(output.requestId(), output.name(), output.content());
                    });
        }
        // Kept as it is: nothing changes this list after, and langchain4j's request copies it.
        lastConverted = new Converted(request.instructions(), source, messages);
        return messages;
    }

    /** How many messages at the start of {@code next} are the very ones of {@code previous}. */
    private static int sameStart(List<Message> previous, List<Message> next) {
        int n = Math.min(previous.size(), next.size());
        int i = 0;
        while (i < n && previous.get(i) == next.get(i)) {
            i++;
        }
        return i;
    }

    private static AiMessage assistant(Message.Assistant assistant) {
        AiMessage.Builder message = AiMessage.builder();
        if (assistant.text() != null && !assistant.text().isEmpty()) {
            message.text(assistant.text());
        }
        if (!assistant.toolRequests().isEmpty()) {
            List<ToolExecutionRequest> requests =
                    new ArrayList<>(assistant.toolRequests().size());
            for (ToolRequest request : assistant.toolRequests()) {
                requests.add(ToolExecutionRequest.builder()
                        .id(request.id())
                        .name(request.name())
                        .arguments(request.arguments())
                        .build());
            }
            message.toolExecutionRequests(requests);
        }
        return message.build();
    }

    private List<ToolSpecification> tools(List<FunctionSpec> functions) {
        Specifications last = lastSpecifications;
        if (last.functions() == functions) {
            return last.tools();
        }
        List<ToolSpecification> tools =
                functions.stream().map(ChatModelClient::tool).toList();
        lastSpecifications = new Specifications(functions, tools);
        return tools;
    }

    private static ToolSpecification tool(FunctionSpec function) {
        return ToolSpecification.builder()
                .name(function.name())
                .description(function.description())
                .parameters(objectSchema(function))
                .build();
    }

    /** The function's JSON Schema, each property passed through verbatim as a raw schema. */
    static JsonObjectSchema objectSchema(FunctionSpec function) {
        var parameters = function.parameters();
        JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
        if (parameters.hasNonNull("description")) {
            schema.description(parameters.get("description").asText());
        }
        parameters
                .path("properties")
                .properties()
                .forEach(property -> schema.addProperty(
                        property.getKey(),
                        JsonRawSchema.from(property.getValue().toString())));
        List<String> required = new ArrayList<>();
        parameters.path("required").forEach(name -> required.add(name.asText()));
        if (!required.isEmpty()) {
            schema.required(required);
        }
        if (parameters.path("additionalProperties").isBoolean()) {
            schema.additionalProperties(parameters.get("additionalProperties").asBoolean());
        }
        return schema.build();
    }

    private static ModelReply reply(ChatResponse response) {
        AiMessage message = response.aiMessage();
        List<ToolRequest> requests = new ArrayList<>();
        if (message.hasToolExecutionRequests()) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            int position = 0;
            for (ToolExecutionRequest request : message.toolExecutionRequests()) {
                position++;
                String id = request.id() == null || request.id().isBlank() ? "call_" + position : request.id();
                // Some servers omit or repeat ids; each request of a reply needs its own to be answered.
                requests.add(new ToolRequest(
                        ids.add(id) ? id : id + "_" + position, request.name(), compact(request.arguments())));
            }
        }
        var usage = response.tokenUsage();
        TokenUsage tokens = usage == null
                ? TokenUsage.NONE
                : new TokenUsage(orZero(usage.inputTokenCount()), orZero(usage.outputTokenCount()));
        return new ModelReply(message.text(), requests, tokens);
    }

    /** Arguments on one line, whatever layout the provider used; text that does not parse stays as sent. */
    private static String compact(String arguments) {
        if (arguments == null || arguments.indexOf('\n') < 0) {
            return arguments;
        }
        try {
            return JSON.readTree(arguments).toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return arguments;
        }
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }

    private static String describe(RuntimeException e) {
        Throwable cause = e;
        while (!(cause instanceof HttpException) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpException http) {
            return "HTTP " + http.statusCode() + ": " + excerpt(http.getMessage());
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return excerpt(message);
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > MAX_ERROR_BODY ? flat.substring(0, MAX_ERROR_BODY) + "..." : flat;
    }
}
