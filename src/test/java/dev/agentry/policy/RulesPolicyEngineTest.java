package dev.agentry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several policies at once: the agent's and the global ones, the most restrictive winning. */
class RulesPolicyEngineTest {

    @TempDir
    Path dir;

    @BeforeEach
    void policies() throws IOException {
        Files.writeString(dir.resolve("permissive.yaml"), """
                name: permissive
                rules:
                  - name: everything
                    effect: allow
                """);
        Files.writeString(dir.resolve("careful.yaml"), """
                name: careful
                rules:
                  - name: writes-need-a-person
                    tools: [crm.update]
                    effect: require-approval
                    reason: CRM writes need a person
                """);
        Files.writeString(dir.resolve("strict.yaml"), """
                name: strict
                rules:
                  - name: no-updates-at-all
                    tools: [crm.update]
                    when: args.field == "owner"
                    effect: deny
                    reason: owners are never changed
                  - name: no-deletes
                    tools: [crm.delete]
                    effect: deny
                """);
        Files.writeString(dir.resolve("broken.yaml"), """
                name: broken
                rules:
                  - name: typo
                    when: tool = "x"
                    effect: deny
                """);
    }

    private RulesPolicyEngine engine(String... global) {
        return PolicyFolder.engine(dir.toString(), Map.of(), List.of(global));
    }

    private static PolicyRequest update(String field, String... policies) {
        PolicyRequest call = PolicyRulesTest.call("crm.update", "{\"field\": \"" + field + "\"}");
        return new PolicyRequest(
                call.agent(),
                List.of(policies),
                call.tool(),
                call.toolset(),
                call.arguments(),
                call.annotations(),
                call.origin(),
                call.run(),
                call.now());
    }

    @Test
    void deny_beats_require_approval_beats_allow() {
        RulesPolicyEngine engine = engine();

        assertThat(engine.decide(update("name", "permissive"))).isInstanceOf(Decision.Allow.class);
        Decision approval = engine.decide(update("name", "permissive", "careful"));
        assertThat(approval).isInstanceOf(Decision.RequireApproval.class);
        assertThat(approval.policy()).isEqualTo("careful");
        Decision deny = engine.decide(update("owner", "careful", "permissive", "strict"));
        assertThat(deny).isInstanceOf(Decision.Deny.class);
        assertThat(deny.policy()).isEqualTo("strict");
        assertThat(deny.reason()).isEqualTo("owners are never changed");
        assertThat(engine.decide(update("name", "careful", "strict"))).isInstanceOf(Decision.RequireApproval.class);
    }

    @Test
    void global_policies_bind_calls_whatever_the_agent_names() {
        RulesPolicyEngine engine = engine("careful");

        assertThat(engine.decide(update("name"))).isInstanceOf(Decision.RequireApproval.class);
        assertThat(engine.decide(update("name", "permissive"))).isInstanceOf(Decision.RequireApproval.class);
    }

    @Test
    void no_policy_allows_and_says_so() {
        Decision decision = engine().decide(update("name"));

        assertThat(decision).isInstanceOf(Decision.Allow.class);
        assertThat(decision.reason()).contains("no policy applies");
    }

    @Test
    void a_missing_or_invalid_policy_denies_every_call() {
        RulesPolicyEngine engine = engine();

        Decision missing = engine.decide(update("name", "permissive", "gone"));
        Decision broken = engine.decide(update("name", "permissive", "broken"));

        assertThat(missing).isInstanceOf(Decision.Deny.class);
        assertThat(missing.reason()).contains("'gone' does not exist");
        assertThat(broken).isInstanceOf(Decision.Deny.class);
        assertThat(broken.reason()).contains("broken.yaml:4");
    }

    @Test
    void only_tools_denied_whatever_their_arguments_are_withheld_from_the_model() {
        RulesPolicyEngine engine = engine();

        assertThat(engine.offered(List.of("strict"), "crm.delete")).isFalse();
        assertThat(engine.offered(List.of("strict"), "crm.update")).isTrue();
        assertThat(engine.offered(List.of("permissive"), "crm.delete")).isTrue();
        assertThat(engine.offered(List.of("permissive", "strict"), "crm.delete"))
                .isFalse();
    }
}
