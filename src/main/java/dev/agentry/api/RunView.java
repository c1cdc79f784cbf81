package dev.agentry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.model.TokenUsage;
import dev.agentry.run.Run;
import dev.agentry.run.RunStatus;
import dev.agentry.run.Step;
import dev.agentry.run.Trigger;
import dev.agentry.run.Usage;
import java.time.Instant;
import java.util.List;

/**
 * A run as the REST API shows it; {@code steps} only where one run is asked for, {@code denials} (tool
 * calls a policy refused) only in the run list.
 */
public record RunView(
        String id,
        String agent,
        RunStatus status,
        JsonNode input,
        String output,
        String error,
        Trigger trigger,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer denials,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<StepView> steps) {

    public static RunView of(Run run, List<Step> steps) {
        return new RunView(
                run.id(),
                run.agent(),
                run.status(),
                run.input(),
                run.output(),
                run.error(),
                run.trigger(),
                run.createdAt(),
                run.startedAt(),
                run.endedAt(),
                run.usage(),
                null,
                steps == null ? null : steps.stream().map(StepView::of).toList());
    }

    /** This view with the number of its tool calls a policy refused, as the run list shows it. */
    public RunView withDenials(int count) {
        return new RunView(
                id, agent, status, input, output, error, trigger, createdAt, startedAt, endedAt, usage, count, steps);
    }

    /**
     * One step. Model steps have no tool and no arguments; their result holds the reply's text and
     * tool calls, and {@code usage} its tokens.
     */
    public record StepView(
            int index,
            String type,
            String tool,
            JsonNode arguments,
            JsonNode result,
            String status,
            long durationMs,
            Instant startedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) TokenUsage usage,
            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode decision) {

        public static StepView of(Step step) {
            return switch (step) {
                case Step.ModelStep model ->
                    new StepView(
                            model.index(),
                            "model",
                            null,
                            null,
                            model.resultJson(),
                            "ok",
                            model.durationMs(),
                            model.startedAt(),
                            model.usage(),
                            null);
                case Step.ToolStep tool ->
                    new StepView(
                            tool.index(),
                            "tool",
                            tool.tool(),
                            tool.arguments(),
                            tool.resultJson(),
                            tool.result().status(),
                            tool.durationMs(),
                            tool.startedAt(),
                            null,
                            tool.decisionJson());
            };
        }
    }
}
