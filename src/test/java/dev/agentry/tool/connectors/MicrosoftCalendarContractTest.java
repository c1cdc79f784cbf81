package dev.agentry.tool.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.agentry.tool.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tools/microsoft-calendar.yaml against Microsoft Graph v1.0 and Entra ID's token endpoint. */
class MicrosoftCalendarContractTest {

    private static final String USER = "/v1.0/users/ada%40contoso.com";

    private ShippedToolset graph;

    @BeforeEach
    void start() {
        graph = new ShippedToolset(
                "microsoft-calendar.yaml",
                Map.of(
                        "MS_GRAPH_BASE_URL", "{base}/v1.0",
                        "MS_TOKEN_URL", "{base}",
                        "MS_TENANT_ID", "contoso.onmicrosoft.com",
                        "MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555",
                        "MS_CLIENT_SECRET", "graph-secret"));
        graph.server.stubFor(post(urlPathEqualTo("/contoso.onmicrosoft.com/oauth2/v2.0/token"))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("scope", equalTo("https://graph.microsoft.com/.default"))
                .withFormParam("client_id", equalTo("11111111-2222-3333-4444-555555555555"))
                .withFormParam("client_secret", equalTo("graph-secret"))
                .willReturn(json(200, """
                        {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAi.graph"}""")));
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; odata.metadata=minimal")
                .withBody(body);
    }

    @Test
    void calendar_view_sends_the_time_zone_preference_and_follows_odata_next_links() {
        String next = graph.server.baseUrl() + USER + "/calendarView?startDateTime=2026-11-30T00%3A00%3A00Z"
                + "&endDateTime=2026-12-01T00%3A00%3A00Z&%24top=50&%24skip=50";
        graph.server.stubFor(get(urlPathEqualTo(USER + "/calendarView"))
                .withQueryParam("$skip", absent())
                .willReturn(json(200, """
                        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada')/calendarView",
                         "value": [{"id": "AAMk1", "subject": "Standup"}], "@odata.nextLink": "%s"}""".formatted(next))));
        graph.server.stubFor(get(urlPathEqualTo(USER + "/calendarView"))
                .withQueryParam("$skip", equalTo("50"))
                .willReturn(json(200, "{\"value\": [{\"id\": \"AAMk2\", \"subject\": \"Review\"}]}")));

        ToolResult result = graph.call("list_events", """
                {"userId": "ada@contoso.com", "startDateTime": "2026-11-30T00:00:00Z",
                 "endDateTime": "2026-12-01T00:00:00Z", "timeZone": "Europe/Berlin"}""");

        assertThat(((ToolResult.Success) result).value().path("value").findValuesAsText("id"))
                .containsExactly("AAMk1", "AAMk2");
        graph.server.verify(getRequestedFor(urlPathEqualTo(USER + "/calendarView"))
                .withQueryParam("$skip", absent())
                .withHeader("Authorization", equalTo("Bearer eyJ0eXAi.graph"))
                .withHeader("Prefer", equalTo("outlook.timezone=\"Europe/Berlin\""))
                .withQueryParam("startDateTime", equalTo("2026-11-30T00:00:00Z"))
                .withQueryParam("endDateTime", equalTo("2026-12-01T00:00:00Z"))
                .withQueryParam("$top", equalTo("50"))
                .withQueryParam("$orderby", equalTo("start/dateTime")));
    }

