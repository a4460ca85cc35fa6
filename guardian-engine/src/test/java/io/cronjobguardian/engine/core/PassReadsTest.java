package io.cronjobguardian.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.TestObjects;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What one evaluation pass reads once for many CronJobs, and that it answers what the per-CronJob reads answer. */
class PassReadsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryHistoryStore target = new InMemoryHistoryStore(clock);
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicBoolean failIncidentPages = new AtomicBoolean();
    private HistoryStore store;
    private long epoch;

    @BeforeEach
    void setUp() {
        store = (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, (p, m, args) -> {
                    calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
                    if (m.getName().equals("incidents") && failIncidentPages.get()
                            && ((IncidentQuery) args[0]).cronJob() == null) {
                        throw new IllegalStateException("statement too large");
                    }
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        epoch = target.claimEpoch(1);
    }

    private static List<CronJobRef> refs(int n) {
        List<CronJobRef> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(CronJobRef.of(i % 2 == 0 ? "team-a" : "team-b", String.format("job-%03d", i)));
        }
        return out;
    }

    private void open(CronJobRef ref, AlertType type) {
        target.openIncident(new IncidentDraft(IncidentKey.of("m", ref, type), Severity.WARNING, type + " " + ref, "",
                "sig", AlertContext.EMPTY, T0), epoch);
    }

    private int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private List<String> ids(List<Incident> incidents) {
        return incidents.stream().map(Incident::id).sorted().collect(Collectors.toList());
    }

    @Test
    @DisplayName("a large pass reads every open incident once, and each CronJob gets exactly its own")
    void openIncidentsReadOnceForALargePass() {
        List<CronJobRef> order = refs(40);
        for (int i = 0; i < order.size(); i += 3) {
            open(order.get(i), AlertType.JOB_FAILED);
            if (i % 2 == 0) {
                open(order.get(i), AlertType.MISSED_SCHEDULE);
            }
        }
        PassReads pass = new PassReads(store, order);
        calls.clear();
        for (int i = 0; i < order.size(); i++) {
            pass.at(i);
            CronJobRef ref = order.get(i);
            assertThat(ids(pass.openIncidents(ref))).as("%s", ref)
                    .isEqualTo(ids(target.incidents(IncidentQuery.open().cronJob(ref)).items()));
        }
        assertThat(calls("incidents")).isEqualTo(1);
    }

    @Test
    @DisplayName("more open incidents than one page: every page is read")
    void openIncidentsAcrossPages() {
        List<CronJobRef> order = refs(20);
        int perCronJob = 520;   // 10,400 open incidents: two pages of 10,000
        for (CronJobRef ref : order) {
            for (int k = 0; k < perCronJob; k++) {
                target.openIncident(new IncidentDraft(new IncidentKey("m", ref, AlertType.SLA_BREACHED, "d" + k),
                        Severity.WARNING, "t", "", "sig", AlertContext.EMPTY, T0), epoch);
            }
        }
        PassReads pass = new PassReads(store, order);
        calls.clear();
        for (int i = 0; i < order.size(); i++) {
            pass.at(i);
            assertThat(pass.openIncidents(order.get(i))).hasSize(perCronJob);
        }
        assertThat(calls("incidents")).isEqualTo(2);
    }

    @Test
    @DisplayName("a small pass and a failed bulk read fall back to one read per CronJob, with the same answers")
    void fallsBackToPerCronJobReads() {
        List<CronJobRef> small = refs(PassReads.BULK_AFTER - 1);
        open(small.get(3), AlertType.JOB_FAILED);
        PassReads pass = new PassReads(store, small);
        calls.clear();
        for (int i = 0; i < small.size(); i++) {
            pass.at(i);
            assertThat(pass.openIncidents(small.get(i))).hasSize(i == 3 ? 1 : 0);
        }
        assertThat(calls("incidents")).isEqualTo(small.size());

        List<CronJobRef> large = refs(30);
        failIncidentPages.set(true);
        PassReads failing = new PassReads(store, large);
        calls.clear();
        for (int i = 0; i < large.size(); i++) {
            failing.at(i);
            assertThat(failing.openIncidents(large.get(i))).hasSize(i == 3 ? 1 : 0);
        }
        assertThat(calls("incidents")).as("one failed bulk read, then one read per CronJob")
                .isEqualTo(1 + large.size());
    }

    @Test
    @DisplayName("a window many CronJobs ask for is read in bulk after BULK_AFTER single reads, with the same figures")
    void commonWindowReadInBulk() {
        List<CronJobRef> order = refs(100);
        for (CronJobRef ref : order) {
            for (int k = 0; k < 3; k++) {
                Instant start = T0.minus(Duration.ofHours(k + 1));
                Execution e = TestObjects.job(ref).uid(ref.name() + "-" + k).name(ref.name() + "-" + k)
                        .succeeded(start, Duration.ofSeconds(10 + k + ref.name().hashCode() % 7)).execution();
                target.upsertExecution(e, epoch);
            }
        }
        StatsQuery window = StatsQuery.lastWindow(T0, Duration.ofDays(7));
        PassReads pass = new PassReads(store, order);
        calls.clear();
        for (int i = 0; i < order.size(); i++) {
            pass.at(i);
            ExecutionStats s = pass.stats(order.get(i), window);
            assertThat(s).isEqualTo(target.stats(order.get(i), window));
        }
        // BULK_AFTER single reads, then one bulk read serves the rest (the comparison reads go to the target)
        assertThat(calls("stats")).isEqualTo(PassReads.BULK_AFTER + 1);
    }

    @Test
    @DisplayName("the newest finished runs are read in bulk after a few CronJobs, answer what the single read does, "
            + "and a CronJob asking for more than was read reads its own")
    void newestFinishedReadInBulk() {
        List<CronJobRef> order = refs(60);
        for (CronJobRef ref : order) {
            for (int k = 0; k < 14; k++) {
                Instant start = T0.minus(Duration.ofHours(k + 1));
                TestObjects.JobBuilder b = TestObjects.job(ref).uid(ref.name() + "-" + k).name(ref.name() + "-" + k);
                target.upsertExecution(k % 5 == 0 ? b.failed(start, Duration.ofSeconds(5)).execution()
                        : b.succeeded(start, Duration.ofSeconds(10 + k)).execution(), epoch);
            }
        }
        PassReads pass = new PassReads(store, order);
        calls.clear();
        for (int i = 0; i < order.size(); i++) {
            pass.at(i);
            CronJobRef ref = order.get(i);
            List<Execution> got = pass.newestFinished(ref, 11);
            assertThat(got).isEqualTo(target.findExecutions(io.cronjobguardian.api.ExecutionQuery.forCronJob(ref)
                    .states(io.cronjobguardian.api.JobState.SUCCEEDED, io.cronjobguardian.api.JobState.FAILED)
                    .page(0, 11)));
            assertThat(pass.newestFinished(ref, 3)).isEqualTo(got.subList(0, 3));
        }
        // BULK_AFTER single reads, then one bulk read for the rest (the comparison reads go to the target)
        assertThat(calls("findExecutions")).isEqualTo(PassReads.BULK_AFTER);
        assertThat(calls("newestFinished")).isEqualTo(1);
        calls.clear();
        pass.at(order.size() - 1);
        assertThat(pass.newestFinished(order.get(order.size() - 1), 14)).hasSize(14);
        assertThat(calls("findExecutions") + calls("newestFinished")).as("more than the bulk read holds: one read")
                .isEqualTo(1);
    }
}
