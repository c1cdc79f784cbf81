package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.access.Actor;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolRegistry;
import dev.agentry.tool.ToolResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Calls one tool directly, as an operator checking a toolset's configuration, and records the call
 * as a run of its own with one step (trigger {@code tool-test}, agent = the tool's id), so it is
 * listed, audited and kept like any other call.
 */
@ApplicationScoped
public class ToolTests {

    /** How long a direct call may take, the toolset's own timeout permitting. */
    static final Duration TIMEOUT = Duration.ofMinutes(1);

    private static final int MAX_AGENT_COLUMN = 63;

    private final ToolRegistry registry;
    private final ToolGate gate;
    private final RunStore store;
    private final RunService runs;
    private final RunJournal journal;
    private final RunsConfig config;
    private final Clock clock;

    ToolTests(
            ToolRegistry registry,
            ToolGate gate,
            RunStore store,
            RunService runs,
            RunJournal journal,
            RunsConfig config,
            Clock clock) {
        this.registry = registry;
        this.gate = gate;
        this.store = store;
        this.runs = runs;
        this.journal = journal;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Calls {@code toolset.tool} with {@code arguments} and returns the finished run.
     *
     * @throws dev.agentry.AgentryException.NotFound when there is no such tool
     */
    public RunService.Snapshot call(String toolset, String name, JsonNode arguments, Actor by) {
        Tool tool = registry.tool(toolset, name);
        String id = tool.spec().id();
        Instant now = clock.instant();
        String owner = runs.owner();
        String agent = id.length() > MAX_AGENT_COLUMN ? id.substring(0, MAX_AGENT_COLUMN) : id;
        Run run = Run.queued(RunIds.next(now), agent, arguments, Trigger.toolTest(by.describe()), now);
        Step.ToolStep step;
        try {
            journal.started(run, by, owner).confirm();
            store.create(run, owner, now.plus(config.lease()));
            store.start(run.id(), owner, now, now.plus(config.lease()));
            step = gate.direct(run.id(), tool, "test_1", arguments, now.plus(TIMEOUT), by);
        } catch (RunJournal.Unrecorded e) {
            store.finish(run.id(), new RunOutcome.Failed("stopped unaudited: " + e.getMessage()), Usage.ZERO, now);
            throw new dev.agentry.AgentryException.Unavailable(e.getMessage() + "; the tool was not called");
        }
        store.addStep(run.id(), owner, step);
        RunOutcome outcome = step.result() instanceof ToolResult.Success
                ? new RunOutcome.Succeeded(step.result().modelText())
                : new RunOutcome.Failed(step.result().modelText());
        Usage usage = Usage.ZERO.plusToolCall();
        store.finish(run.id(), outcome, usage, clock.instant(), journal.ended(run.id(), agent, outcome, usage));
        return new RunService.Snapshot(store.find(run.id()).orElseThrow(), store.steps(run.id()));
    }
}
