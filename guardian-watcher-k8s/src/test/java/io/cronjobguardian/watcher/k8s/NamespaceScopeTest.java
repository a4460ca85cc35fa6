package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.DELETED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Which namespaces are watched: all, a list, or a label selector followed through relabelling; minus ignored ones. */
class NamespaceScopeTest extends WatcherTestSupport {

    private void cronJobAndJobIn(String ns) {
        cluster.createCronJob(ns, "report", "0 * * * *");
        cluster.createRunningJob(ns, "report", "report-29000000", Instant.ofEpochSecond(29000000L * 60), false);
    }

    private Set<String> namespacesDelivered() {
        return events.events().stream()
                .map(e -> e.cronJob() != null ? e.cronJob().ref().namespace() : e.job().namespace())
                .collect(Collectors.toSet());
    }

    private Set<String> cronJobNamespaces(KubernetesCronJobWatcher w) {
        return w.cronJobs().stream().map(c -> c.ref().namespace()).collect(Collectors.toSet());
    }

    @Test
    void everyNamespaceByDefault() {
        cronJobAndJobIn("ns1");
        cronJobAndJobIn("ns2");
        KubernetesCronJobWatcher w = startWatcher();
        assertThat(cronJobNamespaces(w)).containsExactlyInAnyOrder("ns1", "ns2");
        assertThat(w.watchedNamespaces()).containsExactly("*");
        assertThat(w.namespaceLabels("ns1")).as("namespaces are not watched").isEmpty();
    }

