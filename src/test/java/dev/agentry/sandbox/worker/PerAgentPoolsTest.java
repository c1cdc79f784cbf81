package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.sandbox.CodeExecution;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A profile may give each agent workers of its own, so that one agent's code never shares a worker with another's. */
class PerAgentPoolsTest {

    private final WorkerSandbox sandbox = Sandboxes.startInterpreter();

    @AfterEach
    void stop() {
        sandbox.stop(null);
    }

    private static SandboxProfile profile(String yaml) {
        return (SandboxProfile) AssetBinder.create()
                .bind(
                        "sandbox/p.yaml",
                        StrictYaml.read("sandbox/p.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                        SandboxProfile.class,
                        Variables.of(Map.of()))
                .value();
    }

    private ExecutionResult run(SandboxProfile profile, String agent) {
        return sandbox.execute(
                profile,
                new CodeExecution(agent, "6 * 7", null, List.of(), Instant.now().plusSeconds(60)),
                (tool, arguments) -> "{}");
    }

    @Test
    void each_agent_gets_its_own_pool_when_the_profile_says_so() {
        SandboxProfile isolated = profile("name: isolated\npool: {size: 1, per-agent: true}\n");
        SandboxProfile shared = profile("name: shared\npool: {size: 1}\n");

        assertThat(run(isolated, "billing")).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(run(isolated, "support")).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(run(isolated, "billing")).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(run(shared, "billing")).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(run(shared, "support")).isInstanceOf(ExecutionResult.Completed.class);

        assertThat(sandbox.poolKeys()).containsExactlyInAnyOrder("isolated/billing", "isolated/support", "shared");
        assertThat(sandbox.pool(isolated, "billing")).isNotSameAs(sandbox.pool(isolated, "support"));
        assertThat(sandbox.pool(shared, "billing")).isSameAs(sandbox.pool(shared, "support"));
    }
}
