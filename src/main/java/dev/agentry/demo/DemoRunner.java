package dev.agentry.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.access.ApiKeys;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.run.Approval;
import dev.agentry.run.Approvals;
import dev.agentry.run.Run;
import dev.agentry.run.RunService;
import dev.agentry.run.RunStatus;
import dev.agentry.run.Trigger;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * In demo mode, runs the bundled agents it names end to end, one after the other, as soon as the
 * service is up, and prints their transcripts; the service then keeps serving.
 */
@ApplicationScoped
public class DemoRunner {

    private static final Logger LOG = Logger.getLogger(DemoRunner.class);
    private static final SecureRandom RANDOM_SUFFIX = new SecureRandom();

    private final DemoConfig config;
    private final Simulators simulators;
    private final RunService runs;
    private final ApiKeys keys;
    private final Approvals approvals;
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final int managementPort;

    DemoRunner(
            DemoConfig config,
            Simulators simulators,
            RunService runs,
            ApiKeys keys,
            Approvals approvals,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port,
            @ConfigProperty(name = "quarkus.management.port", defaultValue = "9000") int managementPort) {
        this.config = config;
        this.simulators = simulators;
        this.runs = runs;
        this.keys = keys;
        this.approvals = approvals;
        this.port = port;
        this.managementPort = managementPort;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        LOG.infof(
                "DEMO mode: the model and the Google Calendar and Salesforce APIs are simulated at %s."
                        + " To drive the bundled agents with a real model, set %s (and %s for another"
                        + " OpenAI-compatible server).",
                simulators.baseUrl().orElseThrow(), DemoModelProvider.API_KEY, DemoModelProvider.BASE_URL);
        List<String> agents = config.agent().orElse(List.of()).stream()
                .map(String::strip)
                .filter(agent -> !agent.isEmpty())
                .toList();
        if (!agents.isEmpty()) {
            Thread.ofVirtual().name("agentry-demo").start(() -> runAll(agents, System.out));
        }
    }

    private void runAll(List<String> agents, PrintStream out) {
        ApiKeys.Issued key = keys.issue(
                "demo-" + RANDOM_SUFFIX.nextInt(10_000, 100_000), Role.ADMIN, List.of(Caller.ALL_AGENTS), Actor.SYSTEM);
        String example = null;
        for (String agent : agents) {
            String input = runOnce(agent, key, out);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (example == null && input != null) {
                example =
                        "curl -s -X POST localhost:%d/v1/agents/%s/runs -H \"$AUTH\" -H 'Content-Type: application/json'"
                                        .formatted(port, agent)
                                + " -d '{\"input\": \"" + input + "\", \"wait\": true}'";
            }
        }
        out.print(welcome(key, example));
        out.flush();
    }

    /**
     * Where the service is, a key to call it with (issued now, shown this once) and commands that work
     * as pasted.
     */
    private String welcome(ApiKeys.Issued key, String example) {
        StringBuilder text = new StringBuilder();
        text.append("Agentry is serving on http://localhost:%d  (API docs: http://localhost:%d/q/swagger-ui)%n"
                .formatted(port, managementPort));
        text.append("An admin API key for this demo, shown once (%s; revoke it with DELETE /v1/keys/%s):%n"
                .formatted(key.key().name(), key.key().id()));
        text.append("  AUTH='Authorization: Bearer %s'%n".formatted(key.secret()));
        // The key rides in the fragment, which browsers never send: the console reads it and forgets it.
        text.append(
                "The console, signed in with it: http://localhost:%d/console#key=%s%n".formatted(port, key.secret()));
        text.append("Try:%n  curl -s localhost:%d/v1/agents -H \"$AUTH\"%n".formatted(port));
        if (example != null) {
            text.append("  ").append(example).append('\n');
        }
        text.append(
                "  curl -s -X POST localhost:%d/v1/schedules/pipeline-digest/trigger -H \"$AUTH\"%n".formatted(port));
        return text.append('\n').toString();
    }

    /**
     * Plays the person a policy asks: approves each call the run waits on, through the API as anyone
     * would ({@code POST /v1/approvals/{id}} with the demo's key), and says so.
     */
    private void approve(Run run, ApiKeys.Issued key, PrintStream out) throws InterruptedException {
        for (Approval pending : approvals.list(Approval.Status.PENDING, run.agent(), null, 100, null)) {
            if (!pending.runId().equals(run.id())) {
                continue;
            }
            out.printf(
                    "%n=== run %s waits for a person: %s needs approval (%s/%s: %s)%n"
                            + "    approving it as key %s: POST /v1/approvals/%s%n",
                    run.id(),
                    pending.tool(),
                    pending.policy(),
                    pending.rule(),
                    pending.reason(),
                    key.key().name(),
                    pending.id());
            out.flush();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/v1/approvals/" + pending.id()))
                    .header("Authorization", "Bearer " + key.secret())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"decision\": \"approve\", \"comment\": \"approved in the offline demo\"}"))
                    .build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    LOG.errorf(
                            "The demo could not approve %s: %d %s", pending.id(), answer.statusCode(), answer.body());
                }
            } catch (IOException e) {
                LOG.errorf("The demo could not approve %s: %s", pending.id(), e.getMessage());
            }
        }
    }

    /** Runs one agent and prints its transcript; returns the input it used, or null if it could not run. */
    private String runOnce(String agent, ApiKeys.Issued key, PrintStream out) {
        String input = DemoScript.load(agent).map(DemoScript::input).orElse("Show what you can do.");
        try {
            Run started =
                    runs.start(agent, JsonNodeFactory.instance.textNode(input), Trigger.api("demo"), Actor.SYSTEM);
            RunService.Snapshot ended = runs.awaitEnd(started.id(), Duration.ofMinutes(2));
            for (int round = 0; round < 5 && ended.run().status() == RunStatus.AWAITING_APPROVAL; round++) {
                approve(ended.run(), key, out);
                ended = runs.awaitEnd(started.id(), Duration.ofMinutes(2));
            }
            out.print(Transcript.render(ended.run(), ended.steps()));
            out.println();
            out.flush();
            return input.replace("'", "").replace("\"", "");
        } catch (AgentryException e) {
            LOG.errorf("The demo could not run agent '%s': %s", agent, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
