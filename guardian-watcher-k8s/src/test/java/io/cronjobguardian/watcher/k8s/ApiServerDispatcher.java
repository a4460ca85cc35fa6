package io.cronjobguardian.watcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD dispatcher (in-memory objects, optimistic locking, real watches over WebSockets) made to behave
 * more like a real API server where the tests need it, still over real HTTP:
 * <ul>
 *   <li><b>Watch resume:</b> the CRUD mock replays every object as ADDED when a watch opens, whatever its
 *       {@code resourceVersion}; here a watch only receives events newer than the version it asked for, as from a
 *       real API server.</li>
 *   <li><b>Outages:</b> {@link #dropWatches()} closes every open watch from the server side; {@link #partition}
 *       answers 503 to every request of the client under test (recognised by its User-Agent), so it cannot
 *       reconnect or relist; {@link #compact()} makes every older {@code resourceVersion} expire, so a watch that
 *       resumes from one gets the {@code ERROR 410 Gone} event a real API server sends and must relist.</li>
 *   <li><b>Pod logs</b> like the kubelet: {@code tailLines} first, then {@code limitBytes} keeps the head.</li>
 *   <li><b>Event field selectors</b> on {@code involvedObject.*} (the CRUD mock only knows {@code metadata.*}).</li>
 *   <li>Expectations ({@code server.expect()}) still win over everything, like fabric8's mixed mode.</li>
 * </ul>
 */
final class ApiServerDispatcher extends KubernetesCrudDispatcher {

    static final String WATCHER_USER_AGENT = "guardian-watcher-under-test";

    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher expectations;
    private final ObjectMapper mapper = Serialization.jsonMapper();
    private final List<TrackingListener> openWatches = new CopyOnWriteArrayList<>();
    private final Map<String, String> logs = new ConcurrentHashMap<>();
    private final List<String> watcherRequests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> loseModifiedOf = ConcurrentHashMap.newKeySet();
    private volatile boolean partitioned;
    private volatile String slowPodListsOf = null;
    private volatile java.time.Duration slowPodListDelay = java.time.Duration.ZERO;
    private volatile long compactedBefore;

    /** The CRUD dispatcher's own watch registry and lock (private in fabric8 7.8.0; see {@link #unregister}). */
    private final Set<?> crudWatches;
    private final java.util.concurrent.locks.Lock crudWriteLock;

    ApiServerDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        this.responses = responses;
        this.expectations = new MockDispatcher(responses);
        try {
            java.lang.reflect.Field watches = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
            watches.setAccessible(true);
            crudWatches = (Set<?>) watches.get(this);
            java.lang.reflect.Field lock = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            lock.setAccessible(true);
            crudWriteLock = ((java.util.concurrent.locks.ReadWriteLock) lock.get(this)).writeLock();
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

    /** Closes every open watch from the server side (like an API-server restart or a load balancer reset). */
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

    /** While on, every request of the client under test gets 503. */
    void partition(boolean on) {
        partitioned = on;
    }

    /** Expires every resourceVersion issued so far: watches resuming from one get ERROR 410 and must relist. */
    void compact() {
        compactedBefore = requestResourceVersion();
    }

    /** Watches stop carrying MODIFIED events of objects with this name (an event lost in transit). */
    void loseModifiedEventsOf(String name) {
        loseModifiedOf.add(name);
    }

    /**
     * Pod lists of the client under test whose label selector names a Job starting with {@code jobNamePrefix} are
     * answered only after {@code delay} (a slow or, with a delay longer than the request timeout, hanging API
     * server); {@code null} turns it off.
     */
    void slowPodLists(String jobNamePrefix, java.time.Duration delay) {
        slowPodListDelay = delay;
        slowPodListsOf = jobNamePrefix;
    }

    int openWatchCount() {
        return openWatches.size();
    }

    /** Serves {@code text} as the log of one container. */
    void setLog(String namespace, String pod, String container, String text) {
        logs.put(namespace + "/" + pod + "/" + container, text);
    }

    /** Paths the client under test requested, in order. */
    List<String> watcherRequests() {
        synchronized (watcherRequests) {
            return List.copyOf(watcherRequests);
        }
    }

    void clearWatcherRequests() {
        watcherRequests.clear();
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        boolean fromWatcher = WATCHER_USER_AGENT.equals(request.getHeader("User-Agent"));
        if (fromWatcher) {
            watcherRequests.add(request.getMethod() + " " + path);
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
        if (fromWatcher && slow != null && "GET".equals(request.getMethod())
                && uri.getPath().matches("/api/v1/namespaces/[^/]+/pods") && !"true".equals(query.get("watch"))
                && query.getOrDefault("labelSelector", "").contains("job-name=" + slow)) {
            return super.dispatch(request).setBodyDelay(slowPodListDelay);
        }
        if ("GET".equals(request.getMethod())) {
            if (uri.getPath().matches("/api/v1/namespaces/[^/]+/pods/[^/]+/log")) {
                return podLog(uri.getPath(), query);
            }
            if (uri.getPath().matches("/api/v1/namespaces/[^/]+/events") && query.containsKey("fieldSelector")
                    && query.get("fieldSelector").contains("involvedObject.")) {
                return filteredEvents(uri.getPath(), query.get("fieldSelector"));
            }
            if ("true".equals(query.get("watch"))) {
                return watch(request, query);
            }
        }
        return super.dispatch(request);
    }

    private MockResponse watch(RecordedRequest request, Map<String, String> query) {
        long since = parseLong(query.get("resourceVersion"));
        if (since > 0 && since < compactedBefore) {
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
        Set<String> excludedNamespaces = new java.util.HashSet<>();
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
            q.forEach((k, v) -> sb.append(k).append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            path = sb.substring(0, sb.length() - 1);
        }
        MockResponse crud = handleGet(path);
        WebSocketListener delegate = crud.getWebSocketListener();
        if (delegate == null) {
            return crud;
        }
        return new MockResponse().withWebSocketUpgrade(new TrackingListener(delegate, since, excludedNamespaces));
    }

    /** Wraps the CRUD watch: tracks its socket and drops replayed events at or below the requested version. */
    private final class TrackingListener extends WebSocketListener {
        private final WebSocketListener delegate;
        private final long since;
        private final Set<String> excludedNamespaces;
        volatile WebSocket socket;

        TrackingListener(WebSocketListener delegate, long since, Set<String> excludedNamespaces) {
            this.delegate = delegate;
            this.since = since;
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
                if ("MODIFIED".equals(event.path("type").asText()) && loseModifiedOf.contains(md.path("name").asText())) {
                    return true;
                }
                long rv = parseLong(md.path("resourceVersion").asText(null));
                return since > 0 && rv > 0 && rv <= since;
            } catch (Exception e) {
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
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(socket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(socket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            openWatches.remove(this);
            unregister(delegate);
            delegate.onClosing(socket, code, reason);
        }

        /*
         * fabric8 7.8.0's WatchEventsListener.onClosed/onFailure wait (up to 1 min) on the Vert.x event loop for its
         * send executor, whose pending send waits (up to 30 s) for that same event loop to finish the write: a watch
         * closed by the client while events are queued for it stalls the whole mock server. Run them elsewhere.
         */
        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            openWatches.remove(this);
            unregister(delegate);
            offEventLoop(() -> delegate.onClosed(socket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            openWatches.remove(this);
            unregister(delegate);
            WebSocket ws = socket == null ? webSocket : socket;
            offEventLoop(() -> delegate.onFailure(ws, t, response));
        }
    }

    private static void offEventLoop(Runnable r) {
        Thread t = new Thread(r, "mock-watch-close");
        t.setDaemon(true);
        t.start();
    }

    /** Like the kubelet: the last {@code tailLines} lines, then at most {@code limitBytes} bytes from their start. */
    private MockResponse podLog(String path, Map<String, String> query) {
        String[] p = path.split("/");
        String namespace = p[4];
        String pod = p[6];
        if (handleGet("/api/v1/namespaces/" + namespace + "/pods/" + pod).code() != 200) {
            return new MockResponse().setResponseCode(404).setBody(status(404, "NotFound",
                    "pods \"" + pod + "\" not found"));
        }
        String container = query.get("container");
        String text = container == null ? null : logs.get(namespace + "/" + pod + "/" + container);
        if (text == null) {
            return new MockResponse().setResponseCode(400).setBody(status(400, "BadRequest",
                    "container " + container + " is not valid for pod " + pod));
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (query.containsKey("tailLines")) {
            int n = Integer.parseInt(query.get("tailLines"));
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
            int limit = Integer.parseInt(query.get("limitBytes"));
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
                    String field = kv[0];
                    String want = kv.length > 1 ? kv[1] : "";
                    JsonNode node = item;
                    for (String seg : field.split("\\.")) {
                        node = node.path(seg);
                    }
                    ok &= want.equals(node.asText(null));
                }
                if (ok) {
                    kept.add(item);
                }
            }
            list.set("items", kept);
            return new MockResponse().setResponseCode(200).setBody(mapper.writeValueAsString(list));
        } catch (Exception e) {
            throw new IllegalStateException(e);
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

    /** Keys of the stored log texts (for debugging). */
    Set<String> logKeys() {
        return logs.keySet();
    }
}
