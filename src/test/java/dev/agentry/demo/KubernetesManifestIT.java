package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests the build generates: two replicas on the store secret, one audit signing
 * key for all of them, and probes that the packaged service answers on the port they name.
 */
class KubernetesManifestIT {

    private static final Path MANIFEST = Path.of("target", "kubernetes", "kubernetes.yml");

    @Test
    @SuppressWarnings("unchecked")
    void the_deployment_runs_two_replicas_whose_probes_the_service_answers() throws Exception {
        List<Map<String, Object>> documents = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions()))
                .loadAll(Files.readString(MANIFEST))
                .forEach(document -> documents.add((Map<String, Object>) document));
        Map<String, Object> deployment = kind(documents, "Deployment");
        Map<String, Object> service = kind(documents, "Service");

        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertThat(spec.get("replicas")).isEqualTo(2);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).getFirst();
        assertThat(container.get("envFrom").toString()).contains("secretRef={name=agentry-store}");
        assertThat(container.get("env").toString())
                .contains("name=AGENTRY_AUDIT_SIGNING_KEY_FILE, value=/deployments/secrets/audit-signing-key.pem");
        assertThat(pod.get("volumes").toString()).contains("secretName=agentry-audit-key");
        assertThat(service.get("spec").toString()).contains("port=80").contains("targetPort=8080");

        try (ServiceProcess running = ServiceProcess.start(
                "kubernetes",
                "jdbc:h2:file:./" + Path.of("target", "it-data", "kubernetes-" + System.nanoTime()),
                "agents",
                Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                Map<String, Object> get =
                        (Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet");
                assertThat(get.get("port")).as(probe + " on the main port").isEqualTo(8080);
                int status = http.send(
                                HttpRequest.newBuilder(java.net.URI.create(
                                                "http://localhost:" + running.port + get.get("path")))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                assertThat(status)
                        .as(probe + " " + get.get("path") + ", without a key")
                        .isEqualTo(200);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kind(List<Map<String, Object>> documents, String kind) {
        return documents.stream()
                .filter(document -> kind.equals(document.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(MANIFEST + " has no " + kind));
    }
}
