package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.manualOk;
import static io.cronjobguardian.testkit.HistoryStoreContract.ok;
import static io.cronjobguardian.testkit.HistoryStoreContract.run;
import static io.cronjobguardian.testkit.HistoryStoreContract.running;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Page;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of execution queries: order (newest first, ties by Job UID), every filter and its boundaries,
 * details only when asked, and paging. Part of {@link HistoryStoreContract}.
 */
abstract class QuerySuite extends StoreSuite {

    QuerySuite(HistoryStoreContract contract) {
        super(contract);
    }

    @Test
    @DisplayName("newestFinished over 250 CronJobs: per CronJob exactly what findExecutions of its finished runs "
            + "returns (manual ones included, running ones not, ties on start by Job UID), empty lists for none")
    void newestFinishedInBulkEqualsTheSingleRead() {
        List<CronJobRef> refs = new ArrayList<>();
        List<Execution> all = new ArrayList<>();
        java.util.Random random = new java.util.Random(5);
        for (int c = 0; c < 250; c++) {
            CronJobRef ref = CronJobRef.of("ns-" + (c % 4), "cj-" + c);
            refs.add(ref);
            int runs = c % 10 == 0 ? 0 : random.nextInt(16);
            for (int i = 0; i < runs; i++) {
                Instant at = T0.minusSeconds(600L * random.nextInt(8));   // many ties on the start time
                String u = "n-" + c + "-" + i;
                all.add(switch (i % 4) {
                    case 0 -> failed(ref, u, at, Duration.ofSeconds(1 + i));
                    case 1 -> manualOk(ref, u, at, Duration.ofSeconds(1 + i));
                    case 2 -> running(ref, u, at);
                    default -> ok(ref, u, at, Duration.ofSeconds(1 + i));
                });
            }
        }
        store.upsertExecutions(all, HistoryStoreContract.EPOCH);
        CronJobRef unknown = CronJobRef.of("nowhere", "none");
        List<CronJobRef> asked = new ArrayList<>(refs);
        asked.add(unknown);

        for (int limit : new int[] {1, 11}) {
            java.util.Map<CronJobRef, List<Execution>> bulk = store.newestFinished(asked, limit);
            assertThat(bulk.keySet()).containsExactlyInAnyOrderElementsOf(asked);
            assertThat(bulk.get(unknown)).isEmpty();
            for (CronJobRef ref : refs) {
                List<Execution> single = store.findExecutions(ExecutionQuery.forCronJob(ref)
                        .states(JobState.SUCCEEDED, JobState.FAILED).page(0, limit));
                assertThat(bulk.get(ref)).as("%s, limit %d", ref, limit).containsExactlyElementsOf(single);
            }
        }
        assertThat(store.newestFinished(List.of(), 5)).isEmpty();
    }

    @Test
    @DisplayName("executions are ordered newest first by start time, ties by Job UID ascending")
    void executionsOrderedNewestFirst() {
        upsertAll(ok(CJ, uid(5), T0.plusSeconds(10), Duration.ofSeconds(1)),
                ok(CJ, uid(1), T0.plusSeconds(30), Duration.ofSeconds(1)),
                ok(CJ, uid(4), T0.plusSeconds(20), Duration.ofSeconds(1)),
                ok(CJ, uid(3), T0.plusSeconds(20), Duration.ofSeconds(1)),
                running(CJ, uid(2), T0.plusSeconds(40)),
                ok(CJ, uid(6), T0.minusSeconds(86_400 * 400L), Duration.ofSeconds(1)));

        List<String> uids = store.executions(ExecutionQuery.forCronJob(CJ)).items().stream()
                .map(Execution::jobUid).collect(Collectors.toList());

        assertThat(uids).containsExactly(uid(2), uid(1), uid(3), uid(4), uid(5), uid(6));
    }

    @Test
    @DisplayName("findExecutions returns exactly the items executions(query) returns, page by page, without a total")
    void findExecutionsMatchesExecutions() {
        List<Execution> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instant start = T0.plusSeconds(60L * i);
            runs.add(i % 4 == 0 ? failed(CJ, uid(i), start, Duration.ofSeconds(5 + i))
                    : i % 7 == 0 ? running(CJ, uid(i), start)
                    : ok(CJ, uid(i), start, Duration.ofSeconds(1 + i)));
        }
        // same start times as runs of CJ (ties by Job UID), another CronJob and a manual run
        runs.add(ok(CJ2, uid(100), T0.plusSeconds(60), Duration.ofSeconds(1)));
        runs.add(TestObjects.job(CJ).uid(uid(101)).name("manual").manual()
                .succeeded(T0.plusSeconds(120), Duration.ofSeconds(2)).execution());
        runs.add(ok(CJ, uid(102), T0.plusSeconds(120), Duration.ofSeconds(3)));
        upsertAll(runs.toArray(new Execution[0]));

