package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with an asset file, located as precisely as the file allows. {@link #describe()}
 * is what users see: {@code agents/billing.yaml:12: field 'limits.max-steps' must be a whole number,
 * got "twenty"; write a number such as 20}.
 *
 * @param file the file as the user knows it, relative to the working directory where possible
 * @param line 1-based line, or 0 when the problem concerns the whole file
 * @param field dotted field path such as {@code limits.max-steps}, or null for file-level problems
 * @param message what is wrong and how to fix it
 */
public record AssetProblem(String file, int line, String field, String message) {

    public AssetProblem {
        requireNonNull(file, "file");
        requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be 0 or positive: " + line);
        }
    }

    public static AssetProblem ofFile(String file, String message) {
        return new AssetProblem(file, 0, null, message);
    }

    public String describe() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (field != null && !field.isEmpty()) {
            text.append("field '").append(field).append("' ");
        }
        return text.append(message).toString();
    }
}
