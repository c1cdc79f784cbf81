package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** How a run ended, or that it waits for a person and will continue once decided. */
public sealed interface RunOutcome
        permits RunOutcome.Succeeded, RunOutcome.Failed, RunOutcome.Cancelled, RunOutcome.AwaitingApproval {

    RunStatus status();

    /** The answer when the run succeeded; null otherwise. */
    default String outputOrNull() {
        return this instanceof Succeeded succeeded ? succeeded.output() : null;
    }

    /** Why the run did not succeed; null when it did. */
    default String errorOrNull() {
        return switch (this) {
            case Succeeded succeeded -> null;
            case Failed failed -> failed.reason();
            case Cancelled cancelled -> cancelled.reason();
            case AwaitingApproval waiting -> null;
        };
    }

    record Succeeded(String output) implements RunOutcome {
        public Succeeded {
            requireNonNull(output, "output");
        }

        @Override
        public RunStatus status() {
            return RunStatus.SUCCEEDED;
        }
    }

    /** @param reason what stopped it, naming the limit or the failing call and the fix */
    record Failed(String reason) implements RunOutcome {
        public Failed {
            requireNonNull(reason, "reason");
        }

        @Override
        public RunStatus status() {
            return RunStatus.FAILED;
        }
    }

    record Cancelled(String reason) implements RunOutcome {
        public Cancelled {
            requireNonNull(reason, "reason");
        }

        @Override
        public RunStatus status() {
            return RunStatus.CANCELLED;
        }
    }

    /**
     * Not an end: calls of the run wait for a person, so it parks until they are decided.
     *
     * @param approvals the ids of the approvals it waits for
     */
    record AwaitingApproval(List<String> approvals) implements RunOutcome {
        public AwaitingApproval {
            approvals = List.copyOf(approvals);
        }

        @Override
        public RunStatus status() {
            return RunStatus.AWAITING_APPROVAL;
        }
    }
}
