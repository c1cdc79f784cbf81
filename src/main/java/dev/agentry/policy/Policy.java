package dev.agentry.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.FieldException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A guardrail policy as written in {@code policies/<name>.yaml}: rules tried in order, the first
 * whose {@code tools} match the call and whose {@code when} holds decides; {@code default} decides
 * when none does.
 */
public record Policy(
        String name,
        String description,
        List<Rule> rules,
        @JsonProperty("default") Effect fallback,
        Redact redact) {

    /** What a tool pattern may contain: a tool id's characters and the wildcards {@code *} and {@code ?}. */
    static final Pattern TOOL_PATTERN = Pattern.compile("[a-z0-9*?][a-z0-9_.*?-]{0,129}");

    public Policy {
        if (name == null || !AssetFolder.NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name",
                    "must be lowercase letters, digits and hyphens, starting with a letter, got '" + name + "'");
        }
        description = description == null ? "" : description;
        rules = rules == null ? List.of() : List.copyOf(rules);
        fallback = fallback == null ? Effect.ALLOW : fallback;
        for (int i = 0; i < rules.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (rules.get(i).name().equals(rules.get(j).name())) {
                    throw new FieldException(
                            "rules[" + i + "].name",
                            "'" + rules.get(i).name() + "' is used by rule " + (j + 1)
                                    + " too; give each rule its own name so decisions can cite it");
                }
            }
        }
    }

    /**
     * @param tools glob patterns over tool ids ({@code salesforce.*}, {@code google-calendar.create_event});
     *     empty means every tool
     * @param when a CEL expression that must hold for the rule to decide; null means always
     * @param reason what the model and the run record are told when the rule decides
     */
    public record Rule(String name, List<String> tools, String when, Effect effect, String reason) {
        public Rule {
            if (name == null || name.isBlank()) {
                throw new FieldException("name", "is required; name the rule so decisions can cite it");
            }
            if (name.length() > 100) {
                throw new FieldException("name", "is longer than 100 characters; shorten it");
            }
            tools = tools == null ? List.of() : List.copyOf(tools);
            for (int i = 0; i < tools.size(); i++) {
                String pattern = tools.get(i);
                if (pattern == null || !TOOL_PATTERN.matcher(pattern).matches()) {
                    throw new FieldException(
                            "tools[" + i + "]",
                            "must be a tool id or a pattern with * and ? (such as salesforce.* or"
                                    + " google-calendar.create_event), got '" + pattern + "'");
                }
            }
            if (when != null && when.isBlank()) {
                throw new FieldException(
                        "when", "is empty; write a condition such as args.amount > 100, or remove the field");
            }
            if (effect == null) {
                throw new FieldException("effect", "is required; choose allow, deny or require-approval");
            }
            reason = reason == null || reason.isBlank() ? "rule " + name : reason;
        }

        /** Whether the rule considers calls of {@code tool}. */
        boolean covers(String tool) {
            if (tools.isEmpty()) {
                return true;
            }
            for (String pattern : tools) {
                if (glob(pattern, tool)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What to mask in tool results, and where.
     *
     * @param detectors built-in detectors: email, phone, card, iban, api-key
     * @param custom named regular expressions; a match is masked as {@code <name>}
     * @param in {@code model} (what the model reads, and every copy of it), {@code store} (what is
     *     recorded and shown, arguments included); default both
     */
    public record Redact(List<String> detectors, List<Custom> custom, List<String> in) {

        public Redact {
            detectors = detectors == null ? List.of() : List.copyOf(detectors);
            for (int i = 0; i < detectors.size(); i++) {
                if (!Redaction.BUILT_IN.contains(detectors.get(i))) {
                    throw new FieldException(
                            "detectors[" + i + "]",
                            "'" + detectors.get(i) + "' is not a detector; use " + String.join(", ", Redaction.BUILT_IN)
                                    + ", or add a custom one");
                }
            }
            custom = custom == null ? List.of() : List.copyOf(custom);
            in = in == null || in.isEmpty() ? List.of("model", "store") : List.copyOf(in);
            for (int i = 0; i < in.size(); i++) {
                if (!List.of("model", "store").contains(in.get(i))) {
                    throw new FieldException("in[" + i + "]", "must be model or store, got '" + in.get(i) + "'");
                }
            }
        }

        /** The masks this block makes. */
        public Redaction redaction() {
            Map<String, String> named = new LinkedHashMap<>();
            custom.forEach(detector -> named.put(detector.name(), detector.pattern()));
            return Redaction.of(detectors, named);
        }

        /** A named regular expression, such as {@code employee-id: "EMP-[0-9]{6}"}. */
        public record Custom(String name, String pattern) {
            public Custom {
                if (name == null || !NAME.matcher(name).matches() || Redaction.BUILT_IN.contains(name)) {
                    throw new FieldException(
                            "name",
                            "must be lowercase letters, digits and hyphens and not a built-in detector's name, got '"
                                    + name + "'");
                }
                if (pattern == null || pattern.isEmpty() || pattern.length() > 500) {
                    throw new FieldException("pattern", "is required, at most 500 characters");
                }
                try {
                    if (Pattern.compile(pattern).matcher("").matches()) {
                        throw new FieldException("pattern", "matches empty text; make it match something");
                    }
                } catch (PatternSyntaxException e) {
                    throw new FieldException("pattern", "is not a valid regular expression: " + e.getDescription());
                }
            }
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");

    /** {@code *} matches any run of characters, dots included; {@code ?} one character. */
    static boolean glob(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    public enum Effect {
        ALLOW,
        DENY,
        REQUIRE_APPROVAL;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public String toString() {
            return id();
        }
    }
}
