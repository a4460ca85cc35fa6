package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * One channel's HTTP client ({@link java.net.http.HttpClient}, HTTP/1.1, no redirects), created on the first send
 * (creating a channel opens nothing and starts no thread), and the classification every HTTP channel shares:
 * <ul>
 *   <li>2xx: delivered;</li>
 *   <li>429: retry, after the {@code Retry-After} delay (seconds or HTTP date) when given;</li>
 *   <li>408, 5xx, connection refused or reset, timeout, any I/O error: retry ({@code Retry-After} honoured on 503);</li>
 *   <li>any other status (4xx, 3xx): failed, with the status and a short excerpt of the response body.</li>
 * </ul>
 * One deadline ({@code timeout}) bounds connecting, sending and reading the (capped) response. Thread-safe.
 */
final class HttpTransport {

    /** Response bytes kept; the rest is discarded unread. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024;
    private static final int EXCERPT = 300;
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private final String channel;
    private final Duration timeout;
    private final Clock clock;
    private final Object lock = new Object();
    private HttpClient client;
    private ExecutorService executor;
    private boolean closed;

    HttpTransport(String channel, Duration timeout, Clock clock) {
        this.channel = channel;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** {@code https://hooks.slack.com/…}: scheme, host and port of a URL, never its path or query. */
    static String describe(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getHost() + port + "/…";
    }

    private HttpClient client() {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            if (client == null) {
                String id = Integer.toHexString(System.identityHashCode(this));
                AtomicInteger n = new AtomicInteger();
                ThreadFactory tf = r -> {
                    Thread t = new Thread(r, "guardian-alert-http-" + id + "-" + channel + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
                executor = Executors.newCachedThreadPool(tf);
                client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout)
                        .executor(executor)
                        .build();
            }
            return client;
        }
    }

    /** The header carrying {@link io.cronjobguardian.api.AlertMessage#idempotencyKey()}. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * Sends {@code body} ({@code application/json}) and classifies the outcome.
     *
     * @param headers     extra headers, in order (values may be secrets: they are never reported)
     * @param destination the secret-free description used in details
     */
    DeliveryResult send(String method, URI uri, List<Map.Entry<String, String>> headers, String body,
            String destination) {
        HttpClient c = client();
        if (c == null) {
            return DeliveryResult.retry("channel is closed");
        }
        URI target = uri;
        String basicAuth = null;
        if (uri.getRawUserInfo() != null) {
            // https://user:password@host/…: the JDK client ignores user info, so send it as Basic authentication
            basicAuth = "Basic " + Base64.getEncoder().encodeToString(
                    uri.getUserInfo().getBytes(StandardCharsets.UTF_8));
            try {
                target = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":"
                        + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            } catch (IllegalArgumentException e) {
                return DeliveryResult.failed("the URL of " + destination + " cannot be used");
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "cronjob-guardian")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        if (basicAuth != null) {
            b.setHeader("Authorization", basicAuth);
        }
        for (Map.Entry<String, String> h : headers) {
            b.setHeader(h.getKey(), h.getValue());
        }
        CompletableFuture<HttpResponse<byte[]>> f = c.sendAsync(b.build(), info -> new CappedBody());
        HttpResponse<byte[]> response;
        try {
            response = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return DeliveryResult.retry("no response from " + destination + " within " + Settings.format(timeout));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return DeliveryResult.retry("interrupted while sending to " + destination);
        } catch (CancellationException e) {
            return DeliveryResult.retry("sending to " + destination + " was cancelled");
        } catch (ExecutionException e) {
            return ioFailure(e.getCause() == null ? e : e.getCause(), destination);
        }
        return classify(response.statusCode(), response.headers(), response.body(), destination);
    }

    private DeliveryResult ioFailure(Throwable t, String destination) {
        if (t instanceof HttpConnectTimeoutException) {
            return DeliveryResult.retry("could not connect to " + destination + " within " + Settings.format(timeout));
        }
        if (t instanceof HttpTimeoutException) {
            return DeliveryResult.retry("no response from " + destination + " within " + Settings.format(timeout));
        }
        if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
            return DeliveryResult.retry("could not connect to " + destination + " (connection refused)");
        }
        if (t instanceof UnresolvedAddressException || t.getCause() instanceof UnresolvedAddressException) {
            return DeliveryResult.retry("could not resolve the host of " + destination);
        }
        if (t instanceof SSLException) {
            return DeliveryResult.retry("TLS error talking to " + destination + ": " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + Texts.head(Texts.oneLine(t.getMessage()), 200)));
        }
        if (t instanceof IOException) {
            return DeliveryResult.retry("I/O error talking to " + destination + " (connection closed or reset): "
                    + t.getClass().getSimpleName() + (t.getMessage() == null ? ""
                    : ": " + Texts.head(Texts.oneLine(t.getMessage()), 200)));
        }
        return DeliveryResult.retry("error talking to " + destination + ": " + t.getClass().getSimpleName());
    }

    /** Classifies an HTTP response; see the class comment. */
    DeliveryResult classify(int status, HttpHeaders headers, byte[] body, String destination) {
        String excerpt = excerpt(body);
        String where = "HTTP " + status + " from " + destination;
        if (status >= 200 && status < 300) {
            return DeliveryResult.delivered(where);
        }
        Duration retryAfter = headers.firstValue("Retry-After").map(v -> retryAfter(v, clock.instant())).orElse(null);
        if (status == 429 || status == 408 || status >= 500) {
            String why = status == 429 ? " (rate limited)" : status == 408 ? " (request timeout)" : "";
            String detail = where + why + (excerpt.isEmpty() ? "" : ": " + excerpt);
            if (retryAfter != null && (status == 429 || status == 503)) {
                return DeliveryResult.retryAfter(detail + "; retry after " + Settings.format(retryAfter), retryAfter);
            }
            return DeliveryResult.retry(detail);
        }
        if (status >= 300 && status < 400) {
            return DeliveryResult.failed(where + ": redirects are not followed; configure the final URL");
        }
        return DeliveryResult.failed(where + (excerpt.isEmpty() ? "" : ": " + excerpt));
    }

    /**
     * A {@code Retry-After} value as a delay: delta-seconds ({@code 30}) or an HTTP date
     * ({@code Wed, 21 Oct 2026 07:28:00 GMT}, measured against the injected clock); capped at 24 hours;
     * {@code null} when unparseable.
     */
    static Duration retryAfter(String value, Instant now) {
        String v = value.trim();
        if (v.matches("\\d{1,12}")) {
            Duration d = Duration.ofSeconds(Long.parseLong(v));
            return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            if (d.isNegative()) {
                return Duration.ZERO;
            }
            return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String s = new String(body, StandardCharsets.UTF_8);
        return Texts.head(Texts.oneLine(s), EXCERPT);
    }

    /** Shuts down the client's threads. Idempotent. */
    void close() {
        HttpClient c;
        ExecutorService e;
        synchronized (lock) {
            closed = true;
            c = client;
            e = executor;
            client = null;
            executor = null;
        }
        if (c instanceof AutoCloseable) {
            try {
                ((AutoCloseable) c).close(); // Java 21+: closes connections and the selector thread
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (e != null) {
            e.shutdownNow();
        }
    }

    /** Keeps the first {@link #MAX_RESPONSE_BYTES} bytes of a response and cancels the rest. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), MAX_RESPONSE_BYTES - bytes.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.write(chunk, 0, n);
            }
            if (bytes.size() >= MAX_RESPONSE_BYTES) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
