package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.fixtures.Bench;
import dev.agentry.fixtures.InstantModelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How late scheduled runs are created: the packaged service on its embedded H2 store, idle but for the
 * ticker's one-second schedule; lateness is the run's creation time minus its occurrence's time.
 */
@Tag("bench")
class ScheduleLatenessBenchIT {

    private static final int SAMPLES = 120;

    @Test
    void scheduled_runs_are_created_within_50_ms_of_their_time() throws Exception {
        String store = "jdbc:h2:file:./" + Path.of("target", "it-data", "lateness-" + System.nanoTime());
        List<Long> lateness;
        try (InstantModelServer model = new InstantModelServer();
                ServiceProcess service = ServiceProcess.ticker("lateness", store, model.url())) {
            Thread.sleep(3000); // the first ticks after the start warm the path up
            Instant from = Instant.now();
            List<JsonNode> runs = service.awaitRuns(SAMPLES + 5, SAMPLES + 60);
            lateness = runs.stream()
                    .filter(run -> Instant.parse(
                                    run.path("trigger").path("scheduledAt").asText())
                            .isAfter(from))
                    .map(run -> Duration.between(
                                    Instant.parse(run.path("trigger")
                                            .path("scheduledAt")
                                            .asText()),
                                    Instant.parse(run.path("createdAt").asText()))
                            .toMillis())
                    .sorted()
                    .limit(SAMPLES)
                    .toList();
        }
        long p50 = lateness.get(lateness.size() / 2);
        long p99 = lateness.get((int) Math.ceil(lateness.size() * 0.99) - 1);
        Bench.report(
                "Schedule lateness, one-second schedule, packaged service on H2 (" + lateness.size() + " runs)",
                List.of(Bench.row(
                        "run created minus scheduled time",
                        "p50 %d ms, p99 %d ms, max %d ms".formatted(p50, p99, lateness.getLast()),
                        "target p99 < 50 ms: " + Bench.verdict(p99 < 50))));
    }
}
