package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The data of {@link EngineBenchmark}, derived from one seed: CronJobs with mixed schedules, their history (streamed
 * in batches, never held in memory as a whole), the Jobs running at start, and the monitors.
 *
 * <p>Every schedule is in UTC. The history of a CronJob ends with its newest slot at least a minute before
 * {@link #NOW}, which is where the benchmark's clock starts. A few CronJobs are made to breach something, so that the
 * first evaluation opens incidents of every kind the data allows:
 * <ul>
 *   <li>1 % missed their two newest slots (missed schedule; the daily ones also trip the 26 h dead-man's switch),</li>
 *   <li>2 % failed their newest run (Job failed),</li>
 *   <li>2 % fail one run in five (success rate under 95 % over 7 days, when the window holds a failure),</li>
 *   <li>1 % run three times slower over the last day (duration regression, where the day holds 5 runs or more);</li>
 *   <li>the rest fail one run in a hundred.</li>
 * </ul>
 */
final class EngineDataSet {

    /** Where the benchmark's clock starts (the first start of the engine happens "now"). */
    static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    static final int NAMESPACES = 50;
    static final String FAILED_REASON = "BackoffLimitExceeded";

    enum Kind {
        DAILY(Duration.ofDays(1)), HOURLY(Duration.ofHours(1)), QUARTER_HOURLY(Duration.ofMinutes(15));

        final Duration period;

        Kind(Duration period) {
            this.period = period;
        }
    }

    /** One CronJob and how its history is shaped. */
    static final class Spec {
        final int index;
        final CronJobRef ref;
        final String uid;
        final Kind kind;
        final String schedule;
        final long offsetSeconds;
        final int days;
        final long baseMillis;
        final int failPercent;
        final boolean missed;
        final boolean lastFailed;
        final boolean regressed;
        boolean running;

        Spec(int index, CronJobRef ref, Kind kind, String schedule, long offsetSeconds, int days, long baseMillis,
                int failPercent, boolean missed, boolean lastFailed, boolean regressed) {
            this.index = index;
            this.ref = ref;
            this.uid = TestObjects.defaultCronJobUid(ref);
            this.kind = kind;
            this.schedule = schedule;
            this.offsetSeconds = offsetSeconds;
            this.days = days;
            this.baseMillis = baseMillis;
            this.failPercent = failPercent;
            this.missed = missed;
            this.lastFailed = lastFailed;
            this.regressed = regressed;
        }

        /** The newest slot at least a minute before {@link #NOW}. */
        Instant newestSlot() {
            long p = kind.period.getSeconds();
            long t = NOW.getEpochSecond() - 60 - offsetSeconds;
            return Instant.ofEpochSecond(Math.floorDiv(t, p) * p + offsetSeconds);
        }

        /** Slots in the history, oldest first. */
        int slots() {
            return (int) (Duration.ofDays(days).getSeconds() / kind.period.getSeconds());
        }

        /** Slots at the newest end that have no finished run (missed, or the Job still runs). */
        int openSlots() {
            return missed ? 2 : running ? 1 : 0;
        }

        Instant slot(int i) {
            return newestSlot().minus(kind.period.multipliedBy(slots() - 1L - i));
        }

        /** The newest slot a Job was created for. */
        Instant lastScheduled() {
            return slot(slots() - 1 - (missed ? 2 : 0));
        }
    }

    final long seed;
    final List<Spec> specs = new ArrayList<>();
    final long executions;
    final int[] byKind = new int[Kind.values().length];

    EngineDataSet(long seed, int cronJobs, int hourlyPercent, int quarterPercent, int dailyDays, int hourlyDays,
            int quarterDays, int running) {
        this.seed = seed;
        Random r = new Random(seed);
        for (int i = 0; i < cronJobs; i++) {
            int k = r.nextInt(100);
            Kind kind = k < quarterPercent ? Kind.QUARTER_HOURLY
                    : k < quarterPercent + hourlyPercent ? Kind.HOURLY : Kind.DAILY;
            int minute = r.nextInt(60);
            int hour = r.nextInt(24);
            String schedule;
            long offset;
            int days;
            switch (kind) {
                case DAILY:
                    schedule = minute + " " + hour + " * * *";
                    offset = hour * 3600L + minute * 60L;
                    days = dailyDays;
                    break;
                case HOURLY:
                    schedule = minute + " * * * *";
                    offset = minute * 60L;
                    days = hourlyDays;
                    break;
                default:
                    schedule = (minute % 15) + "/15 * * * *";
                    offset = (minute % 15) * 60L;
                    days = quarterDays;
                    break;
            }
            // 2 s .. 20 min, log-uniform
            long base = (long) Math.exp(Math.log(2_000) + r.nextDouble() * (Math.log(1_200_000) - Math.log(2_000)));
            int roll = r.nextInt(100);
            boolean missed = roll < 1;
            boolean lastFailed = roll >= 1 && roll < 3;
            boolean flaky = roll >= 3 && roll < 5;
            boolean regressed = roll >= 5 && roll < 6;
            CronJobRef ref = CronJobRef.of(String.format("team-%02d", i % NAMESPACES), String.format("job-%05d", i));
            specs.add(new Spec(i, ref, kind, schedule, offset, days, base, flaky ? 20 : 1, missed, lastFailed,
                    regressed));
            byKind[kind.ordinal()]++;
        }
        // Jobs running at start: the newest slot of hourly / quarter-hourly CronJobs that breach nothing else
        int left = running;
        for (Spec s : specs) {
            if (left == 0) {
                break;
            }
            if (s.kind != Kind.DAILY && !s.missed && !s.lastFailed && s.failPercent == 1 && !s.regressed) {
                s.running = true;
                left--;
            }
        }
        long n = 0;
        for (Spec s : specs) {
            n += s.slots() - s.openSlots();
        }
        this.executions = n;
    }

    /** The CronJob as the API server shows it. */
    CronJobSnapshot snapshot(Spec s) {
        return TestObjects.cronJob(s.ref).uid(s.uid).label("app", s.ref.name())
                .label("schedule-kind", s.kind.name().toLowerCase(java.util.Locale.ROOT))
                .schedule(s.schedule).creationTime(s.slot(0).minus(Duration.ofHours(1)))
                .lastScheduleTime(s.lastScheduled()).build();
    }

    /** The Job running for the newest slot of a running CronJob. */
    JobSnapshot runningJob(Spec s) {
        Instant slot = s.slot(s.slots() - 1);
        return new JobSnapshot(s.ref.namespace(), jobName(s, slot), jobUid(s, slot), s.ref, s.uid, slot, false, slot,
                slot.plusSeconds(2), null, JobState.RUNNING, 1, null, null, null);
    }

    /** A new watcher holding every CronJob and the running Jobs (not started). */
    ScriptableCronJobWatcher watcher() {
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        for (Spec s : specs) {
            w.putCronJob(snapshot(s));
        }
        for (Spec s : specs) {
            if (s.running) {
                w.putJob(runningJob(s));
            }
        }
        for (int ns = 0; ns < NAMESPACES; ns++) {
            w.setNamespaceLabels(String.format("team-%02d", ns), Map.of("team", Integer.toString(ns)));
        }
        return w;
    }

    List<Spec> runningSpecs() {
        List<Spec> out = new ArrayList<>();
        for (Spec s : specs) {
            if (s.running) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * One monitor per namespace, as teams would have them: dead-man's switch from the schedule plus 26 h without a
     * success, SLA defaults (95 % over 7 days, regression at +50 % P95 day vs 14 days) with a 2 h maximum duration.
     */
    static List<MonitorSpec> monitors() {
        List<MonitorSpec> out = new ArrayList<>();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            out.add(MonitorSpec.builder(String.format("team-%02d", ns), "jobs")
                    .deadManSwitch(new MonitorSpec.DeadManSwitch(true, Duration.ofHours(26),
                            MonitorSpec.AutoFromSchedule.on()))
                    .sla(MonitorSpec.Sla.defaults().withMaxDuration(Duration.ofHours(2)))
                    .build());
        }
        return out;
    }

    /** Streams the history to {@code sink} in batches of {@code batch}, CronJob after CronJob. */
    void history(int batch, Consumer<List<Execution>> sink) {
        List<Execution> buf = new ArrayList<>(batch);
        for (Spec s : specs) {
            Random r = new Random(seed * 1_000_003L + s.index);
            int slots = s.slots();
            int finished = slots - s.openSlots();
            Instant regressionFrom = NOW.minus(Duration.ofDays(1));
            for (int i = 0; i < finished; i++) {
                Instant slot = s.slot(i);
                Instant start = slot.plusMillis(500 + r.nextInt(3_000));
                double factor = 0.8 + 0.4 * r.nextDouble();
                if (s.regressed && !slot.isBefore(regressionFrom)) {
                    factor *= 3;
                }
                long ms = Math.max(1, (long) (s.baseMillis * factor));
                boolean failed = (s.lastFailed && i == finished - 1) || r.nextInt(100) < s.failPercent;
                boolean retried = !failed && r.nextInt(50) == 0;
                Instant end = start.plusMillis(failed ? ms / 3 + 1 : ms);
                JobSnapshot j = new JobSnapshot(s.ref.namespace(), jobName(s, slot), jobUid(s, slot), s.ref, s.uid,
                        slot, false, slot, start, end, failed ? JobState.FAILED : JobState.SUCCEEDED,
                        failed ? 3 : retried ? 2 : 1, failed ? FAILED_REASON : null,
                        failed ? "Job has reached the specified backoff limit" : null,
                        failed ? new Termination("main", 1, "Error", null, "exit status 1") : null);
                buf.add(Execution.of(j));
                if (buf.size() == batch) {
                    sink.accept(buf);
                    buf = new ArrayList<>(batch);
                }
            }
        }
        if (!buf.isEmpty()) {
            sink.accept(buf);
        }
    }

    private static String jobName(Spec s, Instant slot) {
        return s.ref.name() + "-" + slot.getEpochSecond() / 60;
    }

    private static String jobUid(Spec s, Instant slot) {
        return "u" + s.index + "-" + slot.getEpochSecond() / 60;
    }
}
