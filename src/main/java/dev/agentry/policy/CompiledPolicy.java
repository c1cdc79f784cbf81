package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

import dev.agentry.asset.FieldException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A policy ready to decide: each rule's condition compiled and checked once, when its file loads.
 * For each tool it is asked about, the conditions of the rules covering that tool are joined into
 * one program, so a decision evaluates one expression per policy rather than one per rule. Safe to
 * share between threads.
 */
public final class CompiledPolicy {

    /** A rule, its compiled condition (null for none) and the decision it makes when it holds. */
    private record CompiledRule(Policy.Rule rule, Condition condition, Decision decision) {}

    private final Policy policy;
    private final List<CompiledRule> rules;
    private final ConditionCompiler compiler;
    private final Map<String, ToolPlan> plans = new ConcurrentHashMap<>();
    private final Redaction redaction;
    private final Decision fallback;

    private CompiledPolicy(Policy policy, List<CompiledRule> rules, ConditionCompiler compiler) {
        this.policy = policy;
        this.rules = rules;
        this.compiler = compiler;
        this.redaction =
                policy.redact() == null ? Redaction.NONE : policy.redact().redaction();
        this.fallback = Decision.of(
                policy.fallback(),
                policy.name(),
                "default",
                "no rule of policy '" + policy.name() + "' matched; its default is " + policy.fallback());
    }

    /** The masks of the policy's {@code redact} block, compiled once. */
    public Redaction redaction() {
        return redaction;
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
            rules.add(new CompiledRule(
                    rule, condition, Decision.of(rule.effect(), policy.name(), rule.name(), rule.reason())));
        }
        return new CompiledPolicy(policy, List.copyOf(rules), compiler);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The first rule that covers the tool and whose condition holds, else the default. A condition that
     * cannot be evaluated denies the call (fail closed), with the error in the reason.
     */
    public Decision decide(PolicyRequest request) {
        ToolPlan plan = plans.computeIfAbsent(request.tool(), this::plan);
        int first;
        try {
            first = plan.selector() == null
                    ? plan.unconditional()
                    : plan.selector().first(request);
        } catch (Condition.Failure e) {
            return failedRule(plan, request);
        }
        return first < 0 ? fallback : plan.rules().get(first).decision();
    }

    /**
     * The rules that cover one tool, up to the first without a condition, and one program that picks
     * the first that holds; made on the tool's first call and kept.
     *
     * @param unconditional the index of the rule without a condition that ends the list, or -1
     */
    private record ToolPlan(List<CompiledRule> rules, ConditionCompiler.Selector selector, int unconditional) {}

    private ToolPlan plan(String tool) {
        List<CompiledRule> covering = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        int unconditional = -1;
        for (CompiledRule compiled : rules) {
            if (!compiled.rule().covers(tool)) {
                continue;
            }
            covering.add(compiled);
            if (compiled.condition() == null) {
                unconditional = covering.size() - 1;
                break;
            }
            conditions.add(compiled.rule().when());
        }
        if (conditions.isEmpty()) {
            return new ToolPlan(covering, null, unconditional);
        }
        if (unconditional >= 0) {
            conditions.add("true");
        }
        return new ToolPlan(covering, compiler.select(conditions), unconditional);
    }

    /** The combined program failed: find the rule whose condition did, evaluating them one by one. */
    private Decision failedRule(ToolPlan plan, PolicyRequest request) {
        for (CompiledRule compiled : plan.rules()) {
            Policy.Rule rule = compiled.rule();
            if (compiled.condition() == null) {
                return compiled.decision();
            }
            try {
                if (compiled.condition().holds(request)) {
                    return compiled.decision();
                }
            } catch (Condition.Failure e) {
                return new Decision.Deny(
                        policy.name(),
                        rule.name(),
                        "denied because the condition of rule '" + rule.name() + "' in policy '" + policy.name()
                                + "' could not be evaluated (policies fail closed): " + e.getMessage());
            }
        }
        // Alone, every condition evaluated; together they did not (the shared iteration budget).
        return new Decision.Deny(
                policy.name(),
                null,
                "denied because the rules of policy '" + policy.name() + "' could not be evaluated together within"
                        + " the evaluation budget (policies fail closed)");
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
