package io.cronjobguardian.examples.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * An in-memory Kubernetes API server for demos and tests: fabric8's {@link KubernetesMockServer} in CRUD mode (real
 * HTTP on loopback, objects kept in memory, watches over WebSockets, optimistic locking with 409 on a stale
 * {@code resourceVersion}; no Docker, nothing downloaded). It runs no controllers; {@link ClusterSimulator} plays the
 * CronJob and Job controllers.
 *
 * <p>Differences from fabric8's plain CRUD mode, so that simulated clusters look real to the watcher:
 * <ul>
 *   <li>{@code metadata.creationTimestamp} of every created object comes from the given clock (fabric8 writes the
 *       wall clock), so an accelerated simulation stays consistent;</li>
 *   <li>pod logs are served ({@code GET .../pods/<name>/log} with {@code tailLines} and {@code limitBytes}) from texts
 *       set with {@link #setPodLog};</li>
 *   <li>event lists honour {@code involvedObject.*} field selectors (fabric8 only knows {@code metadata.*});</li>
 *   <li>expectations ({@code server().expect()}) win over the CRUD store, as in fabric8's mixed mode.</li>
 * </ul>
 *
 * <p>Plain HTTP on {@code 127.0.0.1} and a random port. {@link #close()} closes every client handed out and stops the
 * server.
 */
public final class MockApiServer implements AutoCloseable {

    /** The mock web server logs every request at INFO through java.util.logging; a strong reference keeps it quiet. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final ClockedDispatcher dispatcher;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesClient admin;
    private volatile boolean closed;
    private Thread drainer;

    private MockApiServer(Clock clock) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new ClockedDispatcher(clock, responses);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                dispatcher, false);
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    /**
     * Starts a server whose creation timestamps come from {@code clock}.
     *
     * @param clock the simulation's clock (an {@link AcceleratedClock}, a test's manual clock, or the system clock)
     * @return the running server
     */
    public static MockApiServer start(Clock clock) {
        MockApiServer s = new MockApiServer(Objects.requireNonNull(clock, "clock"));
        s.server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        s.startDrainer();
        return s;
    }

    /**
     * fabric8's mock web server keeps every request it answered in an unbounded queue (for {@code takeRequest()});
     * a simulation that runs for hours would fill the heap with them. Nobody here asks for them: drop them.
     */
    private void startDrainer() {
        drainer = new Thread(() -> {
            while (!closed) {
                try {
                    server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mock-api-server-request-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** The underlying fabric8 server (for expectations; recorded requests are not kept). */
    public KubernetesMockServer server() {
        return server;
    }

    /** The API server URL, {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort() + "/";
    }

    /** The host name the server listens on. */
    public String host() {
        return server.getHostName();
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    /**
     * A client configuration for this server (or for a proxy in front of it): no kubeconfig or environment is read,
     * namespace {@code default}, HTTP/1.1, short retries.
     *
     * @param masterUrl the URL to talk to, normally {@link #url()}
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

    /** A shared client for the simulator and the demo itself; closed with the server. */
    public synchronized KubernetesClient adminClient() {
        checkOpen();
        if (admin == null) {
            admin = newClient();
        }
        return admin;
    }

    /** A new client of this server (one per engine, as separate replicas would have); closed with the server. */
    public KubernetesClient newClient() {
        return newClient(url());
    }

    /**
     * A new client that talks to {@code masterUrl}, for example a {@code io.cronjobguardian.testkit.TcpProxy} in front of this server; closed
     * with the server.
     */
    public synchronized KubernetesClient newClient(String masterUrl) {
        checkOpen();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(clientConfig(masterUrl)).build();
        clients.add(c);
        return c;
    }

    /** A kubeconfig file text pointing at this server (for tools that only take a kubeconfig). */
    public String kubeconfigYaml() {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: simulated\n  cluster:\n    server: " + url()
                + "\ncontexts:\n- name: simulated\n  context:\n    cluster: simulated\n    user: simulated\n"
                + "    namespace: default\ncurrent-context: simulated\nusers:\n- name: simulated\n  user:\n"
                + "    token: simulated\n";
    }

    /**
     * Serves {@code text} as the log of one container of a pod (until the pod is deleted).
     *
     * @param namespace the pod's namespace
     * @param pod       the pod's name
     * @param container the container's name
     * @param text      the whole log
     */
    public void setPodLog(String namespace, String pod, String container, String text) {
        dispatcher.logs.put(namespace + "/" + pod + "/" + container, text);
    }

    /** Forgets the logs of a pod. */
    public void removePodLogs(String namespace, String pod) {
        String prefix = namespace + "/" + pod + "/";
        dispatcher.logs.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** How many pod logs are stored (for tests). */
    public int podLogCount() {
        return dispatcher.logs.size();
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
            // fabric8's mock server (7.x) can block its event loop while a watch closes (WatchEventsListener.onClosed
            // awaits its send executor), and then gives up stopping after 10 s: the simulated cluster is gone anyway
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

    /** fabric8's CRUD dispatcher with simulated-clock creation timestamps, pod logs and event field selectors. */
    private static final class ClockedDispatcher extends KubernetesCrudDispatcher {
        private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

        private final Clock clock;
        private final Map<ServerRequest, Queue<ServerResponse>> responses;
        private final MockDispatcher expectations;
        private final ObjectMapper mapper = new ObjectMapper();
        private final Map<String, String> logs = new ConcurrentHashMap<>();
        /** The CRUD dispatcher's own watch registry and lock (private in fabric8 7.8.0; see {@link #unregister}). */
        private final java.util.Set<?> crudWatches;
        private final java.util.concurrent.locks.Lock crudWriteLock;
        /** The stored text of the object created by the current POST (same thread, under the write lock). */
        private final ThreadLocal<String> created = new ThreadLocal<>();

        ClockedDispatcher(Clock clock, Map<ServerRequest, Queue<ServerResponse>> responses) {
            this.clock = clock;
            this.responses = responses;
            this.expectations = new MockDispatcher(responses);
            try {
                java.lang.reflect.Field watches = KubernetesCrudDispatcher.class
                        .getDeclaredField("watchEventListeners");
                watches.setAccessible(true);
                crudWatches = (java.util.Set<?>) watches.get(this);
                java.lang.reflect.Field lock = KubernetesCrudDispatcher.class.getDeclaredField("lock");
                lock.setAccessible(true);
                crudWriteLock = ((java.util.concurrent.locks.ReadWriteLock) lock.get(this)).writeLock();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("fabric8 mock internals changed; revisit MockApiServer", e);
            }
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            Queue<ServerResponse> q = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), path));
            if (q != null && !q.isEmpty()) {
                return expectations.dispatch(request);
            }
            if ("GET".equals(request.getMethod())) {
                URI uri = URI.create(path);
                Map<String, String> query = query(uri.getRawQuery());
                if (uri.getPath().matches("/api/v1/namespaces/[^/]+/pods/[^/]+/log")) {
                    return podLog(uri.getPath(), query);
                }
                String selector = query.get("fieldSelector");
                if (uri.getPath().matches("/api/v1/namespaces/[^/]+/events") && !"true".equals(query.get("watch"))
                        && selector != null && selector.contains("involvedObject.")) {
                    return filteredEvents(uri.getPath(), selector);
                }
            }
            MockResponse response = super.dispatch(request);
            WebSocketListener watch = response.getWebSocketListener();
            return watch == null ? response : new MockResponse().withWebSocketUpgrade(new ClosingOffEventLoop(watch));
        }

        /**
         * Takes a closing watch out of the CRUD dispatcher's registry at once, under its write lock (so no event is
         * being sent to it). fabric8 7.8.0 removes it only after shutting its send executor down and waiting for it;
         * an object written in that window makes the write fail and the request never gets a response.
         */
        private void unregister(WebSocketListener crudWatch) {
            crudWriteLock.lock();
            try {
                crudWatches.remove(crudWatch);
            } finally {
                crudWriteLock.unlock();
            }
        }

        /*
         * fabric8 7.8.0's WatchEventsListener.onClosed/onFailure wait (up to 1 min) on the Vert.x event loop for its
         * send executor, whose pending send waits for that same event loop: a watch whose client went away (a
         * replica killed, or its connection cut by a test proxy) while events were queued for it stalls the whole
         * mock server. The watcher module's test dispatcher does the same (ApiServerDispatcher).
         */
        private final class ClosingOffEventLoop extends WebSocketListener {
            private final WebSocketListener delegate;

            ClosingOffEventLoop(WebSocketListener delegate) {
                this.delegate = delegate;
            }

            @Override
            public void onBeforeAccept(WebSocket webSocket, Response response) {
                delegate.onBeforeAccept(webSocket, response);
            }

            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                delegate.onOpen(webSocket, response);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                delegate.onMessage(webSocket, text);
            }

            @Override
            public void onMessage(WebSocket webSocket, byte[] bytes) {
                delegate.onMessage(webSocket, bytes);
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                unregister(delegate);
                delegate.onClosing(webSocket, code, reason);
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                unregister(delegate);
                offEventLoop(() -> delegate.onClosed(webSocket, code, reason));
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                unregister(delegate);
                offEventLoop(() -> delegate.onFailure(webSocket, t, response));
            }
        }

        private static void offEventLoop(Runnable r) {
            Thread t = new Thread(r, "mock-watch-close");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            created.remove();
            MockResponse response = super.handleCreate(request);
            String stored = created.get();
            created.remove();
            if (stored != null && response.code() == 201) {
                response.setBody(stored);
            }
            return response;
        }

        @Override
        public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                GenericKubernetesResource resource, String newState) {
            String state = newState;
            if (oldAttributes == null && resource != null && newState != null && resource.getMetadata() != null) {
                // a create: fabric8 stamped the wall clock; the simulation's clock is the cluster's clock
                resource.getMetadata().setCreationTimestamp(
                        RFC3339.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
                state = Serialization.asJson(resource);
                created.set(state);
            }
            super.processEvent(path, pathAttributes, oldAttributes, resource, state);
        }

        /** Like the kubelet: the last {@code tailLines} lines, then at most {@code limitBytes} bytes. */
        private MockResponse podLog(String path, Map<String, String> query) {
            String[] p = path.split("/");
            String namespace = p[4];
            String pod = p[6];
            if (handleGet("/api/v1/namespaces/" + namespace + "/pods/" + pod).code() != 200) {
                return new MockResponse().setResponseCode(404)
                        .setBody(status(404, "NotFound", "pods \"" + pod + "\" not found"));
            }
            String container = query.get("container");
            String text = null;
            if (container != null) {
                text = logs.get(namespace + "/" + pod + "/" + container);
            } else {
                String prefix = namespace + "/" + pod + "/";
                for (Map.Entry<String, String> e : logs.entrySet()) {
                    if (e.getKey().startsWith(prefix)) {
                        text = e.getValue();
                        break;
                    }
                }
            }
            byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
            if (query.containsKey("tailLines")) {
                int n = parseInt(query.get("tailLines"), Integer.MAX_VALUE);
                int end = bytes.length;
                int scan = end > 0 && bytes[end - 1] == '\n' ? end - 1 : end;
                int start = 0;
                int seen = 0;
                for (int i = scan - 1; i >= 0; i--) {
                    if (bytes[i] == '\n' && ++seen == n) {
                        start = i + 1;
                        break;
                    }
                }
                bytes = java.util.Arrays.copyOfRange(bytes, start, end);
            }
            if (query.containsKey("limitBytes")) {
                int limit = parseInt(query.get("limitBytes"), Integer.MAX_VALUE);
                if (bytes.length > limit) {
                    bytes = java.util.Arrays.copyOf(bytes, limit);
                }
            }
            return new MockResponse().setResponseCode(200).setBody(bytes).setHeader("Content-Type", "text/plain");
        }

        private MockResponse filteredEvents(String path, String fieldSelector) {
            MockResponse all = handleGet(path);
            try {
                ObjectNode list = (ObjectNode) mapper.readTree(all.getBody().readUtf8());
                ArrayNode kept = mapper.createArrayNode();
                for (JsonNode item : list.withArray("items")) {
                    boolean ok = true;
                    for (String req : fieldSelector.split(",")) {
                        String[] kv = req.split("=", 2);
                        JsonNode node = item;
                        for (String seg : kv[0].split("\\.")) {
                            node = node.path(seg);
                        }
                        ok &= (kv.length > 1 ? kv[1] : "").equals(node.asText(null));
                    }
                    if (ok) {
                        kept.add(item);
                    }
                }
                list.set("items", kept);
                return new MockResponse().setResponseCode(200).setBody(mapper.writeValueAsString(list));
            } catch (java.io.IOException e) {
                return new MockResponse().setResponseCode(500).setBody(status(500, "InternalError", e.toString()));
            }
        }

        private static int parseInt(String s, int fallback) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }

        private static String status(int code, String reason, String message) {
            return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                    + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> out = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) {
                return out;
            }
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(k, v);
            }
            return out;
        }
    }
}
