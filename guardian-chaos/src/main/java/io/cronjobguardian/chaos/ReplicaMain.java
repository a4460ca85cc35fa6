package io.cronjobguardian.chaos;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One replica of a host service, as users run it: Guardian embedded with the store of {@code storage.type}
 * (PostgreSQL or MariaDB), the {@code kubernetes} watcher and Lease elector on a fabric8 client, and the channels of
 * the settings (two webhooks to the harness's receiver). Everything comes from a properties file the harness writes;
 * the database and API server addresses in it are the replica's own loopback proxies.
 *
 * <p>Arguments: {@code <id> <settings.properties> <origin> <startWall> <factor>} (the shared {@link ChaosClock}).
 * Prints {@code READY <wall millis>} once started, {@code SYNCED <wall millis>} once ready (its watcher delivered
 * its initial lists: from about then on it sees every Job), {@code LEADER <true|false> <epoch> <wall millis>} on every change
 * of {@link Guardian#isLeader()} and a {@code W ...} line per store write (see {@link WriteLog}). A TERM signal closes
 * Guardian (a graceful stop: the Lease is released); the end of standard input (the harness is gone) halts the JVM.
 */
public final class ReplicaMain {

    private ReplicaMain() {
    }

    /**
     * Runs one replica until it is stopped.
     *
     * @param args {@code <id> <settings.properties> <origin> <startWall> <factor>}
     * @throws IOException when the settings cannot be read
     */
    public static void main(String[] args) throws IOException {
        String id = args[0];
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        map.put("leaderElection.identity", id);
        ChaosClock clock = new ChaosClock(Instant.parse(args[2]), Instant.parse(args[3]), Double.parseDouble(args[4]));
        PrintStream out = System.out;
        watchStdin();

        String apiUrl = map.remove("chaos.apiUrl");
        GuardianConfig config = GuardianConfig.builder().noEnvironment().settings(Settings.of(map)).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(MockApiServer.clientConfig(apiUrl)).build();
        HistoryStore store = Providers.byName(HistoryStoreProvider.class, config.settings().require("storage.type"))
                .orElseThrow(() -> new IllegalStateException("no store provider " + map.get("storage.type")))
                .create(config.settings(), ProviderContext.builder().clock(clock).build());
        Guardian guardian = Guardian.builder()
                .config(config)
                .monitors(ChaosScenario.monitors())
                .store(WriteLog.wrap(store, out))
                .scheduler(new SystemTaskScheduler(clock, id, Duration.ofMillis(50)))
                .service(KubernetesClient.class, client)
                .shutdownTimeout(Duration.ofSeconds(5))
                .build();
        Thread hook = new Thread(() -> {
            out.println("STOPPING " + System.currentTimeMillis());
            out.flush();
            guardian.close();
            client.close();
            out.println("STOPPED " + System.currentTimeMillis());
            out.flush();
        }, "replica-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        guardian.start();
        out.println("READY " + System.currentTimeMillis());
        out.flush();
        boolean leader = false;
        boolean synced = false;
        long nextSyncCheck = 0;
        while (true) {
            if (!synced && System.nanoTime() - nextSyncCheck >= 0) {
                // ready: the watcher delivered its initial lists (one store round trip per check: every 50 ms)
                synced = guardian.health().ready();
                nextSyncCheck = System.nanoTime() + 50_000_000L;
                if (synced) {
                    out.println("SYNCED " + System.currentTimeMillis());
                    out.flush();
                }
            }
            boolean now = guardian.isLeader();
            if (now != leader) {
                leader = now;
                out.println("LEADER " + now + " " + System.currentTimeMillis());
                out.flush();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Halts the JVM when standard input ends: the harness that started this process is gone. */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // nothing is sent; only the end matters
                }
            } catch (IOException e) {
                // the pipe is gone as well
            }
            Runtime.getRuntime().halt(3);
        }, "replica-stdin");
        t.setDaemon(true);
        t.start();
    }
}
