package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.audit.RecordType;
import dev.agentry.tool.ToolResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the journal says earlier attempts at a run did with the calls of its latest model step: each
 * call (from the model or from code) whose intent was recorded, with its result when that was
 * recorded too. A resumed run reads it before it sends anything: a call with a result is answered
 * from it, and a call with an intent and no result is in doubt, for it may or may not have reached
 * the tool.
 */
final class Earlier {

    /** No earlier attempt: a run that has just begun. */
    static final Earlier NONE = new Earlier(Map.of());

    /** One call of an earlier attempt, by its step and call id; {@code result} null while in doubt. */
    record Attempt(int step, String callId, String tool, ToolResult result) {
        boolean inDoubt() {
            return result == null;
        }
    }

    private record Key(int step, String callId) {}

    private final Map<Key, Attempt> attempts;

    private Earlier(Map<Key, Attempt> attempts) {
        this.attempts = attempts;
    }

    Optional<Attempt> find(int step, String callId) {
        return Optional.ofNullable(attempts.get(new Key(step, callId)));
    }

    boolean isEmpty() {
        return attempts.isEmpty();
    }

    /** Reads a run's records in journal order: intents and results since its latest model response. */
    static final class Reader {
        private final Map<Key, Attempt> attempts = new HashMap<>();

        void add(RecordType type, JsonNode data) {
            switch (type) {
                case MODEL_RESPONSE -> attempts.clear();
                case TOOL_INTENT, CODE_TOOL_CALL -> {
                    Key key = key(data);
                    attempts.putIfAbsent(
                            key,
                            new Attempt(
                                    key.step(), key.callId(), data.path("tool").asText(), null));
                }
                case TOOL_RESULT, CODE_TOOL_RESULT -> {
                    Key key = key(data);
                    attempts.put(
                            key,
                            new Attempt(
                                    key.step(), key.callId(), data.path("tool").asText(), result(data)));
                }
                default -> {
                    // not about calls
                }
            }
        }

        Earlier read() {
            return attempts.isEmpty() ? NONE : new Earlier(Map.copyOf(attempts));
        }

        private static Key key(JsonNode data) {
            return new Key(data.path("step").asInt(), data.path("callId").asText());
        }

        /** A result as {@code tool.result} records it: the stored form of {@link Step.ToolStep#json}. */
        private static ToolResult result(JsonNode data) {
            JsonNode result = data.path("result");
            return switch (data.path("status").asText()) {
                case "ok" -> ToolResult.success(result);
                case "refused" -> ToolResult.refused(result.path("refused").asText());
                default -> ToolResult.failed(result.path("error").asText());
            };
        }
    }
}
