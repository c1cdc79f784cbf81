package dev.agentry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.asset.AssetCatalog;
import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import dev.agentry.policy.cel.CelConditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy files as they load and decide: real YAML, real CEL, every rule of the semantics. */
class PolicyRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON_UTC = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    private final ConditionCompiler cel = new CelConditions();

    private AssetEntry<Policy> load(String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name + ".yaml"), yaml);
        AssetCatalog<Policy> catalog = new AssetCatalog<>(
                "policy",
                new AssetFolder(dir.toString()),
                Policy.class,
                Policy::name,
                Variables.of(Map.of()),
                new Redactor(),
                AssetEvents.NONE,
                policy -> CompiledPolicy.compile(policy, cel));
        catalog.refresh();
        return catalog.find(name).orElseThrow();
    }

    private CompiledPolicy policy(String name, String yaml) throws IOException {
        AssetEntry<Policy> entry = load(name, yaml);
        assertThat(entry).isInstanceOf(AssetEntry.Valid.class);
        return CompiledPolicy.compile(((AssetEntry.Valid<Policy>) entry).value(), cel);
    }

    static PolicyRequest call(String tool, String args) {
        return call(tool, args, "model", PolicyRequest.RunFacts.start("run_1", "api"));
    }

    static PolicyRequest call(String tool, String args, String origin, PolicyRequest.RunFacts run) {
        try {
            JsonNode arguments = JSON.readTree(args);
            return new PolicyRequest(
                    "scheduler",
                    List.of(),
                    tool,
                    tool.substring(0, tool.indexOf('.')),
                    arguments,
                    Map.of("read_only", false, "destructive", tool.contains("delete"), "idempotent", false),
                    origin,
                    run,
                    NOON_UTC);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void the_first_rule_that_covers_the_tool_and_holds_decides() throws IOException {
        CompiledPolicy policy = policy("crm", """
                name: crm
                rules:
                  - name: big-deals-need-a-person
                    tools: [salesforce.update_*]
                    when: args.amount > 10000
                    effect: require-approval
                    reason: deals over 10,000 need a person
                  - name: updates-ok
                    tools: [salesforce.update_*]
                    effect: allow
                  - name: no-deletes
                    tools: ["salesforce.delete_*", "hubspot.delete_*"]
                    effect: deny
                    reason: this agent never deletes CRM records
                default: deny
                """);

        Decision big = policy.decide(call("salesforce.update_deal", "{\"amount\": 50000}"));
        Decision small = policy.decide(call("salesforce.update_deal", "{\"amount\": 50}"));
        Decision delete = policy.decide(call("hubspot.delete_contact", "{}"));
        Decision other = policy.decide(call("google-calendar.list_events", "{}"));

        assertThat(big).isInstanceOf(Decision.RequireApproval.class);
        assertThat(big.rule()).isEqualTo("big-deals-need-a-person");
        assertThat(big.reason()).isEqualTo("deals over 10,000 need a person");
        assertThat(small).isInstanceOf(Decision.Allow.class);
        assertThat(small.rule()).isEqualTo("updates-ok");
        assertThat(delete).isInstanceOf(Decision.Deny.class);
        assertThat(delete.policy()).isEqualTo("crm");
        assertThat(delete.rule()).isEqualTo("no-deletes");
        assertThat(other).isInstanceOf(Decision.Deny.class);
        assertThat(other.rule()).isEqualTo("default");
        assertThat(other.reason()).contains("no rule of policy 'crm' matched");
    }

    @Test
    void a_rule_without_tools_covers_every_tool_and_the_default_is_allow() throws IOException {
        CompiledPolicy policy = policy("domains", """
                name: domains
                rules:
                  - name: outside-domains
                    when: >-
                      has(args.attendees) &&
                      args.attendees.exists(a, !(email_domain(a) in ["acme.example", "example.com"]))
                    effect: deny
                    reason: invitations stay inside acme.example and example.com
                """);

        assertThat(policy.decide(call("google-calendar.create_event", "{\"attendees\": [\"a@acme.example\"]}")))
                .isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(
                        call("outlook.create_event", "{\"attendees\": [\"a@acme.example\", \"x@EVIL.example\"]}")))
                .isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(call("outlook.create_event", "{\"subject\": \"no attendees\"}")))
                .isInstanceOf(Decision.Allow.class);
    }

    @Test
    void an_expression_that_fails_at_run_time_denies_with_the_error_in_the_reason() throws IOException {
        CompiledPolicy policy = policy("strict", """
                name: strict
                rules:
                  - name: small-amounts
                    tools: [payments.*]
                    when: args.amount < 100
                    effect: allow
                default: allow
                """);

        Decision missing = policy.decide(call("payments.send", "{\"to\": \"x\"}"));
        Decision wrongType = policy.decide(call("payments.send", "{\"amount\": \"lots\"}"));

        assertThat(missing).isInstanceOf(Decision.Deny.class);
        assertThat(missing.rule()).isEqualTo("small-amounts");
        assertThat(missing.reason()).contains("fail closed").contains("amount");
        assertThat(wrongType).isInstanceOf(Decision.Deny.class);
        assertThat(wrongType.reason()).contains("could not be evaluated");
        assertThat(policy.decide(call("payments.send", "{\"amount\": 5}"))).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void a_rule_over_the_evaluation_budget_denies() throws IOException {
        CompiledPolicy policy = policy("heavy", """
                name: heavy
                rules:
                  - name: quadratic
                    when: args.items.all(a, args.items.all(b, a != b || true))
                    effect: allow
                default: allow
                """);
        String items = "[" + String.join(",", java.util.Collections.nCopies(200, "1")) + "]";

        Decision small = policy.decide(call("x.y", "{\"items\": [1, 2, 3]}"));
        Decision large = policy.decide(call("x.y", "{\"items\": " + items + "}"));

        assertThat(small).isInstanceOf(Decision.Allow.class);
        assertThat(large).isInstanceOf(Decision.Deny.class);
        assertThat(large.reason()).contains("budget");
    }

    @Test
    void an_expression_that_does_not_type_check_makes_the_file_invalid_with_line_rule_and_message() throws IOException {
        AssetEntry<Policy> entry = load("typo", """
                name: typo
                description: the second rule compares a string with a number
                rules:
                  - name: fine
                    when: tool == "a.b"
                    effect: deny
                  - name: wrong-type
                    when: tool == 42
                    effect: deny
                """);

        assertThat(entry).isInstanceOf(AssetEntry.Invalid.class);
        String problem = ((AssetEntry.Invalid<Policy>) entry).problem().describe();
        assertThat(problem)
                .contains("typo.yaml:8: field 'rules[1].when' of rule 'wrong-type' is not a valid condition")
                .contains("no matching overload");
    }

    @Test
    void syntax_errors_unknown_names_and_non_boolean_results_are_load_errors() throws IOException {
        for (String when : List.of("tool ==", "tools == \"x\"", "args.size()", "no_such_function(tool)")) {
            AssetEntry<Policy> entry =
                    load("bad", "name: bad\nrules:\n  - name: r\n    when: '" + when + "'\n" + "    effect: deny\n");
            assertThat(entry).as(when).isInstanceOf(AssetEntry.Invalid.class);
            assertThat(((AssetEntry.Invalid<Policy>) entry).problem().describe())
                    .as(when)
                    .contains("bad.yaml:4: field 'rules[0].when' of rule 'r' is not a valid condition: ");
        }
    }

    @Test
    void rules_see_origin_annotations_agent_toolset_run_history_and_time() throws IOException {
        CompiledPolicy policy = policy("context", """
                name: context
                rules:
                  - name: code-may-not-delete
                    when: origin == "code" && annotations.destructive
                    effect: deny
                  - name: after-crm-no-functions
                    tools: [functions.*]
                    when: run.history.exists(c, c.tool.startsWith("salesforce."))
                    effect: require-approval
                  - name: at-most-two-notes
                    when: tool == "salesforce.create_note" && run.calls[tool] >= 2
                    effect: deny
                  - name: business-hours
                    when: toolset == "outlook" && (now.getHours("Europe/Berlin") < 9 || now.getHours("Europe/Berlin") >= 17)
                    effect: deny
                  - name: only-scheduler
                    when: agent != "scheduler"
                    effect: deny
                """);
        var empty = PolicyRequest.RunFacts.start("run_1", "api");
        var afterCrm = new PolicyRequest.RunFacts(
                "run_1",
                "schedule",
                3,
                2,
                Map.of("salesforce.create_note", 2),
                List.of(
                        new PolicyRequest.PastCall("salesforce.create_note", "model", "allow"),
                        new PolicyRequest.PastCall("salesforce.create_note", "model", "allow")),
                120,
                900);

        assertThat(policy.decide(call("crm.delete_note", "{}", "code", empty)).rule())
                .isEqualTo("code-may-not-delete");
        assertThat(policy.decide(call("crm.delete_note", "{}", "model", empty))).isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(call("functions.invoke", "{}", "model", empty)))
                .isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(call("functions.invoke", "{}", "model", afterCrm))
                        .rule())
                .isEqualTo("after-crm-no-functions");
        assertThat(policy.decide(call("salesforce.create_note", "{}", "model", afterCrm))
                        .rule())
                .isEqualTo("at-most-two-notes");
        // Noon UTC is 13:00 in Berlin in December: inside business hours.
        assertThat(policy.decide(call("outlook.send", "{}"))).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void url_host_and_email_domain_read_what_an_attacker_would_disguise() throws IOException {
        CompiledPolicy policy = policy("hosts", """
                name: hosts
                rules:
                  - name: allowed-hosts
                    when: has(args.url) && url_host(args.url) in ["good.example", "api.example.com"]
                    effect: allow
                  - name: allowed-domains
                    when: has(args.to) && email_domain(args.to) == "good.example"
                    effect: allow
                default: deny
                """);

        assertThat(policy.decide(call("web.fetch", "{\"url\": \"https://good.example/x\"}")))
                .isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(call("web.fetch", "{\"url\": \"HTTPS://API.Example.com:8443/v1\"}")))
                .isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(call("web.fetch", "{\"url\": \"https://good.example@evil.example/x\"}")))
                .isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(call("web.fetch", "{\"url\": \"https://good.example.evil.example/\"}")))
                .isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(call("web.fetch", "{\"url\": \"not a url\"}"))).isInstanceOf(Decision.Deny.class);
        assertThat(policy.decide(call("mail.send", "{\"to\": \"Boss@Good.Example\"}")))
                .isInstanceOf(Decision.Allow.class);
        assertThat(policy.decide(call("mail.send", "{\"to\": \"a@good.example@evil.example\"}")))
                .isInstanceOf(Decision.Deny.class);
    }

    @Test
    void a_tool_is_denied_outright_only_by_an_unconditional_deny_or_a_deny_default() throws IOException {
        CompiledPolicy policy = policy("outright", """
                name: outright
                rules:
                  - name: conditional
                    tools: [crm.update]
                    when: args.x == 1
                    effect: deny
                  - name: never-delete
                    tools: [crm.delete*]
                    effect: deny
                  - name: reads
                    tools: [crm.get, crm.update]
                    effect: allow
                default: deny
                """);

        assertThat(policy.deniesOutright("crm.delete_all")).isTrue();
        assertThat(policy.deniesOutright("crm.update")).isFalse();
        assertThat(policy.deniesOutright("crm.get")).isFalse();
        assertThat(policy.deniesOutright("mail.send")).isTrue();
    }

    @Test
    void globs_match_whole_ids() {
        assertThat(Policy.glob("salesforce.*", "salesforce.create_task")).isTrue();
        assertThat(Policy.glob("salesforce.*", "salesforce-eu.create_task")).isFalse();
        assertThat(Policy.glob("*.delete_*", "hubspot.delete_contact")).isTrue();
        assertThat(Policy.glob("crm.get", "crm.get_all")).isFalse();
        assertThat(Policy.glob("crm.ge?", "crm.get")).isTrue();
        assertThat(Policy.glob("*", "anything.at_all")).isTrue();
    }
}
