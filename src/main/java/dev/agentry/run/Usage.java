package dev.agentry.run;

import dev.agentry.model.Price;
import dev.agentry.model.TokenUsage;

/** What a run has consumed so far, and what that cost in USD when its model has a price. */
public record Usage(int modelCalls, int toolCalls, long inputTokens, long outputTokens, Double costUsd) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    /** Usage without a cost: no price is known for the model. */
    public Usage(int modelCalls, int toolCalls, long inputTokens, long outputTokens) {
        this(modelCalls, toolCalls, inputTokens, outputTokens, null);
    }

    /** This usage with its cost at {@code price}; without one when the price is null. */
    public Usage withCost(Price price) {
        return new Usage(
                modelCalls,
                toolCalls,
                inputTokens,
                outputTokens,
                price == null ? null : price.cost(inputTokens, outputTokens));
    }

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
