package dev.agentry.tool.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.agentry.tool.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tools/google-calendar.yaml against Google Calendar API v3 and Google's OAuth token endpoint, as they speak. */
class GoogleCalendarContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "/calendar/v3/calendars/team%40example.com/events";

    private ShippedToolset calendar;

    @BeforeEach
    void start() {
        calendar = new ShippedToolset(
                "google-calendar.yaml",
                Map.of(
                        "GOOGLE_CALENDAR_BASE_URL", "{base}/calendar/v3",
                        "GOOGLE_TOKEN_URL", "{base}/token",
                        "GOOGLE_CLIENT_ID", "client-1.apps.googleusercontent.com",
                        "GOOGLE_CLIENT_SECRET", "secret-1",
                        "GOOGLE_REFRESH_TOKEN", "1//refresh-1"));
        calendar.server.stubFor(post(urlPathEqualTo("/token"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("refresh_token", equalTo("1//refresh-1"))
                .withFormParam("client_id", equalTo("client-1.apps.googleusercontent.com"))
                .withFormParam("client_secret", equalTo("secret-1"))
                .willReturn(json(200, """
                        {"access_token": "ya29.token-1", "expires_in": 3599, "token_type": "Bearer",
                         "scope": "https://www.googleapis.com/auth/calendar"}""")));
    }

    @AfterEach
    void stop() {
        calendar.close();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body);
    }

    @Test
    void list_events_follows_next_page_tokens_with_the_same_query_and_one_token() throws Exception {
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS))
                .withHeader("Authorization", equalTo("Bearer ya29.token-1"))
                .withQueryParam("pageToken", absent())
                .willReturn(json(200, """
                        {"kind": "calendar#events", "timeZone": "Europe/Berlin", "nextPageToken": "page-2",
                         "items": [{"id": "e1", "start": {"dateTime": "2026-11-30T09:00:00+01:00"}}]}""")));
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS))
                .withQueryParam("pageToken", equalTo("page-2"))
                .willReturn(json(200, """
                        {"kind": "calendar#events", "timeZone": "Europe/Berlin",
                         "items": [{"id": "e2", "start": {"dateTime": "2026-11-30T15:00:00+01:00"}}]}""")));

        ToolResult result = calendar.call("list_events", """
                {"calendarId": "team@example.com", "timeMin": "2026-11-30T00:00:00+01:00",
                 "timeMax": "2026-12-01T00:00:00+01:00", "timeZone": "Europe/Berlin"}""");

        assertThat(result).isInstanceOf(ToolResult.Success.class);
        JsonNode answer = ((ToolResult.Success) result).value();
        assertThat(answer.path("items").findValuesAsText("id")).containsExactly("e1", "e2");
        assertThat(answer.has("nextPageToken")).isFalse();
        for (String page : new String[] {null, "page-2"}) {
            calendar.server.verify(getRequestedFor(urlPathEqualTo(EVENTS))
                    .withHeader("Authorization", equalTo("Bearer ya29.token-1"))
                    .withHeader("Accept", equalTo("application/json"))
                    .withQueryParam("timeMin", equalTo("2026-11-30T00:00:00+01:00"))
                    .withQueryParam("timeMax", equalTo("2026-12-01T00:00:00+01:00"))
                    .withQueryParam("timeZone", equalTo("Europe/Berlin"))
                    .withQueryParam("singleEvents", equalTo("true"))
                    .withQueryParam("orderBy", equalTo("startTime"))
                    .withQueryParam("pageToken", page == null ? absent() : equalTo(page)));
        }
        calendar.server.verify(1, postRequestedFor(urlPathEqualTo("/token")));
    }

    @Test
    void create_event_sends_the_event_in_its_time_zone_with_an_id_that_repeats_for_the_same_call() {
        calendar.server.stubFor(post(urlPathEqualTo(EVENTS)).willReturn(json(200, """
                        {"kind": "calendar#event", "id": "x", "status": "confirmed",
                         "htmlLink": "https://www.google.com/calendar/event?eid=x"}""")));
        String arguments = """
                {"calendarId": "team@example.com", "summary": "Renewal call",
                 "start": {"dateTime": "2026-12-01T14:00:00", "timeZone": "Europe/Berlin"},
                 "end": {"dateTime": "2026-12-01T14:30:00", "timeZone": "Europe/Berlin"},
                 "attendees": [{"email": "ng@example.com"}], "sendUpdates": "all"}""";

        assertThat(calendar.call("create_event", arguments)).isInstanceOf(ToolResult.Success.class);
        calendar.call("create_event", arguments);
        calendar.call("create_event", arguments, "call_2");

        var requests = calendar.server.findAll(postRequestedFor(urlPathEqualTo(EVENTS))
                .withQueryParam("sendUpdates", equalTo("all"))
                .withHeader("Content-Type", equalTo("application/json")));
        assertThat(requests).hasSize(3);
        String first = read(requests.get(0).getBodyAsString()).path("id").asText();
        assertThat(first).matches("[0-9a-v]{32}");
        assertThat(read(requests.get(1).getBodyAsString()).path("id").asText())
                .as("a repeat of the same call (a resumed run) carries the same event id")
                .isEqualTo(first);
        assertThat(read(requests.get(2).getBodyAsString()).path("id").asText()).isNotEqualTo(first);
        calendar.server.verify(
                postRequestedFor(urlPathEqualTo(EVENTS)).withRequestBody(equalToJson("""
                {"id": "%s", "summary": "Renewal call",
                 "start": {"dateTime": "2026-12-01T14:00:00", "timeZone": "Europe/Berlin"},
                 "end": {"dateTime": "2026-12-01T14:30:00", "timeZone": "Europe/Berlin"},
                 "attendees": [{"email": "ng@example.com"}]}""".formatted(first))));
    }

    @Test
    void an_expired_token_is_renewed_once_when_the_api_answers_401() {
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS + "/e1"))
                .inScenario("expiry")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(401, """
                        {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                         "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError"}],
                         "status": "UNAUTHENTICATED"}}"""))
                .willSetStateTo("renewed"));
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS + "/e1"))
                .inScenario("expiry")
                .whenScenarioStateIs("renewed")
                .willReturn(json(200, "{\"kind\": \"calendar#event\", \"id\": \"e1\"}")));

        ToolResult result = calendar.call("get_event", "{\"calendarId\": \"team@example.com\", \"eventId\": \"e1\"}");

        assertThat(result).isEqualTo(ToolResult.success(read("{\"kind\": \"calendar#event\", \"id\": \"e1\"}")));
        calendar.server.verify(2, postRequestedFor(urlPathEqualTo("/token")));
        calendar.server.verify(2, getRequestedFor(urlPathEqualTo(EVENTS + "/e1")));
    }

    @Test
    void google_errors_reach_the_model_with_their_message() {
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS + "/gone")).willReturn(json(404, """
                        {"error": {"code": 404, "message": "Not Found",
                         "errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}]}}""")));

        ToolResult result = calendar.call("get_event", "{\"calendarId\": \"team@example.com\", \"eventId\": \"gone\"}");

        assertThat(result).isInstanceOf(ToolResult.Failure.class);
        assertThat(result.modelText())
                .startsWith("error: HTTP 404 from GET " + calendar.server.baseUrl() + EVENTS
                        + "/gone: {\"error\": {\"code\": 404, \"message\": \"Not Found\"");
    }

    @Test
    void a_refused_refresh_token_is_a_clear_failure_without_the_secret() {
        calendar.server.stubFor(
                post(urlPathEqualTo("/token"))
                        .atPriority(1)
                        .willReturn(
                                json(
                                        400,
                                        "{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}")));

        ToolResult result = calendar.call("get_event", "{\"calendarId\": \"primary\", \"eventId\": \"e1\"}");

        assertThat(result.modelText())
                .isEqualTo("error: google-calendar.get_event cannot authenticate: the OAuth2 token endpoint "
                        + calendar.server.baseUrl() + "/token refused the refresh_token grant: HTTP 400 invalid_grant"
                        + " (Token has been expired or revoked.); check the toolset's client id, secret and scope");
        assertThat(result.modelText()).doesNotContain("secret-1", "1//refresh-1");
    }

    @Test
    void update_patches_only_the_given_fields_and_delete_answers_no_content() {
        calendar.server.stubFor(patch(urlPathEqualTo(EVENTS + "/e1"))
                .willReturn(json(200, "{\"kind\": \"calendar#event\", \"id\": \"e1\", \"summary\": \"Moved\"}")));
        calendar.server.stubFor(
                delete(urlPathEqualTo(EVENTS + "/e1")).willReturn(aResponse().withStatus(204)));

        assertThat(calendar.call("update_event", """
                        {"calendarId": "team@example.com", "eventId": "e1", "summary": "Moved",
                         "start": {"dateTime": "2026-12-02T10:00:00+01:00"}}""")).isInstanceOf(ToolResult.Success.class);
        ToolResult deleted = calendar.call(
                "delete_event",
                "{\"calendarId\": \"team@example.com\", \"eventId\": \"e1\", \"sendUpdates\": \"none\"}");

        calendar.server.verify(patchRequestedFor(urlPathEqualTo(EVENTS + "/e1"))
                .withRequestBody(equalToJson(
                        "{\"summary\": \"Moved\", \"start\": {\"dateTime\": \"2026-12-02T10:00:00+01:00\"}}")));
        calendar.server.verify(deleteRequestedFor(urlPathEqualTo(EVENTS + "/e1"))
                .withQueryParam("sendUpdates", equalTo("none"))
                .withHeader("Authorization", matching("Bearer .+")));
        assertThat(deleted).isEqualTo(ToolResult.success(read("{\"status\": 204}")));
    }

    @Test
    void idempotent_reads_are_retried_after_a_503_and_creates_are_not() {
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS + "/e1"))
                .inScenario("busy")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(503, "{\"error\": {\"code\": 503, \"message\": \"Backend Error\"}}"))
                .willSetStateTo("ok"));
        calendar.server.stubFor(get(urlPathEqualTo(EVENTS + "/e1"))
                .inScenario("busy")
                .whenScenarioStateIs("ok")
                .willReturn(json(200, "{\"id\": \"e1\"}")));
        calendar.server.stubFor(post(urlPathEqualTo(EVENTS))
                .willReturn(json(503, "{\"error\": {\"code\": 503, \"message\": \"Backend Error\"}}")));

        assertThat(calendar.call("get_event", "{\"calendarId\": \"team@example.com\", \"eventId\": \"e1\"}"))
                .isEqualTo(ToolResult.success(read("{\"id\": \"e1\"}")));
        ToolResult create = calendar.call("create_event", """
                {"calendarId": "team@example.com", "summary": "x",
                 "start": {"dateTime": "2026-12-01T14:00:00Z"}, "end": {"dateTime": "2026-12-01T15:00:00Z"}}""");

        assertThat(create.modelText()).startsWith("error: HTTP 503 from POST");
        calendar.server.verify(2, getRequestedFor(urlPathEqualTo(EVENTS + "/e1")));
        calendar.server.verify(1, postRequestedFor(urlPathEqualTo(EVENTS)));
    }

    @Test
    void freebusy_returns_the_busy_intervals_per_calendar() {
        calendar.server.stubFor(post(urlPathEqualTo("/calendar/v3/freeBusy"))
                .withRequestBody(equalToJson("""
                        {"timeMin": "2026-11-30T08:00:00Z", "timeMax": "2026-11-30T16:00:00Z",
                         "timeZone": "Europe/Berlin", "items": [{"id": "primary"}]}"""))
                .willReturn(json(200, """
                        {"kind": "calendar#freeBusy", "timeMin": "2026-11-30T08:00:00.000Z",
                         "timeMax": "2026-11-30T16:00:00.000Z", "calendars": {"primary": {"busy": [
                          {"start": "2026-11-30T10:00:00+01:00", "end": "2026-11-30T11:00:00+01:00"}]}}}""")));

        ToolResult result = calendar.call("freebusy", """
                {"timeMin": "2026-11-30T08:00:00Z", "timeMax": "2026-11-30T16:00:00Z",
                 "timeZone": "Europe/Berlin", "items": [{"id": "primary"}]}""");

        assertThat(((ToolResult.Success) result)
                        .value()
                        .at("/primary/busy/0/start")
                        .asText())
                .isEqualTo("2026-11-30T10:00:00+01:00");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
