package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class TestObjectsTest {

    private static final Instant T = Instant.parse("2024-03-10T10:00:00Z");

    @Test
    void cronJobDefaultsAndOverrides() {
        CronJobSnapshot d = TestObjects.cronJob("ns", "backup").build();
        assertThat(d.ref()).isEqualTo(CronJobRef.of("ns", "backup"));
        assertThat(d.schedule()).isEqualTo("*/5 * * * *");
        assertThat(d.suspended()).isFalse();
        assertThat(d.creationTime()).isEqualTo(TestObjects.DEFAULT_TIME);
        assertThat(d.uid()).isEqualTo(TestObjects.defaultCronJobUid(d.ref()))
                .isEqualTo(TestObjects.cronJob("ns", "backup").build().uid())
                .isNotEqualTo(TestObjects.cronJob("ns", "other").build().uid());

        CronJobSnapshot c = TestObjects.cronJob("ns", "backup").schedule("0 3 * * 1-5").timeZone("Europe/Paris")
                .suspended(true).startingDeadlineSeconds(120L).concurrencyPolicy(ConcurrencyPolicy.FORBID)
                .label("team", "a").lastScheduleTime(T).activeJobs("backup-1").uid("u-2").build();
        assertThat(c.schedule()).isEqualTo("0 3 * * 1-5");
        assertThat(c.timeZone()).isEqualTo("Europe/Paris");
        assertThat(c.suspended()).isTrue();
        assertThat(c.startingDeadlineSeconds()).isEqualTo(120L);
        assertThat(c.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.FORBID);
        assertThat(c.labels()).containsEntry("team", "a");
        assertThat(c.lastScheduleTime()).isEqualTo(T);
        assertThat(c.activeJobNames()).containsExactly("backup-1");
        assertThat(c.uid()).isEqualTo("u-2");
        assertThat(TestObjects.cronJob(c).suspended(false).build()).isEqualTo(c.withSuspended(false));
    }

    @Test
    void scheduledJobIsNamedLikeTheControllerDoes() {
        CronJobSnapshot cj = TestObjects.cronJob("ns", "backup").build();

        JobSnapshot j = TestObjects.job(cj).scheduled(T).build();

        assertThat(j.name()).isEqualTo("backup-" + T.getEpochSecond() / 60);
        assertThat(j.owner()).isEqualTo(cj.ref());
        assertThat(j.ownerUid()).isEqualTo(cj.uid());
        assertThat(j.scheduledTime()).isEqualTo(T);
        assertThat(j.createdAt()).isEqualTo(T);
        assertThat(j.startedAt()).isEqualTo(T);
        assertThat(j.state()).isEqualTo(JobState.RUNNING);
        assertThat(j.attempts()).isEqualTo(1);
        assertThat(j.manual()).isFalse();
        assertThat(j.uid()).isEqualTo(TestObjects.job(cj).scheduled(T).build().uid());
        assertThat(j.uid()).isNotEqualTo(TestObjects.job(cj).scheduled(T.plusSeconds(300)).build().uid());
    }

    @Test
    void terminalStates() {
        JobSnapshot ok = TestObjects.job("ns", "backup").scheduled(T).succeeded(T.plusSeconds(1),
                Duration.ofSeconds(30)).attempts(2).build();
        assertThat(ok.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ok.startedAt()).isEqualTo(T.plusSeconds(1));
        assertThat(ok.finishedAt()).isEqualTo(T.plusSeconds(31));
        assertThat(ok.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ok.attempts()).isEqualTo(2);

        JobSnapshot failed = TestObjects.job("ns", "backup").failed(T, T.plusSeconds(5))
                .condition("BackoffLimitExceeded", "too many").exitCode(137, "OOMKilled").build();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.createdAt()).as("created when started without a slot").isEqualTo(T);
        assertThat(failed.conditionReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.lastTermination().exitCode()).isEqualTo(137);
        assertThat(failed.lastTermination().effectiveSignal()).isEqualTo(9);
    }

    @Test
    void manualAndNotStartedJobs() {
        JobSnapshot manual = TestObjects.job("ns", "backup").scheduled(T).manual().running(T).build();
        assertThat(manual.manual()).isTrue();
        assertThat(manual.scheduledTime()).isNull();
        assertThat(manual.name()).startsWith("backup-manual-");

        JobSnapshot pending = TestObjects.job("ns", "backup").createdAt(T).notStarted().build();
        assertThat(pending.startedAt()).isNull();
        assertThat(pending.attempts()).isZero();
        assertThat(pending.effectiveStart()).isEqualTo(T);

        JobSnapshot unowned = TestObjects.unownedJob("ns", "adhoc").build();
        assertThat(unowned.owner()).isNull();
        assertThat(unowned.ownerUid()).isNull();
        assertThat(unowned.name()).isEqualTo("adhoc");
    }

    @Test
    void builderFromExistingJobKeepsIdentity() {
        JobSnapshot running = TestObjects.job("ns", "backup").scheduled(T).name("b-1").build();

        JobSnapshot done = TestObjects.job(running).succeeded(T, Duration.ofSeconds(9)).attempts(3).build();

        assertThat(done.uid()).isEqualTo(running.uid());
        assertThat(done.name()).isEqualTo("b-1");
        assertThat(done.owner()).isEqualTo(running.owner());
        assertThat(done.scheduledTime()).isEqualTo(T);
        assertThat(done.createdAt()).isEqualTo(running.createdAt());
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(TestObjects.job(done).build()).isEqualTo(done);
    }

    @Test
    void executions() {
        Execution plain = TestObjects.job("ns", "backup").scheduled(T).execution();
        assertThat(plain.hasDetails()).isFalse();
        Execution detailed = TestObjects.job("ns", "backup").scheduled(T).failed(T, Duration.ofSeconds(1))
                .execution("log", List.of("Failed: x"), "fix");
        assertThat(detailed.logTail()).isEqualTo("log");
        assertThat(detailed.events()).containsExactly("Failed: x");
        assertThat(detailed.suggestedFix()).isEqualTo("fix");
        assertThat(detailed.jobUid()).isEqualTo(plain.jobUid());
    }
}
