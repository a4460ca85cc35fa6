package io.cronjobguardian.testkit.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * fabric8's CRUD dispatcher (in-memory objects, optimistic locking, real watches over WebSockets) made to behave
 * like a real API server where watchers notice; see {@link MockApiServer} for the list. The one copy of what the
 * simulator's and the watcher tests' dispatchers used to do separately.
 */
final class ApiServerDispatcher extends KubernetesCrudDispatcher {

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final Clock clock;
    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher expectations;
    private final ObjectMapper mapper = Serialization.jsonMapper();
    private final List<TrackingListener> openWatches = new CopyOnWriteArrayList<>();
    private final Map<String, String> logs = new ConcurrentHashMap<>();
    private final List<String> requestsUnderTest = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> loseModifiedOf = ConcurrentHashMap.newKeySet();
    private volatile boolean partitioned;
    private volatile boolean resumeFilter;
    private volatile String slowPodListsOf;
    private volatile Duration slowPodListDelay = Duration.ZERO;
    private volatile long compactedBefore;
    /**
     * Recent deletions, oldest first (guarded by the CRUD write lock, under which {@link #processEvent} runs): a
     * watch that resumes from an older version gets them, as a real API server's watch cache sends every event after
     * the version asked for. Bounded: beyond {@value #KEPT_DELETIONS} the oldest goes, and a watch from before it
     * gets {@code 410 Gone} (it must relist, which finds what was deleted).
     */
    private final java.util.ArrayDeque<Deletion> deletions = new java.util.ArrayDeque<>();
    static final int KEPT_DELETIONS = 10_000;
    private volatile long deletionsForgottenBefore;

    /** An object deleted at {@code resourceVersion}: its key attributes and its last stored text. */
    private record Deletion(long resourceVersion, AttributeSet attributes, String object) {
    }

    /** The stored text of the object created by the current POST (same thread, under the CRUD write lock). */
    private final ThreadLocal<String> created = new ThreadLocal<>();

    /** The CRUD dispatcher's own watch registry and lock (private in fabric8 7.8.0; see {@link #unregister}). */
    private final Set<?> crudWatches;
    private final Lock crudWriteLock;

    ApiServerDispatcher(Clock clock, Map<ServerRequest, Queue<ServerResponse>> responses) {
        this.clock = clock;
        this.responses = responses;
        this.expectations = new MockDispatcher(responses);
        try {
            java.lang.reflect.Field watches = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
            watches.setAccessible(true);
            crudWatches = (Set<?>) watches.get(this);
            java.lang.reflect.Field lock = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            lock.setAccessible(true);
            crudWriteLock = ((ReadWriteLock) lock.get(this)).writeLock();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8 mock internals changed; revisit ApiServerDispatcher", e);
        }
    }

