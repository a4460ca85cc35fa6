package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Selector semantics through the engine, on the Job path as well as the CronJob path: a {@code namespaceSelector}
 * selects only CronJobs whose namespace labels match (the operator's Job path accepted any namespace, audit weak
 * spot 22), and ignored namespaces are never selected.
 */
class SelectorEngineTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    /**
     * A watcher that knows namespace labels: delegates everything to a {@link ScriptableCronJobWatcher} and answers
     * {@link #namespaceLabels} from a map the test fills.
     */
    static final class NamespaceLabellingWatcher implements CronJobWatcher {
        private final ScriptableCronJobWatcher delegate;
        private final Map<String, Map<String, String>> labels = new HashMap<>();

        NamespaceLabellingWatcher(ScriptableCronJobWatcher delegate) {
            this.delegate = delegate;
        }

        NamespaceLabellingWatcher label(String namespace, Map<String, String> namespaceLabels) {
            synchronized (labels) {
                labels.put(namespace, Map.copyOf(namespaceLabels));
            }
            return this;
        }

        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            synchronized (labels) {
                return Optional.ofNullable(labels.get(namespace));
            }
        }

        @Override
        public void start(WatchListener listener) {
            delegate.start(listener);
        }

        @Override
        public boolean hasSynced() {
            return delegate.hasSynced();
        }

        @Override
        public Collection<CronJobSnapshot> cronJobs() {
            return delegate.cronJobs();
        }

        @Override
        public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
            return delegate.cronJob(ref);
        }

        @Override
        public Collection<JobSnapshot> jobs(CronJobRef owner) {
            return delegate.jobs(owner);
        }

        @Override
        public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            return delegate.fetchLogTail(job, request);
        }

        @Override
        public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            return delegate.fetchEvents(job, maxEvents);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    static EngineHarness withNamespaceLabels(List<MonitorSpec> monitors, Map<String, Map<String, String>> nsLabels,
            Consumer<GuardianConfig.Builder> config) {
        ScriptableCronJobWatcher scriptable = new ScriptableCronJobWatcher();
        NamespaceLabellingWatcher labelled = new NamespaceLabellingWatcher(scriptable);
        nsLabels.forEach(labelled::label);
        return new EngineHarness(new ManualClock(T0), monitors, new InMemoryHistoryStore(), scriptable, labelled,
                config, b -> { });
    }

    private static MonitorSpec.Selector namespaceSelector(MonitorSpec.LabelSelector s) {
        return new MonitorSpec.Selector(Map.of(), List.of(), List.of(), List.of(), s, false);
    }

    private static JobSnapshot fail(EngineHarness h, CronJobRef owner, String uid) {
        JobSnapshot j = TestObjects.job(owner).name(owner.name() + "-" + uid).uid(uid).scheduled(T0)
                .failed(T0, Duration.ofSeconds(10)).exitCode(2, "Error").build();
        h.watcher.addJob(j);
        h.run();
        return j;
    }

    @Test
    void namespaceSelectorSelectsOnlyNamespacesWhoseLabelsMatchOnTheJobPathToo() {
        MonitorSpec byLabel = MonitorSpec.builder("ops", "prod-only")
                .selector(namespaceSelector(new MonitorSpec.LabelSelector(Map.of("env", "prod"), List.of()))).build();
        try (EngineHarness h = withNamespaceLabels(List.of(byLabel), Map.of(
                "shop", Map.of("env", "prod", "team", "shop"),
                "sandbox", Map.of("env", "dev")), c -> { }).start()) {
            h.advance(Duration.ofMinutes(1));
            CronJobSnapshot prod = h.addCronJob(TestObjects.cronJob("shop", "billing").schedule("0 * * * *"));
            CronJobSnapshot dev = h.addCronJob(TestObjects.cronJob("sandbox", "billing").schedule("0 * * * *"));
            CronJobSnapshot unlabelled = h.addCronJob(TestObjects.cronJob("nolabels", "billing")
                    .schedule("0 * * * *"));
            fail(h, prod.ref(), "p1");
            fail(h, dev.ref(), "d1");
            fail(h, unlabelled.ref(), "u1");
            // a Job that arrives before its CronJob, in a namespace the monitor does not select
            CronJobRef lateDev = new CronJobRef("sandbox", "late");
            fail(h, lateDev, "l1");
            h.addCronJob(TestObjects.cronJob("sandbox", "late").schedule("0 * * * *"));

            assertThat(h.openIncidents()).singleElement().satisfies(i -> {
                assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED);
                assertThat(i.key().cronJob()).isEqualTo(prod.ref());
                assertThat(i.key().monitor()).isEqualTo("ops/prod-only");
            });
            assertThat(h.guardian.monitorStatus("ops/prod-only")).get().satisfies(ms -> {
                assertThat(ms.cronJobs()).extracting(s -> s.ref().toString()).containsExactly("shop/billing");
                assertThat(ms.critical()).isEqualTo(1);
            });
            assertThat(h.guardian.status(dev.ref())).get().satisfies(s -> {
                assertThat(s.monitors()).isEmpty();
                assertThat(s.openIncidents()).isEmpty();
            });
            // every run is recorded, selected or not (the operator recorded nothing without a monitor)
            assertThat(h.runs(prod.ref())).isEqualTo(1);
            assertThat(h.runs(dev.ref())).isEqualTo(1);
            assertThat(h.runs(unlabelled.ref())).isEqualTo(1);
            assertThat(h.runs(lateDev)).isEqualTo(1);
        }
    }

    @Test
    void namespaceSelectorWithExpressionsAndTheEmptySelectorThatSelectsEveryNamespace() {
        MonitorSpec notDev = MonitorSpec.builder("ops", "not-dev")
                .selector(namespaceSelector(new MonitorSpec.LabelSelector(Map.of(), List.of(
                        new MonitorSpec.LabelRequirement("env", MonitorSpec.Operator.EXISTS, List.of()),
                        new MonitorSpec.LabelRequirement("env", MonitorSpec.Operator.NOT_IN, List.of("dev"))))))
                .build();
        MonitorSpec every = MonitorSpec.builder("ops", "every")
                .selector(namespaceSelector(MonitorSpec.LabelSelector.everything())).build();
        try (EngineHarness h = withNamespaceLabels(List.of(notDev, every), Map.of(
                "shop", Map.of("env", "prod"), "stage", Map.of("env", "staging"), "sandbox", Map.of("env", "dev")),
                c -> { }).start()) {
            for (String ns : List.of("shop", "stage", "sandbox", "nolabels")) {
                CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob(ns, "job").schedule("0 * * * *"));
                fail(h, cj.ref(), ns + "-1");
            }
            assertThat(h.openIncidents()).filteredOn(i -> i.key().monitor().equals("ops/not-dev"))
                    .extracting(i -> i.key().cronJob().namespace()).containsExactlyInAnyOrder("shop", "stage");
            assertThat(h.openIncidents()).filteredOn(i -> i.key().monitor().equals("ops/every"))
                    .extracting(i -> i.key().cronJob().namespace())
                    .containsExactlyInAnyOrder("shop", "stage", "sandbox", "nolabels");
        }
    }

    @Test
    void ignoredNamespacesAreNeverSelectedWhateverTheScope() {
        MonitorSpec all = MonitorSpec.builder("ops", "all")
                .selector(new MonitorSpec.Selector(Map.of(), List.of(), List.of(), List.of(), null, true)).build();
        MonitorSpec listed = MonitorSpec.builder("ops", "listed")
                .selector(new MonitorSpec.Selector(Map.of(), List.of(), List.of(), List.of("kube-system", "shop"),
                        null, false)).build();
        MonitorSpec byLabel = MonitorSpec.builder("ops", "by-label")
                .selector(namespaceSelector(new MonitorSpec.LabelSelector(Map.of("critical", "yes"), List.of())))
                .build();
        MonitorSpec own = MonitorSpec.of("kube-system", "own");
        try (EngineHarness h = withNamespaceLabels(List.of(all, listed, byLabel, own), Map.of(
                "kube-system", Map.of("critical", "yes"), "shop", Map.of("critical", "yes")),
                c -> c.set("watcher.ignoredNamespaces", "kube-system,kube-public")).start()) {
            assertThat(h.guardian.config().ignoredNamespaces()).containsExactlyInAnyOrder("kube-system",
                    "kube-public");
            CronJobSnapshot ignored = h.addCronJob(TestObjects.cronJob("kube-system", "etcd-defrag")
                    .schedule("0 * * * *"));
            CronJobSnapshot shop = h.addCronJob(TestObjects.cronJob("shop", "billing").schedule("0 * * * *"));
            fail(h, ignored.ref(), "k1");
            fail(h, shop.ref(), "s1");

            assertThat(h.openIncidents()).extracting(i -> i.key().monitor() + " " + i.key().cronJob())
                    .containsExactlyInAnyOrder("ops/all shop/billing", "ops/listed shop/billing",
                            "ops/by-label shop/billing");
            for (MonitorStatus ms : h.guardian.monitorStatuses()) {
                assertThat(ms.cronJobs()).as(ms.id()).noneMatch(s -> s.ref().equals(ignored.ref()));
            }
            assertThat(h.guardian.monitorStatus("kube-system/own")).get()
                    .satisfies(ms -> assertThat(ms.total()).isZero());
            assertThat(h.guardian.status(ignored.ref())).get()
                    .satisfies(s -> assertThat(s.monitors()).isEmpty());
        }
    }
}
