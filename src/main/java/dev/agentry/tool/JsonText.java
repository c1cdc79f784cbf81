package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Compact JSON text of a tree, written directly: tool results become the model's text on every call,
 * and Jackson's own {@code toString} makes a generator each time. The output is what Jackson writes
 * for the same tree (members in their order, no spaces, non-ASCII as it is).
 */
public final class JsonText {

    private JsonText() {}

    public static String compact(JsonNode node) {
        StringBuilder text = new StringBuilder(64);
        write(node, text);
        return text.toString();
    }

    private static void write(JsonNode node, StringBuilder text) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                text.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    if (!first) {
                        text.append(',');
                    }
                    first = false;
                    quote(member.getKey(), text);
                    text.append(':');
                    write(member.getValue(), text);
                }
                text.append('}');
            }
            case ARRAY -> {
                text.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        text.append(',');
                    }
                    write(node.get(i), text);
                }
                text.append(']');
            }
            case STRING -> quote(node.textValue(), text);
            case NUMBER -> text.append(node.isBigDecimal() ? node.decimalValue().toString() : node.asText());
            case BOOLEAN, NULL -> text.append(node.asText());
            case BINARY, POJO, MISSING -> text.append(node.toString());
        }
    }

    /** A JSON string: quotes, backslashes and control characters escaped, everything else as it is. */
    public static void quote(String value, StringBuilder text) {
        text.append('"');
        int first = firstToEscape(value);
        if (first < 0) {
            // The common case: copied whole, which is far faster than a range of a CharSequence.
            text.append(value).append('"');
            return;
        }
        text.append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\b' -> text.append("\\b");
                case '\f' -> text.append("\\f");
                default -> {
                    if (c < 0x20) {
                        text.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static int firstToEscape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                return i;
            }
        }
        return -1;
    }
}
