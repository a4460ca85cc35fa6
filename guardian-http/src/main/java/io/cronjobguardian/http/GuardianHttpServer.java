package io.cronjobguardian.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small standalone HTTP server for hosts without a web framework: serves a {@link GuardianHttpHandler} on the
 * JDK's {@code com.sun.net.httpserver.HttpServer}, and {@code /metrics} in Prometheus text: from the registry (or
 * scrape) given to the builder, else — when the host gave Guardian no registry of its own and
 * {@code micrometer-registry-prometheus} is on the class path — from a Prometheus registry this server attaches to
 * Guardian's meters for as long as it runs (with the JVM's memory, GC, thread, CPU and uptime meters).
 *
 * <pre>{@code
 * try (GuardianHttpServer http = GuardianHttpServer.builder(guardian).build().start()) {
 *     System.out.println("API at " + http.url() + "/api/v1/cronjobs");
 *     ...
 * }
 * }</pre>
 *
 * <p>Settings come from the Guardian's configuration unless set on the builder: {@code http.port} (default 8080;
 * 0 = any free port), {@code http.bindAddress} (default {@code 127.0.0.1}: loopback only; {@code 0.0.0.0} listens
 * on every interface), {@code http.threads} (default 4; a queue of 64 requests waits behind them, beyond that the
 * server's accepting thread serves the request itself, which slows accepting down), {@code http.actions.enabled}
 * (default false), {@code http.token}, the bearer token actions need (required, at least 16 characters, when
 * actions are enabled), and {@code http.dashboard.enabled} / {@code http.dashboard.path} (default {@code /ui}): the
 * dashboard's pages, at {@link #dashboardUrl()}.
 *
 * <p>{@link #close()} stops accepting, lets requests in progress finish (at most the stop timeout, default 5 s) and
 * stops the threads. It does not close the Guardian.
 */
public final class GuardianHttpServer implements AutoCloseable {

    /**
     * A Prometheus registry of this server's, attached to Guardian's own meters. Holds no Prometheus type itself:
     * the server runs without micrometer-registry-prometheus (an optional dependency), and a class whose code assigns
     * a {@code PrometheusMeterRegistry} is loaded (and verified) only after the check that it is there
     * ({@link PrometheusRegistries}).
     */
    private static final class OwnPrometheus {
        final io.micrometer.core.instrument.MeterRegistry registry;
        final java.util.function.Supplier<String> scrape;

        OwnPrometheus(io.micrometer.core.instrument.MeterRegistry registry, java.util.function.Supplier<String> scrape) {
            this.registry = registry;
            this.scrape = scrape;
        }

        static @Nullable OwnPrometheus attachTo(io.cronjobguardian.engine.Guardian guardian) {
            try {
                Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false,
                        GuardianHttpServer.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.info("no /metrics: give the server a registry (prometheus(...)), or add "
                        + "io.micrometer:micrometer-registry-prometheus for one of its own");
                return null;
            }
            return PrometheusRegistries.attachTo(guardian);
        }
    }

    /** The code that touches Prometheus types; loaded only when micrometer-registry-prometheus is present. */
    private static final class PrometheusRegistries {
        static @Nullable OwnPrometheus attachTo(io.cronjobguardian.engine.Guardian guardian) {
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry r =
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            if (!guardian.attachMeterRegistry(r)) {
                r.close();
                LOG.info("no /metrics here: Guardian's meters are in the host's own registry (serve them from there, "
                        + "or give that registry to GuardianHttpServer.Builder.prometheus/metrics)");
                return null;
            }
            new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(r);
            new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(r);
            new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(r);
            new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(r);
            new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(r);
            return new OwnPrometheus(r, r::scrape);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GuardianHttpServer.class);
    /** Requests waiting for a thread. */
    static final int QUEUE = 64;
    /**
     * How much of a too-large request body is read and dropped before the {@code 413} goes out (so that the client
     * reads it); beyond this the connection is closed.
     */
    static final long DRAIN_LIMIT = 32L << 20;
    /** Shortest accepted {@code http.token}. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final GuardianHttpHandler handler;
    private final String bindAddress;
    private final int requestedPort;
    private final int threads;
    private final Duration stopTimeout;
    /** The registry this server attached to Guardian's own meters, or {@code null}. */
    private final io.micrometer.core.instrument.MeterRegistry ownRegistry;
    private final io.cronjobguardian.engine.Guardian guardian;
    private final Object lifecycle = new Object();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private boolean closed;
    /** Exchanges in progress; guarded by {@link #lifecycle}. */
    private int active;
    /** Set by {@link #close()}: new exchanges are answered 503. Guarded by {@link #lifecycle}. */
    private boolean stopping;

    private GuardianHttpServer(Builder b) {
        Settings s = b.guardian.config().settings();
        this.bindAddress = b.bindAddress != null ? b.bindAddress : s.getString("http.bindAddress", "127.0.0.1");
        this.requestedPort = b.port != null ? b.port : s.getInt("http.port", 8080, 0, 65535);
        this.threads = b.threads != null ? b.threads : s.getInt("http.threads", 4, 1, 64);
        boolean actions = b.actionsEnabled != null ? b.actionsEnabled : s.getBoolean("http.actions.enabled", false);
        String token = b.token != null ? b.token : s.get("http.token").orElse(null);
        GuardianHttpHandler.Builder hb = GuardianHttpHandler.builder(b.guardian).actionsEnabled(actions);
        if (actions) {
            if (token == null || token.isBlank()) {
                throw new ConfigException("http.token", "is required when http.actions.enabled=true: actions of the "
                        + "standalone server need a bearer token (at least " + MIN_TOKEN_LENGTH + " characters; "
                        + "prefer the environment variable GUARDIAN_HTTP_TOKEN)");
            }
            if (token.trim().length() < MIN_TOKEN_LENGTH) {
                throw new ConfigException("http.token", "is too short; accepted: at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            hb.authenticator(ActionAuthenticator.bearerToken(token.trim()));
        }
        if (b.clock != null) {
            hb.clock(b.clock);
        }
        this.guardian = b.guardian;
        if (b.metrics != null) {
            hb.metrics(b.metrics);
            this.ownRegistry = null;
        } else {
            OwnPrometheus own = OwnPrometheus.attachTo(b.guardian);
            this.ownRegistry = own == null ? null : own.registry;
            if (own != null) {
                hb.metrics(own.scrape);
            }
        }
        if (b.dashboardEnabled != null) {
            hb.dashboardEnabled(b.dashboardEnabled);
        }
        if (b.dashboardPath != null) {
            hb.dashboardPath(b.dashboardPath);
        }
        this.handler = hb.build();
        this.stopTimeout = b.stopTimeout;
    }

    /** A server for this Guardian, configured from its {@code http.*} settings unless set here. */
    public static Builder builder(Guardian guardian) {
        return new Builder(guardian);
    }

    /**
     * Binds and starts serving.
     *
     * @return this
     * @throws UncheckedIOException when the address cannot be bound (port in use ...)
     * @throws ConfigException      when {@code http.bindAddress} is not a known host or address
     * @throws IllegalStateException when already started or closed
     */
    public GuardianHttpServer start() {
        synchronized (lifecycle) {
            if (server != null || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bindAddress);
            } catch (UnknownHostException e) {
                throw new ConfigException("http.bindAddress", "\"" + bindAddress + "\" is not a known host or IP "
                        + "address");
            }
            HttpServer s;
            try {
                s = HttpServer.create(new InetSocketAddress(address, requestedPort), 64);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + requestedPort + ": "
                        + e.getMessage(), e);
            }
            AtomicInteger n = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "guardian-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            ThreadPoolExecutor ex = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE), tf, new ThreadPoolExecutor.CallerRunsPolicy());
            ex.allowCoreThreadTimeOut(true);
            s.setExecutor(ex);
            s.createContext("/", this::exchange);
            s.start();
            this.server = s;
            this.executor = ex;
            LOG.info("CronJob Guardian HTTP API listening on {} (actions {}){}", url(),
                    handler.actionsEnabled() ? "enabled, bearer token required" : "disabled",
                    dashboardUrl().map(u -> "; dashboard at " + u).orElse(""));
            return this;
        }
    }

    /** The port listened on (the actual one when {@code http.port} was 0). */
    public int port() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("not started");
            }
            return server.getAddress().getPort();
        }
    }

    /** {@code http://host:port}, with the loopback address when bound to every interface. */
    public URI url() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("not started");
            }
            InetSocketAddress a = server.getAddress();
            InetAddress ip = a.getAddress();
            String host = ip.isAnyLocalAddress() ? "127.0.0.1" : ip.getHostAddress();
            if (host.contains(":")) {
                host = "[" + host + "]";
            }
            return URI.create("http://" + host + ":" + a.getPort());
        }
    }

    /** The dashboard's URL ({@code http://host:port/ui/}), or empty when {@code http.dashboard.enabled=false}. */
    public java.util.Optional<URI> dashboardUrl() {
        return handler.dashboardPath().map(p -> URI.create(url() + p + "/"));
    }

    /** The handler this server serves. */
    public GuardianHttpHandler handler() {
        return handler;
    }

    private void exchange(HttpExchange x) {
        boolean refuse;
        synchronized (lifecycle) {
            refuse = stopping;
            if (!refuse) {
                active++;
            }
        }
        if (refuse) {
            x.getResponseHeaders().set("Connection", "close");
            respond(x, GuardianHttpHandler.error(503, "the server is shutting down"));
            return;
        }
        try {
            HttpResponse response;
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = GuardianHttpHandler.readBody(in);
                if (body.length > GuardianHttpHandler.MAX_BODY_BYTES) {
                    // read (and drop) the rest, bounded, so that the client gets to read the 413: closing a
                    // connection with unread data resets it and loses the answer
                    drain(in);
                    x.getResponseHeaders().set("Connection", "close");
                }
            }
            URI uri = x.getRequestURI();
            HttpRequest request = new HttpRequest(x.getRequestMethod(),
                    HttpRequest.decode(uri.getRawPath() == null ? "/" : uri.getRawPath()),
                    HttpRequest.parseQuery(uri.getRawQuery()), headers(x), body, null,
                    x.getRemoteAddress() == null ? null : x.getRemoteAddress().getAddress().getHostAddress());
            response = handler.handle(request);
            respond(x, response);
        } catch (IOException | RuntimeException e) {
            LOG.debug("HTTP exchange with {} ended early: {}", x.getRemoteAddress(), e.toString());
            x.close();
        } finally {
            synchronized (lifecycle) {
                active--;
                lifecycle.notifyAll();
            }
        }
    }

    private static void respond(HttpExchange x, HttpResponse response) {
        try {
            response.headers().forEach((k, v) -> x.getResponseHeaders().set(k, v));
            boolean head = x.getRequestMethod().equalsIgnoreCase("HEAD");
            if (head || response.body().length == 0) {
                x.sendResponseHeaders(response.status(), -1);
            } else {
                x.sendResponseHeaders(response.status(), response.body().length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("HTTP exchange with {} ended early: {}", x.getRemoteAddress(), e.toString());
        } finally {
            x.close();
        }
    }

    /** Reads and drops at most {@link #DRAIN_LIMIT} more bytes of a request body that is too large. */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
            left -= n;
        }
    }

    private static Map<String, List<String>> headers(HttpExchange x) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        x.getRequestHeaders().forEach(h::put);
        return h;
    }

    /** Stops gracefully (see the class description). Idempotent. */
    @Override
    public void close() {
        HttpServer s;
        ThreadPoolExecutor ex;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
            ex = executor;
        }
        if (ownRegistry != null) {
            guardian.detachMeterRegistry(ownRegistry);
            ownRegistry.close();
        }
        if (s == null) {
            return;
        }
        // new requests are answered 503 from now on; those in progress finish (bounded), then the listener closes.
        // (HttpServer.stop(delay) of JDK 17 always waits the whole delay, so the wait is done here.)
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        synchronized (lifecycle) {
            stopping = true;
            try {
                while (active > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.warn("{} HTTP request(s) still running after {}; stopping anyway", active, stopTimeout);
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lifecycle, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        s.stop(0);
        ex.shutdownNow();
        LOG.info("CronJob Guardian HTTP API stopped");
    }

    /** Builds a {@link GuardianHttpServer}; every setting defaults to the Guardian's {@code http.*} configuration. */
    public static final class Builder {
        private final Guardian guardian;
        private @Nullable String bindAddress;
        private @Nullable Integer port;
        private @Nullable Integer threads;
        private @Nullable Boolean actionsEnabled;
        private @Nullable String token;
        private @Nullable Clock clock;
        private @Nullable Supplier<String> metrics;
        private @Nullable Boolean dashboardEnabled;
        private @Nullable String dashboardPath;
        private Duration stopTimeout = Duration.ofSeconds(5);

        private Builder(Guardian guardian) {
            this.guardian = Objects.requireNonNull(guardian, "guardian");
        }

        /** Overrides {@code http.bindAddress}. */
        public Builder bindAddress(String value) {
            this.bindAddress = Objects.requireNonNull(value, "bindAddress");
            return this;
        }

        /** Overrides {@code http.port} (0 = any free port). */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + value);
            }
            this.port = value;
            return this;
        }

        /** Overrides {@code http.threads}. */
        public Builder threads(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("threads must be between 1 and 64, was " + value);
            }
            this.threads = value;
            return this;
        }

        /** Overrides {@code http.actions.enabled}. */
        public Builder actionsEnabled(boolean value) {
            this.actionsEnabled = value;
            return this;
        }

        /** Overrides {@code http.token}. */
        public Builder token(String value) {
            this.token = Objects.requireNonNull(value, "token");
            return this;
        }

        /** The clock of the handler's time windows; default: the system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Serves {@code /metrics} from this registry (Prometheus text format). */
        public Builder prometheus(PrometheusMeterRegistry registry) {
            Objects.requireNonNull(registry, "registry");
            this.metrics = registry::scrape;
            return this;
        }

        /** Serves {@code /metrics} with this text (Prometheus text format); for registries of other kinds. */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = Objects.requireNonNull(scrape, "scrape");
            return this;
        }

        /** Overrides {@code http.dashboard.enabled}. */
        public Builder dashboardEnabled(boolean value) {
            this.dashboardEnabled = value;
            return this;
        }

        /** Overrides {@code http.dashboard.path} (e.g. {@code /ui}). */
        public Builder dashboardPath(String value) {
            this.dashboardPath = Objects.requireNonNull(value, "dashboardPath");
            return this;
        }

        /** How long {@link #close()} waits for requests in progress; default 5 s. */
        public Builder stopTimeout(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("stopTimeout must not be negative");
            }
            this.stopTimeout = value;
            return this;
        }

        /**
         * Builds the server (not started).
         *
         * @throws ConfigException when actions are enabled without a token of at least 16 characters
         */
        public GuardianHttpServer build() {
            return new GuardianHttpServer(this);
        }
    }
}
