package dev.agentry.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Limits;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Secret;
import dev.agentry.fixtures.RecordingJournal;
import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import dev.agentry.model.TestModelsConfig;
import dev.agentry.model.openai.OpenAiModelProvider;
import dev.agentry.policy.AllowAllPolicyEngine;
import dev.agentry.run.jdbc.JdbcRunStore;
import dev.agentry.store.StoreDatabase;
import dev.agentry.tool.ToolResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run against an OpenAI-compatible server that no Agentry code wrote: the {@code openai-mock-api}
 * package from npm, installed into {@code target/interop} on first use. Skipped, saying so, where
 * Node.js or the npm registry is not available.
 */
class InteropTest {

    private static final String PACKAGE = "openai-mock-api@0.4.0";
    private static final Path HOME = Path.of("target", "interop");
    private static final Path CLI = HOME.resolve("node_modules/openai-mock-api/dist/cli.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process server;
    private static int port;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        installIfMissing();
        Files.writeString(HOME.resolve("conversation.yaml"), """
                apiKey: 'interop-key'
                responses:
                  - id: 'asks-for-the-tool'
                    messages:
                      - {role: 'system', matcher: 'any'}
                      - {role: 'user', content: 'weather', matcher: 'contains'}
                      - role: 'assistant'
                        tool_calls:
                          - id: 'call_w1'
                            type: 'function'
                            function: {name: 'weather_get', arguments: '{"city": "Berlin"}'}
                  - id: 'answers-from-the-result'
                    messages:
                      - {role: 'system', matcher: 'any'}
                      - {role: 'user', content: 'weather', matcher: 'contains'}
                      - {role: 'assistant', matcher: 'any'}
                      - {role: 'tool', matcher: 'any', tool_call_id: 'call_w1'}
                      - {role: 'assistant', content: 'It is 21 degrees and sunny in Berlin.'}
                """);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = new ProcessBuilder(
                        "node",
                        CLI.toString(),
                        "--config",
                        HOME.resolve("conversation.yaml").toString(),
                        "--port",
                        String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(HOME.resolve("server.log").toFile())
                .start();
        awaitHealthy();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_run_against_an_independent_openai_compatible_server_completes_with_tool_calls() throws Exception {
        FakeTool weather = new FakeTool(
                "weather",
                "get",
                arguments -> ToolResult.success(
                        JsonNodeFactory.instance.objectNode().put("celsius", 21).put("sky", "clear")));
        ModelSettings settings = new ModelSettings(
                Provider.OPENAI,
                "gpt-4o",
                "http://127.0.0.1:" + port + "/v1",
                new Secret("interop-key", null),
                0.0,
                null,
                Duration.ofSeconds(10));
        ModelClient model = new OpenAiModelProvider(TestModelsConfig.standard()).create("forecaster", settings);
        AgentDefinition agent = new AgentDefinition(
                "forecaster",
                "",
                settings,
                "Answer weather questions with the tool.",
                List.of("weather.get"),
                List.of(),
                Limits.DEFAULT,
                null,
                null);

        try (StoreDatabase database = StoreDatabase.open("jdbc:h2:file:" + dir.resolve("runs"), null, null, 4)) {
            JdbcRunStore store = new JdbcRunStore(database.dataSource(), false);
            Instant now = Instant.now();
            Run run = Run.queued(
                    RunIds.next(now),
                    "forecaster",
                    JsonNodeFactory.instance.textNode("What is the weather in Berlin?"),
                    Trigger.api("t"),
                    now);
            store.create(run, "node", now.plusSeconds(60));
            store.start(run.id(), "node", now, now.plusSeconds(60));
            RunPlan plan = RunPlan.of(agent, model, List.of(weather));
            Redactor redactor = new Redactor();
            RunLoop loop = new RunLoop(
                    store,
                    new RunEvents(),
                    new ToolGate(
                            new AllowAllPolicyEngine(),
                            redactor,
                            new RunJournal(new RecordingJournal()),
                            Clock.systemUTC()),
                    new RunJournal(new RecordingJournal()),
                    redactor,
                    Clock.systemUTC());
            RunState state = RunState.of(run.id(), plan, now.plusSeconds(60), run.input(), List.of());

            RunOutcome outcome =
                    loop.run(new RunLoop.Execution(state, new RunControl(), "node", Duration.ofSeconds(60)));

            assertThat(outcome).isEqualTo(new RunOutcome.Succeeded("It is 21 degrees and sunny in Berlin."));
            assertThat(weather.arguments()).containsExactly(JSON.readTree("{\"city\":\"Berlin\"}"));
            assertThat(store.steps(run.id()))
                    .extracting(step -> step.getClass().getSimpleName())
                    .containsExactly("ModelStep", "ToolStep", "ModelStep");
        }
    }

    private static void installIfMissing() throws Exception {
        if (Files.exists(CLI)) {
            return;
        }
        skipUnless(
                works(Duration.ofSeconds(10), "node", "--version") && works(Duration.ofSeconds(10), "npm", "--version"),
                "Node.js and npm are not on the PATH");
        // One quick question to the registry first, so a slow or missing registry skips in seconds, not
        // after npm's own retries and back-off.
        skipUnless(
                works(
                        Duration.ofSeconds(15),
                        "npm",
                        "view",
                        PACKAGE,
                        "version",
                        "--fetch-retries=0",
                        "--fetch-timeout=8000"),
                "the npm registry did not answer within 15 s");
        Files.createDirectories(HOME);
        Process install = npm(new ProcessBuilder(
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--fetch-retries=1",
                        "--fetch-timeout=20000",
                        "--prefix",
                        HOME.toString(),
                        PACKAGE))
                .redirectErrorStream(true)
                .redirectOutput(HOME.resolve("install.log").toFile())
                .start();
        boolean done = install.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            install.destroyForcibly();
        }
        skipUnless(
                done && install.exitValue() == 0 && Files.exists(CLI),
                "npm could not install " + PACKAGE + " (see " + HOME.resolve("install.log") + ")");
    }

    /**
     * Node trusts the system's certificate store as well as its own, as curl and the JDK do, so npm
     * works behind a proxy whose CA the system trusts without NODE_EXTRA_CA_CERTS in the environment.
     */
    private static ProcessBuilder npm(ProcessBuilder builder) {
        builder.environment().putIfAbsent("NODE_OPTIONS", "--use-openssl-ca");
        return builder;
    }

    private static void skipUnless(boolean condition, String why) {
        if (!condition) {
            System.err.println("SKIPPED: the interoperability test needs " + PACKAGE + " from npm: " + why + ".");
        }
        assumeTrue(condition, why);
    }

    /** Whether {@code command} exits 0 within {@code limit}; one that takes longer is stopped. */
    private static boolean works(Duration limit, String... command) {
        try {
            Process process = npm(new ProcessBuilder(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void awaitHealthy() throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                HttpResponse<String> health = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("openai-mock-api did not start; see " + HOME.resolve("server.log"));
    }
}
