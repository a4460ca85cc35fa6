package io.cronjobguardian.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded reader of failure context: parallel reads, a timeout per read, a full queue, shutdown. */
@Timeout(60)
class ContextReaderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JobSnapshot JOB = TestObjects.job(TestObjects.cronJob("ns", "cj").build()).name("cj-1")
            .uid("uid-1").failed(Instant.parse("2026-06-01T00:00:00Z"), Duration.ofMinutes(1)).build();

    private static io.cronjobguardian.api.CronJobWatcher blockingWatcher(CountDownLatch entered,
            CountDownLatch release) {
        ScriptableCronJobWatcher delegate = new ScriptableCronJobWatcher();
        delegate.setLogTail(JOB.uid(), "log\n");
        delegate.setEvents(JOB.uid(), "BackOff: x");
        return new FailureContextWatcher(delegate, () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    @Test
    void theReadsOfOneFailureRunInParallelAndComeBackTogether() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try (ContextReader r = ContextReader.pooled(blockingWatcher(entered, release), 3, 10, Duration.ofMinutes(1))) {
            CompletableFuture<ContextReader.Context> done = new CompletableFuture<>();
            r.read(JOB, LogRequest.DEFAULT, true, 10, done::complete);
            assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("log and events read at once").isTrue();
            assertThat(done).isNotDone();
            release.countDown();
            ContextReader.Context c = done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(c.logTail()).isEqualTo("log\n");
            assertThat(c.events()).containsExactly("BackOff: x");
        }
    }

    @Test
    void aReadThatTakesTooLongIsLeftOutAndInterrupted() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch never = new CountDownLatch(1);
        try (ContextReader r = ContextReader.pooled(blockingWatcher(entered, never), 2, 10, Duration.ofMillis(200))) {
            CompletableFuture<ContextReader.Context> done = new CompletableFuture<>();
            r.read(JOB, LogRequest.DEFAULT, true, 10, done::complete);
            ContextReader.Context c = done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(c.logTail()).isNull();
            assertThat(c.events()).isEmpty();
        }
    }

    @Test
    void aFullQueueLeavesTheReadOutInsteadOfWaiting() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ContextReader r = ContextReader.pooled(blockingWatcher(entered, release), 1, 1, Duration.ofMinutes(1))) {
            CompletableFuture<ContextReader.Context> first = new CompletableFuture<>();
            r.read(JOB, LogRequest.DEFAULT, false, 10, first::complete);   // occupies the only thread
            assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            CompletableFuture<ContextReader.Context> second = new CompletableFuture<>();
            r.read(JOB, LogRequest.DEFAULT, false, 10, second::complete);  // queued
            CompletableFuture<ContextReader.Context> third = new CompletableFuture<>();
            r.read(JOB, LogRequest.DEFAULT, false, 10, third::complete);   // refused at once
            assertThat(third.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ContextReader.Context.EMPTY);
            release.countDown();
            assertThat(first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).logTail()).isEqualTo("log\n");
            assertThat(second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).logTail()).isEqualTo("log\n");
        }
    }

    @Test
    void closeStopsThePoolThreads() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Thread> reader = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch entered = new CountDownLatch(1) {
            @Override
            public void countDown() {
                reader.set(Thread.currentThread());
                super.countDown();
            }
        };
        ContextReader r = ContextReader.pooled(blockingWatcher(entered, never), 2, 10, Duration.ofMinutes(1));
        r.read(JOB, LogRequest.DEFAULT, false, 10, c -> { });
        assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(reader.get().getName()).startsWith("guardian-context-read-");
        r.close();   // interrupts the hung read; its thread ends
        reader.get().join(WAIT.toMillis());
        assertThat(reader.get().isAlive()).isFalse();
    }

    /** Delegates to a scriptable watcher, running {@code beforeRead} first in every read. */
    static final class FailureContextWatcher extends DelegatingWatcher {
        private final Runnable beforeRead;

        FailureContextWatcher(ScriptableCronJobWatcher delegate, Runnable beforeRead) {
            super(delegate);
            this.beforeRead = beforeRead;
        }

        @Override
        public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            beforeRead.run();
            return super.fetchLogTail(job, request);
        }

        @Override
        public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            beforeRead.run();
            return super.fetchEvents(job, maxEvents);
        }
    }

    /** Every call to the delegate. */
    static class DelegatingWatcher implements io.cronjobguardian.api.CronJobWatcher {
        private final ScriptableCronJobWatcher d;

        DelegatingWatcher(ScriptableCronJobWatcher d) {
            this.d = d;
        }

        @Override
        public void start(io.cronjobguardian.api.WatchListener listener) {
            d.start(listener);
        }

        @Override
        public boolean hasSynced() {
            return d.hasSynced();
        }

        @Override
        public java.util.Collection<io.cronjobguardian.api.CronJobSnapshot> cronJobs() {
            return d.cronJobs();
        }

        @Override
        public Optional<io.cronjobguardian.api.CronJobSnapshot> cronJob(io.cronjobguardian.api.CronJobRef ref) {
            return d.cronJob(ref);
        }

        @Override
        public java.util.Collection<JobSnapshot> jobs(io.cronjobguardian.api.CronJobRef owner) {
            return d.jobs(owner);
        }

        @Override
        public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            return d.fetchLogTail(job, request);
        }

        @Override
        public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            return d.fetchEvents(job, maxEvents);
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
