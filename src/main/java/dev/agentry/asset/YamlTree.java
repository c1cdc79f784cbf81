package dev.agentry.asset;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A parsed YAML document as a JSON tree, plus the 1-based line where each node starts, keyed by JSON
 * pointer. For a mapping entry the line is the key's line, which is where users look.
 */
public record YamlTree(JsonNode root, Map<String, Integer> lines) {

    public YamlTree {
        requireNonNull(root, "root");
        lines = Map.copyOf(lines);
    }

    /** The line of the node at {@code pointer}, or of its nearest ancestor that has one. */
    public int lineOf(String pointer) {
        String current = pointer;
        while (true) {
            Integer line = lines.get(current);
            if (line != null) {
                return line;
            }
            if (current.isEmpty()) {
                return 1;
            }
            current = current.substring(0, current.lastIndexOf('/'));
        }
    }
}
