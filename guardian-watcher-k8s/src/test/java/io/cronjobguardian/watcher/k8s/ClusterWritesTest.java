package io.cronjobguardian.watcher.k8s;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * The watcher's optional writes, against the mock API server: suspend/resume patch {@code spec.suspend}; a manual run
 * is a Job as {@code kubectl create job --from=cronjob/...} makes it, owned by the CronJob and recorded as manual.
 */
class ClusterWritesTest extends WatcherTestSupport {

    @Test
    void suspendAndResumePatchTheCronJobAndTheWatchDeliversIt() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        KubernetesCronJobWatcher w = startWatcher();
        CronJobRef ref = CronJobRef.of("ns1", "backup");

        CronJobSnapshot s = w.setSuspended(ref, true);

        assertThat(s.suspended()).isTrue();
        assertThat(cluster.admin.batch().v1().cronjobs().inNamespace("ns1").withName("backup").get().getSpec()
                .getSuspend()).isTrue();
        events.awaitCronJob(UPDATED, ref, CronJobSnapshot::suspended, TIMEOUT);
        assertThat(w.setSuspended(ref, false).suspended()).isFalse();
        events.awaitCronJob(UPDATED, ref, c -> !c.suspended(), TIMEOUT);
        assertThat(cluster.admin.batch().v1().cronjobs().inNamespace("ns1").withName("backup").get().getSpec()
                .getSchedule()).as("only spec.suspend changed").isEqualTo("*/5 * * * *");
    }

    @Test
    void aTriggeredRunIsAManualJobOwnedByTheCronJob() {
        CronJob cj = cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        KubernetesCronJobWatcher w = startWatcher();

        String name = w.triggerJob(CronJobRef.of("ns1", "backup"));

        assertThat(name).startsWith("backup-manual-").hasSizeLessThanOrEqualTo(63);
        Job job = cluster.admin.batch().v1().jobs().inNamespace("ns1").withName(name).get();
        assertThat(job.getMetadata().getAnnotations()).containsEntry("cronjob.kubernetes.io/instantiate", "manual");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("CronJob");
            assertThat(o.getUid()).isEqualTo(cj.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(job.getSpec().getTemplate()).isEqualTo(cj.getSpec().getJobTemplate().getSpec().getTemplate());
        JobSnapshot seen = events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);
        assertThat(seen.manual()).isTrue();
        assertThat(seen.owner()).isEqualTo(CronJobRef.of("ns1", "backup"));
        assertThat(seen.scheduledTime()).as("a manual run has no slot").isNull();
    }

    @Test
    void anUnknownCronJobIsNoSuchElementAndALongNameIsCut() {
        KubernetesCronJobWatcher w = startWatcher();
        assertThatThrownBy(() -> w.setSuspended(CronJobRef.of("ns1", "absent"), true))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("ns1/absent");
        assertThatThrownBy(() -> w.triggerJob(CronJobRef.of("ns1", "absent")))
                .isInstanceOf(NoSuchElementException.class);
        String n = KubernetesCronJobWatcher.manualJobName("a".repeat(52) + "-b", Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(n).hasSizeLessThanOrEqualTo(63).startsWith("a".repeat(49)).doesNotContain("--");
    }
}
