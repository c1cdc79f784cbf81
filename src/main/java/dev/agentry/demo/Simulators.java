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
import dev.agentry.StartOrder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The demo's simulated outside world on one embedded WireMock server: a scripted OpenAI-compatible
 * model, Google Calendar API v3 and Salesforce REST, each in its real wire format (paths, headers,
 * bodies, error shapes), so that the production clients are what the demo exercises. Started only
 * when demo mode is on.
 */
@ApplicationScoped
public class Simulators {

    static final String CALENDAR_TOKEN = "demo-google-calendar-token";
    static final String SALESFORCE_TOKEN = "demo-salesforce-token";
    static final String SALESFORCE_API = "/services/data/v60.0";
    static final String GOOGLE_CLIENT_ID = "demo-google-client.apps.googleusercontent.com";
    static final String GOOGLE_CLIENT_SECRET = "demo-google-client-secret";
    static final String GOOGLE_REFRESH_TOKEN = "demo-google-refresh-token";
    static final String SALESFORCE_CLIENT_ID = "demo-salesforce-consumer-key";
    static final String SALESFORCE_CLIENT_SECRET = "demo-salesforce-consumer-secret";
    /** The domains the demo's people are at: the trusted-domains policy lets invitations go only there. */
    static final String TRUSTED_DOMAINS = "acme.example,example.com";

    private final WireMockServer server;

    Simulators(DemoConfig config) {
        if (!config.enabled()) {
            server = null;
            return;
        }
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(config.port())
                .containerThreads(16)
                .disableRequestJournal()
                .extensions(new ScriptedModel(), new EchoCreated()));
        server.start();
        stubModel();
        stubCalendar();
        stubSalesforce();
        stubTokens();
    }

    /**
     * In demo mode, starts the simulators on a thread of their own as the service's start begins (half
     * a second, which this way overlaps the rest of the start); the toolsets that point at them wait.
     */
    static void startEarly(
            @Observes @Priority(StartOrder.BACKGROUND) StartupEvent event, DemoConfig config, Simulators simulators) {
        if (config.enabled()) {
            StartOrder.inBackground("agentry-simulators-start", simulators::baseUrl);
        }
    }

    /** Where the simulators listen, such as {@code http://127.0.0.1:41234}; empty when demo mode is off. */
    public Optional<String> baseUrl() {
        return server == null ? Optional.empty() : Optional.of("http://127.0.0.1:" + server.port());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.stop();
        }
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
                                + baseUrl().orElseThrow()
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
        try (InputStream in = Simulators.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the demo resource " + resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
