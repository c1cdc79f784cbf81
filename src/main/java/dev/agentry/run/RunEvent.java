package dev.agentry.run;

import static java.util.Objects.requireNonNull;

/** Something that happened to a run, as live subscribers see it. */
public sealed interface RunEvent permits RunEvent.StatusChanged, RunEvent.StepAdded, RunEvent.Finished {

    String runId();

    record StatusChanged(String runId, RunStatus status) implements RunEvent {
        public StatusChanged {
            requireNonNull(runId, "runId");
            requireNonNull(status, "status");
        }
    }

    record StepAdded(String runId, Step step) implements RunEvent {
        public StepAdded {
            requireNonNull(runId, "runId");
            requireNonNull(step, "step");
        }
    }

    /** The last event of a run: it carries the run as it ended. */
    record Finished(String runId, Run run) implements RunEvent {
        public Finished {
            requireNonNull(runId, "runId");
            requireNonNull(run, "run");
        }
    }
}
