package io.cronjobguardian.http;

import static io.cronjobguardian.http.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.CronJobSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document against real responses: every documented path and method is served, each response's status
 * is documented for its operation, and a JSON response has exactly the top-level fields its schema documents (all
 * of them required ones present). Items of lists are checked the same way one level down.
 */
class OpenApiConformanceTest {

    /** One request: the documented path template it exercises, the method, the concrete path, a body. */
    private record Sample(String template, String method, String path, String body) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws Exception {
        try (InputStream in = GuardianHttpHandler.class.getResourceAsStream(GuardianHttpHandler.OPENAPI_RESOURCE)) {
            assertThat(in).as("the OpenAPI file is on the class path").isNotNull();
            return new Yaml().load(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDocumentedOperationIsServedAndAnswersWithTheDocumentedFields() throws Exception {
        Map<String, Object> doc = document();
        assertThat(doc.get("openapi").toString()).startsWith("3.");
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Fixture f = new Fixture(c -> c.set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN),
                s -> s.prometheus(registry), g -> g.meterRegistry(registry),
                new io.cronjobguardian.testkit.InMemoryHistoryStore(),
                new io.cronjobguardian.testkit.ScriptableCronJobWatcher(), null,
                new io.cronjobguardian.testkit.ManualClock(T0))) {
            CronJobSnapshot alpha = f.cronJob("team-a", "alpha");
            f.run(alpha, T0, true);
            io.cronjobguardian.api.JobSnapshot failed = f.run(alpha, T0.plus(Duration.ofHours(1)), false);
            String failedUid = failed.uid();
            String incident = f.guardian.incidents(io.cronjobguardian.api.IncidentQuery.all()).items().get(0).id();

            List<Sample> samples = List.of(
                    new Sample("/healthz", "get", "/healthz", null),
                    new Sample("/readyz", "get", "/readyz", null),
                    new Sample("/metrics", "get", "/metrics", null),
                    new Sample("/api/v1/health", "get", "/api/v1/health", null),
                    new Sample("/api/v1/stats", "get", "/api/v1/stats", null),
                    new Sample("/api/v1/cronjobs", "get", "/api/v1/cronjobs?limit=5", null),
                    new Sample("/api/v1/cronjobs", "get", "/api/v1/cronjobs?limit=0", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}", "get", "/api/v1/cronjobs/team-a/alpha", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}", "get", "/api/v1/cronjobs/team-a/none", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions", "get",
                            "/api/v1/cronjobs/team-a/alpha/executions", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions/{jobName}", "get",
                            "/api/v1/cronjobs/team-a/alpha/executions/" + failed.name(), null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions/{jobName}", "get",
                            "/api/v1/cronjobs/team-a/alpha/executions/none", null),
                    new Sample("/api/v1/executions/{jobUid}", "get", "/api/v1/executions/" + failedUid, null),
                    new Sample("/api/v1/executions/{jobUid}", "get", "/api/v1/executions/none", null),
                    new Sample("/api/v1/alerts", "get", "/api/v1/alerts?state=all", null),
                    new Sample("/api/v1/alerts/{id}/notifications", "get",
                            "/api/v1/alerts/" + incident + "/notifications", null),
                    new Sample("/api/v1/monitors", "get", "/api/v1/monitors", null),
                    new Sample("/api/v1/monitors/{namespace}/{name}", "get", "/api/v1/monitors/team-a/all", null),
                    new Sample("/api/v1/channels", "get", "/api/v1/channels", null),
                    new Sample("/api/v1/channels/{name}/test", "post", "/api/v1/channels/ops/test",
                            "{\"reason\":\"conformance\"}"),
                    new Sample("/api/v1/channels/{name}/test", "post", "/api/v1/channels/none/test", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/history", "delete",
                            "/api/v1/cronjobs/team-a/alpha/history", null),
                    new Sample("/api/v1/admin/prune", "post", "/api/v1/admin/prune", "{\"reason\":\"conformance\"}"),
                    new Sample("/api/v1/alerts/{id}/acknowledge", "post", "/api/v1/alerts/" + incident
                            + "/acknowledge", "{\"reason\":\"on it\"}"),
                    new Sample("/api/v1/alerts/{id}/acknowledge", "post", "/api/v1/alerts/none/acknowledge", null),
                    new Sample("/api/v1/alerts/{id}/silence", "post", "/api/v1/alerts/" + incident
                            + "/silence?for=2h", null),
                    new Sample("/api/v1/alerts/{id}/silence", "post", "/api/v1/alerts/" + incident
                            + "/silence?for=forever", null),
                    new Sample("/api/v1/alerts/{id}/silence", "delete", "/api/v1/alerts/" + incident + "/silence",
                            null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/trigger", "post",
                            "/api/v1/cronjobs/team-a/alpha/trigger", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/trigger", "post",
                            "/api/v1/cronjobs/team-a/none/trigger", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/suspend", "post",
                            "/api/v1/cronjobs/team-a/alpha/suspend", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/resume", "post",
                            "/api/v1/cronjobs/team-a/alpha/resume", null),
                    new Sample("/api/v1/leader", "get", "/api/v1/leader", null),
                    new Sample("/api/v1/config", "get", "/api/v1/config", null),
                    new Sample("/api/v1/openapi.yaml", "get", "/api/v1/openapi.yaml", null),
                    new Sample("/api/v1/session", "get", "/api/v1/session", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions.csv", "get",
                            "/api/v1/cronjobs/team-a/alpha/executions.csv", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions.csv", "get",
                            "/api/v1/cronjobs/team-a/alpha/executions.csv?status=meh", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/executions.csv", "get",
                            "/api/v1/cronjobs/team-a/none/executions.csv", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/heatmap", "get",
                            "/api/v1/cronjobs/team-a/alpha/heatmap", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/heatmap", "get",
                            "/api/v1/cronjobs/team-a/alpha/heatmap?days=0", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/heatmap", "get",
                            "/api/v1/cronjobs/team-a/none/heatmap", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/slots", "get",
                            "/api/v1/cronjobs/team-a/alpha/slots", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/slots", "get",
                            "/api/v1/cronjobs/team-a/alpha/slots?since=nope", null),
                    new Sample("/api/v1/cronjobs/{namespace}/{name}/slots", "get",
                            "/api/v1/cronjobs/team-a/none/slots", null),
                    new Sample("/api/v1/monitors/{namespace}/{name}/spec", "get", "/api/v1/monitors/team-a/all/spec",
                            null),
                    new Sample("/api/v1/monitors/{namespace}/{name}/spec", "get", "/api/v1/monitors/team-a/none/spec",
                            null));

            Set<String> documented = new TreeSet<>();
            paths.forEach((p, ops) -> ((Map<String, Object>) ops).keySet().forEach(m -> documented.add(m + " " + p)));
            Set<String> exercised = new TreeSet<>();
            samples.forEach(s -> exercised.add(s.method() + " " + s.template()));
            assertThat(exercised).as("every documented operation has a sample").isEqualTo(documented);

            for (Sample s : samples) {
                Fixture.Reply r = s.method().equals("get") ? f.get(s.path())
                        : f.sendDriving(s.method().toUpperCase(java.util.Locale.ROOT), s.path(), s.body(),
                                Fixture.TOKEN);
                Map<String, Object> op = (Map<String, Object>) ((Map<String, Object>) paths.get(s.template()))
                        .get(s.method());
                Map<String, Object> responses = (Map<String, Object>) op.get("responses");
                String status = Integer.toString(r.status());
                assertThat(responses).as(s + " answered " + r.status() + ": " + r.body()).containsKey(status);
                Map<String, Object> response = resolve(doc, (Map<String, Object>) responses.get(status));
                Map<String, Object> content = (Map<String, Object>) response.get("content");
                String type = content.keySet().iterator().next();
                assertThat(r.headers().firstValue("Content-Type").orElse("")).as(s.toString()).startsWith(type);
                if (!type.equals("application/json")) {
                    assertThat(r.body()).as(s.toString()).isNotEmpty();
                    continue;
                }
                Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) content.get(type))
                        .get("schema");
                checkObject(doc, schema, r.json(), s + " -> " + status);
            }
        }
    }

    /** The object's fields are exactly the schema's properties, every required one present; arrays of items too. */
    @SuppressWarnings("unchecked")
    private static void checkObject(Map<String, Object> doc, Map<String, Object> schemaRef, JsonNode node,
            String where) {
        Map<String, Object> schema = flatten(doc, schemaRef);
        Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        List<String> required = (List<String>) schema.getOrDefault("required", List.of());
        assertThat(node.isObject()).as(where + " is an object: " + node).isTrue();
        Set<String> actual = new LinkedHashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            actual.add(it.next());
        }
        assertThat(actual).as(where + ": fields").containsExactlyInAnyOrderElementsOf(props.keySet());
        assertThat(actual).as(where + ": required fields").containsAll(required);
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Map<String, Object> ps = flatten(doc, (Map<String, Object>) p.getValue());
            JsonNode v = node.get(p.getKey());
            if ("array".equals(ps.get("type")) && v.isArray() && v.size() > 0) {
                Map<String, Object> items = flatten(doc, (Map<String, Object>) ps.get("items"));
                if (items.containsKey("properties")) {
                    checkObject(doc, items, v.get(0), where + "." + p.getKey() + "[0]");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolve(Map<String, Object> doc, Map<String, Object> maybeRef) {
        Object ref = maybeRef.get("$ref");
        if (ref == null) {
            return maybeRef;
        }
        Object node = doc;
        for (String part : ref.toString().substring(2).split("/")) {
            node = ((Map<String, Object>) node).get(part);
        }
        assertThat(node).as("reference " + ref).isNotNull();
        return resolve(doc, (Map<String, Object>) node);
    }

    /** Follows {@code $ref} and merges {@code allOf} parts into one object schema. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(Map<String, Object> doc, Map<String, Object> schema) {
        Map<String, Object> s = resolve(doc, schema);
        if (!s.containsKey("allOf")) {
            return s;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Object part : (List<Object>) s.get("allOf")) {
            Map<String, Object> p = flatten(doc, (Map<String, Object>) part);
            props.putAll((Map<String, Object>) p.getOrDefault("properties", Map.of()));
            required.addAll((List<String>) p.getOrDefault("required", List.of()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "object");
        out.put("properties", props);
        out.put("required", required);
        return out;
    }
}
