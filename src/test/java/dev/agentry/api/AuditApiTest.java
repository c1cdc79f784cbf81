package dev.agentry.api;

import static dev.agentry.api.AccessTest.as;
import static dev.agentry.api.AccessTest.issue;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.agentry.audit.AuditVerify;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal through the running service: every fact of a run in order with its actor, calls made
 * from code as they happen, an operator's tool test and cancellation, and a chain that verifies online
 * and, exported, offline.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class AuditApiTest {

    @TempDir
    Path dir;

    private static List<Map<String, Object>> records(String runId) {
        return given().get("/v1/runs/" + runId + "/audit?limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
    }

    private static List<String> types(List<Map<String, Object>> records) {
        return records.stream().map(record -> (String) record.get("type")).toList();
    }

    @Test
    void a_run_with_concurrent_tool_calls_and_code_that_calls_two_tools_is_journaled_fact_by_fact() {
        String operator = issue("journaled", "operator", "[\"*\"]");
        String keyId = given().get("/v1/keys").jsonPath().getString("find { it.name == 'journaled' }.id");
        String source = "const a = tools.echo.say({text: 'uno'}); const b = tools.echo.say({text: 'dos'});"
                + " a.received.text + b.received.text";
        String id = as(operator)
                .contentType(ContentType.JSON)
                .body(RunsApiTest.body(
                        script(
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"a\"}},"
                                        + " {\"name\": \"echo_say\", \"arguments\": {\"text\": \"b\"}}]}",
                                "{\"calls\": [{\"name\": \"code_run\", \"arguments\": {\"source\": "
                                        + RunsApiTest.quote(source) + "}}]}",
                                "{\"answer\": \"done\"}"),
                        true))
                .post("/v1/agents/coder/runs")
                .then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .extract()
                .jsonPath()
                .getString("id");

        List<Map<String, Object>> records = records(id);

        List<String> types = types(records);
        assertThat(types.subList(0, 3)).containsExactly("run.started", "model.request", "model.response");
        // the two calls of one reply run concurrently: their facts interleave, each call's in order
        assertThat(types.subList(3, 9))
                .containsExactlyInAnyOrder(
                        "policy.decision",
                        "tool.intent",
                        "tool.result",
                        "policy.decision",
                        "tool.intent",
                        "tool.result");
        for (String call : List.of("call_1", "call_2")) {
            assertThat(types(records.subList(3, 9).stream()
                            .filter(record -> call.equals(((Map<?, ?>) record.get("data")).get("callId")))
                            .toList()))
                    .containsExactly("policy.decision", "tool.intent", "tool.result");
        }
        assertThat(types.subList(9, types.size()))
                .containsExactly(
                        "model.request",
                        "model.response",
                        "policy.decision",
                        "tool.intent",
                        "policy.decision",
                        "code.tool-call",
                        "code.tool-result",
                        "policy.decision",
                        "code.tool-call",
                        "code.tool-result",
                        "tool.result",
                        "model.request",
                        "model.response",
                        "run.ended");
        assertThat(records.getFirst().get("actor")).isEqualTo(Map.of("type", "key", "id", keyId));
        assertThat(records.get(1).get("actor")).isEqualTo(Map.of("type", "system", "id", "agentry"));
        assertThat(records.stream().map(record -> ((Number) record.get("seq")).longValue()))
                .isSorted();
        assertThat(records.get(14).get("data").toString()).contains("tool=echo.say", "origin=code", "text=uno");
    }

    @Test
    void a_cancellation_and_an_operators_tool_test_name_who_did_them() {
        String operator = issue("canceller", "operator", "[\"*\"]");
        String keyId = given().get("/v1/keys").jsonPath().getString("find { it.name == 'canceller' }.id");
        String id = RunsApiTest.startSlow(as(operator), "late", 3_000);
        as(operator).post("/v1/runs/" + id + "/cancel").then().statusCode(200);

        List<Map<String, Object>> cancelled = records(id);
        assertThat(types(cancelled)).contains("run.started", "run.cancelled");
        assertThat(cancelled.stream()
                        .filter(record -> record.get("type").equals("run.cancelled"))
                        .findFirst()
                        .orElseThrow()
                        .get("actor"))
                .isEqualTo(Map.of("type", "key", "id", keyId));

        String test = as(operator)
                .contentType(ContentType.JSON)
                .body("{\"text\": \"checking\"}")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("id");
        List<Map<String, Object>> tested = records(test);
        assertThat(types(tested))
                .containsExactly("run.started", "policy.decision", "tool.intent", "tool.result", "run.ended");
        assertThat(tested.get(2).get("actor")).isEqualTo(Map.of("type", "key", "id", keyId));
    }

    @Test
    void the_chain_verifies_online_and_its_export_verifies_offline_with_the_served_public_key() throws Exception {
        RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"for the export\"}"));

        given().get("/v1/audit/verify")
                .then()
                .statusCode(200)
                .body("ok", equalTo(true))
                .body("firstBad", equalTo(null));
        String export = given().accept("application/x-ndjson")
                .get("/v1/audit/export")
                .then()
                .statusCode(200)
                .contentType("application/x-ndjson")
                .extract()
                .asString();
        Path file = Files.writeString(dir.resolve("export.ndjson"), export);
        Path key = Files.writeString(
                dir.resolve("public.pem"),
                given().get("/v1/audit/public-key")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertThat(AuditVerify.run(new String[] {file.toString(), "--public-key", key.toString()}, print, print))
                .as(out.toString(StandardCharsets.UTF_8))
                .isZero();
        Files.writeString(file, export.replaceFirst("\"type\":\"run.started\"", "\"type\":\"run.ended\""));
        assertThat(AuditVerify.run(new String[] {file.toString(), "--public-key", key.toString()}, print, print))
                .isOne();
    }

    @Test
    void a_range_that_ends_before_it_starts_is_refused_not_verified_as_empty() {
        RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"two records at least\"}"));
        String refused = "from (2) is after to (1); from..to is a range of record seqs, the older first, both included";

        given().get("/v1/audit/verify?from=2&to=1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo(refused));
        given().accept("application/x-ndjson")
                .get("/v1/audit/export?from=2&to=1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo(refused));
        given().get("/v1/audit/verify?from=1&to=1")
                .then()
                .statusCode(200)
                .body("ok", equalTo(true))
                .body("records", equalTo(1));
    }

    @Test
    void every_asset_loaded_at_start_is_recorded_with_its_files_sha256() throws Exception {
        String expected = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(Path.of("src/test/resources/assets/agents/echo-agent.yaml"))));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<Map<String, Object>> loaded = List.of();
        while (System.nanoTime() < deadline) {
            loaded = given().get("/v1/audit?type=asset.loaded&limit=1000")
                    .jsonPath()
                    .getList("items.data");
            if (loaded.stream().anyMatch(data -> "echo-agent".equals(data.get("name")))) {
                break;
            }
            Thread.sleep(50);
        }

        assertThat(loaded).anySatisfy(data -> assertThat(data)
                .containsEntry("kind", "agent")
                .containsEntry("name", "echo-agent")
                .containsEntry("file", "src/test/resources/assets/agents/echo-agent.yaml")
                .containsEntry("sha256", expected));
        List<Map<String, Object>> rejected = given().get("/v1/audit?type=asset.rejected&limit=1000")
                .jsonPath()
                .getList("items.data");
        assertThat(rejected).anySatisfy(data -> assertThat(data).containsEntry("name", "broken-yaml"));
    }

    @Test
    void records_are_filtered_paged_and_refused_to_other_roles_and_agents() {
        RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"filtered\"}"));
        JsonPath page = given().get("/v1/audit?type=run.started&agent=echo-agent&limit=1")
                .jsonPath();
        assertThat(page.getList("items.type")).containsExactly("run.started");
        String next = page.getString("nextCursor");
        assertThat(next).isNotNull();
        JsonPath second = given().get("/v1/audit?type=run.started&agent=echo-agent&limit=1&cursor=" + next)
                .jsonPath();
        assertThat(second.getLong("items[0].seq")).isGreaterThan(page.getLong("items[0].seq"));

        given().get("/v1/audit?cursor=abc")
                .then()
                .statusCode(400)
                .body("detail", startsWith("cursor 'abc' was not issued by Agentry"));
        given().get("/v1/audit?type=run.exploded")
                .then()
                .statusCode(400)
                .body("detail", startsWith("'run.exploded' is not a record type; use one of run.started"));
        String viewer = issue("audit-viewer", "viewer", "[\"*\"]");
        as(viewer).get("/v1/audit").then().statusCode(403);
        String limited = issue("audit-limited", "auditor", "[\"instant\"]");
        assertThat(as(limited).get("/v1/audit?limit=1000").jsonPath().getList("items.agent", String.class))
                .doesNotContain("echo-agent");
        as(limited).get("/v1/audit/export").then().statusCode(403);
    }
}
