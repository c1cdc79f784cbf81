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
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.agentry.tool.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tools/salesforce.yaml against Salesforce REST v60.0 and its client-credentials token endpoint. */
class SalesforceContractTest {

    private static final String API = "/services/data/v60.0";

    private ShippedToolset salesforce;

    @BeforeEach
    void start() {
        salesforce = new ShippedToolset(
                "salesforce.yaml",
                Map.of(
                        "SALESFORCE_INSTANCE_URL", "{base}",
                        "SALESFORCE_CLIENT_ID", "3MVG9-consumer-key",
                        "SALESFORCE_CLIENT_SECRET", "consumer-secret"));
        salesforce.server.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo("3MVG9-consumer-key"))
                .withFormParam("client_secret", equalTo("consumer-secret"))
                .willReturn(json(200, """
                        {"access_token": "00Dxx!token", "signature": "c2ln", "scope": "api",
                         "instance_url": "https://example.my.salesforce.com", "token_type": "Bearer",
                         "issued_at": "1764000000000"}""")));
    }

    @AfterEach
    void stop() {
        salesforce.close();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withBody(body);
    }

    @Test
    void query_follows_next_records_url_and_returns_every_record() {
        String soql = "SELECT Id, Name FROM Opportunity WHERE IsClosed = false";
        salesforce.server.stubFor(get(urlPathEqualTo(API + "/query"))
                .withQueryParam("q", equalTo(soql))
                .withHeader("Authorization", equalTo("Bearer 00Dxx!token"))
                .willReturn(json(200, """
                        {"totalSize": 3, "done": false, "nextRecordsUrl": "%s/query/01gxx-2000",
                         "records": [{"attributes": {"type": "Opportunity"}, "Id": "006A", "Name": "Acme"},
                                     {"attributes": {"type": "Opportunity"}, "Id": "006B", "Name": "Globex"}]}""".formatted(API))));
        salesforce.server.stubFor(get(urlPathEqualTo(API + "/query/01gxx-2000"))
                .withHeader("Authorization", equalTo("Bearer 00Dxx!token"))
                .willReturn(json(200, """
                        {"totalSize": 3, "done": true,
                         "records": [{"attributes": {"type": "Opportunity"}, "Id": "006C", "Name": "Initech"}]}""")));

        ToolResult result = salesforce.call("query", "{\"soql\": \"" + soql + "\"}");

        JsonNode answer = ((ToolResult.Success) result).value();
        assertThat(answer.path("records").findValuesAsText("Id")).containsExactly("006A", "006B", "006C");
        assertThat(answer.path("done").asBoolean()).isTrue();
        assertThat(answer.path("totalSize").asInt()).isEqualTo(3);
        salesforce.server.verify(1, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
        salesforce.server.verify(getRequestedFor(urlPathEqualTo(API + "/query/01gxx-2000")));
    }

    @Test
    void a_next_records_url_on_another_host_is_refused() {
        salesforce.server.stubFor(get(urlPathEqualTo(API + "/query")).willReturn(json(200, """
                        {"totalSize": 4000, "done": false, "nextRecordsUrl": "https://collector.example.net/steal",
                         "records": [{"Id": "006A"}]}""")));

        ToolResult result = salesforce.call("query", "{\"soql\": \"SELECT Id FROM Opportunity\"}");

        assertThat(result.modelText())
                .isEqualTo("error: page 2 failed after 1 items: salesforce.query cannot follow to the next page: the"
                        + " link https://collector.example.net is not the toolset's own "
                        + salesforce.server.baseUrl());
    }

    @Test
    void salesforce_error_lists_reach_the_model() {
        salesforce.server.stubFor(get(urlPathEqualTo(API + "/query")).willReturn(json(400, """
                        [{"message": "unexpected token: FORM", "errorCode": "MALFORMED_QUERY"}]""")));

        ToolResult result = salesforce.call("query", "{\"soql\": \"SELECT Id FORM Contact\"}");

        assertThat(result).isInstanceOf(ToolResult.Failure.class);
        assertThat(result.modelText()).contains("HTTP 400", "MALFORMED_QUERY", "unexpected token: FORM");
    }

    @Test
    void records_are_read_created_and_updated_with_their_api_names() {
        salesforce.server.stubFor(get(urlPathEqualTo(API + "/sobjects/Contact/003xx000004TmiQ"))
                .withQueryParam("fields", equalTo("Name,Email"))
                .willReturn(json(200, """
                        {"attributes": {"type": "Contact"}, "Id": "003xx000004TmiQ", "Name": "Ng", "Email": "ng@example.com"}""")));
        salesforce.server.stubFor(post(urlPathEqualTo(API + "/sobjects/Contact"))
                .willReturn(json(201, "{\"id\": \"003xx000004TmiR\", \"success\": true, \"errors\": []}")));
        salesforce.server.stubFor(patch(urlPathEqualTo(API + "/sobjects/Opportunity/006xx000001a2b3"))
                .willReturn(aResponse().withStatus(204)));
        salesforce.server.stubFor(post(urlPathEqualTo(API + "/sobjects/Note"))
                .willReturn(json(201, "{\"id\": \"002xx0000001abc\", \"success\": true, \"errors\": []}")));

        assertThat(salesforce.call("get_record", """
                        {"sobject": "Contact", "id": "003xx000004TmiQ", "fields": "Name,Email"}""").modelText()).contains("\"Email\":\"ng@example.com\"");
        assertThat(salesforce.call("create_record", """
                        {"sobject": "Contact", "fields": {"LastName": "Ng", "Email": "ng@example.com"}}""").modelText())
                .isEqualTo("{\"id\":\"003xx000004TmiR\",\"success\":true,\"errors\":[]}");
        assertThat(salesforce.call("update_record", """
                        {"sobject": "Opportunity", "id": "006xx000001a2b3", "fields": {"StageName": "Negotiation"}}""")).isInstanceOf(ToolResult.Success.class);
        assertThat(salesforce.call("create_note", """
                        {"parentId": "006xx000001a2b3", "title": "Call notes", "body": "Wants a 3-year term."}""")).isInstanceOf(ToolResult.Success.class);

        salesforce.server.verify(postRequestedFor(urlPathEqualTo(API + "/sobjects/Contact"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"LastName\": \"Ng\", \"Email\": \"ng@example.com\"}")));
        salesforce.server.verify(patchRequestedFor(urlPathEqualTo(API + "/sobjects/Opportunity/006xx000001a2b3"))
                .withRequestBody(equalToJson("{\"StageName\": \"Negotiation\"}")));
        salesforce.server.verify(
                postRequestedFor(urlPathEqualTo(API + "/sobjects/Note"))
                        .withRequestBody(
                                equalToJson(
                                        "{\"ParentId\": \"006xx000001a2b3\", \"Title\": \"Call notes\", \"Body\": \"Wants a 3-year term.\"}")));
    }

    @Test
    void a_task_is_logged_with_salesforce_field_names_and_a_session_expiry_renews_the_token() {
        salesforce.server.stubFor(post(urlPathEqualTo(API + "/sobjects/Task"))
                .inScenario("expiry")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(json(
                        401, "[{\"message\": \"Session expired or invalid\", \"errorCode\": \"INVALID_SESSION_ID\"}]"))
                .willSetStateTo("renewed"));
        salesforce.server.stubFor(post(urlPathEqualTo(API + "/sobjects/Task"))
                .inScenario("expiry")
                .whenScenarioStateIs("renewed")
                .willReturn(json(201, "{\"id\": \"00Txx0000001abc\", \"success\": true, \"errors\": []}")));

        ToolResult result = salesforce.call("create_task", """
                {"subject": "Prepare renewal call", "whoId": "003xx000004TmiQ", "activityDate": "2026-11-30",
                 "priority": "High"}""");

        assertThat(result.modelText()).contains("00Txx0000001abc");
        salesforce.server.verify(2, postRequestedFor(urlPathEqualTo("/services/oauth2/token")));
        salesforce.server.verify(
                postRequestedFor(urlPathEqualTo(API + "/sobjects/Task")).withRequestBody(equalToJson("""
                        {"Subject": "Prepare renewal call", "WhoId": "003xx000004TmiQ", "ActivityDate": "2026-11-30",
                         "Priority": "High", "Status": "Not Started"}""")));
    }
}
