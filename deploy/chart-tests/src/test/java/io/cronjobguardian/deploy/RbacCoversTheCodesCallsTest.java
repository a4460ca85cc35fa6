package io.cronjobguardian.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's RBAC against the API calls the code really makes: the Kubernetes watcher (informers, the pods, log
 * and events of a failed run), the Lease elector (acquire, renew, watch, release) and the actions (trigger a run,
 * suspend) run against the project's mock API server, which records every request of the client under test. Each
 * recorded call must be allowed by the rendered Roles/ClusterRoles bound to the chart's ServiceAccount, and each
 * rendered rule (group, resource, verb, scope) must be used by some call: exactly what the code needs.
 */
class RbacCoversTheCodesCallsTest {

    private static final String NS = "team-a";
    private static final CronJobRef REF = CronJobRef.of(NS, "backup");

    private final DbTarget db = DbTarget.postgres();

    @AfterEach
    void dropSchemas() {
        db.dropAll();
    }

    /** One API call: group ("" for core), resource (with /subresource), verb, namespace (null = cluster-wide). */
    record Call(String group, String resource, String verb, String namespace) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                    + (namespace == null ? " (all namespaces)" : " in " + namespace);
        }
    }

    private static final Pattern PATH = Pattern.compile(
            "^(GET|POST|PUT|PATCH|DELETE) /(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/?]+))?/([^/?]+)"
                    + "(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    static Call parse(String request) {
        Matcher m = PATH.matcher(request);
        if (!m.matches()) {
            throw new AssertionError("unrecognised API request " + request);
        }
        String method = m.group(1);
        String group = m.group(2) == null ? "" : m.group(2);
        String resource = m.group(4) + (m.group(6) != null ? "/" + m.group(6) : "");
        boolean named = m.group(5) != null;
        String query = m.group(7) == null ? "" : m.group(7);
        String verb = switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") || query.contains("watch=1") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            default -> "delete";
        };
        return new Call(group, resource, verb, m.group(3));
    }

    /** A rule granted to the ServiceAccount: in one namespace (Role) or every namespace (ClusterRole). */
    record Grant(String group, String resource, String verb, String namespace) {
        boolean allows(Call c) {
            return group.equals(c.group()) && resource.equals(c.resource()) && verb.equals(c.verb())
                    && (namespace == null || namespace.equals(c.namespace()));
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                    + (namespace == null ? " (ClusterRole)" : " (Role in " + namespace + ")");
        }
    }

    static Set<Grant> grants(Chart.Rendered r) {
        String sa = r.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).get(0).getMetadata().getName();
        Set<Grant> out = new LinkedHashSet<>();
        for (ClusterRoleBinding b : r.all(ClusterRoleBinding.class)) {
            if (bindsTo(b.getSubjects(), sa)) {
                ClusterRole role = r.all(ClusterRole.class).stream()
                        .filter(x -> x.getMetadata().getName().equals(b.getRoleRef().getName())).findFirst()
                        .orElseThrow();
                add(out, role.getRules(), null);
            }
        }
        for (RoleBinding b : r.all(RoleBinding.class)) {
            if (bindsTo(b.getSubjects(), sa)) {
                assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
                Role role = r.all(Role.class).stream()
                        .filter(x -> x.getMetadata().getName().equals(b.getRoleRef().getName())
                                && x.getMetadata().getNamespace().equals(b.getMetadata().getNamespace()))
                        .findFirst().orElseThrow();
                add(out, role.getRules(), role.getMetadata().getNamespace());
            }
        }
        // nothing is granted to anyone else, and no role is left unbound
        assertThat(r.all(ClusterRole.class)).hasSize(r.all(ClusterRoleBinding.class).size());
        assertThat(r.all(Role.class)).hasSize(r.all(RoleBinding.class).size());
        return out;
    }

    private static boolean bindsTo(List<Subject> subjects, String sa) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && sa.equals(s.getName())
                && Chart.NAMESPACE.equals(s.getNamespace()));
    }

    private static void add(Set<Grant> out, List<PolicyRule> rules, String namespace) {
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("no resourceNames").isNullOrEmpty();
            for (String g : rule.getApiGroups()) {
                for (String res : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        assertThat(v).as("no wildcard verbs").isNotEqualTo("*");
                        assertThat(res).as("no wildcard resources").isNotEqualTo("*");
                        out.add(new Grant(g, res, v, namespace));
                    }
                }
            }
        }
    }

    /**
     * Runs a replica of the real engine (watcher, elector, PostgreSQL store) against the mock API server through
     * the client under test, makes it read a failed run's context, renew and release its Lease and, with actions,
     * trigger a run and suspend the CronJob; returns every call it made.
     */
    Set<Call> callsOfTheCode(boolean namespaced, boolean actions) throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            KubernetesClient admin = api.adminClient();
            CronJob cj = admin.batch().v1().cronjobs().inNamespace(NS).resource(new CronJobBuilder()
                    .withNewMetadata().withName("backup").withNamespace(NS).endMetadata()
                    .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withNewTemplate()
                    .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer()
                    .withRestartPolicy("Never").endSpec().endTemplate().endSpec().endJobTemplate().endSpec()
                    .build()).create();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            admin.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata()
                    .withName("backup-1").withNamespace(NS).addNewOwnerReference().withApiVersion("batch/v1")
                    .withKind("CronJob").withName("backup").withUid(cj.getMetadata().getUid()).withController(true)
                    .endOwnerReference().endMetadata()
                    .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("main")
                    .withImage("busybox").endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec()
                    .withNewStatus().withStartTime(now.minusSeconds(120).toString()).withFailed(1)
                    .addNewCondition().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
                    .withLastTransitionTime(now.minusSeconds(60).toString()).endCondition().endStatus().build())
                    .create();
            admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("backup-1-abcde")
                    .withNamespace(NS).addToLabels("job-name", "backup-1").endMetadata()
                    .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer().endSpec()
                    .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("main")
                    .withNewState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
                    .endState().endContainerStatus().endStatus().build()).create();
            api.setPodLog(NS, "backup-1-abcde", "main", "connecting\nboom\n");
            admin.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("backup-1.1")
                    .withNamespace(NS).endMetadata().withNewInvolvedObject().withKind("Job").withName("backup-1")
                    .withNamespace(NS).withUid("x").endInvolvedObject().withReason("BackoffLimitExceeded")
                    .withMessage("Job has reached the specified backoff limit").withType("Warning").build())
                    .create();

            KubernetesClient underTest = api.newClient(api.clientUnderTestConfig());
            Settings settings = db.freshDatabase()
                    .with("watcher.type", "kubernetes")
                    .with("leaderElection.enabled", "true")
                    .with("leaderElection.type", "kubernetes")
                    .with("leaderElection.namespace", Chart.NAMESPACE)
                    .with("leaderElection.leaseDuration", "2s")
                    .with("leaderElection.renewDeadline", "1s")
                    .with("leaderElection.retryPeriod", "200ms")
                    .with("storage.logStorageEnabled", "true")
                    .with("storage.eventStorageEnabled", "true")
                    .with("scheduler.startupGracePeriod", "0s");
            if (namespaced) {
                settings = settings.with("watcher.namespaces", NS);
            }
            GuardianConfig config = GuardianConfig.builder().noEnvironment().settings(settings).build();
            Guardian guardian = Guardian.builder().config(config).monitor(MonitorSpec.of(NS, "all"))
                    .service(KubernetesClient.class, underTest).shutdownTimeout(Duration.ofSeconds(10)).build();
            try {
                guardian.start();
                // the failed run's context is read (pods, log, events) and stored; the Lease is renewed
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    List<String> reqs = api.requestsUnderTest();
                    return reqs.stream().anyMatch(q -> q.contains("/log"))
                            && reqs.stream().anyMatch(q -> q.contains("/events"))
                            && reqs.stream().filter(q -> q.startsWith("PUT ") && q.contains("/leases/")).count() >= 2;
                });
                if (actions) {
                    guardian.triggerRun(REF);
                    guardian.setSuspended(REF, true);
                }
            } finally {
                guardian.close(); // releases the Lease
            }
            Set<Call> calls = new TreeSet<>(java.util.Comparator.comparing(Call::toString));
            api.requestsUnderTest().forEach(q -> calls.add(parse(q)));
            return calls;
        }
    }

    @ParameterizedTest(name = "watching {0}")
    @ValueSource(strings = {"every namespace", "one namespace"})
    void theRenderedRbacAllowsEveryCallAndNothingMore(String scope) throws Exception {
        boolean namespaced = scope.equals("one namespace");
        Set<Call> calls = callsOfTheCode(namespaced, true);
        // what the code is known to call (so that a silent change of the recording cannot empty the test)
        assertThat(calls.stream().map(Call::toString)).contains(
                "get coordination.k8s.io/leases in " + Chart.NAMESPACE,
                "update coordination.k8s.io/leases in " + Chart.NAMESPACE,
                "list pods in " + NS, "get pods/log in " + NS, "list events in " + NS,
                "patch batch/cronjobs in " + NS, "create batch/jobs in " + NS)
                .anyMatch(c -> c.startsWith("watch batch/cronjobs"))
                .anyMatch(c -> c.startsWith("watch batch/jobs"));

        List<Object> sets = new ArrayList<>(List.of("actions.enabled", true));
        if (namespaced) {
            sets.addAll(List.of("config.watcher.namespaces[0]", NS));
        }
        Set<Grant> grants = grants(Chart.render(List.of(Chart.HA_PRODUCTION), sets.toArray()));

        List<String> denied = new ArrayList<>();
        for (Call c : calls) {
            if (grants.stream().noneMatch(g -> g.allows(c))) {
                denied.add(c.toString());
            }
        }
        assertThat(denied).as("calls the chart's RBAC does not allow; granted: " + grants).isEmpty();
        List<String> unused = new ArrayList<>();
        for (Grant g : grants) {
            if (calls.stream().noneMatch(g::allows)) {
                unused.add(g.toString());
            }
        }
        assertThat(unused).as("granted but never called; calls: " + calls).isEmpty();
        if (namespaced) {
            assertThat(grants).allMatch(g -> g.namespace() != null, "only Roles when the namespaces are listed");
        }
    }

    @Test
    void withoutActionsNothingIsWritten() throws Exception {
        Set<Grant> grants = grants(Chart.render(List.of(Chart.HA_PRODUCTION)));
        assertThat(grants).noneMatch(g -> g.group().equals("batch")
                && !Set.of("get", "list", "watch").contains(g.verb()));
        Set<Call> calls = callsOfTheCode(false, false);
        for (Call c : calls) {
            assertThat(grants).as("%s is allowed", c).anyMatch(g -> g.allows(c));
        }
        // and without leader election there is no Lease role
        assertThat(grants(Chart.render(List.of(), "actions.enabled", false))).noneMatch(g -> g.resource()
                .equals("leases"));
    }
}
