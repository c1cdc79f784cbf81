package dev.agentry.policy.cel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.policy.PolicyRequest;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direct evaluator against cel-java itself, on the same expressions and requests: wherever the
 * direct evaluator answers, its answer must be cel-java's, including where cel-java fails (then the
 * direct one must give up, so the rule fails closed with cel-java's message). And it must answer
 * the common conditions itself, or it would be no faster.
 */
class DirectProgramTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Conditions over every operation the direct evaluator covers, with edge values and errors. */
    private static final List<String> CONDITIONS = List.of(
            "tool == \"crm.update_deal\"",
            "toolset == \"crm\" && agent != \"nobody\"",
            "origin == \"code\" || origin == \"operator\"",
            "!(origin == \"model\")",
            "annotations.destructive",
            "annotations.read_only || annotations.idempotent",
            "annotations.missing",
            "has(args.amount) && args.amount > 100",
            "args.amount >= 500 && args.amount <= 500",
            "args.amount < 0",
            "args.amount + 1 == 501",
            "args.amount - 1000 < 0",
            "args.amount * 2 == 1000",
            "args.amount / 0 == 1",
            "args.amount % 7 == 3",
            "-args.amount == -500",
            "args.amount * 9223372036854775807 > 0",
            "args.amount == 500.0",
            "args.amount == \"500\"",
            "args.ratio > 0.5",
            "args.ratio == 0.75",
            "args.ratio < 0.0",
            "args.missing == 1",
            "has(args.missing)",
            "has(args.nested.inner) && args.nested.inner == \"deep\"",
            "args.nested.inner.startsWith(\"de\")",
            "args.subject.contains(\"password\")",
            "args.subject.lowerAscii().contains(\"password\")",
            "args.subject.upperAscii() == \"Q3 RENEWAL\"",
            "args.subject.endsWith(\"renewal\")",
            "size(args.subject) == 10",
            "args.subject.size() > 3",
            "args.subject < \"R\"",
            "args.subject + \"!\" == \"Q3 renewal!\"",
            "args.padded.trim() == \"x\"",
            "args.padded.trim().size() == 1",
            "\" a , b ,, c \".split(\",\").map(p, p.trim()).filter(p, p != \"\") == [\"a\", \"b\", \"c\"]",
            "\"a,b\".split(\",\").size() == 2 && \"a,b\".split(\",\")[1] == \"b\"",
            "\",a,\".split(\",\").size() == 3",
            "\"abc\".split(\"\").size() == 3",
            "args.attendees.exists(a, email_domain(a) != \"acme.example\")",
            "args.attendees.all(a, a.endsWith(\".example\"))",
            "args.attendees.exists_one(a, a.startsWith(\"a@\"))",
            "args.attendees.map(a, email_domain(a)).filter(d, d == \"acme.example\").size() == 1",
            "args.attendees[0] == \"a@acme.example\"",
            "args.attendees[5] == \"x\"",
            "\"a@acme.example\" in args.attendees",
            "args.amount in [1, 2, 500]",
            "args.amount in [1, \"two\", 500]",
            "\"amount\" in args",
            "args.exists(k, k.endsWith(\"_url\") && url_host(string(args[k])) != \"api.acme.example\")",
            "args.exists(k, k == \"amount\")",
            "has(args.url) && url_host(args.url) in [\"api.acme.example\", \"hooks.acme.example\"]",
            "url_host(args.subject) == \"\"",
            "email_domain(\"Ann@ACME.Example \") == \"acme.example\"",
            "string(args.amount) == \"500\"",
            "string(args.ratio) == \"0.75\"",
            "string(args.flag) == \"true\"",
            "args.flag == true",
            "args.nothing == null",
            "args.items.size() == 0",
            "args.unicode.size() == 4",
            "args.unicode.trim() == args.unicode",
            "args.unicode < \"z\"",
            "run.calls[tool] >= 3",
            "run.calls[\"crm.create_task\"] == 0",
            "run.calls[\"unknown.tool\"] == 0",
            "\"crm.get_deal\" in run.calls",
            "run.calls.size() == 3",
            "run.calls.exists(t, t.startsWith(\"crm.\"))",
            "run.steps > 10 && run.tool_calls < 20",
            "run.tokens > 5000000 || run.elapsed_ms > 600000",
            "run.id == \"run_1\" && run.trigger == \"api\"",
            "run.nothing == 1",
            "has(run.history)",
            "run.history.exists(c, c.tool.startsWith(\"crm.\") && c.effect == \"allow\")",
            "run.history.filter(c, c.origin == \"code\").size() >= 1",
            "run.history.all(c, has(c.effect))",
            "run.history.exists(c, c.unknown == \"x\")",
            "run.history.size() == 3 && run.history[2].tool == \"mail.send\"",
            "now.getHours(\"Europe/Berlin\") < 6",
            "now.getHours() == 12",
            "now.getDayOfWeek(\"America/New_York\") in [0, 6]",
            "now.getMinutes(\"Asia/Kolkata\") == 30",
            "now.getHours(\"+05:30\") == 17",
            "now.getHours(\"Not/AZone\") == 1",
            "now.getFullYear() == 2026 && now.getMonth() == 4 && now.getDayOfMonth() == 14",
            "now.getDate() == 15 && now.getDayOfYear() > 100 && now.getSeconds() == 0",
            "now > timestamp(\"2026-01-01T00:00:00Z\")",
            "timestamp(args.start).getHours(\"Europe/Berlin\") >= 18",
            "timestamp(args.start) == timestamp(\"2026-05-15T17:30:00Z\")",
            "timestamp(\"2026-05-15T17:30Z\") < now",
            "timestamp(\"not a time\") < now",
            "timestamp(args.start).getDayOfWeek(\"Europe/Berlin\") in [0, 6]",
            "[1, 2, 3].exists(x, x > 2) ? true : false",
            "args.amount > 100 ? args.subject.size() > 3 : false",
            "(args.amount > 100 ? args.subject : \"x\") == \"Q3 renewal\"",
            "[args.amount, 1].size() == 2",
            "[1, 2, 3].map(x, x * 2)[2] == 6",
            "args.attendees + [\"z@z.example\"] == args.attendees",
            "(args.attendees + [\"z@z.example\"]).size() == 3",
            "args.missing == 1 || true",
            "true || args.missing == 1",
            "false && args.missing == 1",
            "args.missing == 1 && false",
            "[1, 2, 3].map(x, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(y, x * y)).size() == 3",
            "args.subject.matches(\"^Q[0-9]\")");

    private static final List<String> ARGUMENTS = List.of("""
            {"amount": 500, "ratio": 0.75, "subject": "Q3 renewal", "flag": true, "nothing": null,
             "attendees": ["a@acme.example", "b@other.example"], "padded": "  x\\t", "items": [],
             "nested": {"inner": "deep"}, "unicode": "\\u00a0é😀\\u00a0", "start": "2026-05-15T17:30:00Z",
             "callback_url": "https://hooks.acme.example/x", "url": "https://api.acme.example/v1"}
            """, "{}", """
            {"amount": -3, "ratio": -0.0, "subject": "PASSWORD reset", "flag": false, "nothing": 1,
             "attendees": ["a@acme.example"], "padded": "\\u2003x\\u3000", "items": [1, "two", null],
             "nested": {"inner": 5}, "unicode": "abcd", "start": "2026-05-16T09:00:00+02:00",
             "callback_url": "not a url", "url": "http://evil.example"}
            """, """
            {"amount": 9223372036854775807, "ratio": "NaN", "subject": "", "flag": "true",
             "attendees": [], "padded": "", "items": {"a": 1}, "nested": [], "unicode": "",
             "start": "2026-05-15 17:30", "url": 42}
            """, """
            {"amount": 500.0, "subject": ["not", "text"], "attendees": [{"email": "x@y"}], "padded": 7,
             "start": "0000-01-01T00:00:00Z", "unicode": "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"}
            """);

    private static final Instant NOW = Instant.parse("2026-05-15T12:00:00Z");

    private static List<PolicyRequest.RunFacts> runs() {
        return List.of(
                PolicyRequest.RunFacts.start("run_1", "api"),
                new PolicyRequest.RunFacts(
                        "run_1",
                        "api",
                        12,
                        3,
                        Map.of("crm.update_deal", 3, "crm.get_deal", 1, "crm.create_task", 0),
                        List.of(
                                new PolicyRequest.PastCall("crm.get_deal", "model", "allow"),
                                new PolicyRequest.PastCall("crm.update_deal", "code", "deny"),
                                new PolicyRequest.PastCall("mail.send", "model", "allow")),
                        6_000_000,
                        700_000));
    }

    private static PolicyRequest request(String arguments, PolicyRequest.RunFacts run, String origin) {
        try {
            return new PolicyRequest(
                    "scheduler",
                    List.of(),
                    "crm.update_deal",
                    "crm",
                    JSON.readTree(arguments),
                    Map.of("read_only", false, "destructive", true, "idempotent", false),
                    origin,
                    run,
                    NOW);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What cel-java says: its value, or "error" when it fails. */
    private static Object cel(CelRuntime.Program program, PolicyRequest request) {
        try {
            return program.eval(CelConditions.variables(request));
        } catch (Exception e) {
            return "error";
        }
    }

    /** What the direct evaluator says: its value, or "unsure" when it gives up. */
    private static Object direct(DirectProgram program, PolicyRequest request) {
        try {
            return program.eval(request);
        } catch (DirectProgram.Unsure e) {
            return "unsure";
        }
    }

    private record Outcome(String condition, String request, Object cel, Object direct) {}

    private static List<Outcome> compare(List<String> conditions) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String condition : conditions) {
            CelAbstractSyntaxTree ast = CelConditions.check(condition);
            CelRuntime.Program program = CelConditions.program(ast);
            DirectProgram direct = DirectProgram.compile(ast).orElse(null);
            for (String arguments : ARGUMENTS) {
                for (PolicyRequest.RunFacts run : runs()) {
                    for (String origin : List.of("model", "code")) {
                        PolicyRequest request = request(arguments, run, origin);
                        outcomes.add(new Outcome(
                                condition,
                                arguments.strip().lines().findFirst().orElse("") + " / steps " + run.steps() + " / "
                                        + origin,
                                cel(program, request),
                                direct == null ? "not compiled" : direct(direct, request)));
                    }
                }
            }
        }
        return outcomes;
    }

    @Test
    void where_the_direct_evaluator_answers_it_answers_as_cel_java_does() {
        List<Outcome> outcomes = compare(CONDITIONS);

        List<Outcome> disagreements = outcomes.stream()
                .filter(o -> !o.direct().equals("unsure") && !o.direct().equals("not compiled"))
                .filter(o -> !o.direct().equals(o.cel()))
                .toList();
        assertThat(disagreements).isEmpty();
        // Errors are cel-java's to report: the direct evaluator gave up on every one.
        assertThat(outcomes.stream().filter(o -> o.cel().equals("error")))
                .allSatisfy(o -> assertThat(o.direct()).isIn("unsure", "not compiled"));
        // And it answered most of the others itself (these conditions dwell on the edges it leaves to
        // cel-java: mixed numbers, non-ASCII order, time-zone offsets, an empty separator).
        List<Outcome> answeredByCel =
                outcomes.stream().filter(o -> o.cel() instanceof Boolean).toList();
        assertThat(answeredByCel.stream().filter(o -> o.direct() instanceof Boolean))
                .hasSizeGreaterThan(answeredByCel.size() * 8 / 10);
        assertThat(outcomes.stream().map(Outcome::direct)).contains(true, false);
    }

    @Test
    void what_it_does_not_cover_is_left_to_cel_java_entirely() {
        assertThat(DirectProgram.compile(CelConditions.check("args.subject.matches(\"^Q[0-9]\")")))
                .isEmpty();
        assertThat(DirectProgram.compile(CelConditions.check("{\"a\": 1}[\"a\"] == 1")))
                .isEmpty();
    }

    @Test
    void a_comprehension_over_a_constant_is_made_once_and_still_counted_against_the_budget() {
        String hundred = "[" + "1, ".repeat(99) + "1]";
        PolicyRequest request = request(ARGUMENTS.get(0), runs().get(0), "model");
        // 100 x 100 iterations at every evaluation: over the budget of 10,000.
        CelAbstractSyntaxTree over = CelConditions.check(hundred + ".map(x, " + hundred + ".map(y, y)).size() > 0");
        // 100 x 90: within it.
        String ninety = "[" + "1, ".repeat(89) + "1]";
        CelAbstractSyntaxTree within = CelConditions.check(hundred + ".map(x, " + ninety + ".map(y, y)).size() > 0");

        assertThat(cel(CelConditions.program(over), request)).isEqualTo("error");
        assertThat(direct(DirectProgram.compile(over).orElseThrow(), request)).isEqualTo("unsure");
        assertThat(cel(CelConditions.program(within), request)).isEqualTo(true);
        assertThat(direct(DirectProgram.compile(within).orElseThrow(), request)).isEqualTo(true);
    }

    /** Every condition of the policies that ship is answered directly on an ordinary call. */
    @Test
    void the_shipped_policies_are_evaluated_directly() throws Exception {
        List<String> conditions = shippedConditions();
        assertThat(conditions).hasSizeGreaterThan(8);
        PolicyRequest ordinary = request(
                """
                {"attendees": [{"email": "ann@example.com", "emailAddress": {"address": "ann@example.com"}}],
                 "start": {"dateTime": "2026-05-15T10:00:00+02:00"}, "url": "https://api.example.com"}
                """,
                new PolicyRequest.RunFacts(
                        "run_1",
                        "api",
                        4,
                        2,
                        Map.of("crm.update_deal", 1, "salesforce.create_task", 1),
                        runs().get(1).history(),
                        1_000,
                        2_000),
                "model");
        for (String condition : conditions) {
            CelAbstractSyntaxTree ast = CelConditions.check(condition);
            DirectProgram direct = DirectProgram.compile(ast).orElse(null);
            assertThat(direct).as(condition).isNotNull();
            Object answer = direct(direct, ordinary);
            assertThat(answer).as(condition).isInstanceOf(Boolean.class);
            assertThat(answer).as(condition).isEqualTo(cel(CelConditions.program(ast), ordinary));
        }
        assertThat(compare(conditions))
                .noneMatch(o -> o.direct() instanceof Boolean && !o.direct().equals(o.cel()));
    }

    /** The {@code when} of every rule in {@code policies/}, with its placeholders' defaults filled in. */
    private static List<String> shippedConditions() throws Exception {
        Pattern when = Pattern.compile("when: (>-\\n((?: {6}.*\\n)+)|(.*)\\n)");
        Pattern placeholder = Pattern.compile("\\$\\{[A-Z_]+:([^}]*)}");
        List<String> conditions = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("policies"))) {
            for (Path file : files.sorted().toList()) {
                Matcher m = when.matcher(Files.readString(file));
                while (m.find()) {
                    String text = m.group(2) != null
                            ? m.group(2).replaceAll("\\n {6}", " ").strip()
                            : m.group(3);
                    conditions.add(placeholder.matcher(text).replaceAll(r -> Matcher.quoteReplacement(r.group(1))));
                }
            }
        }
        return conditions.stream().distinct().toList();
    }
}
