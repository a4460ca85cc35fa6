package io.cronjobguardian.examples.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reference service as a real process (a child JVM on exactly the classes and runtime dependencies
 * {@code java -jar} runs, with the chart's JVM flags) against the project's mock API server and PostgreSQL on
 * 127.0.0.1, configured the way the Helm chart configures it: a mounted {@code application.yaml} of
 * {@code guardian.*} keys, the database password in an environment variable, monitors from mounted files, the pod's
 * name and namespace from the downward API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReferenceServiceProcessTest {

    /** The JVM flags the chart gives the container by default (values.yaml {@code jvm.options}). */
    static final List<String> CHART_JVM_FLAGS = List.of("-XX:MaxRAMPercentage=60", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=48m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError");

    static final String NAMESPACE = "guardian-system";
    private static final Path TARGET = Path.of(System.getProperty("reference.target", "target"));
    static final String POD = "cronjob-guardian-0";
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private Path dir;

    private MockApiServer api;
    private DbTarget db;
    private HttpServer receiver;
    private final CompletableFuture<String> alert = new CompletableFuture<>();
    private Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String base;

    @BeforeAll
    void startTheService() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(TARGET), "reference-service-");
        api = MockApiServer.start();
        KubernetesClient admin = api.adminClient();
        CronJob cj = admin.batch().v1().cronjobs().inNamespace("team-a").resource(new CronJobBuilder()
                .withNewMetadata().withName("backup").withNamespace("team-a").addToLabels("type", "backup")
                .endMetadata()
                .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withNewTemplate()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().endJobTemplate().endSpec()
                .build()).create();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        admin.batch().v1().jobs().inNamespace("team-a").resource(job(cj, "backup-1", now.minusSeconds(3600),
                now.minusSeconds(3540), "Complete")).create();
        admin.batch().v1().jobs().inNamespace("team-a").resource(job(cj, "backup-2", now.minusSeconds(120),
                now.minusSeconds(60), "Failed")).create();

        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ex.sendResponseHeaders(204, -1);
            ex.close();
            alert.complete(body);
        });
        receiver.start();

        db = DbTarget.postgres();
        Settings store = db.freshDatabase();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), api.kubeconfigYaml());
        Path monitors = Files.createDirectories(dir.resolve("monitors"));
        Files.writeString(monitors.resolve("backups.yaml"), String.join("\n",
                "apiVersion: guardian.illenium.net/v1alpha1",
                "kind: CronJobMonitor",
                "metadata: {name: backups, namespace: team-a}",
                "spec:",
                "  selector: {matchLabels: {type: backup}}",
                "  alerting:",
                "    channelRefs: [{name: hook}]",
                ""));
        // what the chart's ConfigMap holds (values: config.storage.postgres.*, leaderElection.*, config.channels)
        Path config = Files.writeString(dir.resolve("application.yaml"), String.join("\n",
                "guardian:",
                "  storage:",
                "    type: postgres",
                "    postgres:",
                "      host: " + store.require("storage.postgres.host"),
                "      port: " + store.require("storage.postgres.port"),
                "      database: " + store.require("storage.postgres.database"),
                "      schema: " + store.require("storage.postgres.schema"),
                "      username: " + store.require("storage.postgres.username"),
                "      sslMode: disable",
                "      maxOpenConns: 4",
                "      maxIdleConns: 2",
                "      connMaxLifetime: 5m",
                "      healthCheckInterval: 30s",
                "  leaderElection:",
                "    enabled: true",
                "    leaseDuration: 15s",
                "    renewDeadline: 10s",
                "    retryPeriod: 2s",
                "  scheduler:",
                "    startupGracePeriod: 0s",
                "  channels:",
                "    hook:",
                "      type: webhook",
                "      url: http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "  monitors:",
                "    locations: file:" + monitors + "/*.yaml",
                ""));

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CHART_JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(Path.of(System.getProperty("reference.classes", "target/classes")).toAbsolutePath()
                + java.io.File.pathSeparator + Files.readString(Path.of(System.getProperty("reference.classpath",
                "target/runtime-classpath.txt"))).trim());
        cmd.add(ReferenceService.class.getName());
        cmd.add("--server.port=0");
        cmd.add("--spring.config.import=optional:file:" + config);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GUARDIAN_") || k.startsWith("KUBERNETES_"));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("POD_NAMESPACE", NAMESPACE);
        pb.environment().put("POD_NAME", POD);
        pb.environment().put("GUARDIAN_STORAGE_POSTGRES_PASSWORD", store.require("storage.postgres.password"));
        Path log = Files.createDirectories(TARGET).resolve("reference-service.log");
        process = pb.start();
        Thread pump = new Thread(() -> pump(process, log), "reference-service-log");
        pump.setDaemon(true);
        pump.start();
        Integer p = port.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(p).as("the service's port, from its log (see target/reference-service.log)").isPositive();
        base = "http://127.0.0.1:" + p;
    }

    private static Job job(CronJob owner, String name, Instant start, Instant end, String condition) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("team-a")
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob")
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
                .endOwnerReference().endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("main")
                .withImage("busybox").endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec()
                .withNewStatus().withStartTime(start.toString())
                .withCompletionTime("Complete".equals(condition) ? end.toString() : null)
                .withSucceeded("Complete".equals(condition) ? 1 : 0).withFailed("Failed".equals(condition) ? 1 : 0)
                .addNewCondition().withType(condition).withStatus("True").withLastTransitionTime(end.toString())
                .withReason("Failed".equals(condition) ? "BackoffLimitExceeded" : null).endCondition()
                .endStatus().build();
    }

    private void pump(Process p, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the service exited before it served: "
                + "see target/reference-service.log"));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asks until the answer has the status (bounded by {@link #DEADLINE}; each ask is a real request). */
    private HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        Instant until = Instant.now().plus(DEADLINE);
        HttpResponse<String> r = get(path);
        for (int i = 0; r.statusCode() != status && Instant.now().isBefore(until) && i < 1200; i++) {
            assertThat(process.isAlive()).as("the service is running (see target/reference-service.log)").isTrue();
            Thread.sleep(100);
            r = get(path);
        }
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
        return r;
    }

    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

    /** Metric names of a Prometheus text scrape (each sample's name, {@code _bucket}/{@code _sum} included). */
    static Set<String> names(String scrape) {
        Set<String> out = new java.util.TreeSet<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static double value(String scrape, String name) {
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Double.parseDouble(m.group(3));
            }
        }
        throw new AssertionError(name + " not in the scrape");
    }

    @Test
    @Order(1)
    void probesAnswerOnThePortTheChartProbes() throws Exception {
        assertThat(awaitStatus("/healthz", 200).statusCode()).isEqualTo(200);
        assertThat(awaitStatus("/readyz", 200).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void theLeaderActsAndTheScrapeHoldsTheSeedsMetrics() throws Exception {
        // the failed run opens an incident; the leader sends it to the channel configured in the mounted file
        String body = alert.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(body).contains("backup");
        String scrape = awaitScrape();
        Files.writeString(TARGET.resolve("reference-scrape.prom"), scrape);
        assertThat(value(scrape, "cronjob_guardian_leader_status")).isEqualTo(1.0);
        assertThat(value(scrape, "cronjob_guardian_db_connections_open")).isPositive();
        assertThat(names(scrape)).contains("cronjob_guardian_executions_total",
                "cronjob_guardian_duration_seconds_bucket", "cronjob_guardian_success_rate",
                "cronjob_guardian_alerts_total");
        Lease lease = api.adminClient().leases().inNamespace(NAMESPACE).withName("cronjob-guardian-leader").get();
        assertThat(lease.getSpec().getHolderIdentity()).startsWith(POD);
    }

    /** The scrape once the recorded runs and the sent alert are in it (meters appear as the engine works). */
    String awaitScrape() throws Exception {
        Instant until = Instant.now().plus(DEADLINE);
        HttpResponse<String> r = get("/actuator/prometheus");
        for (int i = 0; i < 1200 && Instant.now().isBefore(until)
                && !(r.statusCode() == 200 && r.body().contains("cronjob_guardian_alerts_total")
                && r.body().contains("cronjob_guardian_executions_total")); i++) {
            Thread.sleep(100);
            r = get("/actuator/prometheus");
        }
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    @Order(3)
    void dashboardAndAlertRulesUseOnlyMetricsTheServiceServes() throws Exception {
        String scrape = awaitScrape();
        Set<String> served = names(scrape);
        Path deploy = Path.of("..", "..", "deploy");
        List<String> missing = new ArrayList<>();
        for (String metric : DeployMetrics.used(deploy)) {
            if (!served.contains(metric)) {
                missing.add(metric);
            }
        }
        assertThat(missing).as("metrics the dashboard or the alert rules query that the service does not serve; "
                + "served: " + served).isEmpty();
    }

    @Test
    @Order(4)
    void sigtermReleasesTheLeaseAndExitsInsideTheGracePeriod() throws Exception {
        process.destroy(); // SIGTERM, as the kubelet sends it
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within terminationGracePeriodSeconds")
                .isTrue();
        Lease lease = api.adminClient().leases().inNamespace(NAMESPACE).withName("cronjob-guardian-leader").get();
        String holder = lease.getSpec().getHolderIdentity();
        assertThat(holder == null || holder.isEmpty()).as("lease released, holder " + holder).isTrue();
    }

    @AfterAll
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (api != null) {
            api.close();
        }
        if (db != null) {
            db.dropAll();
        }
    }
}