    /**
     * Takes a closing watch out of the CRUD dispatcher's registry at once, under its write lock (so no event is
     * being sent to it). fabric8 7.8.0 removes it only after shutting its send executor down and waiting for it;
     * an object written in that window makes the write fail with RejectedExecutionException and the request
     * never gets a response.
     */
    private void unregister(WebSocketListener crudWatch) {
        crudWriteLock.lock();
        try {
            crudWatches.remove(crudWatch);
        } finally {
            crudWriteLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ controls

    int dropWatches() {
        int n = 0;
        for (TrackingListener l : openWatches) {
            WebSocket ws = l.socket;
            unregister(l.delegate);
            if (ws != null) {
                ws.close(1000, "dropped by test");
                n++;
            }
            openWatches.remove(l);
        }
        return n;
    }

    void resumeWatchesAfterResourceVersion(boolean on) {
        resumeFilter = on;
    }

    void partition(boolean on) {
        partitioned = on;
    }

    void compact() {
        compactedBefore = requestResourceVersion();
    }

    void loseModifiedEventsOf(String name) {
        loseModifiedOf.add(name);
    }

    void slowPodLists(String jobNamePrefix, Duration delay) {
        slowPodListDelay = delay == null ? Duration.ZERO : delay;
        slowPodListsOf = jobNamePrefix;
    }

    int openWatchCount() {
        return openWatches.size();
    }

    void setLog(String namespace, String pod, String container, String text) {
        logs.put(namespace + "/" + pod + "/" + container, text);
    }

    void removeLogs(String namespace, String pod) {
        String prefix = namespace + "/" + pod + "/";
        logs.keySet().removeIf(k -> k.startsWith(prefix));
    }

    int logCount() {
        return logs.size();
    }

    List<String> requestsUnderTest() {
        synchronized (requestsUnderTest) {
            return List.copyOf(requestsUnderTest);
        }
    }

    void clearRequestsUnderTest() {
        requestsUnderTest.clear();
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        boolean underTest = MockApiServer.CLIENT_UNDER_TEST_USER_AGENT.equals(request.getHeader("User-Agent"));
        if (underTest) {
            requestsUnderTest.add(request.getMethod() + " " + path);
            if (partitioned) {
                return new MockResponse().setResponseCode(503).setBody(status(503, "ServiceUnavailable",
                        "partitioned by test"));
            }
        }
        Queue<ServerResponse> q = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), path));
        if (q != null && !q.isEmpty()) {
            return expectations.dispatch(request);
        }
        URI uri = URI.create(path);
        Map<String, String> query = query(uri.getRawQuery());
        String slow = slowPodListsOf;
        if (underTest && slow != null && "GET".equals(request.getMethod())
                && uri.getPath().matches("/api/v1/namespaces/[^/]+/pods") && !"true".equals(query.get("watch"))
                && query.getOrDefault("labelSelector", "").contains("job-name=" + slow)) {
            return super.dispatch(request).setBodyDelay(slowPodListDelay);
        }
        if ("GET".equals(request.getMethod())) {
            if (uri.getPath().matches("/api/v1/namespaces/[^/]+/pods/[^/]+/log")) {
                return podLog(uri.getPath(), query);
            }
            String selector = query.get("fieldSelector");
            if (uri.getPath().matches("/api/v1/namespaces/[^/]+/events") && !"true".equals(query.get("watch"))
                    && selector != null && selector.contains("involvedObject.")) {
                return filteredEvents(uri.getPath(), selector);
            }
            if ("true".equals(query.get("watch"))) {
                return watch(request, query);
            }
        }
        MockResponse response = super.dispatch(request);
        WebSocketListener upgrade = response.getWebSocketListener();
        // any other WebSocket the CRUD mock opens is a watch too: it must close off the event loop as well
        return upgrade == null ? response
                : new MockResponse().withWebSocketUpgrade(new TrackingListener(upgrade, 0, 0, Set.of()));
    }

    private MockResponse watch(RecordedRequest request, Map<String, String> query) {
        long since = parseLong(query.get("resourceVersion"));
        if (since > 0 && (since < compactedBefore || since < deletionsForgottenBefore)) {
            String gone = "{\"type\":\"ERROR\",\"object\":" + status(410, "Expired", "too old resource version: "
                    + since + " (" + compactedBefore + ")") + "}";
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket webSocket, Response response) {
                    webSocket.send(gone);
                    webSocket.close(1000, "");
                }
            });
        }
        // fabric8 7.8.0's CRUD watch mistakes any fieldSelector containing "metadata.name" (which
        // "metadata.namespace" does) for a watch of one named object and then matches nothing: apply
        // metadata.namespace!= requirements here instead, as the API server would
        Set<String> excludedNamespaces = new HashSet<>();
        String path = request.getPath();
        String fieldSelector = query.get("fieldSelector");
        if (fieldSelector != null) {
            List<String> kept = new ArrayList<>();
            for (String req : fieldSelector.split(",")) {
                if (req.startsWith("metadata.namespace!=")) {
                    excludedNamespaces.add(req.substring("metadata.namespace!=".length()));
                } else {
                    kept.add(req);
                }
            }
            Map<String, String> q = new LinkedHashMap<>(query);
            if (kept.isEmpty()) {
                q.remove("fieldSelector");
            } else {
                q.put("fieldSelector", String.join(",", kept));
            }
            StringBuilder sb = new StringBuilder(URI.create(path).getRawPath()).append('?');
            q.forEach((k, v) -> sb.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            path = sb.substring(0, sb.length() - 1);
        }
        MockResponse crud = handleGet(path);
        WebSocketListener delegate = crud.getWebSocketListener();
        if (delegate == null) {
            return crud;
        }
        return new MockResponse().withWebSocketUpgrade(new TrackingListener(delegate, resumeFilter ? since : 0,
                since, excludedNamespaces));
    }

    /**
     * Wraps a CRUD watch: tracks its socket (for {@link #dropWatches}), drops replayed events at or below the
     * requested version (the CRUD mock replays every object as ADDED whatever the {@code resourceVersion}; a real
     * API server sends only newer events), applies namespace exclusions and lost MODIFIED events, and closes off
     * the Vert.x event loop.
     */
    private final class TrackingListener extends WebSocketListener {
        private final WebSocketListener delegate;
        private final long since;
        /** The version the watch asked for: deletions after it are sent when it opens (0: none). */
        private final long deletedAfter;
        private final Set<String> excludedNamespaces;
        volatile WebSocket socket;

        TrackingListener(WebSocketListener delegate, long since, long deletedAfter, Set<String> excludedNamespaces) {
            this.delegate = delegate;
            this.since = since;
            this.deletedAfter = deletedAfter;
            this.excludedNamespaces = excludedNamespaces;
        }

        private WebSocket wrap(WebSocket ws) {
            return new WebSocket() {
                @Override
                public RecordedRequest request() {
                    return ws.request();
                }

                @Override
                public boolean send(String text) {
                    if (isFilteredOut(text)) {
                        return true;
                    }
                    return ws.send(text);
                }

                @Override
                public boolean send(byte[] bytes) {
                    return send(new String(bytes, StandardCharsets.UTF_8));
                }

                @Override
                public boolean close(int code, String reason) {
                    return ws.close(code, reason);
                }
            };
        }

        private boolean isFilteredOut(String text) {
            try {
                JsonNode event = mapper.readTree(text);
                JsonNode md = event.path("object").path("metadata");
                if (excludedNamespaces.contains(md.path("namespace").asText(""))) {
                    return true;
                }
                if ("MODIFIED".equals(event.path("type").asText())
                        && loseModifiedOf.contains(md.path("name").asText())) {
                    return true;
                }
                long rv = parseLong(md.path("resourceVersion").asText(null));
                return since > 0 && rv > 0 && rv <= since;
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            WebSocket wrapped = wrap(webSocket);
            socket = wrapped;
            openWatches.add(this);
            delegate.onOpen(wrapped, response);
            if (deletedAfter > 0) {
                sendDeletionsAfter(deletedAfter, delegate);
            }
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(socket == null ? webSocket : socket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(socket == null ? webSocket : socket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            openWatches.remove(this);
            unregister(delegate);
            delegate.onClosing(socket == null ? webSocket : socket, code, reason);
        }

        /*
         * fabric8 7.8.0's WatchEventsListener.onClosed/onFailure wait (up to 1 min) on the Vert.x event loop for its
         * send executor, whose pending send waits (up to 30 s) for that same event loop to finish the write: a watch
         * whose client went away (a replica killed, its connection cut by a proxy, a watcher closed) while events
         * were queued for it stalls the whole mock server. Run them elsewhere.
         */
        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            openWatches.remove(this);
            unregister(delegate);
            WebSocket ws = socket == null ? webSocket : socket;
            offEventLoop(() -> delegate.onClosed(ws, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            openWatches.remove(this);
            unregister(delegate);
            WebSocket ws = socket == null ? webSocket : socket;
            offEventLoop(() -> delegate.onFailure(ws, t, response));
        }
    }

    /**
     * Sends a watch that just opened (and was registered, so later deletions reach it live) the deletions after the
     * version it asked for that it matches, each as {@code DELETED} with the object's last state at the deletion's
     * version. The CRUD mock replays only the objects that exist: without this, an object deleted between a
     * watcher's list and its watch (or while its watch reconnected) would stay in its cache forever, which no real
     * API server allows.
     */
    private void sendDeletionsAfter(long version, WebSocketListener crudWatch) {
        List<Deletion> missed = new ArrayList<>();
        crudWriteLock.lock();
        try {
            for (Deletion d : deletions) {
                if (d.resourceVersion() > version && (boolean) ATTRIBUTE_MATCHES.invoke(crudWatch, d.attributes())) {
                    missed.add(d);
                }
            }
            for (Deletion d : missed) {
                SEND.invoke(crudWatch, d.object(), io.fabric8.kubernetes.client.Watcher.Action.DELETED);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8 mock internals changed; revisit ApiServerDispatcher", e);
        } finally {
            crudWriteLock.unlock();
        }
    }

    private static final java.lang.reflect.Method ATTRIBUTE_MATCHES;
    private static final java.lang.reflect.Method SEND;

    static {
        try {
            Class<?> listener = Class.forName("io.fabric8.kubernetes.client.server.mock.WatchEventsListener");
            ATTRIBUTE_MATCHES = listener.getMethod("attributeMatches", AttributeSet.class);
            ATTRIBUTE_MATCHES.setAccessible(true);
            SEND = listener.getMethod("sendWebSocketResponse", String.class,
                    io.fabric8.kubernetes.client.Watcher.Action.class);
            SEND.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void offEventLoop(Runnable r) {
        Thread t = new Thread(r, "mock-watch-close");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------------------------------------ creates

    /** Answers a create with the stored object (with the clock's creation timestamp, not fabric8's wall clock). */
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
            // a create: fabric8 stamped the wall clock; the given clock is the cluster's clock
            resource.getMetadata().setCreationTimestamp(
                    RFC3339.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
            state = Serialization.asJson(resource);
            created.set(state);
        }
        String before = newState == null && oldAttributes != null ? map.get(oldAttributes) : null;
        super.processEvent(path, pathAttributes, oldAttributes, resource, state);
        if (before != null) {
            rememberDeletion(oldAttributes, before);
        }
    }

    /** Under the CRUD write lock (as {@link #processEvent} is). */
    private void rememberDeletion(AttributeSet attributes, String object) {
        long version = requestResourceVersion();
        String text = object;
        try {
            ObjectNode o = (ObjectNode) mapper.readTree(object);
            JsonNode md = o.get("metadata");
            (md instanceof ObjectNode ? (ObjectNode) md : o.putObject("metadata"))
                    .put("resourceVersion", Long.toString(version));
            text = mapper.writeValueAsString(o);
        } catch (java.io.IOException | RuntimeException e) {
            // keep the stored text as it was
        }
        deletions.addLast(new Deletion(version, attributes, text));
        while (deletions.size() > KEPT_DELETIONS) {
            deletionsForgottenBefore = deletions.removeFirst().resourceVersion() + 1;
        }
    }

    // ------------------------------------------------------------------------------------------------ logs, events

    /**
     * Like the kubelet: the container must be one of the pod's (it may be left out when the pod has exactly one),
     * a container that wrote nothing has an empty log; the last {@code tailLines} lines, then at most
     * {@code limitBytes} bytes from their start.
     */
    private MockResponse podLog(String path, Map<String, String> query) {
        String[] p = path.split("/");
        String namespace = p[4];
        String pod = p[6];
        MockResponse get = handleGet("/api/v1/namespaces/" + namespace + "/pods/" + pod);
        if (get.code() != 200) {
            return new MockResponse().setResponseCode(404).setBody(status(404, "NotFound",
                    "pods \"" + pod + "\" not found"));
        }
        List<String> containers = new ArrayList<>();
        List<String> initContainers = new ArrayList<>();
        try {
            JsonNode spec = mapper.readTree(get.getBody().readUtf8()).path("spec");
            spec.path("containers").forEach(c -> containers.add(c.path("name").asText()));
            spec.path("initContainers").forEach(c -> initContainers.add(c.path("name").asText()));
        } catch (java.io.IOException e) {
            return new MockResponse().setResponseCode(500).setBody(status(500, "InternalError", e.toString()));
        }
        String container = query.get("container");
        if (container == null || container.isEmpty()) {
            if (containers.size() != 1) {
                return new MockResponse().setResponseCode(400).setBody(status(400, "BadRequest",
                        "a container name must be specified for pod " + pod + ", choose one of: " + containers));
            }
            container = containers.get(0);
        } else if (!containers.contains(container) && !initContainers.contains(container)) {
            return new MockResponse().setResponseCode(400).setBody(status(400, "BadRequest",
                    "container " + container + " is not valid for pod " + pod));
        }
        String text = logs.get(namespace + "/" + pod + "/" + container);
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        if (query.containsKey("tailLines")) {
            int n = parseInt(query.get("tailLines"));
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
            bytes = Arrays.copyOfRange(bytes, start, end);
        }
        if (query.containsKey("limitBytes")) {
            int limit = parseInt(query.get("limitBytes"));
            if (bytes.length > limit) {
                bytes = Arrays.copyOf(bytes, limit);
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

    // ------------------------------------------------------------------------------------------------ helpers

    private static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"reason\":\"" + reason
                + "\",\"code\":" + code + "}";
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

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static long parseLong(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
