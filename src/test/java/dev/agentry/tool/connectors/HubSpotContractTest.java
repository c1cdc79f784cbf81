package dev.agentry.tool.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.agentry.tool.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tools/hubspot.yaml against HubSpot CRM v3, with a private app token. */
class HubSpotContractTest {

    private static final String CONTACTS = "/crm/v3/objects/contacts";
    private static final String DEALS = "/crm/v3/objects/deals";

    private ShippedToolset hubspot;

    @BeforeEach
    void start() {
        hubspot = new ShippedToolset(
                "hubspot.yaml", Map.of("HUBSPOT_BASE_URL", "{base}", "HUBSPOT_ACCESS_TOKEN", "pat-eu1-123"));
    }

    @AfterEach
    void stop() {
        hubspot.close();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(body);
    }

    @Test
    void search_pages_with_the_after_cursor_in_the_body() {
        String filters =
                "[{\"filters\": [{\"propertyName\": \"email\", \"operator\": \"CONTAINS_TOKEN\", \"value\": \"*@acme.com\"}]}]";
        hubspot.server.stubFor(post(urlPathEqualTo(CONTACTS + "/search"))
                .withRequestBody(
                        equalToJson("{\"filterGroups\": " + filters + ", \"properties\": [\"email\"], \"limit\": 2}"))
                .willReturn(json(200, """
                        {"total": 3, "results": [{"id": "101", "properties": {"email": "a@acme.com"}},
                                                 {"id": "102", "properties": {"email": "b@acme.com"}}],
                         "paging": {"next": {"after": "2", "link": "?after=2"}}}""")));
        hubspot.server.stubFor(
                post(urlPathEqualTo(CONTACTS + "/search"))
                        .withRequestBody(equalToJson("{\"filterGroups\": " + filters
                                + ", \"properties\": [\"email\"], \"limit\": 2, \"after\": \"2\"}"))
                        .willReturn(
                                json(
                                        200,
                                        "{\"total\": 3, \"results\": [{\"id\": \"103\", \"properties\": {\"email\": \"c@acme.com\"}}]}")));

        ToolResult result = hubspot.call(
                "search_contacts", "{\"filterGroups\": " + filters + ", \"properties\": [\"email\"], \"limit\": 2}");

        assertThat(((ToolResult.Success) result).value().path("results").findValuesAsText("id"))
                .containsExactly("101", "102", "103");
        hubspot.server.verify(
                2,
                postRequestedFor(urlPathEqualTo(CONTACTS + "/search"))
                        .withHeader("Authorization", equalTo("Bearer pat-eu1-123")));
    }

    @Test
    void a_rate_limited_search_is_retried_after_the_asked_delay() {
        hubspot.server.stubFor(post(urlPathEqualTo(DEALS + "/search"))
                .inScenario("limit")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(429, """
                        {"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
                         "correlationId": "c1", "policyName": "SECONDLY"}""").withHeader("Retry-After", "0"))
                .willSetStateTo("ok"));
        hubspot.server.stubFor(post(urlPathEqualTo(DEALS + "/search"))
                .inScenario("limit")
                .whenScenarioStateIs("ok")
                .willReturn(json(200, "{\"total\": 1, \"results\": [{\"id\": \"9001\"}]}")));

        ToolResult result = hubspot.call("search_deals", "{\"query\": \"renewal\"}");

        assertThat(result.modelText()).contains("9001");
        hubspot.server.verify(2, postRequestedFor(urlPathEqualTo(DEALS + "/search")));
    }

    @Test
    void contacts_and_deals_are_created_read_and_updated_and_conflicts_explain_themselves() {
        hubspot.server.stubFor(post(urlPathEqualTo(CONTACTS)).willReturn(json(409, """
                        {"status": "error", "message": "Contact already exists. Existing ID: 101", "correlationId": "c2",
                         "category": "CONFLICT"}""")));
        hubspot.server.stubFor(get(urlPathEqualTo(CONTACTS + "/101"))
                .willReturn(json(
                        200,
                        "{\"id\": \"101\", \"properties\": {\"email\": \"a@acme.com\", \"firstname\": \"Ada\"}}")));
        hubspot.server.stubFor(patch(urlPathEqualTo(CONTACTS + "/101"))
                .willReturn(json(200, "{\"id\": \"101\", \"properties\": {\"jobtitle\": \"CTO\"}}")));
        hubspot.server.stubFor(post(urlPathEqualTo(DEALS))
                .willReturn(json(201, "{\"id\": \"9002\", \"properties\": {\"dealname\": \"Acme renewal\"}}")));
        hubspot.server.stubFor(patch(urlPathEqualTo(DEALS + "/9002"))
                .willReturn(json(200, "{\"id\": \"9002\", \"properties\": {\"dealstage\": \"closedwon\"}}")));

        ToolResult conflict =
                hubspot.call("create_contact", "{\"properties\": {\"email\": \"a@acme.com\", \"firstname\": \"Ada\"}}");
        assertThat(hubspot.call("get_contact", "{\"contactId\": \"101\", \"properties\": \"email,firstname\"}")
                        .modelText())
                .contains("Ada");
        hubspot.call("update_contact", "{\"contactId\": \"101\", \"properties\": {\"jobtitle\": \"CTO\"}}");
        assertThat(hubspot.call("create_deal", """
                        {"properties": {"dealname": "Acme renewal", "amount": "12000", "pipeline": "default",
                         "dealstage": "appointmentscheduled"}}""").modelText()).contains("9002");
        hubspot.call("update_deal", "{\"dealId\": \"9002\", \"properties\": {\"dealstage\": \"closedwon\"}}");

        assertThat(conflict.modelText()).contains("HTTP 409", "Contact already exists. Existing ID: 101");
        hubspot.server.verify(1, postRequestedFor(urlPathEqualTo(CONTACTS)));
        hubspot.server.verify(getRequestedFor(urlPathEqualTo(CONTACTS + "/101"))
                .withQueryParam("properties", equalTo("email,firstname")));
        hubspot.server.verify(patchRequestedFor(urlPathEqualTo(CONTACTS + "/101"))
                .withRequestBody(equalToJson("{\"properties\": {\"jobtitle\": \"CTO\"}}")));
        hubspot.server.verify(postRequestedFor(urlPathEqualTo(DEALS)).withRequestBody(equalToJson("""
                {"properties": {"dealname": "Acme renewal", "amount": "12000", "pipeline": "default",
                 "dealstage": "appointmentscheduled"}}""")));
        hubspot.server.verify(patchRequestedFor(urlPathEqualTo(DEALS + "/9002"))
                .withRequestBody(equalToJson("{\"properties\": {\"dealstage\": \"closedwon\"}}")));
    }
}
