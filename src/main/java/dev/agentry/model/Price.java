package dev.agentry.model;

/**
 * What a model's tokens cost, in USD per million tokens, as configured in
 * {@code agentry.models.prices."<model>".input} and {@code .output}.
 */
public record Price(double inputPerMillion, double outputPerMillion) {

    public Price {
        if (inputPerMillion < 0 || outputPerMillion < 0) {
            throw new IllegalArgumentException("prices are 0 or more USD per million tokens");
        }
    }

    /** The cost in USD of {@code input} and {@code output} tokens. */
    public double cost(long input, long output) {
        return (input * inputPerMillion + output * outputPerMillion) / 1_000_000.0;
    }
}