    @Test
    void namespaceListWatchesOnlyThoseNamespacesWithNamespacedRequests() {
        cronJobAndJobIn("ns1");
        cronJobAndJobIn("ns2");
        cronJobAndJobIn("ns3");
        KubernetesCronJobWatcher w = startWatcher("watcher.namespaces", "ns1, ns2");
        // hasSynced means the initial lists were delivered
        assertThat(cronJobNamespaces(w)).containsExactlyInAnyOrder("ns1", "ns2");
        cronJobAndJobIn("ns4");
        cluster.createCronJob("ns1", "late", "0 * * * *");
        events.awaitCronJob(ADDED, CronJobRef.of("ns1", "late"), c -> true, TIMEOUT);
        assertThat(namespacesDelivered()).containsExactlyInAnyOrder("ns1", "ns2");
        assertThat(w.watchedNamespaces()).containsExactlyInAnyOrder("ns1", "ns2");
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("cronjobs") || p.contains("/jobs"))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p).containsAnyOf("/namespaces/ns1/", "/namespaces/ns2/"));
    }

    @Test
    void ignoredNamespacesAreFilteredOnTheServerAndNeverDelivered() {
        cronJobAndJobIn("ns1");
        cronJobAndJobIn("kube-system");
        cronJobAndJobIn("sandbox");
        KubernetesCronJobWatcher w = startWatcher("watcher.ignoredNamespaces", "kube-system,sandbox");
        cluster.createCronJob("sandbox", "late", "0 * * * *");
        cluster.createCronJob("ns1", "late", "0 * * * *");
        events.awaitCronJob(ADDED, CronJobRef.of("ns1", "late"), c -> true, TIMEOUT);
        assertThat(namespacesDelivered()).containsExactly("ns1");
        assertThat(cronJobNamespaces(w)).containsExactly("ns1");
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("/apis/batch/v1/cronjobs"))
                .allSatisfy(p -> assertThat(p).contains("fieldSelector=metadata.namespace%21%3Dkube-system")
                        .contains("metadata.namespace%21%3Dsandbox"));
    }

    @Test
    void ignoredNamespacesWinOverTheList() {
        cronJobAndJobIn("ns1");
        cronJobAndJobIn("ns2");
        KubernetesCronJobWatcher w = startWatcher("watcher.namespaces", "ns1,ns2", "watcher.ignoredNamespaces", "ns2");
        assertThat(w.watchedNamespaces()).containsExactly("ns1");
        assertThat(cronJobNamespaces(w)).containsExactly("ns1");
    }

    @Test
    void selectorFollowsNamespaceLabelChanges() {
        cluster.createNamespace("pay", Map.of("team", "payments"));
        cluster.createNamespace("search", Map.of("team", "search"));
        cluster.createNamespace("plain", Map.of());
        cluster.createNamespace("pay-sandbox", Map.of("team", "payments"));
        for (String ns : new String[] {"pay", "search", "plain", "pay-sandbox"}) {
            cronJobAndJobIn(ns);
        }
        KubernetesCronJobWatcher w = startWatcher("watcher.namespaceSelector", "team=payments",
                "watcher.ignoredNamespaces", "pay-sandbox");
        // hasSynced covers the namespaces selected at start
        assertThat(cronJobNamespaces(w)).containsExactly("pay");
        assertThat(w.jobs(CronJobRef.of("pay", "report"))).hasSize(1);
        assertThat(w.namespaceLabels("pay")).contains(Map.of("team", "payments"));
        assertThat(w.namespaceLabels("pay-sandbox")).as("ignored").isEmpty();

        // search joins the selection: its CronJob and Job arrive as ADDED
        cluster.relabelNamespace("search", Map.of("team", "payments", "tier", "gold"));
        events.awaitCronJob(ADDED, CronJobRef.of("search", "report"), c -> true, TIMEOUT);
        events.awaitJob(ADDED, "search", "report-29000000", j -> true, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> w.namespaceLabels("search")
                .equals(java.util.Optional.of(Map.of("team", "payments", "tier", "gold"))));

        // pay leaves it: its objects are delivered as DELETED and leave the cache
        cluster.relabelNamespace("pay", Map.of("team", "other"));
        CronJobSnapshot gone = events.awaitCronJob(DELETED, CronJobRef.of("pay", "report"), c -> true, TIMEOUT);
        assertThat(gone.ref()).isEqualTo(CronJobRef.of("pay", "report"));
        events.awaitJob(DELETED, "pay", "report-29000000", j -> true, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> cronJobNamespaces(w).equals(Set.of("search")));
        assertThat(w.jobs(CronJobRef.of("pay", "report"))).isEmpty();
        assertThat(w.watchedNamespaces()).containsExactly("search");

        // changes in a namespace that left are not delivered; back in, it is delivered again
        cluster.createCronJob("pay", "late", "0 * * * *");
        cluster.createNamespace("pay2", Map.of("team", "payments"));
        cluster.createCronJob("pay2", "first", "0 * * * *");
        events.awaitCronJob(ADDED, CronJobRef.of("pay2", "first"), c -> true, TIMEOUT);
        assertThat(events.find(e -> e.isCronJob(CronJobRef.of("pay", "late")))).isEmpty();
        cluster.relabelNamespace("pay", Map.of("team", "payments"));
        events.awaitCronJob(ADDED, CronJobRef.of("pay", "late"), c -> true, TIMEOUT);
        assertThat(events.events(e -> e.isCronJob(CronJobRef.of("pay", "report"))))
                .extracting(Event::type).containsExactly(ADDED, DELETED, ADDED);
        assertThat(namespacesDelivered()).doesNotContain("plain", "pay-sandbox");
        // no cluster-wide CronJob or Job requests with a selector
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("/apis/batch/v1/"))
                .allSatisfy(p -> assertThat(p).contains("/namespaces/"));
    }

    @Test
    void namespaceLabelsWithoutSelectorWhenAskedFor() {
        cluster.createNamespace("ns1", Map.of("env", "prod"));
        cronJobAndJobIn("ns1");
        KubernetesCronJobWatcher w = startWatcher("watcher.watchNamespaces", "true");
        assertThat(w.namespaceLabels("ns1")).contains(Map.of("env", "prod"));
        cluster.relabelNamespace("ns1", Map.of("env", "staging"));
        await().atMost(TIMEOUT).until(() -> w.namespaceLabels("ns1").equals(java.util.Optional.of(
                Map.of("env", "staging"))));
        assertThat(cronJobNamespaces(w)).containsExactly("ns1");
    }
}
