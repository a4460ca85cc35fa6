package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.pod;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.terminated;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code fetchLogTail} and {@code fetchEvents}: capped, tail not head, only the Job's own objects, never throwing. */
class LogsAndEventsTest extends WatcherTestSupport {

    private static final String NS = "ns1";
    private static final Instant T0 = MockCluster.now().minusSeconds(3600);
    private static final String OLD_POD = "backup-1-aaaaa";
    private static final String NEW_POD = "backup-1-zzzzz";

    private KubernetesCronJobWatcher watcher;
    private Job job;
    private Pod oldPod;
    private Pod newPod;
    private JobSnapshot failed;

    @BeforeEach
    void failedJobWithTwoAttempts() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        watcher = startWatcher();
        job = cluster.createRunningJob(NS, "backup", "backup-1", T0, false);
        oldPod = cluster.createPod(job, OLD_POD, T0.plusSeconds(1), pod("Failed",
                terminated("main", 1, "Error", null, null)));
        newPod = cluster.createPod(job, NEW_POD, T0.plusSeconds(60), pod("Failed",
                terminated("main", 137, "OOMKilled", null, null)));
        cluster.api.setPodLog(NS, OLD_POD, "main", "old attempt\n");
        cluster.api.setPodLog(NS, NEW_POD, "setup", "init 1\ninit 2\ninit 3\n");
        cluster.api.setPodLog(NS, NEW_POD, "main", IntStream.rangeClosed(1, 500).mapToObj(i -> "main line " + i)
                .collect(Collectors.joining("\n", "", "\n")));
        cluster.api.setPodLog(NS, NEW_POD, "helper", "helper says hi\n");
        cluster.finishJob(NS, "backup-1", false, 2, T0.plusSeconds(120));
        failed = events.awaitJob(UPDATED, NS, "backup-1", j -> j.state() == JobState.FAILED, TIMEOUT);
        cluster.api.clearRequestsUnderTest();
    }

    private List<String> logRequests() {
        return cluster.api.requestsUnderTest().stream().filter(p -> p.contains("/log?")).toList();
    }

    // ------------------------------------------------------------------------------------------------ logs

    @Test
    void lastLinesOfTheNewestPodsMainContainer() {
        String tail = watcher.fetchLogTail(failed, new LogRequest(null, false, 10, 1024 * 1024)).orElseThrow();
        assertThat(tail).isEqualTo(IntStream.rangeClosed(491, 500).mapToObj(i -> "main line " + i)
                .collect(Collectors.joining("\n", "", "\n")));
        assertThat(logRequests()).singleElement().satisfies(p -> assertThat(p)
                .startsWith("GET /api/v1/namespaces/ns1/pods/" + NEW_POD + "/log?container=main&tailLines=10&limitBytes="));
    }

    @Test
    void byteCapKeepsTheEndAndIsAppliedAfterReading() {
        String tail = watcher.fetchLogTail(failed, new LogRequest(null, false, 10_000, 1024)).orElseThrow();
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(tail).endsWith("main line 499\nmain line 500\n").doesNotContain("main line 1\n");
    }

    @Test
    void multibyteTextIsCutOnACharacterBoundary() {
        cluster.api.setPodLog(NS, NEW_POD, "main", "\u20ac".repeat(2000) + "\n" + "ende \u00e4\u00f6\u00fc\n");
        String tail = watcher.fetchLogTail(failed, new LogRequest(null, false, 100, 1024)).orElseThrow();
        byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(1024).isGreaterThan(1024 - 3);
        assertThat(tail).doesNotContain("\uFFFD").endsWith("ende \u00e4\u00f6\u00fc\n").startsWith("\u20ac");
        assertThat(tail.replace("\u20ac", "")).isEqualTo("\nende \u00e4\u00f6\u00fc\n");
    }

    @Test
    void hugeLinesStillYieldTheTrueTail() {
        // 20 lines of 400 KiB: the last 10 lines exceed the limitBytes safety net, whose cut keeps the head;
        // the watcher notices and asks for fewer lines, so the result still ends where the log ends
        String big = "x".repeat(400 * 1024);
        String log = IntStream.range(0, 19).mapToObj(i -> big).collect(Collectors.joining("\n", "", "\n"))
                + big + "END-OF-LOG\n";
        cluster.api.setPodLog(NS, NEW_POD, "main", log);
        String tail = watcher.fetchLogTail(failed, new LogRequest(null, false, 10, 2048)).orElseThrow();
        assertThat(tail).hasSize(2048).endsWith("xEND-OF-LOG\n");
        assertThat(logRequests()).hasSize(2);
        assertThat(logRequests().get(0)).contains("tailLines=10&limitBytes=1048576");
        assertThat(logRequests().get(1)).contains("tailLines=1&limitBytes=1048576");
    }

    @Test
    void chosenContainerAndInitContainersFirst() {
        assertThat(watcher.fetchLogTail(failed, new LogRequest("helper", false, 50, 4096)))
                .contains("helper says hi\n");
        // the joined text is capped as a whole, from the end: the main container (which ran last) wins
        String withInit = watcher.fetchLogTail(failed, new LogRequest(null, true, 5, 4096)).orElseThrow();
        assertThat(withInit).isEqualTo("==> container main <==\nmain line 497\nmain line 498\nmain line 499\n"
                + "main line 500\n");
        String all = watcher.fetchLogTail(failed, new LogRequest(null, true, 10_000, 1024 * 1024)).orElseThrow();
        assertThat(all).startsWith("==> init container setup <==\ninit 1\ninit 2\ninit 3\n==> container main <==\n"
                + "main line 1\n").endsWith("main line 500\n");
    }

    @Test
    void emptyWhenThePodOrTheContainerLogIsGone() {
        assertThat(watcher.fetchLogTail(failed, new LogRequest("sidecar", false, 10, 4096))).isEmpty();
        cluster.admin.pods().inNamespace(NS).withName(NEW_POD).delete();
        cluster.admin.pods().inNamespace(NS).withName(OLD_POD).delete();
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() ->
                watcher.fetchLogTail(failed, LogRequest.DEFAULT).isEmpty());
        assertThat(watcher.fetchEvents(failed, 10)).isEmpty();
    }

    @Test
    void apiErrorsAreLoggedNotThrown() {
        cluster.server.expect().get().withPath("/api/v1/namespaces/ns1/pods?labelSelector=job-name%3Dbackup-1")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}").always();
        assertThat(watcher.fetchLogTail(failed, LogRequest.DEFAULT)).isEmpty();
        assertThat(watcher.fetchEvents(failed, 10)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ events

    private void createEvents() {
        cluster.createEvent(NS, "Job", "backup-1", job.getMetadata().getUid(), "SuccessfulCreate",
                "Created pod: " + OLD_POD, T0.plusSeconds(1));
        cluster.createEvent(NS, "Pod", OLD_POD, oldPod.getMetadata().getUid(), "Started", "Started container main",
                T0.plusSeconds(5));
        cluster.createEvent(NS, "Job", "backup-1", job.getMetadata().getUid(), "SuccessfulCreate",
                "Created pod: " + NEW_POD, T0.plusSeconds(60));
        cluster.createEvent(NS, "Pod", NEW_POD, newPod.getMetadata().getUid(), "Pulled",
                "Container image \"busybox\" already present on machine", T0.plusSeconds(61));
        cluster.createEvent(NS, "Pod", NEW_POD, newPod.getMetadata().getUid(), "OOMKilling",
                "Memory cgroup out of memory: Killed process 42 (java)", T0.plusSeconds(100));
        cluster.createEvent(NS, "Job", "backup-1", job.getMetadata().getUid(), "BackoffLimitExceeded",
                "Job has reached the specified backoff limit", T0.plusSeconds(120));
        // noise: another Job, a pod of another Job whose name starts with ours, and a namespace-level event
        cluster.createEvent(NS, "Job", "backup-10", "uid-of-backup-10", "SuccessfulCreate", "Created pod: x",
                T0.plusSeconds(30));
        cluster.createEvent(NS, "Pod", "backup-1-aaaaa-other", "uid-other-pod", "Started", "not ours",
                T0.plusSeconds(31));
        cluster.createEvent(NS, "Namespace", NS, "uid-ns", "Quota", "not ours", T0.plusSeconds(32));
    }

    private static final List<String> ALL = List.of(
            "SuccessfulCreate: Created pod: " + OLD_POD,
            "Started: Started container main",
            "SuccessfulCreate: Created pod: " + NEW_POD,
            "Pulled: Container image \"busybox\" already present on machine",
            "OOMKilling: Memory cgroup out of memory: Killed process 42 (java)",
            "BackoffLimitExceeded: Job has reached the specified backoff limit");

    @Test
    void eventsOfTheJobAndItsPodsOldestFirstNewestKept() {
        createEvents();
        assertThat(watcher.fetchEvents(failed, 100)).containsExactlyElementsOf(ALL);
        assertThat(watcher.fetchEvents(failed, 2)).containsExactlyElementsOf(ALL.subList(4, 6));
        assertThat(watcher.fetchEvents(failed, 0)).isEmpty();
        // by field selector per object, never a namespace-wide list
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("/events")).isNotEmpty()
                .allSatisfy(p -> assertThat(p).contains("fieldSelector=involvedObject.uid%3D"));
    }

    @Test
    void eventsOfPodsThatAreGoneAreFoundByTheNamesTheJobMentions() {
        createEvents();
        cluster.admin.pods().inNamespace(NS).withName(OLD_POD).delete();
        cluster.admin.pods().inNamespace(NS).withName(NEW_POD).delete();
        assertThat(watcher.fetchEvents(failed, 100)).containsExactlyElementsOf(ALL);
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("/events"))
                .allSatisfy(p -> assertThat(p).containsAnyOf("fieldSelector=involvedObject.uid%3D",
                        "fieldSelector=involvedObject.name%3D"));
    }

    @Test
    void readsWorkBeforeStartWithTheHostsClient() {
        createEvents();
        KubernetesCronJobWatcher notStarted = newWatcher();
        assertThat(notStarted.fetchEvents(failed, 1)).containsExactly(ALL.get(5));
        assertThat(notStarted.fetchLogTail(failed, new LogRequest(null, false, 1, 1024))).contains("main line 500\n");
    }
}
