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
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.StatsQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of statistics: counts, success rate and the interpolated percentiles against
 * {@link Percentiles}, "no data" windows, manual runs, last success/failure, bulk stats. Part of
 * {@link HistoryStoreContract}.
 */
abstract class StatsSuite extends StoreSuite {

    StatsSuite(HistoryStoreContract contract) {
        super(contract);
    }

    @Test
    @DisplayName("stats over durations 1..10 s match the interpolated percentiles")
    void statsOneToTenSeconds() {
        List<Duration> durations = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            durations.add(Duration.ofSeconds(i));
            upsertAll(ok(CJ, uid(i), T0.plusSeconds((11 - i) * 60L), Duration.ofSeconds(i)));
        }

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, durations, 10, 0);
        assertCloseTo(s.p50(), Duration.ofMillis(5500), "p50 literal");
        assertCloseTo(s.p95(), Duration.ofMillis(9550), "p95 literal");
        assertCloseTo(s.p99(), Duration.ofMillis(9910), "p99 literal");
        assertCloseTo(s.avg(), Duration.ofMillis(5500), "avg literal");
        assertThat(s.successRate()).hasValue(100.0);
        assertThat(s.cronJob()).isEqualTo(CJ);
        assertThat(s.from()).isEqualTo(DAY.from());
        assertThat(s.to()).isEqualTo(DAY.to());
        assertThat(s.isEmpty()).isFalse();
    }

    @Test
    @DisplayName("stats of a single run: every figure is its duration")
    void statsSingleRun() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofMillis(1234)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofMillis(1234)), 1, 0);
        assertThat(List.of(s.avg(), s.p50(), s.p95(), s.p99(), s.maxDuration()))
                .allSatisfy(d -> assertCloseTo(d, Duration.ofMillis(1234), "figure"));
    }

    @Test
    @DisplayName("stats of two runs interpolate between them")
    void statsTwoRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(4)), ok(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofSeconds(1), Duration.ofSeconds(4)), 2, 0);
        assertCloseTo(s.p50(), Duration.ofMillis(2500), "p50");
        assertCloseTo(s.p95(), Duration.ofMillis(3850), "p95");
        assertCloseTo(s.p99(), Duration.ofMillis(3970), "p99");
    }

    @Test
    @DisplayName("stats of only failed runs: 0 % success (not empty), failed durations counted")
    void statsAllFailed() {
        upsertAll(failed(CJ, uid(1), T0, Duration.ofSeconds(2)), failed(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(8)), failed(CJ, uid(3), T0.plusSeconds(120), Duration.ofSeconds(5)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(5)), 0, 3);
        assertThat(s.successRate()).hasValue(0.0);
        assertThat(s.lastSuccessAt()).isNull();
        assertThat(s.lastFailureAt()).isEqualTo(T0.plusSeconds(125));
    }

    @Test
    @DisplayName("stats of mixed outcomes keep fractions of a millisecond")
    void statsMixedWithFractions() {
        List<Duration> durations = List.of(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000),
                Duration.ofMillis(1001), Duration.ofMillis(3333));
        upsertAll(ok(CJ, uid(1), T0, durations.get(0)), failed(CJ, uid(2), T0.plusSeconds(60), durations.get(1)),
                ok(CJ, uid(3), T0.plusSeconds(120), durations.get(2)), failed(CJ, uid(4), T0.plusSeconds(180),
                        durations.get(3)), ok(CJ, uid(5), T0.plusSeconds(240), durations.get(4)),
                running(CJ, uid(6), T0.plusSeconds(300)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, durations, 3, 2);
        assertThat(s.successRate()).hasValue(60.0);
        assertCloseTo(s.p95(), Duration.ofNanos(2_866_600_000L), "p95 literal (2866.6 ms)");
        assertCloseTo(s.avg(), Duration.ofNanos(1_136_800_000L), "avg literal (1136.8 ms)");
    }

    @Test
    @DisplayName("a window without finished runs is 'no data': no success rate, no durations")
    void statsEmptyWindow() {
        upsertAll(running(CJ, uid(1), T0), ok(CJ, uid(2), T0.minusSeconds(86_400 * 3L), Duration.ofSeconds(1)),
                ok(CJ2, uid(3), T0, Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);
        ExecutionStats none = store.stats(CronJobRef.of("nowhere", "nothing"), DAY);

        for (ExecutionStats x : List.of(s, none)) {
            assertThat(x.total()).isZero();
            assertThat(x.succeeded()).isZero();
            assertThat(x.failed()).isZero();
            assertThat(x.isEmpty()).isTrue();
            assertThat(x.successRate()).isEmpty();
            assertThat(x.avg()).isNull();
            assertThat(x.p50()).isNull();
            assertThat(x.p95()).isNull();
            assertThat(x.p99()).isNull();
            assertThat(x.maxDuration()).isNull();
            assertThat(x.from()).isEqualTo(DAY.from());
            assertThat(x.to()).isEqualTo(DAY.to());
        }
        assertThat(none.lastSuccessAt()).isNull();
        assertThat(none.lastFailureAt()).isNull();
    }

    @Test
    @DisplayName("the stats window is [from, to) on start time")
    void statsWindowBoundaries() {
        Instant from = T0;
        Instant to = T0.plusSeconds(3600);
        upsertAll(ok(CJ, uid(1), from.minusMillis(1), Duration.ofSeconds(100)),
                ok(CJ, uid(2), from, Duration.ofSeconds(2)),
                failed(CJ, uid(3), to.minusMillis(1), Duration.ofSeconds(4)),
                ok(CJ, uid(4), to, Duration.ofSeconds(200)));

        ExecutionStats s = store.stats(CJ, window(from, to));

        assertStats(s, List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), 1, 1);
    }

    @Test
    @DisplayName("manual runs are out of stats by default and in when asked")
    void statsManualRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), failed(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(3)), manualOk(CJ, uid(3), T0.plusSeconds(120), Duration.ofSeconds(10)));

        ExecutionStats without = store.stats(CJ, DAY);
        ExecutionStats with = store.stats(CJ, DAY.includeManual(true));

        assertStats(without, List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)), 1, 1);
        assertStats(with, List.of(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10)), 2, 1);
        assertThat(store.stats(List.of(CJ), DAY.includeManual(true)).get(CJ)).isEqualTo(with);
    }

    @Test
    @DisplayName("lastSuccessAt/lastFailureAt are the newest finish times over all history, not only the window")
    void statsLastSuccessAndFailureOverAllHistory() {
        Instant old = T0.minusSeconds(86_400 * 30L);
        upsertAll(ok(CJ, uid(1), old, Duration.ofSeconds(10)),
                ok(CJ, uid(2), old.plusSeconds(3600), Duration.ofSeconds(20)),
                failed(CJ, uid(3), old.plusSeconds(7200), Duration.ofSeconds(5)),
                failed(CJ, uid(4), old.minusSeconds(7200), Duration.ofSeconds(5)),
                running(CJ, uid(5), T0.plusSeconds(10)),
                ok(CJ2, uid(6), T0, Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertThat(s.isEmpty()).isTrue();
        assertThat(s.lastSuccessAt()).isEqualTo(old.plusSeconds(3620));
        assertThat(s.lastFailureAt()).isEqualTo(old.plusSeconds(7205));
        ExecutionStats inWindow = store.stats(CJ, window(old, old.plusSeconds(3600)));
        assertThat(inWindow.total()).isEqualTo(1);
        assertThat(inWindow.lastSuccessAt()).isEqualTo(old.plusSeconds(3620));
    }

    @Test
    @DisplayName("lastSuccessAt includes manual runs whatever includeManual says")
    void statsLastSuccessIncludesManualRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), manualOk(CJ, uid(2), T0.plusSeconds(600),
                Duration.ofSeconds(2)));

        assertThat(store.stats(CJ, DAY).lastSuccessAt()).isEqualTo(T0.plusSeconds(602));
        assertThat(store.stats(CJ, DAY.includeManual(true)).lastSuccessAt()).isEqualTo(T0.plusSeconds(602));
        assertThat(store.stats(CJ, window(T0.minusSeconds(60), T0.plusSeconds(60))).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("stats of one CronJob never include another's runs (same name, other namespace)")
    void statsSeparateCronJobs() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ_OTHER_NS, uid(2), T0, Duration.ofSeconds(50)),
                failed(CJ2, uid(3), T0, Duration.ofSeconds(70)));

        assertStats(store.stats(CJ, DAY), List.of(Duration.ofSeconds(1)), 1, 0);
        assertStats(store.stats(CJ_OTHER_NS, DAY), List.of(Duration.ofSeconds(50)), 1, 0);
        assertStats(store.stats(CJ2, DAY), List.of(Duration.ofSeconds(70)), 0, 1);
        assertThat(store.stats(CJ, DAY).lastFailureAt()).isNull();
    }

    @Test
    @DisplayName("successfulOnly: failed runs are out of every figure of the window (a crash storm is not 'faster')")
    void statsSuccessfulOnly() {
        // 40 days of one run a day: slow successes, and quick failures every fifth day; whole weeks included so
        // that a store keeping per-week aggregates must still filter by outcome
        List<Duration> successes = new ArrayList<>();
        List<Execution> all = new ArrayList<>();
        Instant start = T0.minusSeconds(86_400 * 40L);
        for (int d = 0; d < 40; d++) {
            Instant at = start.plusSeconds(86_400L * d);
            if (d % 5 == 3) {
                all.add(failed(CJ, uid(d), at, Duration.ofMillis(200 + d)));
            } else {
                Duration dur = Duration.ofMillis(60_000 + 1_000L * (d % 7) + d);
                successes.add(dur);
                all.add(ok(CJ, uid(d), at, dur));
            }
        }
        upsertAll(all.toArray(new Execution[0]));
        StatsQuery window = StatsQuery.between(start.minusSeconds(1), T0.plusSeconds(86_400));
        StatsQuery onlyOk = window.successfulOnly(true);

        ExecutionStats s = store.stats(CJ, onlyOk);

        assertStats(s, successes, successes.size(), 0);
        assertThat(store.stats(CJ, window).failed()).isEqualTo(8);
        assertThat(s.lastFailureAt()).isEqualTo(store.stats(CJ, window).lastFailureAt());
        assertThat(peer().stats(List.of(CJ, CJ2), onlyOk).get(CJ)).isEqualTo(s);
        // a short window (no whole week) too
        StatsQuery lastWeek = StatsQuery.between(T0.minusSeconds(86_400 * 7L), T0.plusSeconds(86_400))
                .successfulOnly(true);
        assertStats(store.stats(CJ, lastWeek), successes.subList(successes.size() - 5, successes.size()), 5, 0);
        assertThat(peer().stats(List.of(CJ), lastWeek).get(CJ)).isEqualTo(store.stats(CJ, lastWeek));
    }

    @Test
    @DisplayName("the duration percentiles a query asks for are reported, besides P50/P95/P99")
    void statsRequestedPercentiles() {
        List<Duration> durations = new ArrayList<>();
        List<Execution> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            Duration d = Duration.ofMillis(1_000L + 137L * ((i * 7) % 23));
            durations.add(d);
            Instant at = T0.plusSeconds(60L * i);
            all.add(i % 5 == 4 ? failed(CJ, uid(i), at, d) : ok(CJ, uid(i), at, d));
        }
        upsertAll(all.toArray(new Execution[0]));
        StatsQuery q = DAY.percentiles(List.of(90, 10, 75));

        ExecutionStats s = store.stats(CJ, q);

        assertStats(s, durations, 19, 4);
        assertThat(s.percentiles().keySet()).containsExactly(10, 75, 90);
        for (int p : List.of(10, 75, 90)) {
            assertCloseTo(s.percentile(p), Percentiles.interpolated(durations, p / 100.0), "p" + p);
        }
        assertThat(store.stats(CJ, DAY).percentiles().keySet()).containsExactly(50, 95, 99);
        assertThat(peer().stats(List.of(CJ, CJ2), q).get(CJ)).isEqualTo(s);
        assertThat(store.stats(CJ2, q).percentiles()).isEmpty();
    }

    @Test
    @DisplayName("bulk stats: every requested CronJob, equal to single stats, empty ones included")
    void bulkStats() {
        List<CronJobRef> refs = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < 30; c++) {
            CronJobRef ref = CronJobRef.of("ns-" + (c % 3), "job-" + c);
            refs.add(ref);
            for (int r = 0; r < c % 5; r++) {
                Duration d = Duration.ofMillis(100L * (c + 1) + 37L * r);
                upsertAll(r % 3 == 2 ? failed(ref, uid(n++), T0.plusSeconds(r * 60L), d)
                        : ok(ref, uid(n++), T0.plusSeconds(r * 60L), d));
            }
        }
        CronJobRef unknown = CronJobRef.of("ns-x", "never-ran");
        refs.add(unknown);

        Map<CronJobRef, ExecutionStats> bulk = peer().stats(refs, DAY);

        assertThat(bulk.keySet()).containsExactlyInAnyOrderElementsOf(refs);
        for (CronJobRef ref : refs) {
            assertThat(bulk.get(ref)).as("bulk stats of %s", ref).isEqualTo(store.stats(ref, DAY));
        }
        assertThat(bulk.get(unknown).isEmpty()).isTrue();
        assertThat(bulk.get(CronJobRef.of("ns-0", "job-0")).isEmpty()).isTrue();
        assertThat(bulk.get(CronJobRef.of("ns-1", "job-4")).total()).isEqualTo(4);
        assertThat(store.stats(List.of(), DAY)).isEmpty();
    }
}
