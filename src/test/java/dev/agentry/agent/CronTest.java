package dev.agentry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Occurrences across the daylight-saving changes of 2026 in Berlin: clocks went from 02:00 CET to 03:00
 * CEST on 29 March (01:00 UTC), and go back from 03:00 CEST to 02:00 CET on 25 October (01:00 UTC).
 */
class CronTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void an_occurrence_in_the_skipped_hour_fires_once_at_the_end_of_the_gap() {
        Cron cron = Cron.parse("30 2 * * *");

        assertThat(cron.between(at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z"), BERLIN, 10))
                .containsExactly(at("2026-03-29T01:00:00Z"), at("2026-03-30T00:30:00Z"));
    }

    @Test
    void several_occurrences_in_the_skipped_hour_collapse_into_one() {
        Cron cron = Cron.parse("*/15 * * * *");

        assertThat(cron.between(at("2026-03-29T00:40:00Z"), at("2026-03-29T01:20:00Z"), BERLIN, 10))
                .containsExactly(at("2026-03-29T00:45:00Z"), at("2026-03-29T01:00:00Z"), at("2026-03-29T01:15:00Z"));
    }

    @Test
    void an_occurrence_in_the_repeated_hour_fires_on_its_first_pass_only() {
        Cron cron = Cron.parse("30 2 * * *");

        assertThat(cron.between(at("2026-10-24T12:00:00Z"), at("2026-10-26T12:00:00Z"), BERLIN, 10))
                .containsExactly(at("2026-10-25T00:30:00Z"), at("2026-10-26T01:30:00Z"));
    }

    @Test
    void an_hourly_schedule_runs_once_per_wall_clock_hour_on_the_autumn_night() {
        Cron cron = Cron.parse("0 * * * *");

        assertThat(cron.between(at("2026-10-24T22:30:00Z"), at("2026-10-25T03:30:00Z"), BERLIN, 10))
                .containsExactly(
                        at("2026-10-24T23:00:00Z"),
                        at("2026-10-25T00:00:00Z"),
                        at("2026-10-25T02:00:00Z"),
                        at("2026-10-25T03:00:00Z"));
    }

    @Test
    void seen_from_the_second_pass_of_the_repeated_hour_the_next_occurrence_is_after_it() {
        Cron cron = Cron.parse("*/15 * * * *");

        assertThat(cron.next(at("2026-10-25T01:40:00Z"), BERLIN)).contains(at("2026-10-25T02:00:00Z"));
    }

    @Test
    void six_fields_read_seconds_first() {
        Cron cron = Cron.parse("*/20 * * * * *");

        assertThat(cron.between(at("2026-12-07T12:00:05Z"), at("2026-12-07T12:01:00Z"), ZoneOffset.UTC, 10))
                .containsExactly(at("2026-12-07T12:00:20Z"), at("2026-12-07T12:00:40Z"), at("2026-12-07T12:01:00Z"));
        assertThat(Cron.parse("* * * * * *").interval(at("2026-12-07T12:00:00Z"), ZoneOffset.UTC))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void weekdays_skip_the_weekend() {
        Cron cron = Cron.parse("0 8 * * MON-FRI");

        assertThat(cron.next(at("2026-12-04T09:00:00Z"), ZoneOffset.UTC)).contains(at("2026-12-07T08:00:00Z"));
        assertThat(cron.interval(at("2026-12-07T09:00:00Z"), ZoneOffset.UTC)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void refuses_what_it_cannot_read_with_an_example_that_works() {
        assertThatThrownBy(() -> Cron.parse("0 8 * *"))
                .hasMessageStartingWith("has 4 fields")
                .hasMessageContaining("'0 8 * * MON-FRI'");
        assertThatThrownBy(() -> Cron.parse("5-1 * * * * *")).hasMessageContaining("the range 5-1 runs backwards");
        assertThatThrownBy(() -> Cron.parse("0 8 * * MON-FUN"))
                .hasMessageStartingWith("is not a valid cron expression");
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
