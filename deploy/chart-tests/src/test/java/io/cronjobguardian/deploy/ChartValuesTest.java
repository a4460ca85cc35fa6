package io.cronjobguardian.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The seed's values files install unchanged and every value in them lands where it says; what cannot work is
 * refused at render time; probes, metrics and config point at what the reference service serves.
 */
class ChartValuesTest {

    private static final Path RESOURCES = Path.of("src", "test", "resources").toAbsolutePath();
    private static final Path SERVICE_CONFIG = Chart.ROOT.resolve(
            "examples/reference-service/src/main/resources/application.yaml");

    // ---------------------------------------------------------------- every value of the seed's files

    /**
     * Where a value of the chart's values lands in the rendered objects, for every path the seed's files use. A path
     * that is not in this table fails the test: a new value must say where it goes.
     */
    @SuppressWarnings("unchecked")
    static Object landed(Chart.Rendered r, String path) {
        PodSpec pod = r.deployment().getSpec().getTemplate().getSpec();
        Map<String, Object> cfg = r.guardianConfig();
        if (path.equals("replicaCount")) {
            return r.deployment().getSpec().getReplicas();
        }
        if (path.startsWith("leaderElection.")) {
            return ((Map<String, Object>) cfg.get("leaderElection")).get(path.substring("leaderElection.".length()));
        }
        if (path.equals("config.storage.type")) {
            return ((Map<String, Object>) cfg.get("storage")).get("type");
        }
        if (path.equals("config.storage.postgres.existingSecret")) {
            EnvVar pw = env(r.container(), "GUARDIAN_STORAGE_POSTGRES_PASSWORD");
            assertThat(pw.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            return pw.getValueFrom().getSecretKeyRef().getName();
        }
        if (path.startsWith("config.storage.postgres.")) {
            Map<String, Object> pg = (Map<String, Object>) ((Map<String, Object>) cfg.get("storage")).get("postgres");
            return pg.get(path.substring("config.storage.postgres.".length()));
        }
        if (path.equals("resources")) {
            return Chart.plain(r.container().getResources());
        }
        if (path.equals("podDisruptionBudget.enabled")) {
            return !r.all(PodDisruptionBudget.class).isEmpty();
        }
        if (path.equals("podDisruptionBudget.minAvailable")) {
            return Chart.plain(r.one(PodDisruptionBudget.class).getSpec().getMinAvailable());
        }
        if (path.equals("affinity")) {
            return Chart.plain(pod.getAffinity());
        }
        if (path.equals("topologySpreadConstraints")) {
            return Chart.plain(pod.getTopologySpreadConstraints());
        }
        throw new AssertionError("the test does not know where values path " + path + " should land");
    }

    /** Table keys that take a whole subtree (compared as a whole). */
    private static final List<String> WHOLE = List.of("resources", "affinity", "topologySpreadConstraints");

    static Map<String, Object> valuesToCheck(Path file) throws Exception {
        Map<String, Object> values = Chart.loadYaml(file);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String whole : WHOLE) {
            if (values.containsKey(whole)) {
                out.put(whole, values.remove(whole));
            }
        }
        out.putAll(Chart.leaves(values, ""));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"values-ha.yaml", "values-ha-production.yaml"})
    void everyValueOfTheSeedsFileLandsWhereItSays(String name) throws Exception {
        Path file = Chart.DIR.resolve("examples").resolve(name);
        Chart.Rendered r = Chart.render(List.of(file));
        Map<String, Object> values = valuesToCheck(file);
        assertThat(values).isNotEmpty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            assertThat(landed(r, e.getKey())).as("%s of %s", e.getKey(), name).isEqualTo(e.getValue());
        }
    }

    @Test
    void theSeedsFilesAreCopiedVerbatim() throws Exception {
        String seed = Files.readString(Chart.ROOT.resolveSibling("shared/seeds/003_53b88a16973b2bc1.txt"));
        for (String name : List.of("values-ha.yaml", "values-ha-production.yaml")) {
            String block = seed.split("```yaml title=\"" + name.replace(".", "\\.") + "\"\n", 2)[1].split("```")[0];
            assertThat(Files.readString(Chart.DIR.resolve("examples").resolve(name))).isEqualTo(block);
        }
    }

    @Test
    void minimalHaValues() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA));
        assertThat(r.deployment().getSpec().getReplicas()).isEqualTo(2);
        Map<String, Object> le = sub(r.guardianConfig(), "leaderElection");
        // the engine's defaults apply (15s / 10s / 2s): the chart passes the seed's documented defaults
        assertThat(le).containsEntry("enabled", true).containsEntry("leaseDuration", "15s")
                .containsEntry("renewDeadline", "10s").containsEntry("retryPeriod", "2s");
        assertThat(sub(sub(r.guardianConfig(), "storage"), "postgres")).containsEntry("host", "postgres.database.svc")
                .doesNotContainKeys("existingSecret", "passwordKey", "password");
        Role lease = r.all(Role.class).stream().filter(x -> x.getMetadata().getName().endsWith("leader-election"))
                .findFirst().orElseThrow();
        assertThat(lease.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(r.all(PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void productionValues() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA_PRODUCTION));
        Container c = r.container();
        assertThat(c.getResources().getLimits().get("cpu").toString()).isEqualTo("500m");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(c.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
        assertThat(r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        PodSpec pod = r.deployment().getSpec().getTemplate().getSpec();
        var preferred = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(preferred).hasSize(1);
        assertThat(preferred.get(0).getWeight()).isEqualTo(100);
        assertThat(preferred.get(0).getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(pod.getTopologySpreadConstraints().get(0).getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
        // the selectors of the seed's anti-affinity and spread constraints select these very pods
        Map<String, String> podLabels = r.deployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(
                preferred.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(
                pod.getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(
                r.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    }

    @Test
    void pdbTakesAPercentage() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA, RESOURCES.resolve("values-pdb-percentage.yaml")));
        assertThat(r.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getStrVal()).isEqualTo("50%");
    }

    @Test
    void requiredAntiAffinityAndDoNotSchedule() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA, RESOURCES.resolve("values-required-anti-affinity.yaml")));
        PodSpec pod = r.deployment().getSpec().getTemplate().getSpec();
        var required = pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        assertThat(required).hasSize(1);
        assertThat(required.get(0).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(r.deployment().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(required.get(0).getLabelSelector().getMatchLabels());
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .isNullOrEmpty();
        assertThat(pod.getTopologySpreadConstraints().get(0).getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    }

    @Test
    void connectionHandlingAndFailoverTimingsReachTheEngine() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA, RESOURCES.resolve("values-connection-handling.yaml"),
                RESOURCES.resolve("values-aggressive-failover.yaml")));
        Map<String, Object> pg = sub(sub(r.guardianConfig(), "storage"), "postgres");
        assertThat(pg).containsEntry("maxOpenConns", 25).containsEntry("connMaxLifetime", "5m")
                .containsEntry("healthCheckInterval", "30s");
        assertThat(sub(r.guardianConfig(), "leaderElection")).containsEntry("leaseDuration", "10s")
                .containsEntry("renewDeadline", "8s").containsEntry("retryPeriod", "1s");
        GuardianConfig config = guardianConfig(r);
        assertThat(config.leaderElection().leaseDuration()).hasSeconds(10);
        assertThat(config.leaderElection().renewDeadline()).hasSeconds(8);
        assertThat(config.leaderElection().retryPeriod()).hasSeconds(1);
        assertThat(config.postgres().maxOpenConns()).isEqualTo(25);
    }

    /** The rendered configuration is one the engine accepts, with the values the seed gave. */
    @ParameterizedTest
    @ValueSource(strings = {"values-ha.yaml", "values-ha-production.yaml"})
    void theEngineAcceptsTheRenderedConfiguration(String name) {
        Chart.Rendered r = Chart.render(List.of(Chart.DIR.resolve("examples").resolve(name)));
        GuardianConfig config = guardianConfig(r);
        assertThat(config.leaderElection().enabled()).isTrue();
        assertThat(config.storageType()).contains("postgres");
        if (name.equals("values-ha-production.yaml")) {
            assertThat(config.postgres().port()).isEqualTo(5432);
            assertThat(config.postgres().database()).isEqualTo("cronjob_guardian");
            assertThat(config.postgres().maxOpenConns()).isEqualTo(25);
            assertThat(config.postgres().maxIdleConns()).isEqualTo(10);
            assertThat(config.postgres().sslMode()).isEqualTo("require");
        }
    }

    // ---------------------------------------------------------------- refused at render time

    @Test
    void sqliteWithSeveralReplicasOrLeaderElectionIsRefused() {
        assertThatThrownBy(() -> Chart.template(List.of(), "replicaCount", 2, "leaderElection.enabled", true))
                .hasMessageContaining("config.storage.type=sqlite")
                .hasMessageContaining("replicaCount=1 and leaderElection.enabled=false")
                .hasMessageContaining("got replicaCount=2");
        assertThatThrownBy(() -> Chart.template(List.of(), "leaderElection.enabled", true))
                .hasMessageContaining("config.storage.type=sqlite")
                .hasMessageContaining("leaderElection.enabled=true");
        assertThatThrownBy(() -> Chart.template(List.of(Chart.HA), "config.storage.type", "sqlite"))
                .hasMessageContaining("config.storage.type=sqlite");
        // one replica without election is what SQLite supports
        Chart.Rendered single = Chart.render(List.of());
        assertThat(single.deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(single.deployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(sub(sub(single.guardianConfig(), "storage"), "sqlite")).containsKey("path");
    }

    @Test
    void severalReplicasWithoutElectionAndAServerDatabaseWithoutHostAreRefused() {
        assertThatThrownBy(() -> Chart.template(List.of(Chart.HA), "leaderElection.enabled", false))
                .hasMessageContaining("replicaCount=2 needs leaderElection.enabled=true");
        assertThatThrownBy(() -> Chart.template(List.of(Chart.HA), "config.storage.postgres.host", ""))
                .hasMessageContaining("needs config.storage.postgres.host");
        assertThatThrownBy(() -> Chart.template(List.of(), "config.storage.type", "oracle"))
                .hasMessageContaining("must be sqlite, postgres, mysql or mariadb");
    }

    // ---------------------------------------------------------------- what the service serves

    @Test
    @SuppressWarnings("unchecked")
    void probesAndScrapePointAtWhatTheReferenceServiceServes() throws Exception {
        Map<String, Object> service = new Yaml().load(Files.readString(SERVICE_CONFIG));
        int port = (Integer) sub(service, "server").get("port");
        assertThat(port).isEqualTo(8081);
        Chart.Rendered r = Chart.render(List.of(Chart.HA_PRODUCTION), "serviceMonitor.enabled", true);
        Container c = r.container();
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
        Probe live = c.getLivenessProbe();
        Probe ready = c.getReadinessProbe();
        // the paths the starter's servlet serves on the service's port (GuardianHttpAutoConfiguration), which
        // ReferenceServiceProcessTest calls on the running service
        assertThat(live.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(ready.getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(live.getHttpGet().getPort().getIntVal()).isEqualTo(port);
        assertThat(ready.getHttpGet().getPort().getIntVal()).isEqualTo(port);
        assertThat(live.getInitialDelaySeconds()).isEqualTo(15);
        assertThat(live.getPeriodSeconds()).isEqualTo(20);
        assertThat(ready.getInitialDelaySeconds()).isEqualTo(5);
        assertThat(ready.getPeriodSeconds()).isEqualTo(10);
        Service svc = r.one(Service.class);
        assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo(c.getPorts().get(0).getName());
        // the scrape: the actuator's prometheus endpoint is exposed on the same port
        GenericKubernetesResource sm = (GenericKubernetesResource) r.kind("ServiceMonitor").orElseThrow();
        Map<String, Object> spec = sm.get("spec");
        Map<String, Object> ep = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
        assertThat(ep).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
        assertThat(String.valueOf(sub(service, "management").get("endpoints.web.exposure.include")))
                .contains("prometheus");
        // the job label the seed's rules use (up{job="cronjob-guardian"}) is the Service's app.kubernetes.io/name
        assertThat(spec).containsEntry("jobLabel", "app.kubernetes.io/name");
        assertThat(svc.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "cronjob-guardian");
        // the grace period covers the service's shutdown phase (Guardian releases the Lease inside it)
        String phase = String.valueOf(sub(service, "spring").get("lifecycle.timeout-per-shutdown-phase"));
        assertThat(Settings.parseDuration(phase).toSeconds())
                .isLessThan(r.deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
        // the container's JVM flags size the heap from the memory limit
        assertThat(env(c, "JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=")
                .contains("-XX:+ExitOnOutOfMemoryError");
        // the config file lands where the service imports it
        assertThat(String.valueOf(sub(service, "spring").get("config.import")))
                .isEqualTo("optional:file:/etc/cronjob-guardian/config/application.yaml");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath())
                .isEqualTo("/etc/cronjob-guardian/config"));
        assertThat(env(c, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusRuleIsTheRulesFile() throws Exception {
        Path rules = Chart.ROOT.resolve("deploy/prometheus/cronjob-guardian-rules.yaml");
        assertThat(Files.readString(Chart.DIR.resolve("files/cronjob-guardian-rules.yaml")))
                .as("the chart's copy of deploy/prometheus/cronjob-guardian-rules.yaml")
                .isEqualTo(Files.readString(rules));
        Chart.Rendered r = Chart.render(List.of(Chart.HA), "prometheusRule.enabled", true);
        GenericKubernetesResource rule = (GenericKubernetesResource) r.kind("PrometheusRule").orElseThrow();
        Map<String, Object> spec = rule.get("spec");
        Map<String, Object> file = Chart.loadYaml(rules);
        assertThat(Chart.SERIALIZATION.asYaml(spec.get("groups")))
                .isEqualTo(Chart.SERIALIZATION.asYaml(file.get("groups")));
        assertThat(Chart.render(List.of(Chart.HA)).kind("PrometheusRule")).isEmpty();
        assertThat(Chart.render(List.of(Chart.HA)).kind("ServiceMonitor")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "values-ha.yaml", "values-ha-production.yaml"})
    void lintsClean(String name, @TempDir Path tmp) throws Exception {
        LintResult lint = Chart.lint(tmp, name.isEmpty() ? null : Chart.DIR.resolve("examples").resolve(name));
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + c.getEnv()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> sub(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertThat(v).as(key + " in " + m.keySet()).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    /** The rendered guardian.* keys as the engine reads them (the starter's own keys aside). */
    static GuardianConfig guardianConfig(Chart.Rendered r) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten(r.guardianConfig(), "", flat);
        flat.remove("monitors.locations"); // the starter's key (Spring resources), not the engine's
        return GuardianConfig.builder().noEnvironment().settings(Settings.of(flat)).build();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Map<String, Object> m, String prefix, Map<String, String> out) {
        m.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map) {
                flatten((Map<String, Object>) v, key, out);
            } else if (v instanceof List) {
                List<String> items = new ArrayList<>();
                ((List<?>) v).forEach(i -> items.add(String.valueOf(i)));
                out.put(key, String.join(",", items));
            } else {
                out.put(key, String.valueOf(v));
            }
        });
    }
}
