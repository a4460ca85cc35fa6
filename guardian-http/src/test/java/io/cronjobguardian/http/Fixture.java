package io.cronjobguardian.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real Guardian (manual clock and scheduler, scriptable watcher, in-memory store, a recording channel) served by a
 * real {@link GuardianHttpServer} on 127.0.0.1, port 0, and an HTTP client for it.
 */
final class Fixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    static final String TOKEN = "s3cr3t-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every CronJob of team-a. */
    static final MonitorSpec TEAM_A = MonitorSpec.builder("team-a", "all")
            .alerting(new MonitorSpec.Alerting(true, List.of(new MonitorSpec.ChannelRef("ops", java.util.Set.of())),
                    null, null, null, null, null, null))
            .build();

    final ManualClock clock;
    final ManualTaskScheduler scheduler;
    final ScriptableCronJobWatcher watcher;
    final InMemoryHistoryStore store;
    final RecordingAlertChannel channel = RecordingAlertChannel.named("ops");
    final Guardian guardian;
    final GuardianHttpServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int jobs;

    /** A response: status, headers, body as text and as a tree. */
    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    Fixture(Consumer<GuardianConfig.Builder> config, Consumer<GuardianHttpServer.Builder> http) {
        this(config, http, g -> { }, new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), null,
                new ManualClock(T0));
    }

    Fixture(Consumer<GuardianConfig.Builder> config, Consumer<GuardianHttpServer.Builder> http,
            Consumer<Guardian.Builder> hook, InMemoryHistoryStore store, ScriptableCronJobWatcher watcher,
            LeaderElector elector, ManualClock clock) {
        this.clock = clock;
        this.scheduler = new ManualTaskScheduler(clock, clock::set);
        this.watcher = watcher;
        this.store = store;
        GuardianConfig.Builder cb = GuardianConfig.builder().noEnvironment()
                .set("scheduler.startupGracePeriod", "0s")
                .set("storage.logStorageEnabled", "true")
                .set("storage.eventStorageEnabled", "true");
        config.accept(cb);
        Guardian.Builder gb = Guardian.builder().config(cb.build()).monitor(TEAM_A).store(store).watcher(watcher)
                .scheduler(scheduler).alertChannel(channel);
        if (elector != null) {
            gb.leaderElector(elector);
        }
        hook.accept(gb);
        this.guardian = gb.build().start();
        scheduler.runPending();
        GuardianHttpServer.Builder sb = GuardianHttpServer.builder(guardian).bindAddress("127.0.0.1").port(0)
                .clock(clock).stopTimeout(Duration.ofSeconds(2));
        http.accept(sb);
        this.server = sb.build().start();
    }

    static Fixture plain() {
        return new Fixture(c -> { }, s -> { });
    }

    static Fixture withActions() {
        return new Fixture(c -> c.set("http.actions.enabled", "true").set("http.token", TOKEN), s -> { });
    }

    CronJobSnapshot cronJob(String namespace, String name) {
        CronJobSnapshot s = TestObjects.cronJob(namespace, name).schedule("0 * * * *").creationTime(T0).build();
        watcher.addCronJob(s);
        scheduler.runPending();
        return s;
    }

    /** A finished run for the slot, started at the slot, 30 s long; the clock moves past its end. */
    JobSnapshot run(CronJobSnapshot cj, Instant slot, boolean ok) {
        int n = ++jobs;
        String uid = "job-" + cj.ref().name() + "-" + n;
        TestObjects.JobBuilder b = TestObjects.job(cj).name(cj.ref().name() + "-" + n).uid(uid).scheduled(slot);
        if (!ok) {
            b.exitCode(3, "Error");
            watcher.setLogTail(uid, "line 1\nboom: disk full\n");
            watcher.setEvents(uid, "BackoffLimitExceeded: Job has reached the specified backoff limit");
        }
        Instant end = slot.plusSeconds(30);
        if (clock.instant().isBefore(end.plusSeconds(1))) {
            scheduler.advanceTo(end.plusSeconds(1));
        }
        JobSnapshot j = watcher.simulateRun(b, slot, ok ? 0 : 1, ok, end);
        scheduler.runPending();
        return j;
    }

    Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, List.of());
    }

    Reply send(String method, String pathAndQuery, String body, List<String> headers) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(server.url()
                + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        try {
            java.net.http.HttpResponse<String> r = client.send(b.build(), BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request from another thread while running what it queues on the engine's thread (a manual scheduler
     * runs nothing by itself; an action such as prune waits for the engine's answer). Bounded: 20 s.
     */
    Reply sendDriving(String method, String pathAndQuery, String body, String token) {
        java.util.concurrent.CompletableFuture<Reply> reply = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> send(method, pathAndQuery, body, token == null ? List.of()
                        : List.of("Authorization", "Bearer " + token)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            scheduler.runPending();
            try {
                return reply.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // not answered yet: run what the engine thread was asked meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        throw new AssertionError(method + " " + pathAndQuery + " not answered within 20 s");
    }

    /** Runs what is due on the engine thread (an action's request waits for it); always {@code true}. */
    boolean drive() {
        scheduler.runPending();
        return true;
    }

    Reply post(String path, String body, String token) {
        return send("POST", path, body, token == null ? List.of() : List.of("Authorization", "Bearer " + token));
    }

    @Override
    public void close() {
        server.close();
        guardian.close();
    }
}
