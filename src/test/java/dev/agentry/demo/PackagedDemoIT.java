package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, minus the build: the packaged service started in demo mode prints the
 * transcripts of the bundled agents it runs (one of them computing its answer in a sandbox worker laid
 * out beside the packaged jar), says DEMO and how to switch to a real model, and keeps serving.
 */
class PackagedDemoIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void the_launcher_starts_the_service_with_the_jvm_options_the_cache_was_trained_with() throws Exception {
        String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("agentry")).stream()
                .filter(text -> text.startsWith("service_options=("))
                .findFirst()
                .orElseThrow(() -> new AssertionError("./agentry sets no service_options"));
        List<String> options = List.of(
                line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')).split(" "));
        assertThat(options).isEqualTo(ServiceTraining.JVM_OPTIONS);
    }

    @Test
    void the_packaged_service_runs_the_demo_in_an_empty_environment_prints_its_transcript_and_keeps_serving()
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        java.nio.file.Path classes = java.nio.file.Files.createTempFile("demo-classes", ".txt");
        ProcessBuilder builder = new ProcessBuilder(PackagedService.command(
                        "-Xlog:class+load=info:file=" + classes,
                        "-Dagentry.demo.enabled=true",
                        "-Dquarkus.http.port=" + port,
                        "-Dagentry.store.url=jdbc:h2:file:./target/it-data/demo-" + port))
                .redirectErrorStream(true);
        // As in a fresh container or CI runner: only PATH and HOME, so no locale and a US-ASCII terminal.
        Map<String, String> environment = builder.environment();
        environment.keySet().retainAll(Set.of("PATH", "HOME"));
        Process service = builder.start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith("  AUTH=")) {
                    break;
                }
            }
            String all = String.join("\n", output);

            assertThat(java.nio.file.Path.of("target", "quarkus-app", ServiceTraining.DEMO_CACHE))
                    .as("the build trained the service's AOT cache")
                    .isRegularFile();
            assertThat(all)
                    .as("the JVM used that cache without complaint (it prints [error][aot] lines when it cannot)")
                    .doesNotContain("[aot]");
            assertThat(java.nio.file.Files.readAllLines(classes))
                    .as("demo mode loads the simulators (PackagedToolsetsIT checks that a production start does not)")
                    .anyMatch(loaded -> loaded.contains(" dev.agentry.demo.SimulatedWorld "))
                    .anyMatch(loaded -> loaded.contains("wiremock"));
            assertThat(all).contains("DEMO mode: the model and the Google Calendar and Salesforce APIs are simulated");
            assertThat(all).contains("set OPENAI_API_KEY");
            assertThat(all).contains("=== DEMO run run_");
            assertThat(all).contains("calls salesforce_query");
            assertThat(all).contains("tool    google-calendar.create_event  ok");
            assertThat(all).contains("output: Booked \"Acme renewal review\"");
            assertThat(all).containsPattern("status: succeeded \\| 5 model calls \\| 5 tool calls");
            assertThat(all).contains("tool    google-calendar.create_event  refused");
            assertThat(all).contains("policy DENY by trusted-domains/google-attendees: invitations go only to");
            assertThat(all).contains("of agent 'crm-follow-up' ===");
            assertThat(all).contains("waits for a person: salesforce.update_record needs approval");
            assertThat(all).containsPattern("approving it as key demo-\\d+: POST /v1/approvals/apr_");
            assertThat(all)
                    .containsPattern("policy ALLOW by destructive-needs-approval/ask-first: approved by key demo-\\d+");
            assertThat(all).contains("=== DEMO run run_", "of agent 'data-analyst' ===");
            assertThat(all).containsPattern("tool    code\\.run  ok, \\d+ ms");
            assertThat(all).contains("output: ", "11 deals worth $697,000");
            assertThat(all).contains("Agentry is serving on http://localhost:" + port);
            assertThat(all)
                    .as("the API docs are on the management interface, not the API's port")
                    .containsPattern("API docs: http://localhost:\\d+/q/swagger-ui")
                    .doesNotContain("API docs: http://localhost:" + port + "/");
            assertThat(all).contains("An admin API key for this demo, shown once");
            String auth = output.getLast().strip();
            assertThat(auth).matches("AUTH='Authorization: Bearer agk_[A-Za-z0-9_-]{43}'");
            HttpRequest.Builder agentsRequest = HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/v1/agents"))
                    .timeout(Duration.ofSeconds(10));
            HttpResponse<String> anonymous = HTTP.send(agentsRequest.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> agents = HTTP.send(
                    agentsRequest
                            .header(
                                    "Authorization",
                                    auth.substring("AUTH='Authorization: ".length(), auth.length() - 1))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(agents.statusCode()).isEqualTo(200);
            assertThat(agents.body()).contains("\"name\":\"meeting-scheduler\"", "\"valid\":true");
        } finally {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void a_store_that_cannot_open_fails_the_start_with_its_reason() throws Exception {
        // The store opens on a thread of its own as the start begins; its failure must still end the start.
        Process service = new ProcessBuilder(PackagedService.command(
                        "-Dquarkus.http.port=0",
                        "-Dagentry.sandbox.warm-on-start=false",
                        "-Dagentry.store.url=jdbc:mysql://db/runs"))
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(service.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(service.exitValue()).isNotZero();
            assertThat(output)
                    .contains("the run store URL 'jdbc:mysql://db/runs' is not supported; use jdbc:h2:file:<path> or"
                            + " jdbc:postgresql://<host>:<port>/<database> in AGENTRY_STORE_URL")
                    .doesNotContain("Agentry is serving on");
        } finally {
            service.destroyForcibly();
        }
    }
}
