package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.fixtures.InstantModelServer;
import dev.agentry.fixtures.PostgresSchemas;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two packaged services on one PostgreSQL, both firing the ticker's one-second schedule: each
 * occurrence starts exactly one run, and either replica answers for runs the other started. A pause
 * said to one of them holds when a replica starts again after both stopped.
 */
class ScheduleReplicasIT {

    private static final int OCCURRENCES = 30;

    @Test
    void two_replicas_start_each_occurrence_of_a_one_second_schedule_exactly_once_and_a_pause_outlives_them()
            throws Exception {
        PostgresSchemas.requireServer("schedules across two replicas");
        PostgresSchemas schemas = new PostgresSchemas();
        try (InstantModelServer model = new InstantModelServer()) {
            String store = schemas.create();
            try (ServiceProcess one = ServiceProcess.ticker("replica-one", store, model.url());
                    ServiceProcess two = ServiceProcess.ticker("replica-two", store, model.url())) {
                Instant bothUp = Instant.now();
                Thread.sleep(TimeUnit.SECONDS.toMillis(OCCURRENCES + 1));
                assertThat(two.post("/v1/schedules/ticker/pause")).isEqualTo(200);
                Thread.sleep(1500);
                List<JsonNode> runs = two.tickerRuns();

                Map<String, Long> perOccurrence = runs.stream()
                        .collect(Collectors.groupingBy(
                                run -> run.path("trigger").path("scheduledAt").asText(),
                                TreeMap::new,
                                Collectors.counting()));
                assertThat(perOccurrence.values()).as("runs per occurrence").containsOnly(1L);
                List<Instant> whileBothRan = perOccurrence.keySet().stream()
                        .map(Instant::parse)
                        .filter(at -> at.isAfter(bothUp))
                        .sorted()
                        .toList();
                assertThat(whileBothRan).hasSizeGreaterThanOrEqualTo(OCCURRENCES);
                for (int i = 1; i < whileBothRan.size(); i++) {
                    assertThat(whileBothRan.get(i))
                            .as("no occurrence left out")
                            .isEqualTo(whileBothRan.get(i - 1).plusSeconds(1));
                }
                JsonNode occurrences = one.get("/v1/schedules/ticker/occurrences?limit=100");
                occurrences.path("items").forEach(occurrence -> assertThat(
                                occurrence.path("outcome").asText())
                        .as(occurrence.toString())
                        .isIn("started", "starting"));
                Set<String> replicas = new HashSet<>();
                for (JsonNode run : runs) {
                    JsonNode audit = one.get("/v1/runs/" + run.path("id").asText() + "/audit");
                    audit.path("items").forEach(record -> {
                        if (record.path("type").asText().equals("run.started")) {
                            replicas.add(record.path("data").path("replica").asText());
                        }
                    });
                }
                assertThat(replicas).as("both replicas started runs").hasSize(2);
                String someRun = runs.getLast().path("id").asText();
                assertThat(one.get("/v1/runs/" + someRun).path("status").asText())
                        .isEqualTo("succeeded");
                assertThat(two.get("/v1/runs/" + someRun).path("status").asText())
                        .isEqualTo("succeeded");
                assertThat(two.get("/v1/audit/verify").path("ok").asBoolean()).isTrue();
            }

            // Both stopped; the pause said to replica two holds when a replica starts again.
            try (ServiceProcess again = ServiceProcess.ticker("replica-again", store, model.url())) {
                JsonNode schedule = again.get("/v1/schedules/ticker");
                assertThat(schedule.path("paused").asBoolean())
                        .as(schedule.toString())
                        .isTrue();
                assertThat(schedule.path("pausedBy").asText()).startsWith("key ");
                int before = again.tickerRuns().size();
                Thread.sleep(2500);
                assertThat(again.tickerRuns()).as("nothing fires while paused").hasSize(before);

                assertThat(again.post("/v1/schedules/ticker/resume")).isEqualTo(200);
                assertThat(again.awaitRuns(before + 2, 20)).hasSizeGreaterThanOrEqualTo(before + 2);
            }
        } finally {
            schemas.drop();
        }
    }
}
