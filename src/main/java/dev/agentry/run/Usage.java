package dev.agentry.run;

import dev.agentry.model.TokenUsage;

/** What a run has consumed so far. */
public record Usage(int modelCalls, int toolCalls, long inputTokens, long outputTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public Usage plusModelCall(TokenUsage tokens) {
        return new Usage(modelCalls + 1, toolCalls, inputTokens + tokens.input(), outputTokens + tokens.output());
    }

    public Usage plusToolCall() {
        return new Usage(modelCalls, toolCalls + 1, inputTokens, outputTokens);
    }

    public long tokens() {
        return inputTokens + outputTokens;
    }
}
