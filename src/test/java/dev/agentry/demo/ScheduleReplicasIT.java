package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.fixtures.InstantModelServer;
import dev.agentry.fixtures.PostgresSchemas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two packaged services on one PostgreSQL, with the ticker's one-second schedule: Quartz's cluster
 * lets one of them fire each tick, each occurrence starts exactly one run, and either replica answers
 * for runs the other started. When the replica that fires is killed, the other takes over: every
 * occurrence is still started once or recorded as missed, never both, never twice. A pause said to
 * one replica holds when a replica starts again after both stopped.
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
            Map<String, ServiceProcess> replicas = new HashMap<>();
            try (ServiceProcess one = ServiceProcess.ticker("replica-one", store, model.url());
                    ServiceProcess two = ServiceProcess.ticker("replica-two", store, model.url())) {
                replicas.put("replica-one", one);
                replicas.put("replica-two", two);
                Instant bothUp = Instant.now();
                Thread.sleep(TimeUnit.SECONDS.toMillis(OCCURRENCES + 1));

                List<JsonNode> runs = two.tickerRuns();
                assertThat(runsPerOccurrence(runs).values())
                        .as("runs per occurrence")
                        .containsOnly(1L);
                List<Instant> whileBothRan = runsPerOccurrence(runs).keySet().stream()
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
                // The tick is Quartz's job in its clustered JDBC store, and both replicas check in there.
                assertThat(quartz(store, "SELECT trigger_name FROM qrtz_triggers"))
                        .containsExactly("agentry-schedules");
                assertThat(quartz(store, "SELECT instance_name FROM qrtz_scheduler_state"))
                        .hasSize(2);
                String someRun = runs.getLast().path("id").asText();
                assertThat(one.get("/v1/runs/" + someRun).path("status").asText())
                        .isEqualTo("succeeded");
                assertThat(two.get("/v1/runs/" + someRun).path("status").asText())
                        .isEqualTo("succeeded");

                // The replica that started the newest run is the one Quartz lets fire: kill it.
                String firing = startedBy(one, runs.getFirst());
                ServiceProcess survivor = firing.equals("replica-one") ? two : one;
                Instant killed = Instant.now();
                replicas.get(firing).kill();
                List<JsonNode> after = awaitRunsAfter(survivor, killed, 3, 40);
                assertThat(after).as("runs started after %s was killed", firing).hasSizeGreaterThanOrEqualTo(3);
                assertThat(startedBy(survivor, after.getFirst())).isNotEqualTo(firing);
                Instant firstAfter = Instant.parse(
                        after.getLast().path("trigger").path("scheduledAt").asText());
                System.out.printf(
                        "[schedules] %s killed; the survivor fired the occurrence of %s, %d ms later%n",
                        firing, firstAfter, Duration.between(killed, firstAfter).toMillis());
                // Quartz declares the killed replica failed about 8.5 s after its last check-in.
                long recovered = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (quartz(store, "SELECT instance_name FROM qrtz_scheduler_state")
                                        .size()
                                > 1
                        && System.nanoTime() < recovered) {
                    Thread.sleep(250);
                }
                assertThat(quartz(store, "SELECT instance_name FROM qrtz_scheduler_state"))
                        .as("the killed replica's check-in, removed by the survivor's recovery")
                        .hasSize(1);

                assertThat(survivor.post("/v1/schedules/ticker/pause")).isEqualTo(200);
                Thread.sleep(1500);
                runs = survivor.tickerRuns();
                Map<String, Long> perOccurrence = runsPerOccurrence(runs);
                assertThat(perOccurrence.values()).as("runs per occurrence").containsOnly(1L);
                JsonNode occurrences = survivor.get("/v1/schedules/ticker/occurrences?limit=500");
                Set<String> handled = new HashSet<>();
                occurrences.path("items").forEach(occurrence -> {
                    assertThat(occurrence.path("outcome").asText())
                            .as(occurrence.toString())
                            .isIn("started", "starting", "missed");
                    assertThat(handled.add(occurrence.path("scheduledAt").asText()))
                            .as("one record per occurrence: %s", occurrence)
                            .isTrue();
                });
                assertThat(survivor.get("/v1/audit/verify").path("ok").asBoolean())
                        .isTrue();
            }

            // Both stopped; the pause said to the survivor holds when a replica starts again.
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

    private static Map<String, Long> runsPerOccurrence(List<JsonNode> runs) {
        return runs.stream()
                .collect(Collectors.groupingBy(
                        run -> run.path("trigger").path("scheduledAt").asText(), TreeMap::new, Collectors.counting()));
    }

    private static List<String> quartz(String store, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(store, "postgres", null);
                ResultSet rows = connection.createStatement().executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** The replica whose journal says it started {@code run}. */
    private static String startedBy(ServiceProcess service, JsonNode run) throws Exception {
        for (JsonNode record :
                service.get("/v1/runs/" + run.path("id").asText() + "/audit").path("items")) {
            if (record.path("type").asText().equals("run.started")) {
                return record.path("data").path("replica").asText();
            }
        }
        throw new AssertionError("no run.started record for " + run);
    }

    /** The ticker's runs scheduled after {@code since}, newest first, once there are {@code count} of them. */
    private static List<JsonNode> awaitRunsAfter(ServiceProcess service, Instant since, int count, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            List<JsonNode> runs = service.tickerRuns().stream()
                    .filter(run -> Instant.parse(
                                    run.path("trigger").path("scheduledAt").asText())
                            .isAfter(since))
                    .toList();
            if (runs.size() >= count || System.nanoTime() > deadline) {
                return runs;
            }
            Thread.sleep(500);
        }
    }
}
