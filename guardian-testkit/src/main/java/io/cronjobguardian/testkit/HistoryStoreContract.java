package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.MONITOR;
import static io.cronjobguardian.testkit.HistoryStoreContract.NASTY;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.TOLERANCE_NANOS;
import static io.cronjobguardian.testkit.HistoryStoreContract.UNSTORABLE;
import static io.cronjobguardian.testkit.HistoryStoreContract.UNSTORABLE_STORED;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.manualOk;
import static io.cronjobguardian.testkit.HistoryStoreContract.ok;
import static io.cronjobguardian.testkit.HistoryStoreContract.run;
import static io.cronjobguardian.testkit.HistoryStoreContract.running;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link HistoryStore} must pass. Extend it and implement {@link #createStore()} and
 * {@link #createPeerStore()}; every test gets a fresh, empty database.
 *
 * <pre>{@code
 * class PostgresHistoryStoreTest extends HistoryStoreContract {
 *     protected HistoryStore createStore() { return newStoreOnFreshSchema(); }
 *     protected HistoryStore createPeerStore() { return newStoreOnSameSchema(); }
 * }
 * }</pre>
 *
 * <p>Where {@link HistoryStore}'s Javadoc leaves a choice, this suite fixes it:
 * <ul>
 *   <li>Executions with the same start time are ordered by Job UID ascending (the suite only uses lower-case
 *       ASCII UIDs of equal length, so every collation agrees).</li>
 *   <li>{@code lastSuccessAt}/{@code lastFailureAt} cover every stored run of the CronJob, manual runs included,
 *       whatever the window and {@link StatsQuery#includeManual()}.</li>
 *   <li>Percentiles and the mean must match {@link Percentiles} within {@value #TOLERANCE_NANOS} ns (fractions of a
 *       millisecond must be kept); the maximum must match exactly.</li>
 *   <li>A write that throws {@link StaleEpochException} changes nothing, the highest epoch included.</li>
 * </ul>
 * The suite changes the JVM default time zone inside one test (and restores it), so stores must not cache it.
 *
 * <p>The tests are grouped by concern into {@code @Nested} classes (upserts, queries, statistics, time, text,
 * retention, incidents, outbox, channel stats and CronJob state, fencing), each of which reads alone in its own
 * file; a subclass of this class runs all of them (JUnit finds {@code @Nested} classes declared in a superclass, and
 * Surefire's {@code -Dtest=MyStoreContractTest} selects them with it).
 */
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class HistoryStoreContract {

    /** Tolerance for interpolated percentiles and means, in nanoseconds (10 µs). */
    public static final long TOLERANCE_NANOS = 10_000;

    /** The epoch the suite writes with unless a test says otherwise. */
    protected static final long EPOCH = 1;
    /** A fixed instant the suite's data is built around. */
    protected static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");
    /** The CronJob most tests use. */
    protected static final CronJobRef CJ = CronJobRef.of("team-a", "backup");
    /** A second CronJob in the same namespace. */
    protected static final CronJobRef CJ2 = CronJobRef.of("team-a", "report");
    /** A CronJob with {@link #CJ}'s name in another namespace. */
    protected static final CronJobRef CJ_OTHER_NS = CronJobRef.of("team-b", "backup");
    /** A monitor id used for incidents. */
    protected static final String MONITOR = "team-a/critical-jobs";

    private final List<HistoryStore> opened = new ArrayList<>();
    /** The store under test (already started). */
    protected HistoryStore store;

    /** A store on a fresh, empty database/schema. Called once per test; the suite calls start() and close(). */
    protected abstract HistoryStore createStore();

    /**
     * Another, independent store instance on the same database as the most recent createStore(). The suite calls
     * start() and close().
     */
    protected abstract HistoryStore createPeerStore();

    @BeforeEach
    void openStore() {
        store = started(createStore());
    }

    @AfterEach
    void closeStores() {
        List<HistoryStore> all = new ArrayList<>(opened);
        Collections.reverse(all);
        for (HistoryStore s : all) {
            s.close();
        }
        opened.clear();
    }

    /** A new, started peer store on the same database; closed after the test. */
    protected HistoryStore peer() {
        return started(createPeerStore());
    }

    private HistoryStore started(HistoryStore s) {
        assertThat(s).as("store factory result").isNotNull();
        opened.add(s);
        s.start();
        return s;
    }

    // =====================================================================================================
    // test data (for the parts and for subclasses)
    // =====================================================================================================

    /** A UID of fixed width, lower-case ASCII ({@code uid-0007}). */
    protected static String uid(int n) {
        return String.format("uid-%04d", n);
    }

    /** A finished run of {@code cj} started at {@code start}, lasting {@code d}, with the given outcome. */
    protected static Execution run(CronJobRef cj, String uid, Instant start, Duration d, JobState state) {
        TestObjects.JobBuilder b = TestObjects.job(cj).uid(uid).name(cj.name() + "-" + uid).scheduled(start);
        switch (state) {
            case SUCCEEDED:
                b.succeeded(start, d);
                break;
            case FAILED:
                b.failed(start, d).condition("BackoffLimitExceeded", "Job has reached the specified backoff limit")
                        .exitCode(1, "Error");
                break;
            default:
                b.running(start);
        }
        return b.execution();
    }

    /** A successful run. */
    protected static Execution ok(CronJobRef cj, String uid, Instant start, Duration d) {
        return run(cj, uid, start, d, JobState.SUCCEEDED);
    }

    /** A failed run. */
    protected static Execution failed(CronJobRef cj, String uid, Instant start, Duration d) {
        return run(cj, uid, start, d, JobState.FAILED);
    }

    /** A running run. */
    protected static Execution running(CronJobRef cj, String uid, Instant start) {
        return run(cj, uid, start, Duration.ZERO, JobState.RUNNING);
    }

    /** A manual successful run (no scheduled slot). */
    protected static Execution manualOk(CronJobRef cj, String uid, Instant start, Duration d) {
        return TestObjects.job(cj).uid(uid).name(cj.name() + "-manual-" + uid).manual().succeeded(start, d)
                .execution();
    }

    /** Text with quotes, SQL metacharacters, backslashes and non-ASCII characters (no NUL). */
    protected static final String NASTY = "it's \"quoted\" `tick`; DROP TABLE executions; -- \\ back\\slash "
            + "%_ wild * ? \t tab \r\n crlf — Größe 日本語 emoji 🚀 עברית ∑";

    /** Free text no SQL store keeps as given: NUL, a lone high and a lone low surrogate (and a valid pair). */
    protected static final String UNSTORABLE = "nul\u0000 high\uD83D low\uDE80 pair \uD83D\uDE80 it's \"q\" \\";
    /** {@link #UNSTORABLE} as every store reads it back: each of the three replaced by U+FFFD, the rest kept. */
    protected static final String UNSTORABLE_STORED = "nul\uFFFD high\uFFFD low\uFFFD pair \uD83D\uDE80 it's "
            + "\"q\" \\";

    // =====================================================================================================
    // the parts
    // =====================================================================================================

    @Nested
    @DisplayName("executions: upsert")
    class Upserts extends UpsertSuite {
        Upserts() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("executions: queries")
    class Queries extends QuerySuite {
        Queries() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("statistics")
    class Stats extends StatsSuite {
        Stats() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("time")
    class Time extends TimeSuite {
        Time() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("strings")
    class Text extends TextSuite {
        Text() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("retention")
    class Retention extends RetentionSuite {
        Retention() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("incidents")
    class Incidents extends IncidentSuite {
        Incidents() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("notification outbox")
    class Outbox extends OutboxSuite {
        Outbox() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("channel stats and CronJob state")
    class ChannelStatsAndState extends ChannelStatsAndStateSuite {
        ChannelStatsAndState() {
            super(HistoryStoreContract.this);
        }
    }

    @Nested
    @DisplayName("fencing")
    class Fencing extends FencingSuite {
        Fencing() {
            super(HistoryStoreContract.this);
        }
    }

    // =====================================================================================================
    // lifecycle and health
    // =====================================================================================================

    @Test
    @DisplayName("health is up for a started store, start() is idempotent and close() can be repeated")
    void healthAndLifecycle() {
        StoreHealth h = store.health();
        assertThat(h.up()).as("health: %s", h).isTrue();
        assertThat(h.checkedAt()).isNotNull();

        store.upsertExecution(running(CJ, uid(1), T0), EPOCH);
        store.start();
        assertThat(store.findExecution(uid(1))).isPresent();
        assertThat(peer().health().up()).isTrue();

        HistoryStore extra = peer();
        extra.close();
        extra.close();
        assertThat(store.findExecution(uid(1))).as("closing a peer does not affect the store").isPresent();
    }
}
