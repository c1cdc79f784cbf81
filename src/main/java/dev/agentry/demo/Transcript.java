package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.Decision;
import dev.agentry.run.Run;
import dev.agentry.run.Step;
import java.time.Duration;
import java.util.List;

/**
 * A run as a human reads it in a terminal: each model step, each tool call with arguments and result, the answer.
 * Its own text is ASCII, so it reads the same under any locale (a POSIX terminal shows other characters as
 * {@code ?}); what models and tools wrote is printed as the terminal's charset allows.
 */
final class Transcript {

    private static final int MAX_LINE = 220;

    private Transcript() {}

    static String render(Run run, List<Step> steps) {
        StringBuilder out = new StringBuilder();
        out.append("\n=== DEMO run ")
                .append(run.id())
                .append(" of agent '")
                .append(run.agent())
                .append("' ===\n");
        out.append("input:  ").append(text(run.input())).append("\n\n");
        for (Step step : steps) {
            switch (step) {
                case Step.ModelStep model -> model(out, model);
                case Step.ToolStep tool -> tool(out, tool);
            }
        }
        out.append('\n');
        if (run.output() != null) {
            out.append("output: ")
                    .append(run.output().strip().replace("\n", "\n        "))
                    .append('\n');
        }
        if (run.error() != null) {
            out.append("error:  ").append(run.error()).append('\n');
        }
        Duration took = run.startedAt() != null && run.endedAt() != null
                ? Duration.between(run.startedAt(), run.endedAt())
                : Duration.ZERO;
        out.append(String.format(
                "status: %s | %d model calls | %d tool calls | %d tokens | %d ms%n",
                run.status(),
                run.usage().modelCalls(),
                run.usage().toolCalls(),
                run.usage().tokens(),
                took.toMillis()));
        return out.toString();
    }

    private static void model(StringBuilder out, Step.ModelStep step) {
        out.append(String.format(
                "[%d] model   %d ms, %d tokens in, %d out%n",
                step.index(),
                step.durationMs(),
                step.usage().input(),
                step.usage().output()));
        if (!step.text().isBlank() && !step.toolRequests().isEmpty()) {
            out.append("          says ").append(clip(step.text())).append('\n');
        }
        for (ToolRequest request : step.toolRequests()) {
            out.append("          calls ")
                    .append(request.name())
                    .append(' ')
                    .append(clip(request.arguments()))
                    .append('\n');
        }
        if (step.toolRequests().isEmpty()) {
            out.append("          answers (below)\n");
        }
    }

    private static void tool(StringBuilder out, Step.ToolStep step) {
        out.append(String.format(
                "[%d] tool    %s  %s, %d ms%n",
                step.index(), step.tool(), step.result().status(), step.durationMs()));
        out.append("          args   ")
                .append(clip(step.arguments().toString()))
                .append('\n');
        out.append("          result ")
                .append(clip(step.resultJson().toString()))
                .append('\n');
        Decision decision = step.decision();
        if (decision != null
                && (!(decision instanceof Decision.Allow) || decision.reason().startsWith("approved by"))) {
            out.append("          policy ").append(clip(decision.describe())).append('\n');
        }
    }

    private static String text(JsonNode input) {
        if (input == null) {
            return "(none)";
        }
        return input.isTextual() ? input.asText() : input.toString();
    }

    private static String clip(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > MAX_LINE ? flat.substring(0, MAX_LINE) + " ..." : flat;
    }
}