    @Test
    void a_next_link_to_another_port_or_scheme_of_the_same_host_is_not_followed_with_the_token() throws Exception {
        int otherPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            otherPort = socket.getLocalPort();
        }
        for (String next : new String[] {
            "http://127.0.0.1:" + otherPort + USER + "/calendarView?%24skip=50",
            graph.server.baseUrl().replace("http://", "ftp://") + USER + "/calendarView?%24skip=50"
        }) {
            graph.server.stubFor(get(urlPathEqualTo(USER + "/calendarView"))
                    .withQueryParam("$skip", absent())
                    .willReturn(json(200, """
                            {"value": [{"id": "AAMk1"}], "@odata.nextLink": "%s"}""".formatted(next))));

            ToolResult result = graph.call("list_events", """
                    {"userId": "ada@contoso.com", "startDateTime": "2026-11-30T00:00:00Z",
                     "endDateTime": "2026-12-01T00:00:00Z"}""");

            assertThat(result).isInstanceOf(ToolResult.Failure.class);
            assertThat(((ToolResult.Failure) result).message())
                    .contains("cannot follow to the next page: ")
                    .contains("not the toolset's own");
        }
        graph.server.verify(
                0, getRequestedFor(urlPathEqualTo(USER + "/calendarView")).withQueryParam("$skip", equalTo("50")));
    }

    @Test
    void without_a_time_zone_no_preference_header_is_sent() {
        graph.server.stubFor(get(urlPathEqualTo(USER + "/events/AAMk1")).willReturn(json(200, "{\"id\": \"AAMk1\"}")));

        graph.call("get_event", "{\"userId\": \"ada@contoso.com\", \"eventId\": \"AAMk1\"}");

        graph.server.verify(
                getRequestedFor(urlPathEqualTo(USER + "/events/AAMk1")).withHeader("Prefer", absent()));
    }

    @Test
    void create_event_carries_a_transaction_id_for_deduplication() {
        graph.server.stubFor(post(urlPathEqualTo(USER + "/events"))
                .willReturn(json(
                        201, "{\"id\": \"AAMk9\", \"webLink\": \"https://outlook.office365.com/owa/?itemid=AAMk9\"}")));

        ToolResult result = graph.call("create_event", """
                {"userId": "ada@contoso.com", "subject": "Renewal",
                 "start": {"dateTime": "2026-12-01T14:00:00", "timeZone": "W. Europe Standard Time"},
                 "end": {"dateTime": "2026-12-01T14:30:00", "timeZone": "W. Europe Standard Time"},
                 "attendees": [{"emailAddress": {"address": "ng@example.com"}, "type": "required"}]}""");

        assertThat(result.modelText()).contains("AAMk9");
        graph.server.verify(postRequestedFor(urlPathEqualTo(USER + "/events"))
                .withRequestBody(matchingJsonPath(
                        "$.transactionId", com.github.tomakehurst.wiremock.client.WireMock.matching("[0-9a-f]{32}")))
                .withRequestBody(matchingJsonPath("$.start.timeZone", equalTo("W. Europe Standard Time")))
                .withRequestBody(matchingJsonPath("$.attendees[0].emailAddress.address", equalTo("ng@example.com")))
                .withRequestBody(matchingJsonPath("$.subject", equalTo("Renewal"))));
    }

    @Test
    void get_schedule_answers_the_busy_view_and_graph_errors_keep_their_code() {
        graph.server.stubFor(post(urlPathEqualTo(USER + "/calendar/getSchedule"))
                .withRequestBody(equalToJson("""
                        {"schedules": ["ng@example.com"],
                         "startTime": {"dateTime": "2026-12-01T09:00:00", "timeZone": "Europe/Berlin"},
                         "endTime": {"dateTime": "2026-12-01T17:00:00", "timeZone": "Europe/Berlin"},
                         "availabilityViewInterval": 60}"""))
                .willReturn(json(200, """
                        {"value": [{"scheduleId": "ng@example.com", "availabilityView": "00220000", "scheduleItems": []}]}""")));
        graph.server.stubFor(get(urlPathEqualTo(USER + "/events/missing")).willReturn(json(404, """
                        {"error": {"code": "ErrorItemNotFound", "message": "The specified object was not found in the store."}}""")));

        ToolResult schedule = graph.call("freebusy", """
                {"userId": "ada@contoso.com", "schedules": ["ng@example.com"],
                 "start": {"dateTime": "2026-12-01T09:00:00", "timeZone": "Europe/Berlin"},
                 "end": {"dateTime": "2026-12-01T17:00:00", "timeZone": "Europe/Berlin"}, "intervalMinutes": 60}""");
        ToolResult missing = graph.call("get_event", "{\"userId\": \"ada@contoso.com\", \"eventId\": \"missing\"}");

        assertThat(((ToolResult.Success) schedule)
                        .value()
                        .at("/0/availabilityView")
                        .asText())
                .isEqualTo("00220000");
        assertThat(missing.modelText()).contains("HTTP 404", "ErrorItemNotFound");
    }
}
