package dev.agentry.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.AgentryException;
import dev.agentry.run.Run;
import dev.agentry.run.RunService;
import dev.agentry.run.Trigger;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.PrintStream;
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

    private final DemoConfig config;
    private final Simulators simulators;
    private final RunService runs;
    private final int port;

    DemoRunner(
            DemoConfig config,
            Simulators simulators,
            RunService runs,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        this.config = config;
        this.simulators = simulators;
        this.runs = runs;
        this.port = port;
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
        String example = null;
        for (String agent : agents) {
            String input = runOnce(agent, out);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (example == null && input != null) {
                example = "curl -s -X POST localhost:%d/v1/agents/%s/runs -H 'Content-Type: application/json'"
                                .formatted(port, agent)
                        + " -d '{\"input\": \"" + input + "\", \"wait\": true}'";
            }
        }
        out.printf(
                "Agentry is serving on http://localhost:%d  (API docs: http://localhost:%d/q/swagger-ui)%n%s%n",
                port, port, example == null ? "" : "Try:  " + example + "\n");
        out.flush();
    }

    /** Runs one agent and prints its transcript; returns the input it used, or null if it could not run. */
    private String runOnce(String agent, PrintStream out) {
        String input = DemoScript.load(agent).map(DemoScript::input).orElse("Show what you can do.");
        try {
            Run started = runs.start(agent, JsonNodeFactory.instance.textNode(input), Trigger.api("demo"));
            RunService.Snapshot ended = runs.awaitEnd(started.id(), Duration.ofMinutes(2));
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
