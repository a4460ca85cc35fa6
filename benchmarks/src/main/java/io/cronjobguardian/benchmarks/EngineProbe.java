package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link EngineBenchmark} learns from the engine through the builder's observer and incident listener (both are
 * called on the engine thread): when every CronJob has been evaluated once, how long evaluations took, when a Job was
 * recorded and its CronJob evaluated, and how many incidents were opened and resolved.
 */
final class EngineProbe implements EngineObserver, IncidentListener {

    private final int expected;
    private final Set<CronJobRef> evaluatedOnce = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> recordedAt = new ConcurrentHashMap<>();
    private final Map<CronJobRef, Long> lastEvaluatedAt = new ConcurrentHashMap<>();
    final AtomicInteger evaluations = new AtomicInteger();
    final AtomicLong evaluationNanos = new AtomicLong();
    final AtomicInteger recorded = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger resolved = new AtomicInteger();
    private volatile long allEvaluatedAt;
    private volatile Runnable atFirst = () -> { };
    private volatile Runnable atAll = () -> { };

    EngineProbe(int expectedCronJobs) {
        this.expected = expectedCronJobs;
    }

    @Override
    public void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
        long now = System.nanoTime();
        if (evaluations.incrementAndGet() == 1) {
            atFirst.run();
        }
        evaluationNanos.addAndGet(took.toNanos());
        lastEvaluatedAt.put(ref, now);
        if (evaluatedOnce.add(ref) && evaluatedOnce.size() == expected) {
            atAll.run();
            allEvaluatedAt = now;
        }
    }

    @Override
    public void recorded(JobSnapshot job) {
        recorded.incrementAndGet();
        recordedAt.put(job.uid(), System.nanoTime());
    }

    @Override
    public void opened(Incident incident, MonitorSpec monitor, long epoch) {
        opened.incrementAndGet();
    }

    @Override
    public void resolved(Incident incident, MonitorSpec monitor, long epoch) {
        resolved.incrementAndGet();
    }

    @Override
    public void resolvedWithoutMonitor(Incident incident, long epoch) {
        resolved.incrementAndGet();
    }

    /** Runs {@code action} on the engine thread at the end of the first evaluation. */
    void onFirstEvaluation(Runnable action) {
        this.atFirst = action;
    }

    /** Runs {@code action} on the engine thread when the last of the expected CronJobs was evaluated once. */
    void onAllEvaluated(Runnable action) {
        this.atAll = action;
    }

    /** {@link System#nanoTime()} when the last of the expected CronJobs was evaluated for the first time, or 0. */
    long allEvaluatedAt() {
        return allEvaluatedAt;
    }

    /** {@link System#nanoTime()} when the Job was recorded as finished, or {@code null}. */
    Long recordedAt(String jobUid) {
        return recordedAt.get(jobUid);
    }

    /** {@link System#nanoTime()} of the newest evaluation of the CronJob, or {@code null}. */
    Long lastEvaluatedAt(CronJobRef ref) {
        return lastEvaluatedAt.get(ref);
    }
}
