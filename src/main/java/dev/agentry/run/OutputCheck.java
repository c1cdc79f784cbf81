package dev.agentry.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * Whether a final answer matches the agent's {@code output-schema}: the answer must be JSON (a fenced
 * {@code ```json} block is read too) that the schema accepts.
 */
final class OutputCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputCheck() {}

    /** What is wrong with {@code text} as the answer of {@code plan}'s agent; empty when it fits. */
    static List<String> problems(RunPlan plan, String text) {
        if (plan.outputSchema() == null) {
            return List.of();
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(unfenced(text));
        } catch (JsonProcessingException e) {
            return List.of("the answer is not JSON (" + e.getOriginalMessage().replaceAll("\\s+", " ") + ")");
        }
        if (answer == null) {
            return List.of("the answer is empty");
        }
        return plan.outputSchema().problems(answer);
    }

    /** What the model is told when its answer does not fit. */
    static String feedback(List<String> problems) {
        return "Your answer does not match the required output schema: " + String.join("; ", problems)
                + ". Answer again with only JSON that matches the schema.";
    }

    /** The text inside a Markdown code fence, or the text itself. */
    private static String unfenced(String text) {
        String stripped = text.strip();
        if (stripped.startsWith("```")) {
            int start = stripped.indexOf('\n');
            int end = stripped.lastIndexOf("```");
            if (start > 0 && end > start) {
                return stripped.substring(start + 1, end);
            }
        }
        return stripped;
    }
}
