package dev.agentry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.AssetProblem;
import dev.agentry.asset.InvalidAssetException;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.model.Provider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading agents/*.yaml: what is accepted, and the exact message for what is not. */
class AgentFileTest {

    private static final String VALID = """
            name: billing
            description: Answers billing questions.
            model:
              provider: openai
              name: gpt-4o-mini
              api-key: ${OPENAI_API_KEY}
            instructions: Be brief.
            tools:
              - crm.find_contact
              - calendar.*
            limits:
              max-steps: 5
              timeout: 90s
            """;

    private final AssetBinder binder = AssetBinder.create();
    private final Variables variables = Variables.of(Map.of("OPENAI_API_KEY", "sk-live-123456"));

    private AssetBinder.Bound<AgentDefinition> read(String yaml) {
        return binder.bind(
                "agents/billing.yaml",
                StrictYaml.read("agents/billing.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                AgentDefinition.class,
                variables);
    }

    private AssetProblem problemOf(String yaml) {
        try {
            read(yaml);
        } catch (InvalidAssetException e) {
            return e.problem();
        }
        throw new AssertionError("expected the agent to be refused:\n" + yaml);
    }

    @Test
    void reads_a_valid_agent_with_defaults_filled_in() {
        AgentDefinition agent = read(VALID).value();

        assertThat(agent.name()).isEqualTo("billing");
        assertThat(agent.model().provider()).isEqualTo(Provider.OPENAI);
        assertThat(agent.model().apiKey().value()).isEqualTo("sk-live-123456");
        assertThat(agent.model().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(agent.tools()).containsExactly("crm.find_contact", "calendar.*");
        assertThat(agent.limits()).isEqualTo(new Limits(5, 50, Duration.ofSeconds(90), null));
        assertThat(agent.policies()).isEmpty();
        assertThat(agent.schedule()).isNull();
    }

    @Test
    void reports_the_secrets_it_read_and_shows_them_only_by_reference() {
        AssetBinder.Bound<AgentDefinition> bound = read(VALID);

        assertThat(bound.secrets()).containsExactly("sk-live-123456");
        JsonNode shown = binder.toJson(bound.value());
        assertThat(shown.path("model").path("api-key").asText()).isEqualTo("${OPENAI_API_KEY}");
        assertThat(shown.toString()).doesNotContain("sk-live-123456");
        assertThat(shown.path("limits").path("timeout").asText()).isEqualTo("90s");
    }

    @Test
    void masks_a_secret_written_inline() {
        AgentDefinition agent =
                read(VALID.replace("${OPENAI_API_KEY}", "sk-inline-999999")).value();

        assertThat(binder.toJson(agent).path("model").path("api-key").asText()).isEqualTo("****");
        assertThat(agent.model().apiKey().toString()).isEqualTo("****");
    }

    @Test
    void names_an_unknown_field_with_a_suggestion_and_the_fields_allowed() {
        AssetProblem problem = problemOf(VALID.replace("max-steps: 5", "max-step: 5"));

        assertThat(problem.describe())
                .isEqualTo(
                        "agents/billing.yaml:12: field 'limits.max-step' is not a known field; did you mean"
                                + " 'max-steps'? The fields allowed here are: max-cost, max-identical-calls, max-steps, max-tokens, max-tool-calls, timeout");
    }

    @Test
    void names_a_wrong_type_with_what_was_found() {
        AssetProblem problem = problemOf(VALID.replace("max-steps: 5", "max-steps: five"));

        assertThat(problem.describe())
                .isEqualTo("agents/billing.yaml:12: field 'limits.max-steps' must be a whole number, got the string"
                        + " \"five\"");
    }

    @Test
    void refuses_a_number_where_text_belongs() {
        assertThat(problemOf(VALID.replace("instructions: Be brief.", "instructions: 42"))
                        .describe())
                .isEqualTo("agents/billing.yaml:7: field 'instructions' must be a string, got 42");
    }

    @Test
    void lists_the_providers_when_the_provider_is_unknown() {
        assertThat(problemOf(VALID.replace("provider: openai", "provider: gpt")).describe())
                .isEqualTo("agents/billing.yaml:4: field 'model.provider' must be one of openai, ollama, anthropic,"
                        + " demo, got the string \"gpt\"");
    }

    @Test
    void requires_instructions() {
        assertThat(problemOf(VALID.replace("instructions: Be brief.\n", "")).describe())
                .isEqualTo("agents/billing.yaml:1: field 'instructions' is required; tell the model what the agent"
                        + " is for");
    }

    @Test
    void points_at_the_bad_entry_of_the_tools_list() {
        assertThat(problemOf(VALID.replace("- calendar.*", "- calendar")).describe())
                .isEqualTo("agents/billing.yaml:10: field 'tools[1]' must be toolset.tool or toolset.*, such as"
                        + " calendar.list_events, got 'calendar'");
    }

    @Test
    void refuses_a_bad_duration() {
        assertThat(problemOf(VALID.replace("timeout: 90s", "timeout: soon")).describe())
                .isEqualTo("agents/billing.yaml:13: field 'limits.timeout' must be a duration such as 500ms, 30s,"
                        + " 5m, 2h or 1d, got 'soon'");
    }

    @Test
    void refuses_a_bad_cron_expression_naming_the_fix() {
        AssetProblem problem = problemOf(VALID + "schedule:\n  cron: \"0 25 * * *\"\n");

        assertThat(problem.line()).isEqualTo(15);
        assertThat(problem.field()).isEqualTo("schedule.cron");
        assertThat(problem.message())
                .startsWith("is not a valid cron expression ('0 25 * * *': ")
                .endsWith("write five fields, minute hour day-of-month month day-of-week, or six with leading"
                        + " seconds, such as '0 8 * * MON-FRI' (08:00 on weekdays) or '*/10 * * * * *' (every ten"
                        + " seconds)");
    }

    @Test
    void refuses_a_cron_with_the_wrong_number_of_fields_or_a_bad_seconds_field() {
        assertThat(problemOf(VALID + "schedule:\n  cron: \"0 8 * *\"\n").message())
                .startsWith("has 4 fields ('0 8 * *'); write five")
                .contains("such as '0 8 * * MON-FRI'");
        assertThat(problemOf(VALID + "schedule:\n  cron: \"75 * * * * *\"\n").message())
                .startsWith("has a seconds field that cannot be read ('75 * * * * *': '75' is not a number from 0 to"
                        + " 59)");
    }

    @Test
    void refuses_an_unknown_overlap_policy_and_a_negative_catch_up() {
        AssetProblem overlap = problemOf(VALID + "schedule:\n  cron: \"0 8 * * *\"\n  overlap: queue\n");
        assertThat(overlap.field()).isEqualTo("schedule.overlap");
        assertThat(overlap.message()).isEqualTo("must be one of skip, buffer-one, allow, cancel-previous, got 'queue'");

        AssetProblem limits = problemOf(VALID + "schedule:\n  cron: \"0 8 * * *\"\n  limits:\n    max-steps: 0\n");
        assertThat(limits.field()).isEqualTo("schedule.limits.max-steps");
    }

    @Test
    void reads_every_field_of_a_schedule() {
        Schedule schedule = read(VALID
                        + "schedule:\n  cron: \"*/10 * * * * *\"\n  timezone: Europe/Berlin\n"
                        + "  input: \"since {{last_success_at}}\"\n  overlap: buffer-one\n  catch-up: 0\n"
                        + "  jitter: 5s\n  paused: true\n  limits:\n    max-steps: 2\n  pause-after-failures: 3\n")
                .value()
                .schedule();

        assertThat(schedule.overlapPolicy()).isEqualTo(Schedule.Overlap.BUFFER_ONE);
        assertThat(schedule.catchUp()).isZero();
        assertThat(schedule.jitter()).hasSeconds(5);
        assertThat(schedule.paused()).isTrue();
        assertThat(schedule.limits().maxSteps()).isEqualTo(2);
        assertThat(schedule.pauseAfterFailures()).isEqualTo(3);
        assertThat(schedule.input().asText()).isEqualTo("since {{last_success_at}}");
    }

    @Test
    void refuses_an_unknown_time_zone() {
        assertThat(problemOf(VALID + "schedule:\n  cron: \"0 8 * * MON-FRI\"\n  timezone: Mars/Olympus\n")
                        .describe())
                .isEqualTo("agents/billing.yaml:16: field 'schedule.timezone' is not a known time zone:"
                        + " 'Mars/Olympus'; use an IANA name such as Europe/Berlin or America/New_York");
    }

    @Test
    void accepts_a_valid_schedule() {
        AgentDefinition agent = read(VALID + "schedule:\n  cron: \"0 8 * * MON-FRI\"\n  timezone: Europe/Berlin\n")
                .value();

        assertThat(agent.schedule().cron()).isEqualTo("0 8 * * MON-FRI");
        assertThat(agent.schedule().paused()).isFalse();
        assertThat(agent.schedule().overlapPolicy()).isEqualTo(Schedule.Overlap.SKIP);
        assertThat(agent.schedule().catchUpWindow(java.time.Instant.parse("2026-12-07T00:00:00Z")))
                .isEqualTo(Schedule.DEFAULT_CATCH_UP_CAP);
    }

    @Test
    void names_an_unset_variable() {
        AssetProblem problem = binderProblem(VALID, Variables.of(Map.of()));

        assertThat(problem.describe())
                .isEqualTo("agents/billing.yaml:6: field 'model.api-key' uses ${OPENAI_API_KEY}, which is not set;"
                        + " set the environment variable OPENAI_API_KEY or give a default as ${OPENAI_API_KEY:value}");
    }

    @Test
    void refuses_a_list_where_a_mapping_belongs() {
        assertThat(problemOf("- name: billing\n").describe())
                .isEqualTo("agents/billing.yaml:1: must be a mapping of fields such as 'name: ...', got a list");
    }

    @Test
    void refuses_an_agent_name_that_is_not_a_valid_name() {
        assertThat(problemOf(VALID.replace("name: billing", "name: Billing_Bot"))
                        .describe())
                .isEqualTo("agents/billing.yaml:1: field 'name' must be lowercase letters, digits and hyphens,"
                        + " starting with a letter and at most 63 long, got 'Billing_Bot'");
    }

    private AssetProblem binderProblem(String yaml, Variables vars) {
        try {
            binder.bind(
                    "agents/billing.yaml",
                    StrictYaml.read("agents/billing.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                    AgentDefinition.class,
                    vars);
        } catch (InvalidAssetException e) {
            return e.problem();
        }
        throw new AssertionError("expected a problem");
    }

    @Test
    void an_output_schema_that_is_not_an_object_schema_names_the_field() {
        AssetProblem problem = problemOf(VALID + "output-schema:\n  type: string\n");

        assertThat(problem.describe()).contains("field 'output-schema' must have 'type: object' at the top");
    }
}
