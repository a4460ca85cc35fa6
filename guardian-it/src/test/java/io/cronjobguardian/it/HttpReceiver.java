package io.cronjobguardian.it;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP endpoint on 127.0.0.1 for the {@code webhook} channel: it reads each JSON document's incident
 * {@code id} and {@code kind}, answers 500 to the first attempt of the messages a predicate picks, 200 otherwise,
 * and counts attempts and accepted messages per (id, kind), with the {@code Idempotency-Key} headers each carried.
 */
final class HttpReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one message is: incident id and kind ({@code opened}, {@code resolved}, ...). */
    record Key(String incidentId, String kind) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "http-receiver");
        t.setDaemon(true);
        return t;
    });
    private final Predicate<Key> failFirstAttempt;
    private final Map<Key, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<Key, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final Map<Key, java.util.Set<String>> idempotencyKeys = new ConcurrentHashMap<>();
    private final AtomicInteger answered500 = new AtomicInteger();
    private final List<String> malformed = new ArrayList<>();

    HttpReceiver(Predicate<Key> failFirstAttempt) {
        this.failFirstAttempt = failFirstAttempt;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        int status;
        try {
            JsonNode doc = JSON.readTree(body);
            Key key = new Key(doc.path("id").asText(), doc.path("kind").asText());
            String idempotencyKey = ex.getRequestHeaders().getFirst("Idempotency-Key");
            idempotencyKeys.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                    .add(idempotencyKey == null ? "(none)" : idempotencyKey);
            int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1 && failFirstAttempt.test(key)) {
                status = 500;
                answered500.incrementAndGet();
            } else {
                status = 200;
                accepted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (malformed) {
                malformed.add(new String(body, StandardCharsets.UTF_8));
            }
            status = 400;
        }
        byte[] answer = (status == 200 ? "{\"ok\":true}" : "{\"error\":\"try again\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Messages answered 200, by key, with how many times each was accepted. */
    Map<Key, Integer> accepted() {
        Map<Key, Integer> m = new ConcurrentHashMap<>();
        accepted.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Requests per message, answered or not. */
    Map<Key, Integer> attempts() {
        Map<Key, Integer> m = new ConcurrentHashMap<>();
        attempts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** The {@code Idempotency-Key} headers each message's attempts carried ("(none)" for a request without). */
    Map<Key, java.util.Set<String>> idempotencyKeys() {
        Map<Key, java.util.Set<String>> m = new ConcurrentHashMap<>();
        idempotencyKeys.forEach((k, v) -> m.put(k, java.util.Set.copyOf(v)));
        return m;
    }

    int answered500() {
        return answered500.get();
    }

    List<String> malformed() {
        synchronized (malformed) {
            return List.copyOf(malformed);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
