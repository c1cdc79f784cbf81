package dev.agentry.model.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.model.Message;
import dev.agentry.model.ModelRequest;
import dev.agentry.model.ToolRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conversation the model receives, however requests of several runs interleave on one client. */
class ChatModelClientTest {

    /** Remembers what it was sent; answers "ok". */
    private static final class RecordingModel implements ChatModel {
        final List<List<ChatMessage>> received = new ArrayList<>();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            received.add(List.copyOf(request.messages()));
            return ChatResponse.builder().aiMessage(AiMessage.from("ok")).build();
        }
    }

    private static List<Message> turn(List<Message> before, String run, int n) {
        List<Message> next = new ArrayList<>(before);
        next.add(new Message.Assistant("", List.of(new ToolRequest(run + n, "echo_say", "{\"n\":" + n + "}"))));
        next.add(new Message.ToolOutput(run + n, "echo_say", run + " result " + n));
        return next;
    }

    private static List<ChatMessage> expected(String instructions, List<Message> messages) {
        List<ChatMessage> chat = new ArrayList<>();
        if (!instructions.isBlank()) {
            chat.add(SystemMessage.from(instructions));
        }
        for (Message message : messages) {
            chat.add(
                    switch (message) {
                        case Message.User user -> UserMessage.from(user.text());
                        case Message.Assistant assistant ->
                            AiMessage.from(assistant.toolRequests().stream()
                                    .map(r -> dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
                                            .id(r.id())
                                            .name(r.name())
                                            .arguments(r.arguments())
                                            .build())
                                    .toList());
                        case Message.ToolOutput output ->
                            ToolExecutionResultMessage.from(output.requestId(), output.name(), output.content());
                    });
        }
        return chat;
    }

    @Test
    void interleaved_conversations_each_reach_the_model_whole() {
        RecordingModel model = new RecordingModel();
        ChatModelClient client = new ChatModelClient(model, "recording");
        List<Message> a = List.of(new Message.User("run a"));
        List<Message> b = List.of(new Message.User("run b"));
        List<List<ChatMessage>> sent = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            client.chat(new ModelRequest("Be brief.", a, List.of()));
            sent.add(expected("Be brief.", a));
            client.chat(new ModelRequest("Be brief.", a, List.of()));
            sent.add(expected("Be brief.", a));
            client.chat(new ModelRequest("", b, List.of()));
            sent.add(expected("", b));
            a = turn(a, "a", n);
            b = turn(b, "b", n);
        }
        // A conversation that goes back to an earlier point, and other instructions for the same messages.
        client.chat(new ModelRequest("Be brief.", a.subList(0, 2), List.of()));
        sent.add(expected("Be brief.", a.subList(0, 2)));
        client.chat(new ModelRequest("Be thorough.", a.subList(0, 2), List.of()));
        sent.add(expected("Be thorough.", a.subList(0, 2)));

        assertThat(model.received).isEqualTo(sent);
    }
}
