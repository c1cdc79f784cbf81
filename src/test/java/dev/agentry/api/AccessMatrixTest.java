package dev.agentry.api;

import static dev.agentry.api.AccessTest.as;
import static dev.agentry.api.AccessTest.issue;
import static dev.agentry.fixtures.Api.anonymous;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.Api.management;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.access.Role;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every operation the OpenAPI document lists, tried without a key, with a key of each role, and with
 * an operator key limited to another agent. An operation without a rule here fails the build, so no
 * endpoint is added without deciding who may call it.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class AccessMatrixTest {

    /** How an operation treats a key limited to agents other than the one it concerns. */
    private enum Scope {
        /** It concerns one agent: the limited key is told it does not exist (404). */
        AGENT,
        /** It lists things: the limited key sees only its own agents' (200). */
        LIST,
        /** It acts outside any agent: a limited key is refused (403). */
        ALL_AGENTS,
        /** It concerns no agent (200). */
        NONE
    }

    private record Rule(Role least, Scope scope) {}

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    /** A pending approval of the guarded agent, for the approval operations. */
    private static String approvalId;

    static {
        RULES.put("GET /v1/agents", new Rule(Role.VIEWER, Scope.LIST));
        RULES.put("GET /v1/agents/{name}", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("POST /v1/agents/{name}/runs", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("GET /v1/runs", new Rule(Role.VIEWER, Scope.LIST));
        RULES.put("GET /v1/runs/{id}", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("POST /v1/runs/{id}/cancel", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("GET /v1/runs/{id}/events", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("GET /v1/runs/stream", new Rule(Role.VIEWER, Scope.LIST));
        RULES.put("GET /v1/me", new Rule(Role.VIEWER, Scope.NONE));
        RULES.put("GET /v1/audit/head", new Rule(Role.AUDITOR, Scope.ALL_AGENTS));
        RULES.put("GET /v1/tools", new Rule(Role.VIEWER, Scope.NONE));
        RULES.put("POST /v1/tools/{toolset}/{tool}/test", new Rule(Role.OPERATOR, Scope.ALL_AGENTS));
        RULES.put("GET /v1/runs/{id}/audit", new Rule(Role.AUDITOR, Scope.AGENT));
        RULES.put("GET /v1/audit", new Rule(Role.AUDITOR, Scope.LIST));
        RULES.put("GET /v1/audit/verify", new Rule(Role.AUDITOR, Scope.ALL_AGENTS));
        RULES.put("GET /v1/audit/export", new Rule(Role.AUDITOR, Scope.ALL_AGENTS));
        RULES.put("GET /v1/audit/public-key", new Rule(Role.AUDITOR, Scope.NONE));
        RULES.put("GET /v1/keys", new Rule(Role.ADMIN, Scope.NONE));
        RULES.put("POST /v1/keys", new Rule(Role.ADMIN, Scope.NONE));
        RULES.put("DELETE /v1/keys/{id}", new Rule(Role.ADMIN, Scope.NONE));
        RULES.put("GET /v1/approvals", new Rule(Role.VIEWER, Scope.LIST));
        RULES.put("GET /v1/approvals/{id}", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("POST /v1/approvals/{id}", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("POST /v1/policies/simulate", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("GET /v1/schedules", new Rule(Role.VIEWER, Scope.LIST));
        RULES.put("GET /v1/schedules/{agent}", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("GET /v1/schedules/{agent}/occurrences", new Rule(Role.VIEWER, Scope.AGENT));
        RULES.put("POST /v1/schedules/{agent}/pause", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("POST /v1/schedules/{agent}/resume", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("POST /v1/schedules/{agent}/trigger", new Rule(Role.OPERATOR, Scope.AGENT));
        RULES.put("POST /v1/schedules/{agent}/backfill", new Rule(Role.OPERATOR, Scope.AGENT));
    }

    @Test
    void every_operation_answers_each_role_and_an_agent_limited_key_as_its_rule_says() {
        List<String> operations = operations();
        assertThat(new TreeSet<>(RULES.keySet()))
                .as("each operation of the OpenAPI document has a rule in this test, and each rule an operation")
                .isEqualTo(new TreeSet<>(operations));
        String runId = RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"matrix\"}"))
                .getString("id");
        String parked = ApprovalsApiTest.parked(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"approve: matrix\"}}]}")
                .getString("id");
        approvalId = given().get("/v1/approvals?status=pending&limit=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("items.find { it.runId == '" + parked + "' }.id");
        Map<Role, String> keys = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            keys.put(role, issue("matrix-" + role.id(), role.id(), "[\"*\"]"));
        }
        String limited = issue("matrix-limited", "operator", "[\"instant\"]");

        List<String> wrong = new ArrayList<>();
        for (String operation : operations) {
            Rule rule = RULES.get(operation);
            expect(wrong, operation, "no key", send(anonymous(), operation, runId), 401);
            for (Role role : Role.values()) {
                int status = send(as(keys.get(role)), operation, runId);
                if (role.grants().contains(rule.least().id())) {
                    if (status == 401 || status == 403) {
                        wrong.add(operation + " as " + role.id() + ": " + status + ", expected it allowed");
                    }
                } else {
                    expect(wrong, operation, role.id(), status, 403);
                }
            }
            int status = send(as(limited), operation, runId);
            int expected = !Role.OPERATOR.grants().contains(rule.least().id())
                    ? 403
                    : switch (rule.scope()) {
                        case AGENT -> 404;
                        case ALL_AGENTS -> 403;
                        case LIST, NONE -> 200;
                    };
            expect(wrong, operation, "a key limited to 'instant'", status, expected);
        }
        assertThat(wrong).isEmpty();
    }

    private static void expect(List<String> wrong, String operation, String who, int status, int expected) {
        if (status != expected) {
            wrong.add(operation + " as " + who + ": " + status + ", expected " + expected);
        }
    }

    /** Sends the operation with its path parameters filled in for the echo agent's run; returns the status. */
    private static int send(RequestSpecification request, String operation, String runId) {
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation
                .substring(operation.indexOf(' ') + 1)
                .replace("{name}", "echo-agent")
                .replace("{agent}", "nightly")
                .replace(
                        "{id}",
                        path(operation).startsWith("/v1/keys")
                                ? "key_0000000000000000"
                                : path(operation).startsWith("/v1/approvals") ? approvalId : runId)
                .replace("{toolset}", "echo")
                .replace("{tool}", "say")
                // the run list's stream would stay open for five minutes; one second answers the same
                .replace("/v1/runs/stream", "/v1/runs/stream?seconds=1");
        RequestSpecification sent = request.contentType(ContentType.JSON);
        if (method.equals("POST")) {
            sent = sent.body(
                    path.endsWith("/runs")
                            ? RunsApiTest.body(script("{\"answer\": \"x\"}"), false)
                            : path.endsWith("/simulate")
                                    ? "{\"policy\": \"name: matrix\", \"agent\": \"echo-agent\"}"
                                    : "{}");
        }
        return sent.request(method, path).statusCode();
    }

    private static String path(String operation) {
        return operation.substring(operation.indexOf(' ') + 1);
    }

    private static List<String> operations() {
        JsonPath openapi = management()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        List<String> operations = new ArrayList<>();
        paths.forEach((path, methods) -> methods.keySet().stream()
                .filter(method ->
                        List.of("get", "post", "put", "patch", "delete").contains(method))
                .forEach(method -> operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path)));
        return operations;
    }
}
