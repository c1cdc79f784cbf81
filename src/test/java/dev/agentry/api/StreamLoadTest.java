package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.Api.management;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.Api;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Following a run that executes on this replica costs the store nothing while it runs: its steps are pushed. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class StreamLoadTest {

    private static final Pattern READS = Pattern.compile("(?m)^agentry_events_store_reads_total\\s+([0-9.eE+]+)");

    private static double reads() {
        Matcher m = READS.matcher(management().get("/q/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void a_stream_of_a_local_run_reads_the_store_only_to_start_and_to_end() throws Exception {
        double before = reads();
        String id = RunsApiTest.startSlow(given(), "pushed", 5_000);
        HttpResponse<InputStream> stream = Api.events(id);
        List<String> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event:")) {
                    events.add(line.substring(6).strip());
                }
            }
        }

        assertThat(events).startsWith("status").endsWith("end").contains("step");
        // The run took five seconds; polling would have read the store about twice a second meanwhile.
        assertThat(reads() - before).as("store reads by the stream").isLessThanOrEqualTo(3);
    }
}
