package io.cronjobguardian.engine.alert.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 (random port) that records every request and answers as scripted: a status with
 * headers and body, a hang (no answer until the receiver closes), or a dropped connection (closed without an
 * answer). Not a mock of the client: the channels talk HTTP/1.1 to it over a socket.
 */
final class HttpReceiver implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. */
    static final class Request {
        final String method;
        final String path;
        final Map<String, List<String>> headers;
        final byte[] body;

        Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
        }

        String body() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not valid JSON: " + e.getMessage() + "\n" + body(), e);
            }
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** A scripted answer. */
    static final class Reply {
        final int status;
        final List<String[]> headers;
        final String body;
        final boolean hang;
        final boolean drop;
        final boolean echo;

        private Reply(int status, List<String[]> headers, String body, boolean hang, boolean drop, boolean echo) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.hang = hang;
            this.drop = drop;
            this.echo = echo;
        }

        static Reply status(int status, String body, String... headerPairs) {
            List<String[]> h = new ArrayList<>();
            for (int i = 0; i < headerPairs.length; i += 2) {
                h.add(new String[] {headerPairs[i], headerPairs[i + 1]});
            }
            return new Reply(status, h, body, false, false, false);
        }

        /** Answers {@code status} with a body that repeats the request: URL, headers and body (a careless API). */
        static Reply echo(int status) {
            return new Reply(status, List.of(), "", false, false, true);
        }

        static Reply hang() {
            return new Reply(0, List.of(), "", true, false, false);
        }

        static Reply drop() {
            return new Reply(0, List.of(), "", false, true, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http-receiver");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Reply byDefault = Reply.status(200, "ok");

    private HttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static HttpReceiver start() {
        try {
            return new HttpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    URI uri(String path) {
        return URI.create(url(path));
    }

    /** Answers the next requests with these, in order; then with the default. */
    HttpReceiver then(Reply... replies) {
        for (Reply r : replies) {
            script.addLast(r);
        }
        return this;
    }

    HttpReceiver byDefault(Reply r) {
        byDefault = r;
        return this;
    }

    /** The next recorded request, waiting up to 5 s. */
    Request take() {
        try {
            Request r = requests.poll(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no request arrived within 5 s");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Requests recorded and not yet taken. */
    List<Request> drain() {
        List<Request> out = new ArrayList<>();
        requests.drainTo(out);
        return out;
    }

    int pending() {
        return requests.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        requests.add(new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
        Reply r = script.pollFirst();
        if (r == null) {
            r = byDefault;
        }
        if (r.hang) {
            try {
                closing.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        if (r.drop) {
            // an exception from a handler makes the server close the connection without any response
            throw new IOException("test receiver drops this connection");
        }
        for (String[] h : r.headers) {
            ex.getResponseHeaders().add(h[0], h[1]);
        }
        String text = r.body;
        if (r.echo) {
            text = "no such endpoint " + url(path) + " authorization=" + ex.getRequestHeaders().getFirst("Authorization")
                    + " body=" + new String(body, StandardCharsets.UTF_8);
        }
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(r.status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
        ex.close();
    }

    /** How long a hang lasts at most (until {@link #close()}). */
    static Duration maxHang() {
        return Duration.ofSeconds(30);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
