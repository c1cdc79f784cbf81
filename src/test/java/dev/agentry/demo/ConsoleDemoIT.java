package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.Browser;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console of the packaged service, in demo mode, as a newcomer meets it: the address the demo
 * prints signs the browser in, the demo's runs are listed, and the data analyst's run shows the code
 * it ran and the CRM query that code made; the scheduler's run shows the invitation the policy refused.
 */
class ConsoleDemoIT {

    private static final String CONSOLE_LINE = "The console, signed in with it: ";

    @Test
    void the_address_the_demo_prints_opens_the_console_on_the_demos_runs() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        java.nio.file.Path log = java.nio.file.Path.of("target", "it-data", "console-demo-" + port + ".log");
        java.nio.file.Files.createDirectories(log.getParent());
        Process service = new ProcessBuilder(PackagedService.command(
                        "-Dagentry.demo.enabled=true",
                        "-Dquarkus.http.port=" + port,
                        "-Dagentry.store.url=jdbc:h2:file:./target/it-data/console-demo-" + port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try (Browser browser = Browser.open()) {
            String address = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (address == null && System.nanoTime() < deadline && service.isAlive()) {
                address = java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.startsWith(CONSOLE_LINE))
                        .map(line -> line.substring(CONSOLE_LINE.length()).strip())
                        .findFirst()
                        .orElse(null);
                Thread.sleep(200);
            }
            assertThat(address).as("the demo prints the console's address").isNotNull();
            assertThat(address).matches("http://localhost:" + port + "/console#key=agk_[A-Za-z0-9_-]{43}");

            WebDriver page = browser.driver();
            page.get(address);
            for (String agent : new String[] {"meeting-scheduler", "crm-follow-up", "data-analyst"}) {
                browser.await(d -> d.findElements(By.cssSelector("#runs tr")).stream()
                        .anyMatch(row ->
                                row.getText().contains(agent) && row.getText().contains("succeeded")));
            }
            browser.screenshot("demo-runs");

            open(browser, "data-analyst");
            String steps = page.findElement(By.id("steps")).getText();
            assertThat(steps)
                    .contains("code.run")
                    .contains("tools['salesforce'].query")
                    .contains("tool calls from the code");
            assertThat(page.findElements(By.cssSelector("#timeline .bar.code"))).hasSize(1);
            browser.screenshot("demo-run");

            page.navigate().back();
            open(browser, "meeting-scheduler");
            assertThat(page.findElement(By.id("steps")).getText())
                    .contains("policy: deny trusted-domains / google-attendees");
            assertThat(page.findElements(By.cssSelector("#timeline .bar"))).hasSizeGreaterThanOrEqualTo(10);
        } finally {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    /** Opens the newest run of {@code agent} from the run list and waits for its steps. */
    private static void open(Browser browser, String agent) {
        WebElement row = browser.await(d -> d.findElements(By.cssSelector("#runs tr")).stream()
                .filter(candidate -> candidate.getText().contains(agent))
                .findFirst()
                .orElse(null));
        row.findElement(By.tagName("a")).click();
        browser.await(d -> !d.findElements(By.cssSelector("#steps .step")).isEmpty());
    }
}
