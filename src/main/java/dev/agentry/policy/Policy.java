package dev.agentry.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.FieldException;
import java.util.List;
import java.util.Locale;

/**
 * A guardrail policy as written in {@code policies/<name>.yaml}: rules tried in order, the first
 * whose {@code when} holds decides; {@code default} decides when none does.
 */
public record Policy(
        String name,
        String description,
        List<Rule> rules,
        @JsonProperty("default") Effect fallback) {

    public Policy {
        if (name == null || !AssetFolder.NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name",
                    "must be lowercase letters, digits and hyphens, starting with a letter, got '" + name + "'");
        }
        description = description == null ? "" : description;
        rules = rules == null ? List.of() : List.copyOf(rules);
        fallback = fallback == null ? Effect.ALLOW : fallback;
    }

    /**
     * @param when a CEL expression over {@code tool} (the tool's id) and {@code args} (its arguments)
     * @param reason what the model and the run record are told when the rule decides
     */
    public record Rule(String name, String when, Effect effect, String reason) {
        public Rule {
            if (name == null || name.isBlank()) {
                throw new FieldException("name", "is required; name the rule so decisions can cite it");
            }
            if (when == null || when.isBlank()) {
                throw new FieldException("when", "is required; write a condition such as tool == \"crm.delete\"");
            }
            if (effect == null) {
                throw new FieldException("effect", "is required; choose allow, deny or require-approval");
            }
            reason = reason == null ? name : reason;
        }
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