        List<ExecutionQuery> queries = List.of(
                ExecutionQuery.forCronJob(CJ),
                ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.FAILED).page(0, 21),
                ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.FAILED).page(5, 7),
                ExecutionQuery.forCronJob(CJ).includeManual(false).page(0, 3),
                ExecutionQuery.forCronJob(CJ).withDetails(true).page(2, 4),
                ExecutionQuery.forCronJob(CJ).scheduledBetween(T0.plusSeconds(600), null).page(0, 10),
                ExecutionQuery.forCronJob(CJ).startedBetween(null, T0.plusSeconds(300)).page(0, 1),
                ExecutionQuery.forCronJob(CJ).page(40, 10),
                ExecutionQuery.all().page(0, ExecutionQuery.MAX_LIMIT));
        for (ExecutionQuery q : queries) {
            assertThat(store.findExecutions(q)).as("%s", q).isEqualTo(store.executions(q).items());
        }
        assertThat(store.findExecutions(ExecutionQuery.forCronJob(CJ).page(0, 2))).extracting(Execution::jobUid)
                .containsExactly(uid(29), uid(28));
    }

    @Test
    @DisplayName("start time is startedAt, or createdAt for a Job that has not started")
    void orderUsesEffectiveStart() {
        JobSnapshot notStarted = TestObjects.job(CJ).uid(uid(1)).name("a").createdAt(T0.plusSeconds(100))
                .notStarted().build();
        JobSnapshot startedLate = TestObjects.job(CJ).uid(uid(2)).name("b").createdAt(T0)
                .running(T0.plusSeconds(200)).build();
        upsertAll(Execution.of(notStarted), Execution.of(startedLate),
                ok(CJ, uid(3), T0.plusSeconds(150), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(2), uid(3), uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(T0.plusSeconds(100),
                T0.plusSeconds(101))).items()).extracting(Execution::jobUid).containsExactly(uid(1));
    }

    @Test
    @DisplayName("filter by CronJob separates names and namespaces; all() returns every CronJob")
    void filterByCronJob() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ2, uid(2), T0, Duration.ofSeconds(1)),
                ok(CJ_OTHER_NS, uid(3), T0, Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ_OTHER_NS)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(3));
        assertThat(store.executions(ExecutionQuery.forCronJob(CronJobRef.of("team-a", "nothing"))).items())
                .isEmpty();
        Page<Execution> all = store.executions(ExecutionQuery.all());
        assertThat(all.items()).extracting(Execution::jobUid).containsExactly(uid(1), uid(2), uid(3));
        assertThat(all.total()).isEqualTo(3);
    }

    @Test
    @DisplayName("filter by owner UID keeps runs of one CronJob incarnation")
    void filterByCronJobUid() {
        Execution old1 = TestObjects.job(CJ).uid(uid(1)).name("o1").ownerUid("owner-old").succeeded(T0,
                Duration.ofSeconds(1)).execution();
        Execution new1 = TestObjects.job(CJ).uid(uid(2)).name("n1").ownerUid("owner-new").succeeded(
                T0.plusSeconds(60), Duration.ofSeconds(1)).execution();
        Execution new2 = TestObjects.job(CJ).uid(uid(3)).name("n2").ownerUid("owner-new").succeeded(
                T0.plusSeconds(120), Duration.ofSeconds(1)).execution();
        upsertAll(old1, new1, new2);

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).cronJobUid("owner-new")).items())
                .extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).cronJobUid("owner-old")).items())
                .containsExactly(old1);
    }

    @Test
    @DisplayName("startedBetween is [from, before) on start time")
    void filterStartedBetweenBoundaries() {
        Instant from = T0;
        Instant before = T0.plusSeconds(3600);
        upsertAll(ok(CJ, uid(1), from.minusMillis(1), Duration.ofSeconds(1)),
                ok(CJ, uid(2), from, Duration.ofSeconds(1)),
                ok(CJ, uid(3), before.minusMillis(1), Duration.ofSeconds(1)),
                ok(CJ, uid(4), before, Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(from, before)).items())
                .extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedSince(from)).items())
                .extracting(Execution::jobUid).containsExactly(uid(4), uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(null, from)).items())
                .extracting(Execution::jobUid).containsExactly(uid(1));
    }

    @Test
    @DisplayName("scheduledBetween is [from, before) on the slot; runs without a slot do not match")
    void filterScheduledBetween() {
        Execution slotA = TestObjects.job(CJ).uid(uid(1)).scheduled(T0).succeeded(T0.plusSeconds(500),
                Duration.ofSeconds(1)).execution();
        Execution slotB = TestObjects.job(CJ).uid(uid(2)).scheduled(T0.plusSeconds(300)).succeeded(
                T0.plusSeconds(301), Duration.ofSeconds(1)).execution();
        Execution slotC = TestObjects.job(CJ).uid(uid(3)).scheduled(T0.plusSeconds(600)).running(
                T0.plusSeconds(601)).execution();
        Execution manual = manualOk(CJ, uid(4), T0.plusSeconds(100), Duration.ofSeconds(1));
        upsertAll(slotA, slotB, slotC, manual);

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).scheduledBetween(T0, T0.plusSeconds(600)))
                .items()).extracting(Execution::jobUid).containsExactly(uid(1), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).scheduledBetween(T0.plusSeconds(300), null))
                .items()).extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).total()).isEqualTo(4);
    }

    @Test
    @DisplayName("filter by states")
    void filterByStates() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), failed(CJ, uid(2), T0.plusSeconds(1),
                Duration.ofSeconds(1)), running(CJ, uid(3), T0.plusSeconds(2)), failed(CJ, uid(4),
                T0.plusSeconds(3), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).states(JobState.FAILED)).items())
                .extracting(Execution::jobUid).containsExactly(uid(4), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.RUNNING))
                .items()).extracting(Execution::jobUid).containsExactly(uid(3), uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).total()).isEqualTo(4);
    }

    @Test
    @DisplayName("includeManual(false) leaves manual runs out; the flag round-trips")
    void filterManual() {
        Execution manual = manualOk(CJ, uid(1), T0, Duration.ofSeconds(1));
        upsertAll(manual, ok(CJ, uid(2), T0.plusSeconds(1), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).includeManual(false)).items())
                .extracting(Execution::jobUid).containsExactly(uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(2), uid(1));
        Execution stored = store.findExecution(uid(1)).orElseThrow();
        assertThat(stored.job().manual()).isTrue();
        assertThat(stored.job().scheduledTime()).isNull();
    }

    @Test
    @DisplayName("lists load details only when asked")
    void listDetailsOnlyWhenAsked() {
        Execution e = withDetails(failed(CJ, uid(1), T0, Duration.ofSeconds(1)), "log", List.of("E: x"), "fix");
        upsertAll(e);

        Execution plain = store.executions(ExecutionQuery.forCronJob(CJ)).items().get(0);
        assertThat(plain.hasDetails()).isFalse();
        assertThat(plain).isEqualTo(e.withoutDetails());
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).withDetails(true)).items()).containsExactly(e);
    }

    @Test
    @DisplayName("paging: total, hasMore, and pages that add up to the whole result")
    void paging() {
        for (int i = 0; i < 25; i++) {
            upsertAll(ok(CJ, uid(i), T0.plusSeconds(i * 60L), Duration.ofSeconds(1)));
        }
        upsertAll(ok(CJ2, uid(99), T0, Duration.ofSeconds(1)));

        Page<Execution> p0 = store.executions(ExecutionQuery.forCronJob(CJ).page(0, 10));
        Page<Execution> p1 = store.executions(ExecutionQuery.forCronJob(CJ).page(10, 10));
        Page<Execution> p2 = store.executions(ExecutionQuery.forCronJob(CJ).page(20, 10));
        Page<Execution> beyond = store.executions(ExecutionQuery.forCronJob(CJ).page(30, 10));

        assertThat(List.of(p0.total(), p1.total(), p2.total(), beyond.total())).containsOnly(25L);
        assertThat(p0.items()).hasSize(10);
        assertThat(p0.hasMore()).isTrue();
        assertThat(p1.hasMore()).isTrue();
        assertThat(p2.items()).hasSize(5);
        assertThat(p2.hasMore()).isFalse();
        assertThat(beyond.items()).isEmpty();
        assertThat(p1.offset()).isEqualTo(10);
        assertThat(p1.limit()).isEqualTo(10);
        List<String> joined = new ArrayList<>();
        List.of(p0, p1, p2).forEach(p -> p.items().forEach(e -> joined.add(e.jobUid())));
        List<String> expected = IntStream.iterate(24, i -> i >= 0, i -> i - 1).mapToObj(HistoryStoreContract::uid)
                .collect(Collectors.toList());
        assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("paging is stable when many runs share a start time")
    void pagingStableWithTies() {
        for (int i = 0; i < 12; i++) {
            upsertAll(ok(CJ, uid(100 - i), T0, Duration.ofSeconds(i + 1)));
        }
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 12; offset += 5) {
            store.executions(ExecutionQuery.forCronJob(CJ).page(offset, 5)).items()
                    .forEach(e -> seen.add(e.jobUid()));
        }
        assertThat(seen).hasSize(12).doesNotHaveDuplicates().isSorted();
    }
}
