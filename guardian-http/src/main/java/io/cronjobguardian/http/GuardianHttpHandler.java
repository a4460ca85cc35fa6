package io.cronjobguardian.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.ActiveJob;
import io.cronjobguardian.engine.ChannelStatus;
import io.cronjobguardian.engine.CronJobStatus;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.NotLeaderException;
import io.cronjobguardian.engine.PruneResult;
import io.cronjobguardian.engine.GuardianHealth;
import io.cronjobguardian.engine.HealthState;
import io.cronjobguardian.engine.Leadership;
import io.cronjobguardian.engine.MonitorStatus;
import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface of a {@link Guardian}, independent of any web framework: a request in, a response out. The
 * standalone {@link GuardianHttpServer} serves it on the JDK's HTTP server; a host framework (the Spring Boot
 * starter) can mount it under a base path of its own by passing the path below that base.
 *
 * <p>Reads (every {@code GET}) are served by every replica from the store and the watcher's caches. Actions
 * (writes) are off unless {@link Builder#actionsEnabled(boolean)}; when on, each needs the
 * {@link ActionAuthenticator}'s approval ({@code 401} otherwise) and is logged with who did it. An action that only
 * the leader may carry out is answered {@code 409} naming the leader on a standby, never dropped.
 *
 * <p>Errors are JSON {@code {"error": "...", "status": n}}; a failure inside is logged and answered {@code 500}
 * without details, an unreachable store {@code 503}. No CORS headers are sent. Thread-safe.
 *
 * <p>The endpoints are described in {@code io/cronjobguardian/http/openapi.yaml} (also served at
 * {@code /api/v1/openapi.yaml}).
 *
 * <p>The dashboard's pages and files ({@link DashboardAssets}) are served below {@code http.dashboard.path}
 * (default {@code /ui}) unless {@code http.dashboard.enabled=false}; they read only the endpoints above.
 */
public final class GuardianHttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianHttpHandler.class);
    /** Audit log of actions: who did what, from where, with what result. */
    private static final Logger AUDIT = LoggerFactory.getLogger("io.cronjobguardian.http.audit");

    /** Largest request body accepted (1 MiB); a larger one is answered {@code 413}. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Page size of {@code /api/v1/cronjobs} when none is given. */
    public static final int DEFAULT_CRONJOB_LIMIT = 100;
    /** Page size of executions and alerts when none is given (the operator documented 50). */
    public static final int DEFAULT_LIMIT = 50;
    /** Largest page size any list accepts. */
    public static final int MAX_LIMIT = 1000;
    /** The OpenAPI document, a class-path resource. */
    public static final String OPENAPI_RESOURCE = "/io/cronjobguardian/http/openapi.yaml";
    /** Window of the {@code successRate30d} figures of one CronJob. */
    static final Duration LONG_WINDOW = Duration.ofDays(30);

    private final Guardian guardian;
    private final boolean actionsEnabled;
    private final ActionAuthenticator authenticator;
    private final Clock clock;
    private final @Nullable Supplier<String> metrics;
    private final List<Route> routes;
    private final String basePath;
    /** The dashboard's pages and assets, or {@code null} when {@code http.dashboard.enabled=false}. */
    private final @Nullable DashboardAssets dashboard;

    private GuardianHttpHandler(Builder b) {
        this.guardian = b.guardian;
        this.actionsEnabled = b.actionsEnabled != null ? b.actionsEnabled
                : guardian.config().settings().getBoolean("http.actions.enabled", false);
        this.authenticator = b.authenticator;
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.metrics = b.metrics;
        this.basePath = basePath(b.basePath != null ? b.basePath
                : guardian.config().settings().getString("http.basePath", ""));
        this.routes = routes();
        Settings settings = guardian.config().settings();
        boolean dashboardOn = b.dashboardEnabled != null ? b.dashboardEnabled
                : settings.getBoolean("http.dashboard.enabled", true);
        this.dashboard = dashboardOn ? new DashboardAssets(b.dashboardPath != null ? b.dashboardPath
                : settings.getString("http.dashboard.path", DashboardAssets.DEFAULT_PATH)) : null;
    }

    /** The path every route is under ({@code ""} or {@code /a/b}). */
    public String basePath() {
        return basePath;
    }

    /**
     * A base path as served: {@code ""} (none) or {@code /segment[/segment...]} of letters, digits and
     * {@code - . _ ~}, without a trailing slash ({@code /guardian/} is {@code /guardian}).
     *
     * @throws io.cronjobguardian.api.ConfigException naming {@code http.basePath} for anything else
     */
    public static String basePath(@Nullable String value) {
        String v = value == null ? "" : value.trim();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty()) {
            return "";
        }
        if (!v.startsWith("/") || !v.matches("(/[A-Za-z0-9._~-]+)+") || v.matches(".*/\\.{1,2}(/.*)?")) {
            throw new io.cronjobguardian.api.ConfigException("http.basePath", "must be empty or /segment[/...] "
                    + "of letters, digits, '-', '.', '_' and '~' (no '.' or '..' segments); was \"" + value + "\"");
        }
        return v;
    }

    /** A handler over this Guardian; {@code http.actions.enabled} comes from its configuration unless set. */
    public static Builder builder(Guardian guardian) {
        return new Builder(guardian);
    }

    /** Whether actions are served. */
    public boolean actionsEnabled() {
        return actionsEnabled;
    }

    /**
     * Where the dashboard is served below this handler's root (e.g. {@code /ui}), or empty when it is off
     * ({@code http.dashboard.enabled=false}).
     */
    public Optional<String> dashboardPath() {
        return dashboard == null ? Optional.empty() : Optional.of(dashboard.path());
    }

    // ================================================================== routing

    /** What one route does. */
    @FunctionalInterface
    private interface Endpoint {
        HttpResponse serve(Call call) throws IOException;
    }

    /**
     * One route: method, path pattern ({@code {x}} matches one segment), whether it is an action and whether only
     * the leader may carry it out.
     */
    private record Route(String method, String[] pattern, boolean action, boolean leaderOnly, Endpoint endpoint) {

        @Nullable Map<String, String> match(List<String> segments) {
            if (segments.size() != pattern.length) {
                return null;
            }
            Map<String, String> vars = new LinkedHashMap<>();
            for (int i = 0; i < pattern.length; i++) {
                String p = pattern[i];
                if (p.startsWith("{")) {
                    if (segments.get(i).isEmpty()) {
                        return null;
                    }
                    vars.put(p.substring(1, p.length() - 1), segments.get(i));
                } else if (!p.equals(segments.get(i))) {
                    return null;
                }
            }
            return vars;
        }
    }

    /** One request being served: the request, the path variables, the caller of an action. */
    private record Call(HttpRequest request, Map<String, String> vars, @Nullable String caller) {
        String var(String name) {
            return vars.get(name);
        }
    }

    /** A client error answered with its status and message. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private List<Route> routes() {
        List<Route> r = new ArrayList<>();
        get(r, "/healthz", noParams(c -> liveness()));
        get(r, "/readyz", noParams(c -> readiness()));
        get(r, "/metrics", noParams(c -> prometheus()));
        get(r, "/api/v1/health", noParams(c -> health()));
        get(r, "/api/v1/stats", noParams(c -> stats()));
        get(r, "/api/v1/cronjobs", this::cronJobs);
        get(r, "/api/v1/cronjobs/{namespace}/{name}", this::cronJob);
        get(r, "/api/v1/cronjobs/{namespace}/{name}/executions", this::cronJobExecutions);
        get(r, "/api/v1/cronjobs/{namespace}/{name}/executions/{jobName}", this::executionByName);
        get(r, "/api/v1/executions/{jobUid}", this::execution);
        get(r, "/api/v1/alerts", this::alerts);
        get(r, "/api/v1/alerts/{id}/notifications", this::notifications);
        get(r, "/api/v1/monitors", this::monitors);
        get(r, "/api/v1/monitors/{namespace}/{name}", this::monitor);
        get(r, "/api/v1/channels", noParams(c -> channels()));
        get(r, "/api/v1/leader", noParams(c -> leader()));
        get(r, "/api/v1/config", noParams(c -> config()));
        get(r, "/api/v1/openapi.yaml", noParams(c -> openApi()));
        dashboardRoutes(r);
        // a test message goes out from whichever replica receives the request; its result counts in the shared
        // channel statistics (no epoch is involved), so a standby carries it out safely
        r.add(new Route("POST", split("/api/v1/channels/{name}/test"), true, false, this::testChannel));
        // writes of the leader's term: a standby answers 409 naming the leader (the operator's paths)
        r.add(new Route("DELETE", split("/api/v1/cronjobs/{namespace}/{name}/history"), true, true,
                this::deleteHistory));
        r.add(new Route("POST", split("/api/v1/admin/prune"), true, true, this::prune));
        r.add(new Route("POST", split("/api/v1/alerts/{id}/acknowledge"), true, true, this::acknowledge));
        r.add(new Route("POST", split("/api/v1/alerts/{id}/silence"), true, true, this::silence));
        r.add(new Route("DELETE", split("/api/v1/alerts/{id}/silence"), true, true, this::unsilence));
        // writes to the cluster (the source of truth), not to the store: any replica carries them out
        r.add(new Route("POST", split("/api/v1/cronjobs/{namespace}/{name}/trigger"), true, false, this::trigger));
        r.add(new Route("POST", split("/api/v1/cronjobs/{namespace}/{name}/suspend"), true, false,
                c -> suspend(c, true)));
        r.add(new Route("POST", split("/api/v1/cronjobs/{namespace}/{name}/resume"), true, false,
                c -> suspend(c, false)));
        return List.copyOf(r);
    }

    private static void get(List<Route> r, String path, Endpoint e) {
        r.add(new Route("GET", split(path), false, false, e));
    }

    /** An endpoint that takes no query parameter: any is a {@code 400}. */
    private static Endpoint noParams(Endpoint e) {
        return c -> {
            new Params(c.request()).checkNoOthers();
            return e.serve(c);
        };
    }

    private static String[] split(String path) {
        return segments(path).toArray(new String[0]);
    }

    private static List<String> segments(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> out = new ArrayList<>();
        if (p.isEmpty()) {
            return out;
        }
        int start = 0;
        for (int i = 0; i <= p.length(); i++) {
            if (i == p.length() || p.charAt(i) == '/') {
                out.add(p.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Serves one request. Never throws: every failure becomes a JSON error response. A {@code HEAD} request is served
     * as {@code GET}; the caller leaves the body out.
     */
    public HttpResponse handle(HttpRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return route(request);
        } catch (ApiError e) {
            return error(e.status, e.getMessage());
        } catch (StoreUnavailableException e) {
            LOG.warn("{}: the store is unavailable: {}", request, e.getMessage());
            return error(503, "the history store is unavailable; try again later");
        } catch (RuntimeException | IOException | Error e) {
            LOG.warn("{} failed", request, e);
            return error(500, "internal error; the server log has the details");
        }
    }

    private HttpResponse route(HttpRequest request) throws IOException {
        String path = request.path();
        if (!basePath.isEmpty()) {
            if (!path.equals(basePath) && !path.startsWith(basePath + "/")) {
                throw new ApiError(404, "nothing at " + path + " (this server serves under " + basePath + "/)");
            }
            path = path.substring(basePath.length());
            if (path.isEmpty()) {
                path = "/";
            }
            request = new HttpRequest(request.method(), path, request.query(), request.headers(), request.body(),
                    request.principal(), request.remote());
        }
        if (dashboard != null) {
            HttpResponse page = dashboard.serve(request);
            if (page != null) {
                return page;
            }
        }
        List<String> segs = segments(path);
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        Set<String> allowed = new LinkedHashSet<>();
        Route found = null;
        Map<String, String> vars = null;
        for (Route route : routes) {
            Map<String, String> v = route.match(segs);
            if (v == null) {
                continue;
            }
            allowed.add(route.method());
            if (route.method().equals(method)) {
                found = route;
                vars = v;
                break;
            }
        }
        if (found == null) {
            if (allowed.isEmpty()) {
                throw new ApiError(404, "no such endpoint: " + basePath + request.path() + " (see " + basePath
                        + "/api/v1/openapi.yaml)");
            }
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            if (allowed.contains("POST") && !actionsEnabled) {
                // an action's path when actions are off: say so rather than "method not allowed"
                throw new ApiError(404, "actions are disabled on this server; set http.actions.enabled=true (and "
                        + "http.token for the standalone server) to enable them");
            }
            HttpResponse r = error(405, "method " + request.method() + " is not allowed on " + basePath
                    + request.path() + "; allowed: " + String.join(", ", allowed));
            Map<String, String> h = new LinkedHashMap<>(r.headers());
            h.put("Allow", String.join(", ", allowed));
            return new HttpResponse(405, h, r.body());
        }
        if (request.body().length > MAX_BODY_BYTES) {
            throw new ApiError(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (!found.action()) {
            if (request.body().length > 0) {
                throw new ApiError(400, "a " + method + " request takes no body");
            }
            return found.endpoint().serve(new Call(request, vars, null));
        }
        return action(found, request, vars);
    }

    private HttpResponse action(Route route, HttpRequest request, Map<String, String> vars) throws IOException {
        String what = request.method() + " " + basePath + request.path();
        if (!actionsEnabled) {
            throw new ApiError(404, "actions are disabled on this server; set http.actions.enabled=true (and "
                    + "http.token for the standalone server) to enable them");
        }
        Optional<String> caller = authenticator.authenticate(request);
        if (caller.isEmpty()) {
            AUDIT.warn("action {} refused: not authenticated (from {})", what, remote(request));
            HttpResponse r = error(401, "this action needs authentication (Authorization: Bearer <http.token>)");
            Map<String, String> h = new LinkedHashMap<>(r.headers());
            h.put("WWW-Authenticate", "Bearer realm=\"cronjob-guardian\"");
            return new HttpResponse(401, h, r.body());
        }
        String reason = actionReason(request.body());
        if (route.leaderOnly()) {
            Leadership l = guardian.leadership();
            if (!l.leader()) {
                String leader = l.knownLeader().orElse(null);
                AUDIT.info("action {} by {} (from {}{}) refused: this replica ({}) is a standby; leader: {}", what,
                        caller.get(), remote(request), reasonSuffix(reason), l.identity(),
                        leader == null ? "unknown" : leader);
                return json(409, g -> {
                    g.writeStartObject();
                    g.writeStringField("error", "this replica is a standby; send the action to the leader"
                            + (leader == null ? " (not known to this replica)" : " " + leader));
                    g.writeNumberField("status", 409);
                    Json.string(g, "leader", leader);
                    g.writeStringField("replica", l.identity());
                    g.writeEndObject();
                });
            }
        }
        HttpResponse response = route.endpoint().serve(new Call(request, vars, caller.get()));
        AUDIT.info("action {} by {} (from {}{}): {}", what, caller.get(), remote(request), reasonSuffix(reason),
                response.status());
        return response;
    }

    private static String remote(HttpRequest r) {
        return r.remote() == null ? "unknown address" : r.remote();
    }

    private static String reasonSuffix(@Nullable String reason) {
        return reason == null ? "" : ", reason \"" + reason + "\"";
    }

    /**
     * The optional body of an action: empty, or a JSON object with an optional string {@code reason} that goes into
     * the audit log. Anything else is {@code 400}.
     */
    static @Nullable String actionReason(byte[] body) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        String reason = null;
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ApiError(400, "the body must be a JSON object such as {\"reason\": \"...\"}");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (!field.equals("reason")) {
                    throw new ApiError(400, "unknown field \"" + field + "\"; accepted: reason");
                }
                if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
                    throw new ApiError(400, "reason must be a string");
                }
                reason = v == JsonToken.VALUE_NULL ? null : p.getText();
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new ApiError(400, "malformed JSON body");
            }
        } catch (IOException e) {
            throw new ApiError(400, "malformed JSON body: " + firstLine(e.getMessage()));
        }
        if (reason != null && reason.length() > 500) {
            reason = reason.substring(0, 500) + "…";
        }
        return reason == null ? null : reason.replaceAll("[\\r\\n\\t]", " ");
    }

    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ================================================================== responses

    static HttpResponse json(int status, Json.Body body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", HttpResponse.JSON);
        h.put("Cache-Control", "no-store");
        return new HttpResponse(status, h, Json.bytes(body));
    }

    static HttpResponse error(int status, String message) {
        return json(status, g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeNumberField("status", status);
            g.writeEndObject();
        });
    }

    private static HttpResponse ok(Json.Body body) {
        return json(200, body);
    }

    // ================================================================== health

    private HttpResponse liveness() {
        GuardianHealth h = guardian.health();
        return json(h.live() ? 200 : 503, g -> {
            g.writeStartObject();
            g.writeStringField("status", h.live() ? "UP" : "DOWN");
            Json.strings(g, "reasons", h.live() ? List.of() : h.reasons());
            g.writeEndObject();
        });
    }

    private HttpResponse readiness() {
        GuardianHealth h = guardian.health();
        return json(h.ready() ? 200 : 503, g -> {
            g.writeStartObject();
            g.writeStringField("status", h.ready() ? "UP" : "DOWN");
            g.writeBooleanField("leader", h.leader());
            Json.strings(g, "reasons", h.reasons());
            g.writeEndObject();
        });
    }

    private HttpResponse prometheus() {
        if (metrics == null) {
            throw new ApiError(404, "no Prometheus registry is configured on this server");
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        return new HttpResponse(200, h, metrics.get().getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse health() {
        GuardianHealth h = guardian.health();
        Leadership l = guardian.leadership();
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("status", h.ready() ? "healthy" : h.live() ? "degraded" : "down");
            g.writeBooleanField("live", h.live());
            g.writeBooleanField("ready", h.ready());
            g.writeBooleanField("leader", h.leader());
            g.writeStringField("identity", l.identity());
            Json.strings(g, "reasons", h.reasons());
            g.writeEndObject();
        });
    }

    private HttpResponse stats() {
        List<CronJobStatus> all = guardian.statuses();
        Instant now = clock.instant();
        long recorded24h = guardian.executions(ExecutionQuery.all().startedSince(now.minus(Duration.ofDays(1)))
                .page(0, 1)).total();
        long activeAlerts = guardian.incidents(IncidentQuery.open().page(0, 1)).total();
        return ok(g -> {
            g.writeStartObject();
            g.writeNumberField("totalMonitors", guardian.monitors().size());
            g.writeNumberField("totalCronJobs", all.size());
            summary(g, all);
            g.writeNumberField("activeAlerts", activeAlerts);
            g.writeNumberField("executionsRecorded24h", recorded24h);
            g.writeEndObject();
        });
    }

    // ================================================================== CronJobs

    private static final Map<String, Comparator<CronJobStatus>> SORTS = new LinkedHashMap<>();

    static {
        Comparator<CronJobStatus> byRef = Comparator.comparing(CronJobStatus::ref);
        SORTS.put("name", byRef);
        SORTS.put("status", Comparator.comparingInt((CronJobStatus s) -> severityRank(s.state())).reversed()
                .thenComparing(byRef));
        SORTS.put("lastrun", Comparator.comparing(CronJobStatus::lastRunAt,
                Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byRef));
        SORTS.put("nextrun", Comparator.comparing(CronJobStatus::nextScheduledAt,
                Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(byRef));
        SORTS.put("successrate", Comparator.comparing((CronJobStatus s) -> s.stats().successRate().isPresent()
                ? s.stats().successRate().getAsDouble() : null, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(byRef));
    }

    private static int severityRank(HealthState s) {
        switch (s) {
            case CRITICAL: return 4;
            case WARNING: return 3;
            case UNKNOWN: return 2;
            case SUSPENDED: return 1;
            default: return 0;
        }
    }

    private HttpResponse cronJobs(Call c) {
        Params p = new Params(c.request());
        String namespace = p.string("namespace");
        HealthState state = p.choice("status", HealthState.class);
        String search = p.string("search");
        String sortKey = p.string("sort");
        Comparator<CronJobStatus> sort = SORTS.get(sortKey == null ? "name"
                : sortKey.toLowerCase(Locale.ROOT).replace("_", "").replace("-", ""));
        if (sort == null) {
            throw new ApiError(400, "sort must be one of name, status, lastRun, nextRun, successRate; was \""
                    + sortKey + "\"");
        }
        String order = p.string("order");
        if (order != null && !order.equalsIgnoreCase("asc") && !order.equalsIgnoreCase("desc")) {
            throw new ApiError(400, "order must be asc or desc; was \"" + order + "\"");
        }
        if ("desc".equalsIgnoreCase(order)) {
            sort = sort.reversed();
        }
        int limit = p.limit(DEFAULT_CRONJOB_LIMIT);
        int offset = p.offset();
        p.checkNoOthers();
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        List<CronJobStatus> all = guardian.statuses();
        List<CronJobStatus> matching = all.stream()
                .filter(s -> namespace == null || s.ref().namespace().equals(namespace))
                .filter(s -> state == null || s.state() == state)
                .filter(s -> needle == null || s.ref().name().toLowerCase(Locale.ROOT).contains(needle))
                .sorted(sort)
                .collect(Collectors.toList());
        List<CronJobStatus> page = matching.subList(Math.min(offset, matching.size()),
                Math.min(matching.size(), offset + limit));
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (CronJobStatus s : page) {
                g.writeStartObject();
                cronJobFields(g, s);
                g.writeEndObject();
            }
            g.writeEndArray();
            summary(g, matching);
            pagination(g, matching.size(), limit, offset, page.size());
            g.writeEndObject();
        });
    }

    private static void summary(JsonGenerator g, List<CronJobStatus> list) throws IOException {
        MonitorStatus m = MonitorStatus.of("summary", list);
        g.writeObjectFieldStart("summary");
        g.writeNumberField("total", m.total());
        g.writeNumberField("healthy", m.healthy());
        g.writeNumberField("warning", m.warning());
        g.writeNumberField("critical", m.critical());
        g.writeNumberField("suspended", m.suspended());
        g.writeNumberField("unknown", m.unknown());
        g.writeNumberField("running", m.running());
        g.writeEndObject();
    }

    private static void pagination(JsonGenerator g, long total, int limit, int offset, int size) throws IOException {
        g.writeObjectFieldStart("pagination");
        g.writeNumberField("total", total);
        g.writeNumberField("limit", limit);
        g.writeNumberField("offset", offset);
        g.writeBooleanField("hasMore", (long) offset + size < total);
        g.writeEndObject();
    }

    private static String wire(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    private static void cronJobFields(JsonGenerator g, CronJobStatus s) throws IOException {
        g.writeStringField("namespace", s.ref().namespace());
        g.writeStringField("name", s.ref().name());
        Json.string(g, "uid", s.uid());
        g.writeStringField("status", wire(s.state()));
        Json.string(g, "schedule", s.schedule());
        Json.string(g, "timezone", s.timeZone());
        g.writeBooleanField("suspended", s.suspended());
        Json.strings(g, "monitors", s.monitors());
        ExecutionStats st = s.stats();
        if (st.successRate().isPresent()) {
            g.writeNumberField("successRate", st.successRate().getAsDouble());
        } else {
            g.writeNullField("successRate");
        }
        // the number of finished runs behind successRate, and their P95 (the overview shows both)
        g.writeNumberField("runs", st.total());
        Json.seconds(g, "p95Seconds", st.p95());
        Json.instant(g, "lastRunAt", s.lastRunAt());
        Json.string(g, "lastRunStatus", wire(s.lastRunState()));
        Json.instant(g, "lastSuccessAt", s.lastSuccessAt());
        Json.instant(g, "lastFailureAt", s.lastFailureAt());
        Json.instant(g, "nextRun", s.nextScheduledAt());
        g.writeArrayFieldStart("activeJobs");
        for (ActiveJob j : s.activeJobs()) {
            g.writeStartObject();
            g.writeStringField("name", j.name());
            Json.instant(g, "scheduledTime", j.scheduledTime());
            Json.instant(g, "startedAt", j.startedAt());
            Json.seconds(g, "runningForSeconds", j.runningFor());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("activeAlerts", s.openIncidents().size());
        Json.string(g, "problem", s.problem());
        Json.string(g, "schedulingProblem", s.schedulingProblem());
    }

    private static void statsObject(JsonGenerator g, String field, ExecutionStats st) throws IOException {
        g.writeObjectFieldStart(field);
        Json.instant(g, "from", st.from());
        Json.instant(g, "to", st.to());
        g.writeNumberField("total", st.total());
        g.writeNumberField("succeeded", st.succeeded());
        g.writeNumberField("failed", st.failed());
        if (st.successRate().isPresent()) {
            g.writeNumberField("successRate", st.successRate().getAsDouble());
        } else {
            g.writeNullField("successRate");
        }
        Json.seconds(g, "avgSeconds", st.avg());
        Json.seconds(g, "p50Seconds", st.p50());
        Json.seconds(g, "p95Seconds", st.p95());
        Json.seconds(g, "p99Seconds", st.p99());
        Json.seconds(g, "maxSeconds", st.maxDuration());
        g.writeObjectFieldStart("percentileSeconds");
        for (Map.Entry<Integer, Duration> e : new TreeMap<>(st.percentiles()).entrySet()) {
            Json.seconds(g, "p" + e.getKey(), e.getValue());
        }
        g.writeEndObject();
        Json.instant(g, "lastSuccessAt", st.lastSuccessAt());
        Json.instant(g, "lastFailureAt", st.lastFailureAt());
        g.writeEndObject();
    }

    private CronJobRef ref(Call c) {
        try {
            return CronJobRef.of(c.var("namespace"), c.var("name"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "not a CronJob reference: " + e.getMessage());
        }
    }

    private HttpResponse cronJob(Call c) {
        new Params(c.request()).checkNoOthers();
        CronJobRef ref = ref(c);
        CronJobStatus s = guardian.status(ref).orElseThrow(() -> new ApiError(404, "no CronJob " + ref
                + " is watched"));
        Instant now = clock.instant();
        ExecutionStats longWindow = guardian.stats(ref, io.cronjobguardian.api.StatsQuery.lastWindow(now,
                LONG_WINDOW));
        Page<Execution> last = guardian.executions(ExecutionQuery.forCronJob(ref).page(0, 1));
        return ok(g -> {
            g.writeStartObject();
            cronJobFields(g, s);
            statsObject(g, "stats", s.stats());
            statsObject(g, "stats30d", longWindow);
            if (last.items().isEmpty()) {
                g.writeNullField("lastExecution");
            } else {
                g.writeObjectFieldStart("lastExecution");
                executionFields(g, last.items().get(0), false);
                g.writeEndObject();
            }
            g.writeArrayFieldStart("alerts");
            for (Incident i : s.openIncidents()) {
                g.writeStartObject();
                incidentFields(g, i, clock.instant());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse cronJobExecutions(Call c) {
        CronJobRef ref = ref(c);
        Params p = new Params(c.request());
        int limit = p.limit(DEFAULT_LIMIT);
        int offset = p.offset();
        String status = p.string("status");
        JobState wanted = null;
        if (status != null) {
            switch (status.toLowerCase(Locale.ROOT)) {
                case "success": case "succeeded": wanted = JobState.SUCCEEDED; break;
                case "failed": case "failure": wanted = JobState.FAILED; break;
                case "running": wanted = JobState.RUNNING; break;
                default: throw new ApiError(400, "status must be success, failed or running; was \"" + status
                        + "\"");
            }
        }
        Instant since = p.instant("since");
        Instant until = p.instant("until");
        Boolean manual = p.bool("includeManual");
        p.checkNoOthers();
        ExecutionQuery q = ExecutionQuery.forCronJob(ref).startedBetween(since, until)
                .includeManual(manual == null || manual).page(offset, limit);
        if (wanted != null) {
            q = q.states(wanted);
        }
        Page<Execution> page = guardian.executions(q);
        if (page.total() == 0 && guardian.status(ref).isEmpty()
                && guardian.executions(ExecutionQuery.forCronJob(ref).page(0, 1)).total() == 0) {
            throw new ApiError(404, "no CronJob " + ref + " is watched and none has recorded runs");
        }
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (Execution e : page.items()) {
                g.writeStartObject();
                executionFields(g, e, false);
                g.writeEndObject();
            }
            g.writeEndArray();
            pagination(g, page.total(), limit, offset, page.items().size());
            g.writeEndObject();
        });
    }

    private HttpResponse execution(Call c) {
        new Params(c.request()).checkNoOthers();
        String uid = c.var("jobUid");
        Execution e = guardian.execution(uid).orElseThrow(() -> new ApiError(404, "no recorded run of the Job "
                + "with UID " + uid));
        return ok(g -> {
            g.writeStartObject();
            executionFields(g, e, true);
            g.writeEndObject();
        });
    }

    /** Pages of runs looked through to find one by Job name (the operator's path). */
    static final int NAME_SCAN_PAGES = 10;

    /**
     * One run by its Job name, the operator's path: the CronJob's runs are looked through newest first, at most
     * {@link #NAME_SCAN_PAGES} pages of {@link ExecutionQuery#MAX_LIMIT}; {@code /api/v1/executions/{jobUid}} is
     * the direct way.
     */
    private HttpResponse executionByName(Call c) {
        new Params(c.request()).checkNoOthers();
        CronJobRef ref = ref(c);
        String jobName = c.var("jobName");
        String uid = null;
        for (int page = 0; page < NAME_SCAN_PAGES && uid == null; page++) {
            Page<Execution> p = guardian.executions(ExecutionQuery.forCronJob(ref)
                    .page(page * ExecutionQuery.MAX_LIMIT, ExecutionQuery.MAX_LIMIT));
            for (Execution e : p.items()) {
                if (e.job().name().equals(jobName)) {
                    uid = e.jobUid();
                    break;
                }
            }
            if (!p.hasMore()) {
                break;
            }
        }
        String found = uid;
        Execution e = found == null ? null : guardian.execution(found).orElse(null);
        if (e == null) {
            throw new ApiError(404, "no recorded run of " + ref + " has the Job name " + jobName);
        }
        return ok(g -> {
            g.writeStartObject();
            executionFields(g, e, true);
            g.writeEndObject();
        });
    }

    private static void executionFields(JsonGenerator g, Execution e, boolean details) throws IOException {
        JobSnapshot j = e.job();
        g.writeStringField("jobUid", j.uid());
        g.writeStringField("jobName", j.name());
        g.writeStringField("namespace", j.namespace());
        g.writeStringField("cronJob", e.cronJob().name());
        Json.string(g, "cronJobUid", j.ownerUid());
        g.writeStringField("status", wire(j.state()));
        Json.instant(g, "scheduledTime", j.scheduledTime());
        Json.instant(g, "startTime", j.effectiveStart());
        Json.instant(g, "completionTime", j.finishedAt());
        Json.seconds(g, "durationSeconds", j.duration());
        g.writeNumberField("attempts", j.attempts());
        g.writeBooleanField("manual", j.manual());
        Termination t = j.lastTermination();
        Json.integer(g, "exitCode", t == null ? null : t.exitCode());
        Json.string(g, "reason", t != null && t.reason() != null ? t.reason() : j.conditionReason());
        if (details) {
            Json.string(g, "conditionReason", j.conditionReason());
            Json.string(g, "conditionMessage", j.conditionMessage());
            if (t == null) {
                g.writeNullField("termination");
            } else {
                g.writeObjectFieldStart("termination");
                Json.string(g, "container", t.container());
                Json.integer(g, "exitCode", t.exitCode());
                Json.string(g, "reason", t.reason());
                Json.integer(g, "signal", t.effectiveSignal());
                Json.string(g, "message", t.message());
                g.writeEndObject();
            }
            Json.string(g, "logTail", e.logTail());
            Json.strings(g, "events", e.events());
            Json.string(g, "suggestedFix", e.suggestedFix());
        }
    }

    // ================================================================== alerts

    private HttpResponse alerts(Call c) {
        Params p = new Params(c.request());
        String state = p.string("state");
        boolean openOnly;
        if (state == null || state.equalsIgnoreCase("open")) {
            openOnly = true;
        } else if (state.equalsIgnoreCase("all")) {
            openOnly = false;
        } else {
            throw new ApiError(400, "state must be open or all; was \"" + state + "\"");
        }
        int limit = p.limit(DEFAULT_LIMIT);
        int offset = p.offset();
        String type = p.string("type");
        AlertType alertType = null;
        if (type != null) {
            try {
                alertType = AlertType.parse(type);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "unknown alert type \"" + type + "\"");
            }
        }
        String ns = p.string("namespace");
        String cj = p.string("cronjob");
        String monitor = p.string("monitor");
        Instant since = p.instant("since");
        p.checkNoOthers();
        if (cj != null && ns == null) {
            throw new ApiError(400, "cronjob needs namespace");
        }
        IncidentQuery q = (openOnly ? IncidentQuery.open() : IncidentQuery.all())
                .cronJob(cj == null ? null : CronJobRef.of(ns, cj)).monitor(monitor).type(alertType)
                .openedFrom(since).page(offset, limit);
        Page<Incident> page;
        if (ns != null && cj == null) {
            // no namespace filter in the store's query: page over the filtered list of this namespace
            List<Incident> all = new ArrayList<>();
            int chunk = ExecutionQuery.MAX_LIMIT;
            for (int from = 0; ; from += chunk) {
                Page<Incident> part = guardian.incidents(q.page(from, chunk));
                part.items().stream().filter(i -> i.key().cronJob().namespace().equals(ns)).forEach(all::add);
                if (!part.hasMore() || from > 100 * chunk) {
                    break;
                }
            }
            page = new Page<>(all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit)),
                    all.size(), offset, limit);
        } else {
            page = guardian.incidents(q);
        }
        Page<Incident> result = page;
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (Incident i : result.items()) {
                g.writeStartObject();
                incidentFields(g, i, clock.instant());
                g.writeEndObject();
            }
            g.writeEndArray();
            pagination(g, result.total(), limit, offset, result.items().size());
            g.writeEndObject();
        });
    }

    private static void incidentFields(JsonGenerator g, Incident i, Instant now) throws IOException {
        g.writeStringField("id", i.id());
        g.writeStringField("type", i.key().type().wireName());
        g.writeStringField("severity", wire(i.severity()));
        g.writeStringField("title", i.title());
        g.writeStringField("message", i.message());
        g.writeStringField("namespace", i.key().cronJob().namespace());
        g.writeStringField("cronjob", i.key().cronJob().name());
        g.writeStringField("monitor", i.key().monitor());
        g.writeBooleanField("open", i.isOpen());
        Json.instant(g, "openedAt", i.openedAt());
        Json.instant(g, "lastNotifiedAt", i.lastNotifiedAt());
        g.writeNumberField("notificationCount", i.notificationCount());
        Json.instant(g, "resolvedAt", i.resolvedAt());
        Json.instant(g, "acknowledgedAt", i.acknowledgedAt());
        Json.string(g, "acknowledgedBy", i.acknowledgedBy());
        Json.instant(g, "silencedUntil", i.silencedUntil());
        Json.string(g, "silencedBy", i.silencedBy());
        g.writeBooleanField("silenced", i.isOpen() && i.isSilencedAt(now));
        AlertContext ctx = i.context();
        g.writeObjectFieldStart("context");
        Json.string(g, "jobName", ctx.jobName());
        Json.integer(g, "exitCode", ctx.exitCode());
        Json.string(g, "reason", ctx.reason());
        Json.string(g, "message", ctx.message());
        Json.string(g, "suggestedFix", ctx.suggestedFix());
        if (ctx.successRate() == null) {
            g.writeNullField("successRate");
        } else {
            g.writeNumberField("successRate", ctx.successRate());
        }
        Json.seconds(g, "lastDurationSeconds", ctx.lastDuration());
        g.writeEndObject();
    }

    private HttpResponse notifications(Call c) {
        new Params(c.request()).checkNoOthers();
        String id = c.var("id");
        List<Notification> list = guardian.notifications(id);
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("incidentId", id);
            g.writeArrayFieldStart("items");
            for (Notification n : list) {
                g.writeStartObject();
                g.writeNumberField("id", n.id());
                g.writeStringField("channel", n.channel());
                g.writeStringField("kind", wire(n.kind()));
                g.writeNumberField("sequence", n.sequence());
                g.writeStringField("status", wire(n.status()));
                g.writeNumberField("attempts", n.attempts());
                Json.instant(g, "dueAt", n.dueAt());
                Json.instant(g, "createdAt", n.createdAt());
                Json.instant(g, "sentAt", n.sentAt());
                Json.string(g, "lastError", n.lastError());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ================================================================== monitors, channels, leader, config

    private HttpResponse monitors(Call c) {
        Params p = new Params(c.request());
        String ns = p.string("namespace");
        p.checkNoOthers();
        List<MonitorStatus> list = guardian.monitorStatuses().stream()
                .filter(m -> ns == null || m.id().startsWith(ns + "/")).collect(Collectors.toList());
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (MonitorStatus m : list) {
                g.writeStartObject();
                monitorFields(g, m);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse monitor(Call c) {
        new Params(c.request()).checkNoOthers();
        String id = c.var("namespace") + "/" + c.var("name");
        MonitorStatus m = guardian.monitorStatus(id).orElseThrow(() -> new ApiError(404, "no monitor " + id));
        return ok(g -> {
            g.writeStartObject();
            monitorFields(g, m);
            g.writeArrayFieldStart("cronJobs");
            for (CronJobStatus s : m.cronJobs()) {
                g.writeStartObject();
                cronJobFields(g, s);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void monitorFields(JsonGenerator g, MonitorStatus m) throws IOException {
        int slash = m.id().indexOf('/');
        g.writeStringField("id", m.id());
        g.writeStringField("namespace", slash < 0 ? "" : m.id().substring(0, slash));
        g.writeStringField("name", m.id().substring(slash + 1));
        g.writeNumberField("cronJobCount", m.total());
        g.writeObjectFieldStart("summary");
        g.writeNumberField("healthy", m.healthy());
        g.writeNumberField("warning", m.warning());
        g.writeNumberField("critical", m.critical());
        g.writeNumberField("suspended", m.suspended());
        g.writeNumberField("unknown", m.unknown());
        g.writeNumberField("running", m.running());
        g.writeEndObject();
        g.writeNumberField("activeAlerts", m.activeAlerts());
    }

    private HttpResponse channels() {
        List<ChannelStatus> list = guardian.channelStatuses();
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            int enabled = 0;
            for (ChannelStatus ch : list) {
                if (ch.enabled()) {
                    enabled++;
                }
                g.writeStartObject();
                g.writeStringField("name", ch.name());
                g.writeStringField("type", ch.type());
                Json.string(g, "description", ch.description());
                g.writeBooleanField("enabled", ch.enabled());
                Json.strings(g, "severities", ch.severities().stream().map(GuardianHttpHandler::wire).sorted()
                        .collect(Collectors.toList()));
                g.writeBooleanField("testOnSave", ch.testOnSave());
                ChannelStats st = ch.stats();
                g.writeObjectFieldStart("stats");
                g.writeNumberField("alertsSentTotal", st.sent());
                g.writeNumberField("alertsFailedTotal", st.failed());
                g.writeNumberField("consecutiveFailures", st.consecutiveFailures());
                Json.instant(g, "lastAlertTime", st.lastSentAt());
                Json.instant(g, "lastFailedTime", st.lastFailureAt());
                Json.string(g, "lastFailedError", st.lastError());
                g.writeEndObject();
                ChannelStatus.TestResult t = ch.lastTest();
                if (t == null) {
                    g.writeNullField("lastTest");
                } else {
                    g.writeObjectFieldStart("lastTest");
                    g.writeStringField("result", wire(t.status()));
                    Json.instant(g, "time", t.at());
                    Json.string(g, "error", t.error());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("summary");
            g.writeNumberField("total", list.size());
            g.writeNumberField("enabled", enabled);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private HttpResponse leader() {
        Leadership l = guardian.leadership();
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("identity", l.identity());
            g.writeBooleanField("leader", l.leader());
            Json.string(g, "leaderIdentity", l.leaderIdentity());
            if (l.epoch() == null) {
                g.writeNullField("epoch");
            } else {
                g.writeNumberField("epoch", l.epoch());
            }
            g.writeEndObject();
        });
    }

    /**
     * Every known key with its effective value (set or default) and every pass-through key that was set; secrets
     * ({@link GuardianConfig#isSecret}) are shown as {@code ******}.
     */
    private HttpResponse config() {
        GuardianConfig cfg = guardian.config();
        Settings set = cfg.settings();
        Map<String, String> setByCanonical = new LinkedHashMap<>();
        for (String k : set.keys()) {
            setByCanonical.put(Settings.canonical(k), k);
        }
        return ok(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            Set<String> done = new LinkedHashSet<>();
            for (ConfigKey k : GuardianConfig.knownKeys()) {
                String canonical = Settings.canonical(k.key());
                String setKey = setByCanonical.get(canonical);
                done.add(canonical);
                g.writeStartObject();
                g.writeStringField("key", k.key());
                String v = setKey != null ? set.get(setKey).orElse(null) : k.defaultValue();
                Json.string(g, "value", v == null ? null : GuardianConfig.isSecret(k.key()) || k.secret()
                        ? "******" : v);
                g.writeBooleanField("set", setKey != null);
                g.writeBooleanField("secret", GuardianConfig.isSecret(k.key()) || k.secret());
                g.writeEndObject();
            }
            for (Map.Entry<String, String> e : new TreeMap<>(setByCanonical).entrySet()) {
                if (done.contains(e.getKey())) {
                    continue;
                }
                String key = e.getValue();
                boolean secret = GuardianConfig.isSecret(key);
                g.writeStartObject();
                g.writeStringField("key", key);
                Json.string(g, "value", secret ? "******" : set.get(key).orElse(null));
                g.writeBooleanField("set", true);
                g.writeBooleanField("secret", secret);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private HttpResponse openApi() throws IOException {
        try (InputStream in = GuardianHttpHandler.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new ApiError(404, "the OpenAPI document is missing from this build");
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "application/yaml; charset=utf-8");
            return new HttpResponse(200, h, in.readAllBytes());
        }
    }

    // ================================================================== actions

    private HttpResponse testChannel(Call c) {
        String name = c.var("name");
        if (!guardian.channelNames().contains(name)) {
            throw new ApiError(404, "no channel named \"" + name + "\"");
        }
        DeliveryResult r;
        try {
            r = guardian.sendTestAlert(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(404, "no channel named \"" + name + "\"");
        }
        DeliveryResult result = r;
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("channel", name);
            g.writeBooleanField("success", result.isDelivered());
            g.writeStringField("outcome", wire(result.outcome()));
            g.writeStringField("detail", result.detail());
            g.writeStringField("by", c.caller());
            g.writeEndObject();
        });
    }

    private HttpResponse trigger(Call c) {
        new Params(c.request()).checkNoOthers();
        CronJobRef ref = ref(c);
        String job = clusterWrite(() -> guardian.triggerRun(ref), ref);
        return ok(g -> {
            g.writeStartObject();
            g.writeBooleanField("success", true);
            g.writeStringField("jobName", job);
            g.writeStringField("message", "Job " + job + " created from " + ref + " (a manual run)");
            g.writeStringField("by", c.caller());
            g.writeEndObject();
        });
    }

    private HttpResponse suspend(Call c, boolean suspend) {
        new Params(c.request()).checkNoOthers();
        CronJobRef ref = ref(c);
        io.cronjobguardian.api.CronJobSnapshot s = clusterWrite(() -> guardian.setSuspended(ref, suspend), ref);
        return ok(g -> {
            g.writeStartObject();
            g.writeBooleanField("success", true);
            g.writeBooleanField("suspended", s.suspended());
            g.writeStringField("message", ref + (suspend ? " suspended" : " resumed"));
            g.writeStringField("by", c.caller());
            g.writeEndObject();
        });
    }

    /**
     * A write to the cluster through the watcher: no such CronJob {@code 404}, a watcher that does not write
     * {@code 501}, the cluster refusing (RBAC, outage) {@code 502} with its reason.
     */
    private static <T> T clusterWrite(java.util.function.Supplier<T> write, CronJobRef ref) {
        try {
            return write.get();
        } catch (java.util.NoSuchElementException e) {
            throw new ApiError(404, "no CronJob " + ref + " in the cluster");
        } catch (UnsupportedOperationException e) {
            throw new ApiError(501, "this replica's watcher does not write to the cluster: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(502, "the cluster refused: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    /** How long an action carried out on the engine thread is waited for before the answer is 503. */
    static final java.time.Duration ACTION_TIMEOUT = java.time.Duration.ofSeconds(30);

    private HttpResponse deleteHistory(Call c) {
        new Params(c.request()).checkNoOthers();
        CronJobRef ref = ref(c);
        long deleted = await(guardian.deleteHistory(ref), "delete history");
        return ok(g -> {
            g.writeStartObject();
            g.writeBooleanField("success", true);
            g.writeNumberField("recordsDeleted", deleted);
            g.writeStringField("message", "deleted " + deleted + " run(s) of " + ref);
            g.writeStringField("by", c.caller());
            g.writeEndObject();
        });
    }

    private HttpResponse acknowledge(Call c) {
        new Params(c.request()).checkNoOthers();
        String id = c.var("id");
        return incidentAction(await(guardian.acknowledgeIncident(id, c.caller()), "acknowledge"), id);
    }

    private HttpResponse silence(Call c) {
        Params p = new Params(c.request());
        String text = p.string("for");
        p.checkNoOthers();
        if (text == null) {
            throw new ApiError(400, "say for how long: ?for=<duration> such as 30m, 2h or 1d (at most "
                    + Guardian.MAX_SILENCE.toDays() + "d)");
        }
        java.time.Duration d;
        try {
            d = io.cronjobguardian.api.Settings.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "for: " + e.getMessage());
        }
        if (d.isZero() || d.isNegative() || d.compareTo(Guardian.MAX_SILENCE) > 0) {
            throw new ApiError(400, "for must be more than 0 and at most " + Guardian.MAX_SILENCE.toDays()
                    + "d; was \"" + text + "\" (DELETE .../silence lifts a silence)");
        }
        String id = c.var("id");
        return incidentAction(await(guardian.silenceIncident(id, d, c.caller()), "silence"), id);
    }

    private HttpResponse unsilence(Call c) {
        new Params(c.request()).checkNoOthers();
        String id = c.var("id");
        return incidentAction(await(guardian.silenceIncident(id, java.time.Duration.ZERO, c.caller()), "silence"),
                id);
    }

    /** The incident after an action on it, or {@code 404} when no open incident has this id. */
    private HttpResponse incidentAction(Optional<Incident> result, String id) {
        Incident i = result.orElseThrow(() -> new ApiError(404, "no open incident with id \"" + id + "\""));
        return ok(g -> {
            g.writeStartObject();
            incidentFields(g, i, clock.instant());
            g.writeEndObject();
        });
    }

    private HttpResponse prune(Call c) {
        new Params(c.request()).checkNoOthers();
        PruneResult r = await(guardian.pruneNow(), "prune");
        return ok(g -> {
            g.writeStartObject();
            g.writeBooleanField("success", true);
            g.writeNumberField("recordsPruned", r.runs());
            g.writeNumberField("runDetailsPruned", r.runDetails());
            g.writeNumberField("resolvedIncidentsPruned", r.resolvedIncidents());
            g.writeStringField("message", "retention ran with the configured retention (historyRetention.*)");
            g.writeStringField("by", c.caller());
            g.writeEndObject();
        });
    }

    /**
     * The result of an operation on the engine thread: {@link NotLeaderException} is a {@code 409} naming the leader
     * (leadership moved between the check and the operation), a store failure {@code 503}, no answer within
     * {@link #ACTION_TIMEOUT} {@code 503} (the operation may still complete).
     */
    private <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
        try {
            return f.get(ACTION_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NotLeaderException) {
                String leader = guardian.leadership().knownLeader().orElse(null);
                throw new ApiError(409, cause.getMessage() + "; send it to the leader"
                        + (leader == null ? " (not known to this replica)" : " " + leader));
            }
            if (cause instanceof StoreUnavailableException) {
                throw (StoreUnavailableException) cause;
            }
            LOG.warn("{} failed", what, cause);
            throw new ApiError(503, what + " failed: " + firstLine(String.valueOf(cause.getMessage()))
                    + "; try again later");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiError(503, what + " did not finish within " + ACTION_TIMEOUT.toSeconds()
                    + " s (it may still complete); see the server log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, what + " interrupted");
        }
    }

    // ================================================================== dashboard support (read-only)
    // What the dashboard needs besides the endpoints above: who the caller is, a CSV export of runs, a day x hour
    // heatmap, the slots without a run, a monitor's rules. All GET, served by every replica.

    /** Most runs one CSV export or one heatmap reads. */
    static final int MAX_EXPORT_ROWS = 100_000;
    /** Most schedule slots {@code /slots} lists. */
    static final int MAX_SLOTS = 2_000;

    private void dashboardRoutes(List<Route> r) {
        get(r, "/api/v1/session", this::session);
        get(r, "/api/v1/cronjobs/{namespace}/{name}/executions.csv", this::executionsCsv);
        get(r, "/api/v1/cronjobs/{namespace}/{name}/heatmap", this::heatmap);
        get(r, "/api/v1/cronjobs/{namespace}/{name}/slots", this::slots);
        get(r, "/api/v1/monitors/{namespace}/{name}/spec", this::monitorSpec);
    }

    /**
     * This replica, its role and what the caller may do: actions on or off, and whether this request's credentials
     * (bearer token, the host's principal) would be accepted for them. Checking does not log an audit line.
     */
    private HttpResponse session(Call c) {
        new Params(c.request()).checkNoOthers();
        Leadership l = guardian.leadership();
        String caller = actionsEnabled ? authenticator.authenticate(c.request()).orElse(null) : null;
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("identity", l.identity());
            g.writeBooleanField("leader", l.leader());
            Json.string(g, "leaderIdentity", l.leaderIdentity());
            g.writeBooleanField("actionsEnabled", actionsEnabled);
            g.writeBooleanField("authorized", caller != null);
            Json.string(g, "caller", caller);
            Json.string(g, "dashboardPath", dashboard == null ? null : dashboard.path());
            g.writeEndObject();
        });
    }

    /** The runs of one CronJob matching the filters, newest first, pages of {@link ExecutionQuery#MAX_LIMIT}. */
    private List<Execution> runsOf(CronJobRef ref, @Nullable Instant since, @Nullable Instant until,
            @Nullable JobState state, boolean manual, int max) {
        List<Execution> out = new ArrayList<>();
        int chunk = ExecutionQuery.MAX_LIMIT;
        for (int from = 0; from < max; from += chunk) {
            ExecutionQuery q = ExecutionQuery.forCronJob(ref).startedBetween(since, until).includeManual(manual)
                    .page(from, Math.min(chunk, max - from));
            if (state != null) {
                q = q.states(state);
            }
            Page<Execution> part = guardian.executions(q);
            out.addAll(part.items());
            if (!part.hasMore()) {
                break;
            }
        }
        return out;
    }

    private void requireKnown(CronJobRef ref) {
        if (guardian.status(ref).isEmpty() && guardian.executions(ExecutionQuery.forCronJob(ref).page(0, 1))
                .total() == 0) {
            throw new ApiError(404, "no CronJob " + ref + " is watched and none has recorded runs");
        }
    }

    /**
     * The runs of one CronJob as CSV (RFC 4180, a header row, newest first, at most {@link #MAX_EXPORT_ROWS}); a
     * cell a spreadsheet would take for a formula is prefixed with {@code '}.
     */
    private HttpResponse executionsCsv(Call c) {
        CronJobRef ref = ref(c);
        Params p = new Params(c.request());
        Instant since = p.instant("since");
        Instant until = p.instant("until");
        String status = p.string("status");
        JobState wanted = null;
        if (status != null) {
            switch (status.toLowerCase(Locale.ROOT)) {
                case "success": case "succeeded": wanted = JobState.SUCCEEDED; break;
                case "failed": case "failure": wanted = JobState.FAILED; break;
                case "running": wanted = JobState.RUNNING; break;
                default: throw new ApiError(400, "status must be success, failed or running; was \"" + status
                        + "\"");
            }
        }
        Boolean manual = p.bool("includeManual");
        p.checkNoOthers();
        requireKnown(ref);
        List<Execution> runs = runsOf(ref, since, until, wanted, manual == null || manual, MAX_EXPORT_ROWS);
        StringBuilder csv = new StringBuilder(128 + runs.size() * 160);
        csv.append("namespace,cronjob,jobName,jobUid,status,scheduledTime,startTime,completionTime,durationSeconds,"
                + "attempts,exitCode,reason,manual\r\n");
        for (Execution e : runs) {
            JobSnapshot j = e.job();
            Termination t = j.lastTermination();
            Duration d = j.duration();
            csvRow(csv, j.namespace(), e.cronJob().name(), j.name(), j.uid(), wire(j.state()), j.scheduledTime(),
                    j.effectiveStart(), j.finishedAt(), d == null ? null : String.format(Locale.ROOT, "%.3f",
                            d.toMillis() / 1000.0), j.attempts(), t == null ? null : t.exitCode(),
                    t != null && t.reason() != null ? t.reason() : j.conditionReason(), j.manual());
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/csv; charset=utf-8; header=present");
        h.put("Content-Disposition", "attachment; filename=\"" + ref.namespace() + "_" + ref.name() + "_runs.csv\"");
        h.put("Cache-Control", "no-store");
        return new HttpResponse(200, h, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void csvRow(StringBuilder out, Object... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = cells[i];
            if (v == null) {
                continue;
            }
            String s = v.toString();
            if (!(v instanceof Number) && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
                s = "'" + s;   // not a formula in a spreadsheet (CSV injection)
            }
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                s = '"' + s.replace("\"", "\"\"") + '"';
            }
            out.append(s);
        }
        out.append("\r\n");
    }

    /** Days a heatmap covers when none is given, and at most. */
    static final int HEATMAP_DAYS = 28;
    static final int MAX_HEATMAP_DAYS = 92;

    /**
     * Runs of one CronJob by day and hour of their start, in the schedule's time zone (or {@code zone}), over the
     * last {@code days} days (default {@value #HEATMAP_DAYS}): one cell per day and hour that had a run.
     */
    private HttpResponse heatmap(Call c) {
        CronJobRef ref = ref(c);
        Params p = new Params(c.request());
        Integer daysParam = p.integer("days");
        String zoneParam = p.string("zone");
        p.checkNoOthers();
        int days = daysParam == null ? HEATMAP_DAYS : daysParam;
        if (days < 1 || days > MAX_HEATMAP_DAYS) {
            throw new ApiError(400, "days must be between 1 and " + MAX_HEATMAP_DAYS + "; was " + days);
        }
        requireKnown(ref);
        java.time.ZoneId zone = zone(zoneParam, guardian.status(ref).map(CronJobStatus::timeZone).orElse(null));
        Instant now = clock.instant();
        java.time.LocalDate today = now.atZone(zone).toLocalDate();
        java.time.LocalDate first = today.minusDays(days - 1L);
        Instant from = first.atStartOfDay(zone).toInstant();
        List<Execution> runs = runsOf(ref, from, null, null, true, MAX_EXPORT_ROWS);
        Map<String, int[]> cells = new TreeMap<>();   // "date hour" -> succeeded, failed, running
        for (Execution e : runs) {
            java.time.ZonedDateTime at = e.job().effectiveStart().atZone(zone);
            String key = at.toLocalDate() + String.format(Locale.ROOT, " %02d", at.getHour());
            int[] n = cells.computeIfAbsent(key, k -> new int[3]);
            JobState st = e.state();
            n[st == JobState.SUCCEEDED ? 0 : st == JobState.FAILED ? 1 : 2]++;
        }
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("zone", zone.getId());
            g.writeStringField("from", first.toString());
            g.writeStringField("to", today.toString());
            g.writeNumberField("runs", runs.size());
            g.writeArrayFieldStart("cells");
            for (Map.Entry<String, int[]> e : cells.entrySet()) {
                g.writeStartObject();
                g.writeStringField("date", e.getKey().substring(0, 10));
                g.writeNumberField("hour", Integer.parseInt(e.getKey().substring(11)));
                g.writeNumberField("succeeded", e.getValue()[0]);
                g.writeNumberField("failed", e.getValue()[1]);
                g.writeNumberField("other", e.getValue()[2]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static java.time.ZoneId zone(@Nullable String asked, @Nullable String fallback) {
        String id = asked != null ? asked : fallback;
        if (id == null || id.isBlank()) {
            return java.time.ZoneOffset.UTC;
        }
        try {
            return java.time.ZoneId.of(id);
        } catch (java.time.DateTimeException e) {
            if (asked == null) {
                return java.time.ZoneOffset.UTC;
            }
            throw new ApiError(400, "zone must be an IANA time zone such as Europe/Berlin; was \"" + asked + "\"");
        }
    }

    /**
     * The schedule's slots in a window (default: the last 7 days) with the run recorded for each, and the slots
     * without one: a slot counts as missed when it is after the CronJob's first recorded run, its observation window
     * (the dead-man's buffer of the first selecting monitor, else 1 h) has passed, and no recorded run was
     * scheduled for it. Suspended periods are not told apart (the store does not keep them).
     */
    private HttpResponse slots(Call c) {
        CronJobRef ref = ref(c);
        Params p = new Params(c.request());
        Instant since = p.instant("since");
        Instant until = p.instant("until");
        p.checkNoOthers();
        CronJobStatus s = guardian.status(ref).orElseThrow(() -> new ApiError(404, "no CronJob " + ref
                + " is watched"));
        Instant now = clock.instant();
        Instant to = until == null || until.isAfter(now) ? now : until;
        Instant from = since == null ? to.minus(Duration.ofDays(7)) : since;
        if (!from.isBefore(to)) {
            throw new ApiError(400, "since must be before until (and before now)");
        }
        Duration buffer = Duration.ofHours(1);
        for (io.cronjobguardian.engine.monitor.MonitorSpec m : guardian.monitors()) {
            if (s.monitors().contains(m.id()) && m.deadManSwitch().enabled()) {
                buffer = m.deadManSwitch().autoFromSchedule().buffer();
                break;
            }
        }
        List<Instant> slotList = List.of();
        String problem = s.problem();
        if (problem == null && s.schedule() != null) {
            try {
                io.cronjobguardian.engine.schedule.CronSchedule cron = io.cronjobguardian.engine.schedule.CronSchedule
                        .parse(s.schedule(), zone(null, s.timeZone()));
                if (!cron.isRelative()) {
                    slotList = cron.slotsBetween(from.minusMillis(1), to, MAX_SLOTS);
                }
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        Map<Instant, Execution> bySlot = new LinkedHashMap<>();
        List<Execution> runs = runsOf(ref, from.minus(Duration.ofDays(1)), null, null, false, MAX_EXPORT_ROWS);
        Instant firstRecorded = null;
        for (Execution e : runs) {
            Instant slot = e.job().scheduledTime();
            if (slot != null) {
                bySlot.putIfAbsent(slot, e);
            }
        }
        Page<Execution> oldest = guardian.executions(ExecutionQuery.forCronJob(ref).includeManual(false)
                .page(0, 1));
        if (oldest.total() > 0) {
            Page<Execution> last = guardian.executions(ExecutionQuery.forCronJob(ref).includeManual(false)
                    .page((int) Math.min(Integer.MAX_VALUE, oldest.total() - 1), 1));
            if (!last.items().isEmpty()) {
                JobSnapshot j = last.items().get(0).job();
                firstRecorded = j.scheduledTime() != null ? j.scheduledTime() : j.effectiveStart();
            }
        }
        Instant judgedUntil = now.minus(buffer);
        Instant floor = firstRecorded;
        List<Instant> slotsOut = slotList;
        String problemOut = problem;
        Duration bufferOut = buffer;
        return ok(g -> {
            g.writeStartObject();
            Json.string(g, "schedule", s.schedule());
            Json.string(g, "timezone", s.timeZone());
            Json.instant(g, "from", from);
            Json.instant(g, "to", to);
            Json.seconds(g, "observationWindowSeconds", bufferOut);
            Json.string(g, "problem", problemOut);
            int missed = 0;
            g.writeArrayFieldStart("slots");
            for (Instant slot : slotsOut) {
                Execution e = bySlot.get(slot);
                String state;
                if (e != null) {
                    state = wire(e.state());
                } else if (floor == null || slot.isBefore(floor) || s.suspended()) {
                    state = "unknown";
                } else if (slot.isAfter(judgedUntil)) {
                    state = "pending";
                } else {
                    state = "missed";
                    missed++;
                }
                g.writeStartObject();
                Json.instant(g, "time", slot);
                g.writeStringField("state", state);
                Json.string(g, "jobName", e == null ? null : e.job().name());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("missed", missed);
            g.writeEndObject();
        });
    }

    /** One monitor's selection and rules, as the engine holds them (durations in seconds). */
    private HttpResponse monitorSpec(Call c) {
        new Params(c.request()).checkNoOthers();
        String id = c.var("namespace") + "/" + c.var("name");
        io.cronjobguardian.engine.monitor.MonitorSpec m = guardian.monitors().stream()
                .filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiError(404, "no monitor " + id));
        return ok(g -> {
            g.writeStartObject();
            g.writeStringField("id", m.id());
            io.cronjobguardian.engine.monitor.MonitorSpec.Selector sel = m.selector();
            g.writeObjectFieldStart("selector");
            g.writeStringField("scope", wire(sel.scope()));
            Json.strings(g, "namespaces", sel.namespaces());
            g.writeObjectFieldStart("matchLabels");
            for (Map.Entry<String, String> e : new TreeMap<>(sel.matchLabels()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            Json.strings(g, "matchExpressions", sel.matchExpressions().stream().map(x -> x.key() + " "
                    + x.operator().wireName() + (x.values().isEmpty() ? "" : " (" + String.join(", ", x.values())
                    + ")")).collect(Collectors.toList()));
            Json.strings(g, "matchNames", sel.matchNames());
            g.writeEndObject();
            io.cronjobguardian.engine.monitor.MonitorSpec.DeadManSwitch dm = m.deadManSwitch();
            g.writeObjectFieldStart("deadManSwitch");
            g.writeBooleanField("enabled", dm.enabled());
            Json.seconds(g, "maxTimeSinceLastSuccessSeconds", dm.maxTimeSinceLastSuccess());
            g.writeBooleanField("fromSchedule", dm.autoFromSchedule().enabled());
            Json.seconds(g, "bufferSeconds", dm.autoFromSchedule().buffer());
            g.writeNumberField("missedScheduleThreshold", dm.autoFromSchedule().missedScheduleThreshold());
            g.writeEndObject();
            io.cronjobguardian.engine.monitor.MonitorSpec.Sla sla = m.sla();
            g.writeObjectFieldStart("sla");
            g.writeBooleanField("enabled", sla.enabled());
            g.writeNumberField("minSuccessRate", sla.minSuccessRate());
            g.writeNumberField("windowDays", sla.windowDays());
            Json.seconds(g, "maxDurationSeconds", sla.maxDuration());
            Json.integer(g, "maxConsecutiveFailures", sla.maxConsecutiveFailures());
            g.writeNumberField("durationRegressionThreshold", sla.durationRegressionThreshold());
            g.writeEndObject();
            g.writeObjectFieldStart("suspendedHandling");
            g.writeBooleanField("pauseMonitoring", m.suspendedHandling().pauseMonitoring());
            Json.seconds(g, "alertIfSuspendedForSeconds", m.suspendedHandling().alertIfSuspendedFor());
            g.writeEndObject();
            g.writeObjectFieldStart("stuckJob");
            g.writeBooleanField("enabled", m.stuckJob().enabled());
            Json.seconds(g, "noPodAfterSeconds", m.stuckJob().noPodAfter());
            g.writeEndObject();
            g.writeArrayFieldStart("maintenanceWindows");
            for (io.cronjobguardian.engine.monitor.MonitorSpec.MaintenanceWindow w : m.maintenanceWindows()) {
                g.writeStartObject();
                g.writeStringField("name", w.name());
                g.writeStringField("schedule", w.schedule());
                Json.seconds(g, "durationSeconds", w.duration());
                g.writeStringField("timezone", w.timezone().getId());
                g.writeBooleanField("suppressAlerts", w.suppressAlerts());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("alerting");
            g.writeBooleanField("enabled", m.alerting().enabled());
            g.writeArrayFieldStart("channels");
            for (io.cronjobguardian.engine.monitor.MonitorSpec.ChannelRef ch : m.alerting().channelRefs()) {
                g.writeStartObject();
                g.writeStringField("name", ch.name());
                Json.strings(g, "severities", ch.severities().stream().map(GuardianHttpHandler::wire).sorted()
                        .collect(Collectors.toList()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    // ================================================================== parameters

    /** Query parameters with checks; every problem is a {@code 400}. */
    private static final class Params {
        private final Map<String, List<String>> query;
        private final Set<String> read = new LinkedHashSet<>();

        Params(HttpRequest r) {
            this.query = r.query();
        }

        @Nullable String string(String name) {
            read.add(name);
            List<String> v = query.get(name);
            if (v == null || v.isEmpty()) {
                return null;
            }
            if (v.size() > 1) {
                throw new ApiError(400, "parameter " + name + " is given " + v.size() + " times");
            }
            String s = v.get(0).trim();
            return s.isEmpty() ? null : s;
        }

        int limit(int def) {
            Integer v = integer("limit");
            if (v == null) {
                return def;
            }
            if (v < 1 || v > MAX_LIMIT) {
                throw new ApiError(400, "limit must be between 1 and " + MAX_LIMIT + "; was " + v);
            }
            return v;
        }

        int offset() {
            Integer v = integer("offset");
            if (v == null) {
                return 0;
            }
            if (v < 0) {
                throw new ApiError(400, "offset must be 0 or more; was " + v);
            }
            return v;
        }

        @Nullable Integer integer(String name) {
            String s = string(name);
            if (s == null) {
                return null;
            }
            try {
                return Integer.valueOf(s);
            } catch (NumberFormatException e) {
                throw new ApiError(400, name + " must be a whole number; was \"" + s + "\"");
            }
        }

        @Nullable Boolean bool(String name) {
            String s = string(name);
            if (s == null) {
                return null;
            }
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.valueOf(s);
            }
            throw new ApiError(400, name + " must be true or false; was \"" + s + "\"");
        }

        @Nullable Instant instant(String name) {
            String s = string(name);
            if (s == null) {
                return null;
            }
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                throw new ApiError(400, name + " must be an RFC 3339 time such as 2024-01-31T12:00:00Z; was \"" + s
                        + "\"");
            }
        }

        <E extends Enum<E>> @Nullable E choice(String name, Class<E> type) {
            String s = string(name);
            if (s == null) {
                return null;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new ApiError(400, name + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(GuardianHttpHandler::wire).collect(Collectors.joining(", ")) + "; was \"" + s + "\"");
        }

        /** Unknown parameters are refused, so that a typo ({@code limt=5}) does not silently do nothing. */
        void checkNoOthers() {
            for (String k : query.keySet()) {
                if (!read.contains(k)) {
                    throw new ApiError(400, "unknown parameter \"" + k + "\""
                            + (read.isEmpty() ? "; this endpoint takes none" : "; accepted: " + String.join(", ",
                            read)));
                }
            }
        }
    }

    // ================================================================== builder

    /** Builds a {@link GuardianHttpHandler}. */
    public static final class Builder {
        private final Guardian guardian;
        private Boolean actionsEnabled;
        private ActionAuthenticator authenticator = ActionAuthenticator.denyAll();
        private Clock clock;
        private Supplier<String> metrics;
        private String basePath;
        private Boolean dashboardEnabled;
        private String dashboardPath;

        private Builder(Guardian guardian) {
            this.guardian = Objects.requireNonNull(guardian, "guardian");
        }

        /** Serves actions or not; default: {@code http.actions.enabled} of the Guardian's configuration. */
        public Builder actionsEnabled(boolean value) {
            this.actionsEnabled = value;
            return this;
        }

        /** Who may run actions; default: nobody ({@link ActionAuthenticator#denyAll()}). */
        public Builder authenticator(ActionAuthenticator value) {
            this.authenticator = Objects.requireNonNull(value, "authenticator");
            return this;
        }

        /** The clock of time windows ("last 24 hours", "30 days"); default: the system clock in UTC. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Serves {@code GET /metrics} with this Prometheus text (e.g. {@code registry::scrape}); default: 404. */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = Objects.requireNonNull(scrape, "scrape");
            return this;
        }

        /**
         * Serves every route under this path ({@code /guardian}: {@code /guardian/api/v1/...},
         * {@code /guardian/healthz}); default: {@code http.basePath} of the Guardian's configuration ({@code ""}).
         */
        public Builder basePath(String value) {
            this.basePath = GuardianHttpHandler.basePath(value);
            return this;
        }

        /** Serves the dashboard or not; default: {@code http.dashboard.enabled} (true). */
        public Builder dashboardEnabled(boolean value) {
            this.dashboardEnabled = value;
            return this;
        }

        /**
         * Where the dashboard is served below the handler's root; default: {@code http.dashboard.path} ({@code /ui}).
         *
         * @throws IllegalArgumentException when it is not an absolute URL path of plain segments, or is under the
         *                                  API's own paths
         */
        public Builder dashboardPath(String value) {
            this.dashboardPath = DashboardAssets.normalize(Objects.requireNonNull(value, "dashboardPath"));
            return this;
        }

        public GuardianHttpHandler build() {
            return new GuardianHttpHandler(this);
        }
    }

    /** Reads a body of at most {@link #MAX_BODY_BYTES} + 1 bytes (so that a larger one is seen as too large). */
    public static byte[] readBody(InputStream in) {
        try {
            return in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
