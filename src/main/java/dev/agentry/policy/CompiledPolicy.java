package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

import dev.agentry.asset.FieldException;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy ready to decide: each rule's condition compiled once, when its file loads. Immutable and
 * safe to share between threads.
 */
public final class CompiledPolicy {

    private record CompiledRule(Policy.Rule rule, Condition condition) {}

    private final Policy policy;
    private final List<CompiledRule> rules;

    private CompiledPolicy(Policy policy, List<CompiledRule> rules) {
        this.policy = policy;
        this.rules = rules;
    }

    /**
     * @throws FieldException naming the rule's {@code when} when a condition does not compile
     */
    public static CompiledPolicy compile(Policy policy, ConditionCompiler compiler) {
        requireNonNull(policy, "policy");
        List<CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            Policy.Rule rule = policy.rules().get(i);
            Condition condition = null;
            if (rule.when() != null) {
                try {
                    condition = compiler.compile(rule.when());
                } catch (IllegalArgumentException e) {
                    throw new FieldException(
                            "rules[" + i + "].when",
                            "of rule '" + rule.name() + "' is not a valid condition: " + e.getMessage());
                }
            }
            rules.add(new CompiledRule(rule, condition));
        }
        return new CompiledPolicy(policy, List.copyOf(rules));
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The first rule that covers the tool and whose condition holds, else the default. A condition that
     * cannot be evaluated denies the call (fail closed), with the error in the reason.
     */
    public Decision decide(PolicyRequest request) {
        for (CompiledRule compiled : rules) {
            Policy.Rule rule = compiled.rule();
            if (!rule.covers(request.tool())) {
                continue;
            }
            if (compiled.condition() != null) {
                try {
                    if (!compiled.condition().holds(request)) {
                        continue;
                    }
                } catch (Condition.Failure e) {
                    return new Decision.Deny(
                            policy.name(),
                            rule.name(),
                            "denied because the condition of rule '" + rule.name() + "' in policy '" + policy.name()
                                    + "' could not be evaluated (policies fail closed): " + e.getMessage());
                }
            }
            return Decision.of(rule.effect(), policy.name(), rule.name(), rule.reason());
        }
        return Decision.of(
                policy.fallback(),
                policy.name(),
                "default",
                "no rule of policy '" + policy.name() + "' matched; its default is " + policy.fallback());
    }

    /**
     * Whether every call of {@code tool} is denied whatever its arguments: the first rule covering it
     * has no condition and denies, or no rule covers it and the default denies. Such tools are not
     * offered to the model.
     */
    public boolean deniesOutright(String tool) {
        for (CompiledRule compiled : rules) {
            if (compiled.rule().covers(tool)) {
                return compiled.condition() == null && compiled.rule().effect() == Policy.Effect.DENY;
            }
        }
        return policy.fallback() == Policy.Effect.DENY;
    }
}
