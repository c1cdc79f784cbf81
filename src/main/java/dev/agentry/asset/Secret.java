package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

/**
 * A credential read from an asset file. Its value is only for the one client that needs it; every
 * other view, {@link #toString()} and JSON included, shows the reference it came from (such as
 * {@code ${OPENAI_API_KEY}}) or a mask when it was written inline.
 *
 * @param value the credential itself
 * @param reference the text as written when it came from variables, otherwise null
 */
public record Secret(String value, String reference) {

    public static final String MASK = "****";

    public Secret {
        requireNonNull(value, "value");
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** What may be shown to users: the reference, or a mask for an inline value. */
    public String display() {
        if (reference != null) {
            return reference;
        }
        return value.isEmpty() ? "" : MASK;
    }

    @Override
    public String toString() {
        return display();
    }
}
