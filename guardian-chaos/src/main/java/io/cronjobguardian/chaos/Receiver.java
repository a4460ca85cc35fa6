package io.cronjobguardian.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP endpoint of both webhook channels, on 127.0.0.1: it answers 200 to every request and logs each delivery
 * (time of arrival, channel, incident, kind, alert type, notification id, Job, {@code Idempotency-Key}) in memory
 * and to a file, the ground truth of what was delivered.
 */
final class Receiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Delivery(long wallMillis, String channel, String incidentId, String kind, String type,
            long notificationId, String jobName, String idempotencyKey) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "chaos-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final PrintStream file;
    private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextAnswer =
            new java.util.concurrent.atomic.AtomicReference<>();

    Receiver(PrintStream file) {
        this.file = file;
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
        long at = System.currentTimeMillis();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        int status = 200;
        try {
            JsonNode doc = JSON.readTree(body);
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            Delivery d = new Delivery(at, doc.path("channel").asText(), doc.path("id").asText(),
                    doc.path("kind").asText(), doc.path("type").asText(), doc.path("notificationId").asLong(-1),
                    doc.path("context").path("jobName").asText(null), key);
            synchronized (deliveries) {
                deliveries.add(d);
                file.println(String.join("\t", Long.toString(d.wallMillis()), d.channel(), d.incidentId(), d.kind(),
                        d.type(), Long.toString(d.notificationId()), String.valueOf(d.jobName()),
                        String.valueOf(d.idempotencyKey())));
                file.flush();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (deliveries) {
                malformed.add(new String(body, StandardCharsets.UTF_8));
            }
            status = 400;
        }
        Runnable hook = status == 200 ? beforeNextAnswer.getAndSet(null) : null;
        if (hook != null) {
            hook.run(); // e.g. kill -9 of the sender while it waits for this answer
        }
        byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    /**
     * Runs {@code action} on the next well-formed delivery after it was logged and before it is answered (the sender
     * is waiting for its 200). Replaces an action not run yet.
     */
    void beforeNextAnswer(Runnable action) {
        beforeNextAnswer.set(action);
    }

    /** Withdraws an action not run yet; whether it was still waiting. */
    boolean cancelBeforeNextAnswer() {
        return beforeNextAnswer.getAndSet(null) != null;
    }

    /** Every delivery so far, in order of arrival. */
    List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    /** Bodies that were not JSON. */
    List<String> malformed() {
        synchronized (deliveries) {
            return List.copyOf(malformed);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
