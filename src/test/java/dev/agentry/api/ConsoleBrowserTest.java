package dev.agentry.api;

import static dev.agentry.api.AccessTest.issue;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.Browser;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser (headless Chromium), against the running service: a person signs in
 * with the key in the address's fragment, sees a run appear live, reads its timeline and steps,
 * decides an approval from the inbox; a viewer is shown no button to decide; what a model wrote is
 * shown as text, never run as markup.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ConsoleBrowserTest {

    private static String console(String path, String key) {
        return RestAssured.baseURI + ":" + RestAssured.port + path + "#key=" + key;
    }

    @Test
    void an_operator_watches_a_run_appear_live_reads_it_and_decides_an_approval() throws Exception {
        String operator = issue("console-operator", "operator", "[\"*\"]");
        try (Browser browser = Browser.open()) {
            WebDriver page = browser.driver();
            page.get(console("/console", operator));
            browser.await(d -> d.findElement(By.id("runs-note")).getText().startsWith("Live")
                    || d.findElement(By.id("runs-note")).getText().startsWith("No runs"));
            assertThat(page.getCurrentUrl()).as("the key left the address").doesNotContain("key=");
            assertThat(page.findElement(By.id("who")).getText())
                    .contains("console-operator")
                    .contains("operator");

            // A run started now appears in the open list without a reload.
            String answer = "<img src=x onerror=\"window.pwned = 1\">Booked <b>Tuesday</b>";
            String runId = RunsApiTest.runToEnd(
                            "echo-agent",
                            script(
                                    "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"hi\"}}]}",
                                    "{\"answer\": " + RunsApiTest.quote(answer) + "}"))
                    .getString("id");
            String row = browser.await(d -> d.findElements(By.cssSelector("tr[data-run='" + runId + "']")).stream()
                    .filter(found -> found.getText().contains("succeeded"))
                    .map(found -> found.getText() + " | denials "
                            + found.findElement(By.cssSelector("td.denials")).getText())
                    .findFirst()
                    .orElse(null));
            assertThat(row).contains("echo-agent").endsWith("| denials 0");

            // A call the policy refused is counted in the list.
            String denied = RunsApiTest.runToEnd(
                            "guarded",
                            script(
                                    "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\":"
                                            + " \"mail attacker@evil.example\"}}]}",
                                    "{\"answer\": \"not sent\"}"))
                    .getString("id");
            String deniedRow =
                    browser.await(d -> d.findElements(By.cssSelector("tr[data-run='" + denied + "']")).stream()
                            .filter(found -> found.getText().contains("succeeded"))
                            .map(found -> found.findElement(By.cssSelector("td.denials"))
                                    .getText())
                            .findFirst()
                            .orElse(null));
            assertThat(deniedRow).isEqualTo("1");
            browser.screenshot("runs");

            // Its page: header, a bar per step on the timeline, the steps with arguments and results.
            browser.await(d -> {
                d.findElement(By.linkText(runId)).click();
                return true;
            });
            browser.await(d -> d.findElements(By.cssSelector("#steps .step")).size() >= 3);
            assertThat(page.getCurrentUrl()).endsWith("/console/runs/" + runId);
            assertThat(page.findElements(By.cssSelector("#timeline .lane .bar")))
                    .hasSize(3);
            assertThat(page.findElement(By.id("steps")).getText())
                    .contains("echo.say")
                    .contains("\"text\": \"hi\"");
            assertThat(page.findElement(By.id("run-output")).getText()).isEqualTo(answer);
            assertThat(page.findElements(By.cssSelector("#run-output img, #run-output b")))
                    .as("the model's markup is text")
                    .isEmpty();
            assertThat(browser.global("pwned")).isNull();
            browser.screenshot("run");

            // The approvals inbox: a parked call, decided here, resumes its run.
            String parked = ApprovalsApiTest.parked(
                            "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"approve: console\"}}]}",
                            "{\"answer\": \"sent\"}")
                    .getString("id");
            String approval = pendingOf(parked);
            page.findElement(By.linkText("Approvals")).click();
            WebElement card =
                    browser.await(d -> d.findElements(By.cssSelector("[data-approval='" + approval + "']")).stream()
                            .findFirst()
                            .orElse(null));
            assertThat(card.getText())
                    .contains("echo.say")
                    .contains("approve: console")
                    .contains("guarded");
            browser.screenshot("approvals");
            card.findElement(By.name("comment")).sendKeys("looks right");
            card.findElement(By.cssSelector("button.approve")).click();
            browser.await(d -> d.findElements(By.cssSelector("[data-approval='" + approval + "']"))
                    .isEmpty());
            given().get("/v1/approvals/" + approval)
                    .then()
                    .statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("approved"))
                    .body("comment", org.hamcrest.Matchers.equalTo("looks right"));

            // The resumed run's page shows the wait for a person on the approved call's lane.
            page.get(RestAssured.baseURI + ":" + RestAssured.port + "/console/runs/" + parked);
            browser.await(d -> d.findElement(By.id("run-status")).getText().equals("succeeded"));
            String waitedOn = browser.await(d -> d.findElements(By.cssSelector("#timeline .lane")).stream()
                    .filter(lane ->
                            !lane.findElements(By.cssSelector(".bar.wait")).isEmpty())
                    .map(lane -> lane.getText())
                    .findFirst()
                    .orElse(null));
            assertThat(waitedOn).contains("echo.say");

            // The other pages render what the API has.
            page.findElement(By.linkText("Schedules")).click();
            browser.await(d -> !d.findElements(By.cssSelector(".schedule[data-agent='nightly']"))
                    .isEmpty());
            browser.screenshot("schedules");
            page.findElement(By.linkText("Agents")).click();
            browser.await(d ->
                    !d.findElements(By.cssSelector("[data-agent='echo-agent']")).isEmpty());
            assertThat(page.findElement(By.cssSelector("[data-agent='broken-yaml']"))
                            .getText())
                    .contains("broken-yaml.yaml:5");
            assertThat(page.findElement(By.cssSelector("[data-agent='guarded'] .agent-policies"))
                            .getText())
                    .isEqualTo("policies: guard");
            assertThat(page.findElement(By.cssSelector("[data-agent='guarded'] .agent-tools"))
                            .getText())
                    .isEqualTo("tools: echo.*");
            page.findElement(By.linkText("Tools")).click();
            browser.await(d ->
                    !d.findElements(By.cssSelector("[data-toolset='echo']")).isEmpty());
            assertThat(page.findElements(By.cssSelector("nav a[data-page='audit']")))
                    .as("an operator is no auditor: the Audit link is there, hidden")
                    .hasSize(1)
                    .allMatch(a -> !a.isDisplayed());
        }
    }

    @Test
    void a_viewer_sees_the_inbox_without_buttons_to_decide() throws Exception {
        String viewer = issue("console-viewer-inbox", "viewer", "[\"*\"]");
        String parked = ApprovalsApiTest.parked(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"approve: viewer\"}}]}")
                .getString("id");
        String approval = pendingOf(parked);
        try (Browser browser = Browser.open()) {
            browser.driver().get(console("/console/approvals", viewer));
            WebElement card =
                    browser.await(d -> d.findElements(By.cssSelector("[data-approval='" + approval + "']")).stream()
                            .findFirst()
                            .orElse(null));
            assertThat(card.getText()).contains("approve: viewer");
            assertThat(card.findElements(By.tagName("button"))).isEmpty();

            // The parked run's page: its wait for a person is a bar of its own; a viewer cannot cancel.
            card.findElement(By.linkText(parked)).click();
            browser.await(
                    d -> !d.findElements(By.cssSelector("#timeline .bar.wait")).isEmpty());
            assertThat(browser.driver().findElement(By.id("run-status")).getText())
                    .isEqualTo("awaiting_approval");
            assertThat(browser.driver().findElements(By.id("cancel"))).isEmpty();
        }
        given().contentType(ContentType.JSON)
                .body("{\"decision\": \"reject\", \"comment\": \"cleanup\"}")
                .post("/v1/approvals/" + approval)
                .then()
                .statusCode(200);
    }

    @Test
    void an_auditor_verifies_the_chain_from_the_audit_page() throws Exception {
        String auditor = issue("console-auditor", "auditor", "[\"*\"]");
        RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"audited\"}"));
        try (Browser browser = Browser.open()) {
            browser.driver().get(console("/console/audit", auditor));
            browser.await(d -> !d.findElements(By.id("head-seq")).isEmpty());
            assertThat(browser.driver().findElement(By.id("head-seq")).getText())
                    .matches("#[1-9][0-9]*");
            browser.driver().findElement(By.id("verify-all")).click();
            String result = browser.await(d -> {
                String text = d.findElement(By.id("verify-result")).getText();
                return text.contains("records") ? text : null;
            });
            assertThat(result).contains("the whole log").contains("ok");
            browser.screenshot("audit");
        }
    }

    private static String pendingOf(String runId) {
        List<String> ids = given().get("/v1/approvals?status=pending&limit=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.runId == '" + runId + "' }.id", String.class);
        assertThat(ids).hasSize(1);
        return ids.getFirst();
    }
}
