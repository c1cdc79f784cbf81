package dev.agentry.model;

/** Tokens one model call consumed; zero where the endpoint does not say. */
public record TokenUsage(long input, long output) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (input < 0 || output < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + input + ", " + output);
        }
    }

    public long total() {
        return input + output;
    }
}
