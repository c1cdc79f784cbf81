package dev.agentry.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How runs are executed. */
@ConfigMapping(prefix = "agentry.runs")
public interface RunsConfig {

    /** Runs executing at once on this replica; more wait as {@code queued}. */
    @WithDefault("1000")
    int maxConcurrent();

    /**
     * Runs that may wait on this replica for a place among {@link #maxConcurrent()}; a start beyond
     * that answers 429, so that a flood of starts cannot grow the queue (and the threads and memory
     * each queued run holds) without bound.
     */
    @WithDefault("10000")
    int maxQueued();

    /** Longest a {@code "wait": true} request blocks before answering 202 with the unfinished run. */
    @WithDefault("60s")
    Duration waitTimeout();

    /**
     * How long a replica's claim on a run lasts without renewal. A run whose owner stops renewing
     * (crash, shutdown) is resumed by a replica after this long.
     */
    @WithDefault("30s")
    Duration lease();

    /**
     * How often this replica looks for runs to adopt: runs a stopping replica released, and runs whose
     * owner stopped renewing its lease.
     */
    @WithDefault("500ms")
    Duration adoptInterval();

    /**
     * How long a graceful stop (SIGTERM) waits for the calls in flight to end and their steps to commit
     * before it releases the runs to other replicas; a run still in a call then is resumed when its
     * lease lapses.
     */
    @WithDefault("10s")
    Duration shutdownGrace();

    /** How this replica names itself as a run's owner; default host name plus process id. */
    Optional<String> nodeId();

    /**
     * How long finished runs (succeeded, failed, cancelled) are kept, with their steps and approvals,
     * after they end; {@code 0} keeps them for ever. The audit journal keeps its records regardless.
     */
    @WithDefault("30d")
    Duration retention();
}
