package io.cronjobguardian.testkit.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/** What {@link MockApiServer} does beyond fabric8's plain CRUD mode, over real HTTP on loopback. */
class MockApiServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2020-01-02T03:04:05Z");

    private final MockApiServer api = MockApiServer.start(Clock.fixed(T0, ZoneOffset.UTC));
    private final KubernetesClient admin = api.adminClient();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        api.close();
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToData("k", "v").build();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + pathAndQuery)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createdObjectsCarryTheGivenClocksCreationTimestampInTheAnswerAndTheStore() {
        ConfigMap created = admin.configMaps().inNamespace("default").resource(configMap("a")).create();

        assertThat(created.getMetadata().getCreationTimestamp()).isEqualTo("2020-01-02T03:04:05Z");
        assertThat(admin.configMaps().inNamespace("default").withName("a").get().getMetadata()
                .getCreationTimestamp()).isEqualTo("2020-01-02T03:04:05Z");
    }

    @Test
    void podLogsAreServedLikeTheKubelet() throws Exception {
        admin.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p")
                .withNamespace("default").endMetadata().withNewSpec()
                .addNewInitContainer().withName("setup").withImage("busybox").endInitContainer()
                .addNewContainer().withName("main").withImage("busybox").endContainer()
                .addNewContainer().withName("helper").withImage("busybox").endContainer()
                .endSpec().build()).create();
        api.setPodLog("default", "p", "main", "one\ntwo\nthree\n");
        String log = "api/v1/namespaces/default/pods/p/log";

        assertThat(get(log + "?container=main&tailLines=2").body()).isEqualTo("two\nthree\n");
        // tailLines first, then limitBytes keeps the head of what is left
        assertThat(get(log + "?container=main&tailLines=2&limitBytes=5").body()).isEqualTo("two\nt");
        assertThat(get(log + "?container=helper").body()).isEmpty();          // wrote nothing
        assertThat(get(log + "?container=setup").statusCode()).isEqualTo(200); // init containers count
        assertThat(get(log + "?container=nope").statusCode()).isEqualTo(400);
        assertThat(get(log).statusCode()).isEqualTo(400);                      // two containers: name one
        assertThat(get("api/v1/namespaces/default/pods/gone/log?container=main").statusCode()).isEqualTo(404);

        api.removePodLogs("default", "p");
        assertThat(api.podLogCount()).isZero();
        assertThat(get(log + "?container=main").body()).isEmpty();
    }

    @Test
    void eventListsHonourInvolvedObjectFieldSelectors() {
        for (String name : List.of("job-a", "job-b")) {
            admin.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata()
                    .withName(name + ".1").withNamespace("default").endMetadata().withNewInvolvedObject()
                    .withKind("Job").withName(name).withNamespace("default").endInvolvedObject()
                    .withReason("Created").build()).create();
        }

        assertThat(admin.v1().events().inNamespace("default").withField("involvedObject.name", "job-a").list()
                .getItems()).extracting(e -> e.getInvolvedObject().getName()).containsExactly("job-a");
    }

    @Test
    void aWatchGetsOnlyWhatIsNewerThanTheVersionItAskedFor() {
        api.resumeWatchesAfterResourceVersion(true);
        admin.configMaps().inNamespace("default").resource(configMap("old")).create();
        String rv = admin.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = admin.configMaps().inNamespace("default").watch(
                new ListOptionsBuilder().withResourceVersion(rv).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        seen.add(action + " " + cm.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            await().atMost(TIMEOUT).until(() -> api.openWatchCount() == 1);
            admin.configMaps().inNamespace("default").resource(configMap("new")).create();

            await().atMost(TIMEOUT).until(() -> seen.contains("ADDED new"));
            assertThat(seen).containsExactly("ADDED new");
        }
    }

    @ParameterizedTest(name = "resume filter {0}")
    @ValueSource(booleans = {true, false})
    void aWatchFromBeforeADeletionGetsTheDeletion(boolean resumeFilter) {
        api.resumeWatchesAfterResourceVersion(resumeFilter);
        admin.configMaps().inNamespace("default").resource(configMap("listed")).create();
        ConfigMap elsewhere = configMap("elsewhere");
        elsewhere.getMetadata().setNamespace("other");
        admin.configMaps().inNamespace("other").resource(elsewhere).create();
        String rv = admin.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        // deleted between the list and the watch (a watcher starting, or its watch reconnecting)
        admin.configMaps().inNamespace("default").withName("listed").delete();
        admin.configMaps().inNamespace("other").withName("elsewhere").delete();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch w = admin.configMaps().inNamespace("default").watch(
                new ListOptionsBuilder().withResourceVersion(rv).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        seen.add(action + " " + cm.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            await().atMost(TIMEOUT).until(() -> seen.contains("DELETED listed"));
            admin.configMaps().inNamespace("default").resource(configMap("new")).create();
            await().atMost(TIMEOUT).until(() -> seen.contains("ADDED new"));
            assertThat(seen).containsExactly("DELETED listed", "ADDED new");
        }
    }

    @Test
    void afterCompactionAWatchFromAnOlderVersionIsGone() throws Exception {
        admin.configMaps().inNamespace("default").resource(configMap("a")).create();
        String rv = admin.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        api.compact();
        CompletableFuture<WatcherException> closed = new CompletableFuture<>();
        try (Watch w = admin.configMaps().inNamespace("default").watch(
                new ListOptionsBuilder().withResourceVersion(rv).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.complete(cause);
                    }
                })) {
            assertThat(closed.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).isHttpGone()).isTrue();
        }
    }

    @Test
    void droppedAndClosedWatchesLeaveTheServerAnsweringWrites() {
        Watch w = admin.configMaps().inNamespace("default").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        await().atMost(TIMEOUT).until(() -> api.openWatchCount() == 1);
        for (int i = 0; i < 20; i++) {
            admin.configMaps().inNamespace("default").resource(configMap("cm-" + i)).create();
        }
        assertThat(api.dropWatches()).isEqualTo(1);
        for (int i = 20; i < 40; i++) {
            assertThat(admin.configMaps().inNamespace("default").resource(configMap("cm-" + i)).create())
                    .isNotNull();
        }
        w.close();
        for (int i = 40; i < 60; i++) {
            assertThat(admin.configMaps().inNamespace("default").resource(configMap("cm-" + i)).create())
                    .isNotNull();
        }
        await().atMost(TIMEOUT).until(() -> api.openWatchCount() == 0);
        assertThat(admin.configMaps().inNamespace("default").list().getItems()).hasSize(60);
    }

    @Test
    void aPartitionCutsOffOnlyTheClientUnderTestAndItsRequestsAreRecorded() {
        KubernetesClient underTest = api.newClient(api.clientUnderTestConfig());
        underTest.configMaps().inNamespace("default").list();
        assertThat(api.requestsUnderTest()).containsExactly("GET /api/v1/namespaces/default/configmaps");

        api.partition(true);
        assertThatThrownBy(() -> underTest.configMaps().inNamespace("default").list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));
        assertThat(admin.configMaps().inNamespace("default").list().getItems()).isEmpty();

        api.partition(false);
        api.clearRequestsUnderTest();
        assertThat(underTest.configMaps().inNamespace("default").list().getItems()).isEmpty();
        assertThat(api.requestsUnderTest()).hasSize(1);
    }
}
