package io.cronjobguardian.testkit.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory Kubernetes API server for tests and demos: fabric8's {@link KubernetesMockServer} in CRUD mode (real
 * HTTP on {@code 127.0.0.1} and a random port, objects kept in memory, watches over WebSockets, optimistic locking
 * with 409 on a stale {@code resourceVersion}; no Docker, nothing downloaded). It runs no controllers: the test (or
 * a simulator) creates Jobs, pods and events and sets their status.
 *
 * <p>Where fabric8's plain CRUD mode differs from a real API server in ways a watcher notices, this one behaves like
 * the real one:
 * <ul>
 *   <li><b>Watch resume</b> (on with {@link #resumeWatchesAfterResourceVersion}): a watch receives only events newer
 *       than the {@code resourceVersion} it asked for (the CRUD mock replays every object as ADDED); after
 *       {@link #compact()} a watch resuming from an older version gets the {@code ERROR 410 Gone} event and must
 *       relist.</li>
 *   <li><b>No deletion is lost to a watch</b>: a watch that asks for a {@code resourceVersion} gets a {@code DELETED}
 *       event for every matching object deleted after it (the CRUD mock replays only the objects that exist, so an
 *       object deleted between a watcher's list and its watch, or while its watch reconnected, stayed in the
 *       watcher's cache for ever); the last 10,000 deletions are kept, a watch from before them gets
 *       {@code 410 Gone}.</li>
 *   <li><b>Field selectors:</b> watches honour {@code metadata.namespace!=} (fabric8 7.8.0 mistakes it for a
 *       by-name watch and matches nothing); event lists honour {@code involvedObject.*} (fabric8 only knows
 *       {@code metadata.*}).</li>
 *   <li><b>Pod logs</b> like the kubelet ({@code GET .../pods/<name>/log}): texts set with {@link #setPodLog}, the
 *       container must be one of the pod's (optional when it has one), {@code tailLines} first, then
 *       {@code limitBytes} keeps the head; a container that wrote nothing has an empty log.</li>
 *   <li><b>Creation timestamps</b> come from the given clock (fabric8 writes the wall clock), so an accelerated or
 *       manual clock stays consistent; a create answers with the stored object.</li>
 *   <li><b>Closing watches do not stall the server:</b> fabric8 7.8.0 waits on the Vert.x event loop for a closing
 *       watch's send executor, whose pending send waits for that same event loop, and unregisters the watch only
 *       afterwards (a write in that window never gets a response). Here a closing watch is unregistered at once,
 *       under the CRUD lock, and the rest of its closing runs off the event loop.</li>
 *   <li>Expectations ({@code server().expect()}) win over the CRUD store, as in fabric8's mixed mode.</li>
 * </ul>
 *
 * <p>Outage controls act on the <em>client under test</em>, a client whose User-Agent is
 * {@link #CLIENT_UNDER_TEST_USER_AGENT} (see {@link #clientUnderTestConfig()}); the test's own clients are not
 * affected: {@link #partition}, {@link #slowPodLists}, {@link #requestsUnderTest()}. {@link #dropWatches()},
 * {@link #compact()} and {@link #loseModifiedEventsOf} act on every watch.
 *
 * <p>fabric8 keeps every answered request for {@code takeRequest()}; a server that runs for hours would fill the
 * heap with them, so they are dropped: use {@link #requestsUnderTest()}. {@link #close()} closes every client handed
 * out and stops the server.
 */
public final class MockApiServer implements AutoCloseable {

    /** The User-Agent that marks the client under test (the one {@link #partition} and the other controls act on). */
    public static final String CLIENT_UNDER_TEST_USER_AGENT = "guardian-client-under-test";

    /** The mock web server logs every request at INFO through java.util.logging; a strong reference keeps it quiet. */
    private static final Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final ApiServerDispatcher dispatcher;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesClient admin;
    private volatile boolean closed;
    private Thread drainer;

    private MockApiServer(Clock clock) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new ApiServerDispatcher(clock, responses);
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                dispatcher, false);
    }

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.WARNING);
        return l;
    }

    /**
     * Starts a server whose creation timestamps come from {@code clock}.
     *
     * @param clock the cluster's clock (an accelerated simulation clock, a test's manual clock, or the system clock)
     * @return the running server
     */
    public static MockApiServer start(Clock clock) {
        MockApiServer s = new MockApiServer(Objects.requireNonNull(clock, "clock"));
        s.server.init(InetAddress.getLoopbackAddress(), 0);
        s.startDrainer();
        return s;
    }

    /**
     * Starts a server on the system clock.
     *
     * @return the running server
     */
    public static MockApiServer start() {
        return start(Clock.systemUTC());
    }

    private void startDrainer() {
        drainer = new Thread(() -> {
            while (!closed) {
                try {
                    server.takeRequest(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mock-api-server-request-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * The underlying fabric8 server, for expectations ({@code server().expect()}); recorded requests are not kept.
     *
     * @return the fabric8 mock server
     */
    public KubernetesMockServer server() {
        return server;
    }

    /**
     * The API server URL.
     *
     * @return {@code http://127.0.0.1:<port>/}
     */
    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort() + "/";
    }

    /**
     * The host name the server listens on.
     *
     * @return a loopback address
     */
    public String host() {
        return server.getHostName();
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getPort();
    }

    /**
     * A client configuration for this server (or for a proxy in front of it): no kubeconfig or environment is read,
     * namespace {@code default}, HTTP/1.1, short retries.
     *
     * @param masterUrl the URL to talk to, normally {@link #url()}
     * @return the configuration
     */
    public static Config clientConfig(String masterUrl) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withNamespace("default")
                .withTrustCerts(true)
                .withHttp2Disable(true)
                .withRequestTimeout(10_000)
                .withConnectionTimeout(5_000)
                .withRequestRetryBackoffLimit(2)
                .withRequestRetryBackoffInterval(100)
                .withWatchReconnectInterval(200)
                .build();
    }

    /**
     * {@link #clientConfig(String)} for this server with the User-Agent of the client under test, the one the outage
     * controls act on. Adjust it with {@code new ConfigBuilder(config)} (retries, timeouts) as the test needs.
     *
     * @return the configuration
     */
    public Config clientUnderTestConfig() {
        return new ConfigBuilder(clientConfig(url())).withUserAgent(CLIENT_UNDER_TEST_USER_AGENT).build();
    }

    /**
     * A shared client for the test itself (not the client under test); closed with the server.
     *
     * @return the admin client
     */
    public synchronized KubernetesClient adminClient() {
        checkOpen();
        if (admin == null) {
            admin = newClient();
        }
        return admin;
    }

    /**
     * A new client of this server (one per engine, as separate replicas would have); closed with the server.
     *
     * @return the client
     */
    public KubernetesClient newClient() {
        return newClient(url());
    }

    /**
     * A new client that talks to {@code masterUrl}, for example a loopback proxy in front of this server; closed
     * with the server.
     *
     * @param masterUrl the URL to talk to
     * @return the client
     */
    public KubernetesClient newClient(String masterUrl) {
        return newClient(clientConfig(masterUrl));
    }

    /**
     * A new client with the given configuration (for example {@link #clientUnderTestConfig()}); closed with the
     * server.
     *
     * @param config the client configuration
     * @return the client
     */
    public synchronized KubernetesClient newClient(Config config) {
        checkOpen();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(c);
        return c;
    }

    /**
     * A kubeconfig file text pointing at this server (for code that only takes a kubeconfig).
     *
     * @return the kubeconfig YAML
     */
    public String kubeconfigYaml() {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: simulated\n  cluster:\n    server: " + url()
                + "\ncontexts:\n- name: simulated\n  context:\n    cluster: simulated\n    user: simulated\n"
                + "    namespace: default\ncurrent-context: simulated\nusers:\n- name: simulated\n  user:\n"
                + "    token: simulated\n";
    }

    // ------------------------------------------------------------------------------------------------ pod logs

    /**
     * Serves {@code text} as the log of one container of a pod (until {@link #removePodLogs}).
     *
     * @param namespace the pod's namespace
     * @param pod       the pod's name
     * @param container the container's name
     * @param text      the whole log
     */
    public void setPodLog(String namespace, String pod, String container, String text) {
        dispatcher.setLog(namespace, pod, container, text);
    }

    /**
     * Forgets the logs of a pod.
     *
     * @param namespace the pod's namespace
     * @param pod       the pod's name
     */
    public void removePodLogs(String namespace, String pod) {
        dispatcher.removeLogs(namespace, pod);
    }

    /**
     * How many container logs are stored.
     *
     * @return the count
     */
    public int podLogCount() {
        return dispatcher.logCount();
    }

    // ------------------------------------------------------------------------------------------------ outages

    /**
     * Closes every open watch from the server side (like an API-server restart or a load balancer reset).
     *
     * @return how many watches were closed
     */
    public int dropWatches() {
        return dispatcher.dropWatches();
    }

    /**
     * While on, every request of the client under test gets 503, so it can neither reconnect nor relist.
     *
     * @param on whether the client under test is cut off
     */
    public void partition(boolean on) {
        dispatcher.partition(on);
    }

    /**
     * Whether watches that ask for a {@code resourceVersion} receive only newer events, as from a real API server
     * (off by default, fabric8's behaviour and what the simulator has always run on: the CRUD mock then replays every
     * object as ADDED when a watch opens). Affects watches opened afterwards. The watcher's tests turn it on, so that
     * a resume and a relist can be told apart.
     *
     * @param on whether watches resume after the version they ask for
     */
    public void resumeWatchesAfterResourceVersion(boolean on) {
        dispatcher.resumeWatchesAfterResourceVersion(on);
    }

    /** Expires every {@code resourceVersion} issued so far: watches resuming from one get ERROR 410 and relist. */
    public void compact() {
        dispatcher.compact();
    }

    /**
     * Watches stop carrying MODIFIED events of objects with this name (an event lost in transit).
     *
     * @param name the object name
     */
    public void loseModifiedEventsOf(String name) {
        dispatcher.loseModifiedEventsOf(name);
    }

    /**
     * Pod lists of the client under test whose label selector names a Job starting with {@code jobNamePrefix} are
     * answered only after {@code delay} (a slow or, with a delay longer than the request timeout, hanging API
     * server).
     *
     * @param jobNamePrefix the Job name prefix, {@code null} to turn it off
     * @param delay         how long the body is held back
     */
    public void slowPodLists(String jobNamePrefix, Duration delay) {
        dispatcher.slowPodLists(jobNamePrefix, delay);
    }

    /**
     * How many watches are open (of any client).
     *
     * @return the count
     */
    public int openWatchCount() {
        return dispatcher.openWatchCount();
    }

    /**
     * What the client under test requested, in order, as {@code "<METHOD> <path>?<query>"}.
     *
     * @return a snapshot of the requests
     */
    public List<String> requestsUnderTest() {
        return dispatcher.requestsUnderTest();
    }

    /** Forgets the requests of the client under test recorded so far. */
    public void clearRequestsUnderTest() {
        dispatcher.clearRequestsUnderTest();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the mock API server is closed");
        }
    }

    /** Closes every client handed out, then stops the server. Idempotent. */
    @Override
    public void close() {
        List<KubernetesClient> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(clients);
            clients.clear();
        }
        for (KubernetesClient c : toClose) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // fabric8's mock server (7.x) gives up stopping after 10 s when a watch's close blocked its event loop;
            // the cluster is gone anyway
            LoggerFactory.getLogger(MockApiServer.class).warn("the mock API server did not stop cleanly: {}",
                    e.getMessage());
        }
        if (drainer != null) {
            drainer.interrupt();
        }
    }

    @Override
    public String toString() {
        return "MockApiServer[" + url() + "]";
    }
}
