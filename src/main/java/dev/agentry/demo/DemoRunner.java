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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * In demo mode, runs one bundled agent end to end as soon as the service is up and prints its
 * transcript; the service then keeps serving.
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
        config.agent()
                .filter(agent -> !agent.isBlank())
                .ifPresent(agent -> Thread.ofVirtual().name("agentry-demo").start(() -> runOnce(agent, System.out)));
    }

    private void runOnce(String agent, PrintStream out) {
        String input = DemoScript.load(agent).map(DemoScript::input).orElse("Show what you can do.");
        try {
            Run started = runs.start(agent, JsonNodeFactory.instance.textNode(input), Trigger.api("demo"));
            RunService.Snapshot ended = runs.awaitEnd(started.id(), Duration.ofMinutes(2));
            out.print(Transcript.render(ended.run(), ended.steps()));
            out.printf(
                    "%nAgentry is serving on http://localhost:%d  (API docs: http://localhost:%d/q/swagger-ui)%n"
                            + "Try:  curl -s -X POST localhost:%d/v1/agents/%s/runs -H 'Content-Type: application/json'"
                            + " -d '{\"input\": \"%s\", \"wait\": true}'%n%n",
                    port, port, port, agent, input.replace("'", "").replace("\"", ""));
            out.flush();
        } catch (AgentryException e) {
            LOG.errorf("The demo could not run agent '%s': %s", agent, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
