package dev.agentry.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.ByteSize;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import dev.agentry.sandbox.CodeExecution;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxConfig;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.sandbox.ToolBridge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A real {@link WorkerSandbox} on the worker the build laid out in target/sandbox-worker. */
final class Sandboxes {

    private Sandboxes() {}

    record Config(
            Optional<String> workerDir,
            boolean optimize,
            boolean quickStart,
            boolean warmOnStart,
            Optional<List<String>> workerJvmOptions,
            String workerUser,
            Duration workerStartTimeout)
            implements SandboxConfig {}

    /** Without quick workers: pools start their optimizing workers only, so counts of workers are plain. */
    static WorkerSandbox start() {
        return start(true, false);
    }

    static WorkerSandbox start(boolean quickStart) {
        return start(true, quickStart);
    }

    /** Interpreter-only workers, started as quick workers are: from the build's AOT cache. */
    static WorkerSandbox startInterpreter() {
        return start(false, false);
    }

    private static WorkerSandbox start(boolean optimize, boolean quickStart) {
        Path none = Path.of("target", "no-assets");
        AssetsConfig assets = new AssetsConfig() {
            @Override
            public String agentsDir() {
                return none.toString();
            }

            @Override
            public String toolsDir() {
                return none.toString();
            }

            @Override
            public String policiesDir() {
                return none.toString();
            }

            @Override
            public String sandboxDir() {
                return none.toString();
            }

            @Override
            public java.util.Optional<String> secretsFile() {
                return java.util.Optional.empty();
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofHours(1);
            }
        };
        SandboxCatalog catalog = new SandboxCatalog(
                assets, Variables.of(Map.of()), new Redactor(), AssetEvents.NONE, new AssetWatcher(assets));
        Optional<List<String>> options = Optional.ofNullable(System.getProperty("agentry.test.worker-jvm-options"))
                .map(text -> List.of(text.split(",")));
        return new WorkerSandbox(
                new Config(
                        Optional.empty(),
                        optimize,
                        quickStart,
                        false,
                        options,
                        WorkerLauncher.DEFAULT_USER,
                        Duration.ofSeconds(90)),
                catalog);
    }

    /** A profile with these limits and a pool of {@code size}. */
    static SandboxProfile profile(String name, Duration timeout, long statements, int poolSize, String... tools) {
        return profile(name, timeout, statements, poolSize, 100_000, tools);
    }

    /** The same, with a quota of executions per worker. */
    static SandboxProfile profile(
            String name, Duration timeout, long statements, int poolSize, int quota, String... tools) {
        return new SandboxProfile(
                name,
                "",
                "js",
                new SandboxProfile.Limits(
                        timeout,
                        statements,
                        ByteSize.ofMebibytes(128),
                        ByteSize.ofKibibytes(16),
                        ByteSize.ofKibibytes(64),
                        5,
                        ByteSize.ofKibibytes(64)),
                new SandboxProfile.Pool(poolSize, quota, false),
                List.of(tools));
    }

    static ExecutionResult run(WorkerSandbox sandbox, SandboxProfile profile, String source) {
        return run(sandbox, profile, source, null, List.of(), (tool, arguments) -> "{\"error\":\"no tools\"}");
    }

    static ExecutionResult run(
            WorkerSandbox sandbox,
            SandboxProfile profile,
            String source,
            JsonNode input,
            List<String> tools,
            ToolBridge bridge) {
        return sandbox.execute(
                profile,
                new CodeExecution("tester", source, input, tools, Instant.now().plusSeconds(60)),
                bridge);
    }
}
