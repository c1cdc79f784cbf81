package dev.agentry.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The simulators' embedded WireMock server and what it answers. Only {@link Simulators} refers to this
 * class, and only in demo mode, so that a production start loads neither it nor WireMock.
 */
final class SimulatedWorld {

    private static final String CALENDAR_TOKEN = Simulators.CALENDAR_TOKEN;
    private static final String SALESFORCE_TOKEN = Simulators.SALESFORCE_TOKEN;
    private static final String SALESFORCE_API = Simulators.SALESFORCE_API;
    private static final String GOOGLE_CLIENT_ID = Simulators.GOOGLE_CLIENT_ID;
    private static final String GOOGLE_CLIENT_SECRET = Simulators.GOOGLE_CLIENT_SECRET;
    private static final String GOOGLE_REFRESH_TOKEN = Simulators.GOOGLE_REFRESH_TOKEN;
    private static final String SALESFORCE_CLIENT_ID = Simulators.SALESFORCE_CLIENT_ID;
    private static final String SALESFORCE_CLIENT_SECRET = Simulators.SALESFORCE_CLIENT_SECRET;

    private final WireMockServer server;

    /** Starts the server on {@code port} (0: any free one) of 127.0.0.1, with every simulator stubbed. */
    SimulatedWorld(int port) {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(port)
                .containerThreads(16)
                .disableRequestJournal()
                .extensions(new ScriptedModel(), new EchoCreated()));
        server.start();
        stubModel();
        stubCalendar();
        stubSalesforce();
        stubTokens();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    void stop() {
        server.stop();
    }

    private void stubModel() {
        server.stubFor(post(urlPathMatching("/demo/[a-z][a-z0-9-]*/v1/chat/completions"))
                .willReturn(aResponse().withTransformers(ScriptedModel.NAME)));
    }

    private void stubCalendar() {
        String base = "/calendar/v3";
        server.stubFor(calendar(get(urlPathMatching(base + "/calendars/[^/]+/events")))
                .willReturn(json(200, "calendar/events.json")));
        server.stubFor(calendar(post(urlPathMatching(base + "/calendars/[^/]+/events")))
                .willReturn(aResponse().withTransformers(EchoCreated.NAME)));
        server.stubFor(
                calendar(post(urlPathEqualTo(base + "/freeBusy"))).willReturn(json(200, "calendar/freebusy.json")));
        server.stubFor(
                get(urlPathMatching(base + "/.*")).atPriority(10).willReturn(json(401, "calendar/unauthorized.json")));
        server.stubFor(
                post(urlPathMatching(base + "/.*")).atPriority(10).willReturn(json(401, "calendar/unauthorized.json")));
    }

    private void stubSalesforce() {
        server.stubFor(salesforce(get(urlPathEqualTo(SALESFORCE_API + "/query")))
                .withQueryParam("q", containing("FROM Contact"))
                .willReturn(json(200, "salesforce/contacts.json")));
        server.stubFor(salesforce(get(urlPathEqualTo(SALESFORCE_API + "/query")))
                .withQueryParam("q", containing("LastActivityDate"))
                .willReturn(json(200, "salesforce/stale-opportunities.json")));
        server.stubFor(salesforce(get(urlPathEqualTo(SALESFORCE_API + "/query")))
                .withQueryParam("q", containing("GROUP BY StageName"))
                .willReturn(json(200, "salesforce/pipeline-by-stage.json")));
        server.stubFor(salesforce(get(urlPathEqualTo(SALESFORCE_API + "/query")))
                .withQueryParam("q", containing("FROM Opportunity WHERE IsClosed = false"))
                .atPriority(2)
                .willReturn(json(200, "salesforce/open-opportunities.json")));
        server.stubFor(salesforce(get(urlPathEqualTo(SALESFORCE_API + "/query")))
                .atPriority(5)
                .willReturn(json(200, "salesforce/empty-query.json")));
        server.stubFor(salesforce(post(urlPathEqualTo(SALESFORCE_API + "/sobjects/Task")))
                .willReturn(json(201, "salesforce/created.json").withTransformers("response-template")));
        server.stubFor(salesforce(patch(urlPathMatching(SALESFORCE_API + "/sobjects/Opportunity/[A-Za-z0-9]{15,18}")))
                .willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathMatching("/services/.*"))
                .atPriority(10)
                .willReturn(json(401, "salesforce/unauthorized.json")));
        server.stubFor(post(urlPathMatching("/services/.*"))
                .atPriority(10)
                .willReturn(json(401, "salesforce/unauthorized.json")));
    }

    /**
     * The OAuth 2.0 token endpoints: Google's refresh-token grant and Salesforce's client-credentials
     * flow, each answering in its provider's shape, and refusing wrong credentials as they do.
     */
    private void stubTokens() {
        server.stubFor(post(urlPathEqualTo("/oauth2/token"))
                .atPriority(1)
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("refresh_token"))
                .withFormParam("refresh_token", equalTo(GOOGLE_REFRESH_TOKEN))
                .withFormParam("client_id", equalTo(GOOGLE_CLIENT_ID))
                .withFormParam("client_secret", equalTo(GOOGLE_CLIENT_SECRET))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"access_token\": \"" + CALENDAR_TOKEN + "\", \"expires_in\": 3599,"
                                + " \"scope\": \"https://www.googleapis.com/auth/calendar\","
                                + " \"token_type\": \"Bearer\"}")));
        server.stubFor(post(urlPathEqualTo("/oauth2/token"))
                .atPriority(5)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"Bad Request\"}")));
        server.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .atPriority(1)
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo(SALESFORCE_CLIENT_ID))
                .withFormParam("client_secret", equalTo(SALESFORCE_CLIENT_SECRET))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json;charset=UTF-8")
                        .withBody("{\"access_token\": \"" + SALESFORCE_TOKEN + "\", \"signature\":"
                                + " \"ZGVtbw==\", \"scope\": \"api\", \"instance_url\": \""
                                + baseUrl()
                                + "\", \"id\": \"https://login.salesforce.com/id/00Dxx0000000001/005xx0000000001\","
                                + " \"token_type\": \"Bearer\", \"issued_at\": \"1764000000000\"}")));
        server.stubFor(post(urlPathEqualTo("/services/oauth2/token"))
                .atPriority(5)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json;charset=UTF-8")
                        .withBody("{\"error\": \"invalid_client\", \"error_description\": \"invalid client"
                                + " credentials\"}")));
    }

    private static MappingBuilder calendar(MappingBuilder mapping) {
        return mapping.withHeader("Authorization", equalTo("Bearer " + CALENDAR_TOKEN))
                .atPriority(1);
    }

    private static MappingBuilder salesforce(MappingBuilder mapping) {
        return mapping.withHeader("Authorization", matching("Bearer " + SALESFORCE_TOKEN))
                .atPriority(1);
    }

    private static ResponseDefinitionBuilder json(int status, String resource) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withBody(read("demo/" + resource));
    }

    private static String read(String resource) {
        try (InputStream in = SimulatedWorld.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the demo resource " + resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
