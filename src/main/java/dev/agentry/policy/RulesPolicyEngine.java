package dev.agentry.policy;

import dev.agentry.asset.AssetEntry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides each call by the agent's policies and the global ones. Within a policy the first matching
 * rule decides; across policies the most restrictive decision wins (deny over require-approval over
 * allow). A policy that is missing or invalid when a call is decided denies it: a guardrail that
 * cannot be read never lets a call through.
 */
@ApplicationScoped
public class RulesPolicyEngine implements PolicyEngine {

    private static final Decision NO_POLICY = Decision.allow("allowed: no policy applies to this agent");

    private final PolicyCatalog catalog;
    private final List<String> global;

    RulesPolicyEngine(PolicyCatalog catalog, PoliciesConfig config) {
        this.catalog = catalog;
        this.global = config.global().orElse(List.of());
    }

    @Override
    public Decision decide(PolicyRequest request) {
        return decide(request, null);
    }

    @Override
    public Decision decideWith(PolicyRequest request, CompiledPolicy draft) {
        return decide(request, draft);
    }

    /** @param draft a policy in place of the file of its name, or beside the others; null for none */
    private Decision decide(PolicyRequest request, CompiledPolicy draft) {
        if (draft != null) {
            Set<String> names = names(request.policies());
            names.add(draft.policy().name());
            Decision strictest = null;
            for (String name : names) {
                strictest = stricter(
                        strictest, name.equals(draft.policy().name()) ? draft.decide(request) : decide(name, request));
            }
            return strictest;
        }
        // The common case, without a set: the agent's policies, then the global ones it does not name.
        Decision strictest = null;
        for (String name : request.policies()) {
            strictest = stricter(strictest, decide(name, request));
        }
        for (String name : global) {
            if (!request.policies().contains(name)) {
                strictest = stricter(strictest, decide(name, request));
            }
        }
        return strictest == null ? NO_POLICY : strictest;
    }

    private Decision decide(String name, PolicyRequest request) {
        Optional<CompiledPolicy> policy = compiled(name);
        return policy.isPresent() ? policy.get().decide(request) : unreadable(name);
    }

    /** Of equally restrictive decisions the first is kept. */
    private static Decision stricter(Decision strictest, Decision decision) {
        return strictest == null || decision.severity() > strictest.severity() ? decision : strictest;
    }

    @Override
    public Redactions redactions(List<String> policies) {
        Redaction model = Redaction.NONE;
        Redaction store = Redaction.NONE;
        for (CompiledPolicy policy : bound(policies)) {
            Policy.Redact redact = policy.policy().redact();
            if (redact == null) {
                continue;
            }
            if (redact.in().contains("model")) {
                model = model.and(policy.redaction());
            }
            if (redact.in().contains("store")) {
                store = store.and(policy.redaction());
            }
        }
        return new Redactions(model, store);
    }

    @Override
    public boolean offered(List<String> policies, String tool) {
        for (CompiledPolicy policy : bound(policies)) {
            if (policy.deniesOutright(tool)) {
                return false;
            }
        }
        return true;
    }

    /** The readable policies among the agent's and the global ones, each once, the agent's first. */
    private List<CompiledPolicy> bound(List<String> policies) {
        List<CompiledPolicy> bound = new ArrayList<>(policies.size() + global.size());
        for (String name : policies) {
            compiled(name).filter(policy -> !bound.contains(policy)).ifPresent(bound::add);
        }
        for (String name : global) {
            compiled(name).filter(policy -> !bound.contains(policy)).ifPresent(bound::add);
        }
        return bound;
    }

    /** The agent's policies, then the global ones; of equally restrictive decisions the first is reported. */
    private Set<String> names(List<String> policies) {
        Set<String> names = new LinkedHashSet<>(policies);
        names.addAll(global);
        return names;
    }

    private Optional<CompiledPolicy> compiled(String name) {
        return catalog.compiled(name);
    }

    private Decision unreadable(String name) {
        String why = catalog.find(name)
                .map(entry -> entry instanceof AssetEntry.Invalid<Policy> invalid
                        ? "is invalid: " + invalid.problem().describe()
                        : "cannot be read")
                .orElse("does not exist (policies/" + name + ".yaml)");
        return new Decision.Deny(name, null, "denied because policy '" + name + "' " + why);
    }
}
