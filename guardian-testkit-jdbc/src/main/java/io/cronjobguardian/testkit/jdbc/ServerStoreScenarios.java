package io.cronjobguardian.testkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.StoreHooks;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Server;
import io.cronjobguardian.testkit.TcpProxy;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link JdbcStoreScenarios} plus what needs a database server: outages, unreachable hosts, credentials. */
public abstract class ServerStoreScenarios extends JdbcStoreScenarios {

    private static final String SECRET = "Wr0ng-s3cret-Pa55word!";

    private static List<String> messages(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.add(String.valueOf(c.getMessage()));
            for (Throwable s : c.getSuppressed()) {
                out.add(String.valueOf(s.getMessage()));
            }
        }
        return out;
    }

    @Test
    @DisplayName("the database goes away: operations fail clearly, health is down, the pool recovers, nothing committed is lost")
    void databaseOutage() throws Exception {
        Server server = target().server();
        Settings db = target().freshDatabase();
        try (TcpProxy proxy = new TcpProxy(server.host(), server.port())) {
            Settings viaProxy = target().withAddress(db, "127.0.0.1", proxy.port())
                    .with(target().prefix() + ".connectTimeout", "1s");
            HistoryStore s = started(viaProxy);
            List<String> committed = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 50; i++) {
                String uid = "before-" + i;
                s.upsertExecution(ok(CJ, uid, T0.plusSeconds(i), Duration.ofSeconds(1)), 1);
                committed.add(uid);
            }

            // a writer keeps writing while the database goes away and comes back
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> writerErrors = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String uid = "during-" + i;
                    try {
                        s.upsertExecution(ok(CJ, uid, T0.plusSeconds(1000 + i), Duration.ofSeconds(1)), 1);
                        committed.add(uid);
                    } catch (StoreUnavailableException e) {
                        writerErrors.add(e);
                    } catch (RuntimeException e) {
                        writerErrors.add(e);
                        return;
                    }
                }
            });
            writer.start();
            // the writer is writing (not a timer: a loaded machine may need longer)
            int before = committed.size();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> committed.size() >= before + 5);

            proxy.cut();

            assertThatThrownBy(() -> s.upsertExecution(ok(CJ, "lost", T0, Duration.ofSeconds(1)), 1))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining(target().providerName())
                    .hasMessageContaining("database unreachable");
            assertThatThrownBy(() -> s.stats(CJ, StatsQuery.between(T0, T0.plusSeconds(60))))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("stats failed (database unreachable)");
            StoreHealth down = s.health();
            assertThat(down.up()).isFalse();
            assertThat(down.detail()).contains("unreachable");

            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> s.health().up());
            // the writer wrote again after the database came back
            int restored = committed.size();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> committed.size() >= restored + 5);
            stop.set(true);
            writer.join(30_000);

            assertThat(writerErrors).allSatisfy(e -> assertThat(e).isInstanceOf(StoreUnavailableException.class));
            assertThat(s.upsertExecution(ok(CJ, "after", T0.plusSeconds(99_999), Duration.ofSeconds(1)), 1))
                    .isEqualTo(UpsertResult.INSERTED);
            committed.add("after");
            assertThat(s.openConnections().orElse(0)).isPositive();
            assertThat(s.findExecution("lost")).as("the write that failed was not applied").isEmpty();

            // every write that returned normally is in the database
            try (Connection raw = target().connect(db)) {
                for (String uid : committed) {
                    assertThat(count(raw, "SELECT COUNT(*) FROM guardian_executions WHERE job_uid = '" + uid + "'"))
                            .as("committed %s", uid).isEqualTo(1);
                }
            }
            assertThat(s.executionCount()).isGreaterThanOrEqualTo(committed.size());
        }
    }

    @Test
    @DisplayName("a leader frozen inside a write holds the next leader back by less than leaseDuration; woken, its write fails and applies nothing")
    void frozenWriterHoldsTheFenceNoLongerThanTheBound() throws Exception {
        assertFrozenWriterBounded(store -> { });
    }

    /**
     * Two stores on one database with {@code leaderElection.leaseDuration=4s} (so the default idle-in-transaction
     * timeout of 2s), each passed to {@code beforeStart}: the old leader, after a write rejected as stale (rolled back
     * on its first connection), freezes inside a write with epoch 1 right after taking the fence; the new leader's
     * write with epoch 2 must complete within the lease duration. Woken, the old leader's write fails and applies
     * nothing, and its next write is fenced.
     */
    protected void assertFrozenWriterBounded(Consumer<HistoryStore> beforeStart) throws Exception {
        Duration lease = Duration.ofSeconds(4);
        Settings db = target().freshDatabase().with("leaderElection.leaseDuration", Settings.format(lease));
        HistoryStore oldLeader = track(target().store(db));
        HistoryStore newLeader = track(target().store(db));
        beforeStart.accept(oldLeader);
        beforeStart.accept(newLeader);
        oldLeader.start();
        newLeader.start();
        newLeader.advanceEpoch(1);
        assertThatThrownBy(() -> oldLeader.upsertExecution(ok(CJ, "older", T0, Duration.ofSeconds(1)), 0))
                .isInstanceOf(StaleEpochException.class);
        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        StoreHooks.afterFence(oldLeader, () -> {
            frozen.countDown();
            try {
                wake.await(120, TimeUnit.SECONDS); // a paused process: it holds the fence row until woken
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<UpsertResult> stale = threads.submit(() -> oldLeader.upsertExecution(
                    ok(CJ, "stale", T0.plusSeconds(1), Duration.ofSeconds(1)), 1));
            assertThat(frozen.await(30, TimeUnit.SECONDS)).as("the old leader took the fence").isTrue();

            long t0 = System.nanoTime();
            Future<UpsertResult> next = threads.submit(() -> newLeader.upsertExecution(
                    ok(CJ, "next", T0.plusSeconds(2), Duration.ofSeconds(1)), 2));
            UpsertResult r;
            try {
                r = next.get(lease.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the new leader's write still waits on the frozen one after " + lease, e);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(r).isEqualTo(UpsertResult.INSERTED);
            assertThat(waited).isLessThan(lease);
            assertThat(stale.isDone()).as("the old leader is still frozen").isFalse();

            wake.countDown();
            assertThatThrownBy(() -> stale.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StoreUnavailableException.class);
        } finally {
            wake.countDown();
            threads.shutdownNow();
            StoreHooks.afterFence(oldLeader, null);
        }
        assertThat(newLeader.findExecution("stale")).as("the frozen write was not applied").isEmpty();
        assertThat(newLeader.findExecution("next")).isPresent();
        assertThat(newLeader.highestEpoch()).isEqualTo(2);
        assertThatThrownBy(() -> oldLeader.upsertExecution(ok(CJ, "later", T0.plusSeconds(3), Duration.ofSeconds(1)),
                1)).isInstanceOf(StaleEpochException.class);
        assertThat(newLeader.executionCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("creating a store does not connect; starting it against an unreachable server fails clearly")
    void createDoesNotConnect() throws Exception {
        int deadPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            deadPort = ss.getLocalPort();
        }
        Settings db = target().withAddress(target().freshDatabase(), "127.0.0.1", deadPort)
                .with(target().prefix() + ".connectTimeout", "1s");

        HistoryStore s = track(target().store(db)); // nothing listens: creating must not notice

        assertThat(s.health().up()).isFalse();
        long t0 = System.nanoTime();
        assertThatThrownBy(s::start).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("start failed (database unreachable)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(s.health().up()).isFalse();
    }

    @Test
    @DisplayName("a refused login fails start without the password in any message, toString or health detail")
    void passwordNeverShown() {
        // an unknown user: refused even by servers that trust loopback connections without checking passwords
        Settings db = target().freshDatabase().with(target().prefix() + ".password", SECRET)
                .with(target().prefix() + ".username", "guardian_no_such_user")
                .with(target().prefix() + ".connectTimeout", "2s");
        HistoryStore s = track(target().store(db));
        assertThat(s.toString()).doesNotContain(SECRET);
        assertThat(db.toString()).doesNotContain(SECRET);

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(s::start);

        assertThat(t).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("start failed");
        assertThat(messages(t)).noneMatch(m -> m.contains(SECRET));
        assertThat(s.toString()).doesNotContain(SECRET);
        assertThat(s.health().detail()).doesNotContain(SECRET);
    }

    @Test
    @DisplayName("the host's DataSource is used as given and not closed by the store")
    void hostDataSource() throws Exception {
        Settings db = target().freshDatabase();
        started(db).close(); // schema
        Server server = target().server();
        HikariConfig cfg = new HikariConfig();
        String database = db.getString(target().prefix() + ".database", null);
        String schema = db.getString(target().prefix() + ".schema", null);
        cfg.setJdbcUrl(server.url(database));
        if (schema != null) {
            cfg.setSchema(schema);
        }
        cfg.setUsername(server.user());
        cfg.setPassword(server.password());
        cfg.setMaximumPoolSize(3);
        cfg.setPoolName("host-pool");
        try (HikariDataSource host = new HikariDataSource(cfg)) {
            HistoryStore s = track(target().store(Settings.of("storage.type", target().providerName()),
                    ProviderContext.builder().service(DataSource.class, host).build()));
            s.start();
            Execution e = ok(CJ, "via-host", T0, Duration.ofSeconds(2));
            assertThat(s.upsertExecution(e, 1)).isEqualTo(UpsertResult.INSERTED);
            assertThat(s.findExecution("via-host")).contains(e);
            assertThat(s.openConnections()).isPresent();
            s.close();
            assertThat(host.isClosed()).as("the host's pool stays open").isFalse();
            try (Connection c = host.getConnection()) {
                assertThat(count(c, "SELECT COUNT(*) FROM guardian_executions")).isEqualTo(1);
            }
        }
    }
}
