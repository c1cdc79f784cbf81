package dev.agentry.asset;

import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:default}} in a string from {@link Variables}; a default
 * may itself hold {@code ${OTHER}}; {@code $${}
 * writes a literal {@code ${}. The result remembers whether any value came from a variable, so that
 * secrets can be shown by reference rather than by value.
 */
public final class Interpolation {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Interpolation() {}

    /** A string after expansion. */
    public record Result(String value, boolean usedVariables) {}

    /**
     * @throws IllegalArgumentException with a message that names the variable and the fix
     */
    public static Result expand(String text, Variables variables) {
        if (text.indexOf('$') < 0) {
            return new Result(text, false);
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean used = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = closing(text, i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "has '${' without a closing '}'; write ${NAME} or $${ for a literal");
                }
                out.append(lookup(text.substring(i + 2, end), variables));
                used = true;
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Result(out.toString(), used);
    }

    /** The index of the '}' that closes a '${' opened before {@code from}, allowing nested ones in defaults. */
    private static int closing(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            if (text.startsWith("${", i)) {
                depth++;
                i++;
            } else if (text.charAt(i) == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    private static String lookup(String reference, Variables variables) {
        int colon = reference.indexOf(':');
        String name = colon < 0 ? reference : reference.substring(0, colon);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("refers to '${" + reference
                    + "}', which is not a variable name; use letters, digits and '_' as in ${OPENAI_API_KEY}");
        }
        return variables.lookup(name).orElseGet(() -> {
            if (colon >= 0) {
                return expand(reference.substring(colon + 1), variables).value();
            }
            throw new IllegalArgumentException("uses ${" + name + "}, which is not set; set the environment variable "
                    + name + " or give a default as ${" + name + ":value}");
        });
    }
}
