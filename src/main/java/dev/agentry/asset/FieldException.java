package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/**
 * Thrown by the compact constructor of an asset record when one of its fields breaks a rule that
 * the type alone cannot express. The reader turns it into an {@link AssetProblem} on the field's
 * line.
 *
 * @see AssetBinder
 */
public final class FieldException extends IllegalArgumentException {

    private final String field;

    /**
     * @param field the field's name as written in YAML, relative to the record that throws
     * @param message what is wrong and how to fix it, starting lower case after the field name
     */
    public FieldException(String field, String message) {
        super(requireNonNull(message, "message"));
        this.field = requireNonNull(field, "field");
    }

    public String field() {
        return field;
    }
}
