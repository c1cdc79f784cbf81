package dev.agentry.policy;

import dev.agentry.fixtures.Bench;
import dev.agentry.policy.cel.CelConditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long one decision takes with 50 rules across 5 policies, through the engine the service uses
 * (policy files loaded and compiled by the catalog, CEL evaluated), side by side with the same engine
 * evaluating every condition with cel-java's runtime alone. Two shapes: rules whose tool
 * patterns mostly do not cover the call (how policies are usually written), and the worst case in
 * which all 50 cover it, are evaluated, and none holds, so every policy falls to its default.
 */
@Tag("bench")
class PolicyBench {

    private static final int CALLS = 200_000;

    @TempDir
    Path dir;

    /** Ten rules: a mix of argument checks, history and counts, like the starter policies. */
    private static String policy(int n, boolean coverAll) {
        StringBuilder yaml = new StringBuilder("name: p" + n + "\nrules:\n");
        String[] conditions = {
            "has(args.attendees) && args.attendees.exists(a, email_domain(a) != \"acme.example\")",
            "has(args.url) && !(url_host(args.url) in [\"api.acme.example\", \"hooks.acme.example\"])",
            "args.amount > 100000",
            "run.calls[tool] >= 50",
            "run.history.exists(c, c.tool.startsWith(\"secrets.\")) && origin == \"code\"",
            "annotations.destructive && origin == \"code\"",
            "now.getHours(\"Europe/Berlin\") < 6",
            "has(args.subject) && args.subject.lowerAscii().contains(\"password\")",
            "run.tokens > 5000000",
            "agent == \"nobody\" && tool.endsWith(\"_all\")",
        };
        for (int i = 0; i < conditions.length; i++) {
            yaml.append("  - name: r").append(i).append('\n');
            String tools = coverAll ? "\"*\"" : (i % 3 == 0 ? "salesforce.*" : "toolset" + i + ".*");
            yaml.append("    tools: [").append(tools).append("]\n");
            yaml.append("    when: '").append(conditions[i].replace("'", "''")).append("'\n");
            yaml.append("    effect: ")
                    .append(i % 2 == 0 ? "deny" : "require-approval")
                    .append('\n');
        }
        return yaml.append("default: allow\n").toString();
    }

    /** The p50 and p99 of one decision, in microseconds. */
    private record Latency(double p50, double p99) {}

    @Test
    void decisions_with_fifty_rules_across_five_policies() throws Exception {
        List<Bench.Row> rows = new ArrayList<>();
        for (boolean coverAll : new boolean[] {false, true}) {
            Path folder = Files.createDirectories(dir.resolve(coverAll ? "all" : "typical"));
            List<String> names = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                Files.writeString(folder.resolve("p" + n + ".yaml"), policy(n, coverAll));
                names.add("p" + n);
            }
            Latency celJava = measure(
                    PolicyFolder.engine(folder.toString(), Map.of(), List.of(), CelConditions.celJavaOnly()), names);
            Latency agentry = measure(PolicyFolder.engine(folder.toString(), Map.of(), List.of()), names);
            String shape = coverAll ? "all 50 rules evaluated" : "typical patterns (20 of 50 cover the call)";
            rows.add(Bench.row(
                    "decision p50, " + shape,
                    "%.1f µs".formatted(agentry.p50()),
                    "target <= 10 µs %s; cel-java's runtime alone %.1f µs (%.1f× faster)"
                            .formatted(
                                    Bench.verdict(agentry.p50() <= 10), celJava.p50(), celJava.p50() / agentry.p50())));
            rows.add(Bench.row(
                    "decision p99, " + shape,
                    "%.1f µs".formatted(agentry.p99()),
                    "target < 50 µs %s; cel-java's runtime alone %.1f µs"
                            .formatted(Bench.verdict(agentry.p99() < 50), celJava.p99())));
        }
        Bench.report("Policy decisions: 50 rules across 5 policies", rows);
    }

    private static Latency measure(RulesPolicyEngine engine, List<String> names) throws Exception {
        PolicyRequest base = PolicyRulesTest.call(
                "salesforce.update_deal",
                "{\"amount\": 500, \"subject\": \"Q3 renewal\", \"attendees\": [\"a@acme.example\"]}");
        var history = new ArrayList<PolicyRequest.PastCall>();
        for (int i = 0; i < 10; i++) {
            history.add(new PolicyRequest.PastCall("salesforce.get_deal", "model", "allow"));
        }
        var run = new PolicyRequest.RunFacts(
                "run_1", "api", 20, 10, Map.of("salesforce.update_deal", 3), history, 12_000, 4_000);
        long[] nanos = new long[CALLS];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < CALLS; i++) {
                // A new request per call, as the gate makes one: nothing is cached across calls but the
                // compiled programs.
                PolicyRequest request = new PolicyRequest(
                        base.agent(),
                        names,
                        base.tool(),
                        base.toolset(),
                        base.arguments(),
                        base.annotations(),
                        base.origin(),
                        run,
                        base.now());
                long t0 = System.nanoTime();
                Decision decision = engine.decide(request);
                nanos[i] = System.nanoTime() - t0;
                if (!(decision instanceof Decision.Allow)) {
                    throw new IllegalStateException("the bench's call should be allowed: " + decision);
                }
            }
        }
        Arrays.sort(nanos);
        return new Latency(nanos[CALLS / 2] / 1_000.0, nanos[CALLS * 99 / 100] / 1_000.0);
    }
}
