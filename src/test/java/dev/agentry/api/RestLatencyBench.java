package dev.agentry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.Api;
import dev.agentry.fixtures.Bench;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/agents/{name}/runs} with {@code "wait": true} over loopback, for a model that answers
 * at once ({@link dev.agentry.fixtures.InstantModelServer}): the whole path, from HTTP through the
 * store, the OpenAI client and back, one request at a time on a kept-alive connection.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@Tag("bench")
class RestLatencyBench {

    /**
     * Reads the model step's duration out of each answer. Not RestAssured's JsonPath: it compiles a
     * Groovy expression on every call, and that work (class loading, compilation, garbage) landed on
     * the service's two cores between the requests being timed.
     */
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_run_with_wait_true_for_an_instant_model() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"input\": \"Answer at once.\", \"wait\": true}";
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/agents/instant/runs"))
                .header("Content-Type", "application/json")
                .header("Authorization", Api.bearer(Api.ADMIN_KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int i = 0; i < 1_500; i++) {
            send(client, request);
        }
        double[] millis = new double[2_000];
        double[] modelMillis = new double[millis.length];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            String answer = send(client, request);
            millis[i] = (System.nanoTime() - t0) / 1e6;
            modelMillis[i] = JSON.readTree(answer).at("/steps/0/durationMs").asDouble();
        }
        Arrays.sort(modelMillis);
        HttpRequest floor = HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/agents/instant"))
                .header("Authorization", Api.bearer(Api.ADMIN_KEY))
                .build();
        double[] floorMillis = new double[2_000];
        for (int i = 0; i < floorMillis.length; i++) {
            long t0 = System.nanoTime();
            client.send(floor, HttpResponse.BodyHandlers.ofString());
            floorMillis[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(floorMillis);
        Arrays.sort(millis);
        double median = millis[millis.length / 2];
        Bench.report(
                "POST /v1/agents/{name}/runs with wait: true, model answering at once (loopback)",
                List.of(
                        Bench.row(
                                "median of 2,000 sequential requests",
                                "%.2f ms".formatted(median),
                                "target < 5 ms %s".formatted(Bench.verdict(median < 5))),
                        Bench.row(
                                "90th / 99th percentile",
                                "%.2f / %.2f ms"
                                        .formatted(millis[millis.length * 9 / 10], millis[millis.length * 99 / 100]),
                                ""),
                        Bench.row(
                                "for comparison: GET /v1/agents/instant, median",
                                "%.2f ms".formatted(floorMillis[floorMillis.length / 2]),
                                "the HTTP floor on this machine: no run, no store"),
                        Bench.row(
                                "of which the model call (JDK HttpServer, fixed answer), median",
                                "%.0f ms".formatted(modelMillis[modelMillis.length / 2]),
                                "as the run's step records it (whole milliseconds)")));
    }

    private static String send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("\"status\":\"succeeded\"")) {
            throw new IllegalStateException("unexpected answer " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
