package io.cronjobguardian.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bounded memory of terminal Job snapshots: what it keeps, in which order, and what it drops first. */
class SeenRunsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final CronJobSnapshot CJ = TestObjects.cronJob("team-a", "cj").creationTime(T0).build();

    private static JobSnapshot done(String uid, Instant finished) {
        return TestObjects.job(CJ).name("cj-" + uid).uid(uid).failed(T0, finished).build();
    }

    @Test
    void keepsOnlyTerminalOwnedSnapshotsAndListsThemInTheOrderTheyFinished() {
        SeenRuns seen = new SeenRuns();
        seen.put(done("late", T0.plusSeconds(90)), T0.plusSeconds(100));
        seen.put(done("early", T0.plusSeconds(10)), T0.plusSeconds(101));
        seen.put(TestObjects.job(CJ).name("cj-run").uid("run").running(T0).build(), T0.plusSeconds(102));
        seen.put(TestObjects.unownedJob("team-a", "loose").failed(T0, T0.plusSeconds(5)).build(), T0.plusSeconds(103));
        assertThat(seen.of(CJ.ref())).extracting(JobSnapshot::uid).containsExactly("early", "late");
        assertThat(seen.owners()).containsExactly(CJ.ref());
    }

    @Test
    void dropsByAgeSinceLastSeenThenTheLeastRecentlySeenBeyondCapacity() {
        SeenRuns seen = new SeenRuns(Duration.ofHours(1), 3);
        seen.put(done("a", T0.plusSeconds(1)), T0);
        seen.put(done("b", T0.plusSeconds(2)), T0.plusSeconds(10));
        seen.put(done("a", T0.plusSeconds(1)), T0.plusSeconds(20));   // seen again: now the most recent
        assertThat(seen.expire(T0.plus(Duration.ofHours(1)).plusSeconds(10)))
                .extracting(e -> e.job().uid() + " " + e.reason()).containsExactly("b AGE");
        seen.put(done("c", T0.plusSeconds(3)), T0.plus(Duration.ofHours(1)));
        seen.put(done("d", T0.plusSeconds(4)), T0.plus(Duration.ofHours(1)));
        seen.put(done("e", T0.plusSeconds(5)), T0.plus(Duration.ofHours(1)));
        assertThat(seen.expire(T0.plus(Duration.ofHours(1)).plusSeconds(11)))
                .extracting(e -> e.job().uid() + " " + e.reason()).containsExactly("a CAPACITY");
        assertThat(seen.size()).isEqualTo(3);
        seen.remove("c");
        assertThat(seen.contains("c")).isFalse();
        assertThat(seen.expire(T0.plus(Duration.ofHours(1)).plusSeconds(12))).isEmpty();
    }
}
