package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The registry of configuration keys {@link GuardianConfig} knows: kinds, defaults, ranges, aliases. */
final class ConfigKeys {

    /** How a key's value is validated. */
    enum Kind { STRING, SECRET, BOOLEAN, INT, DURATION, CHOICE, PROVIDER_NAME, DNS_LABEL, DNS_SUBDOMAIN, PATH,
        FILE_LIST, NAMESPACE_LIST, IDENTITY, URL_PATH }

    /** One known key. */
    static final class Def {
        final String key;
        final Kind kind;
        final String defaultValue;
        final String accepted;
        final String description;
        long min;
        long max;
        Duration minDuration;
        Duration maxDuration;
        List<String> choices = List.of();
        /** For durations: 0 is accepted besides the range. */
        boolean zeroAllowed;

        Def(String key, Kind kind, String defaultValue, String accepted, String description) {
            this.key = key;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.accepted = accepted;
            this.description = description;
        }

        ConfigKey info() {
            return new ConfigKey(key, defaultValue, accepted, description, kind == Kind.SECRET,
                    environmentVariable(key));
        }
    }

    static final String POSTGRES_SSL = "disable, allow, prefer, require, verify-ca, verify-full";
    static final String MYSQL_SSL = "disable, prefer, require, verify-ca, verify-full";
    /** The built-in server databases; each has the same pool keys. */
    static final List<String> SERVER_DATABASES = List.of("postgres", "mysql", "mariadb");

    /** Known keys by {@link Settings#canonical canonical} form, in documentation order. */
    static final Map<String, Def> KEYS;
    /** Old or operator spellings → canonical key (accepted with a warning). */
    static final Map<String, String> ALIASES;
    /** Operator keys that mean nothing in the library (canonical prefix → explanation); warned about, ignored. */
    static final Map<String, String> NOT_APPLICABLE;

    static {
        List<Def> d = new ArrayList<>();
        d.add(name("storage.type", null,
                "sqlite, postgres, mysql, mariadb or the name of a custom HistoryStoreProvider",
                "history store provider; unset = the highest-priority provider on the classpath that supports the "
                        + "settings"));
        d.add(bool("storage.migrate", true, "create or upgrade the store's schema at start"));
        d.add(new Def("storage.sqlite.path", Kind.PATH, "./guardian-data/guardian.db",
                "a file path, or :memory: for a private in-memory database",
                "SQLite database file (one replica only)"));
        d.add(duration("storage.sqlite.busyTimeout", "10s", "0s", "10m",
                "how long a statement waits for the database lock"));
        Def sync = new Def("storage.sqlite.synchronous", Kind.CHOICE, "FULL", "OFF, NORMAL, FULL, EXTRA",
                "SQLite synchronous mode; NORMAL trades the last commits on power loss for speed");
        sync.choices = List.of("OFF", "NORMAL", "FULL", "EXTRA");
        d.add(sync);
        d.add(integer("storage.sqlite.maxOpenConns", 4, 1, 64, "pooled connections (readers in parallel, one "
                + "writer at a time)"));
        for (String db : SERVER_DATABASES) {
            String p = "storage." + db + ".";
            boolean pg = db.equals("postgres");
            String label = pg ? "PostgreSQL" : db.equals("mysql") ? "MySQL" : "MariaDB";
            d.add(new Def(p + "host", Kind.STRING, null, "a host name or address", label + " server host (or set "
                    + p + "url)"));
            d.add(integer(p + "port", pg ? 5432 : 3306, 1, 65535, label + " server port"));
            d.add(new Def(p + "database", Kind.STRING, "guardian", "a database name", label + " database"));
            d.add(new Def(p + "url", Kind.SECRET, null, "a JDBC URL starting with " + (pg ? "jdbc:postgresql:"
                    : "jdbc:mysql: or jdbc:mariadb:") + " (never printed)", "instead of host, port and database"));
            d.add(new Def(p + "username", Kind.STRING, null, "a user name", label + " user"));
            d.add(new Def(p + "password", Kind.SECRET, null, "any text, or a secret reference the host's "
                    + "SecretResolver knows (never printed)", label + " password; prefer "
                    + environmentVariable(p + "password")));
            Def ssl = new Def(p + "sslMode", Kind.CHOICE, pg ? "prefer" : "disable (require when useSsl=true)",
                    pg ? POSTGRES_SSL : MYSQL_SSL, "TLS mode of the connection");
            ssl.choices = List.of((pg ? POSTGRES_SSL : MYSQL_SSL).split(", "));
            d.add(ssl);
            if (!pg) {
                d.add(bool(p + "useSsl", false, "shorthand for sslMode=require when sslMode is not set"));
                Def driver = new Def(p + "driver", Kind.CHOICE, db.equals("mysql")
                        ? "mysql when MySQL Connector/J is on the classpath, else mariadb" : "mariadb",
                        "mariadb, mysql", "JDBC driver to use");
                driver.choices = List.of("mariadb", "mysql");
                d.add(driver);
            }
            d.add(new Def(p + "sslRootCert", Kind.PATH, null, "a file path", "CA certificate to verify the "
                    + "server with"));
            if (pg) {
                d.add(new Def(p + "schema", Kind.STRING, null, "a schema name", "schema of the tables (default: "
                        + "the user's search_path)"));
                d.add(new Def(p + "applicationName", Kind.STRING, "cronjob-guardian", "any text",
                        "application_name shown in pg_stat_activity"));
            }
            d.add(integer(p + "maxOpenConns", 10, 1, 1000, "largest number of pooled connections"));
            d.add(integer(p + "maxIdleConns", "2", 0, 1000, "0 to 1000 (capped at maxOpenConns)",
                    "idle connections kept in the pool"));
            d.add(zeroOr(duration(p + "connMaxLifetime", "30m", "30s", "1d",
                    "connections are replaced after this long; 0 = never"), "0 (no limit) or 30s to 1d"));
            d.add(zeroOr(duration(p + "healthCheckInterval", "30s", "30s", "1h",
                    "how often idle connections are checked (HikariCP keepalive); 0 = off; shorter than "
                            + "connMaxLifetime"), "0 (off) or 30s to 1h, shorter than connMaxLifetime"));
            d.add(duration(p + "connectTimeout", "5s", "250ms", "5m", "how long opening a connection may take"));
            d.add(duration(p + "socketTimeout", "5m", "0s", "1d", "a statement that gets no answer for this long "
                    + "fails; 0 = never"));
            d.add(zeroOr(duration(p + "idleInTransactionTimeout", null, "1s", "1h", "the server ends a session of "
                    + "the store that waits this long inside a transaction (a leader frozen mid-write), so a new "
                    + "leader waits no longer for the fence; default: half of leaderElection.leaseDuration; 0 = off"),
                    "0 (off) or 1s to 1h, below leaderElection.leaseDuration"));
        }
        d.add(bool("storage.logStorageEnabled", false, "store log tails of failed runs (per monitor: "
                + "dataRetention.storeLogs)"));
        d.add(bool("storage.eventStorageEnabled", false, "store Kubernetes events of failed runs (per monitor: "
                + "dataRetention.storeEvents)"));
        d.add(integer("storage.maxLogSizeKB", 100, 1, 10240, "largest log tail stored per run, in KiB (per "
                + "monitor: dataRetention.maxLogSizeKB)"));
        d.add(integer("storage.logRetentionDays", "0", 0, 3650, "0 to historyRetention.maxDays",
                "days stored logs and events are kept; 0 = as long as the run itself"));
        d.add(integer("historyRetention.defaultDays", "30", 1, 3650, "1 to historyRetention.maxDays",
                "days runs are kept unless a monitor says otherwise (dataRetention.retentionDays)"));
        d.add(integer("historyRetention.maxDays", 90, 1, 3650,
                "upper bound for every retention, including per-monitor dataRetention.retentionDays"));
        d.add(integer("rateLimits.maxAlertsPerMinute", 50, 1, 100_000,
                "notifications sent per minute across all channels; excess ones wait, they are never dropped"));
        d.add(integer("rateLimits.burstLimit", 10, 1, 10_000, "notifications that may be sent at once"));
        d.add(duration("rateLimits.defaultSuppressDuplicatesFor", "1h", "0s", "30d",
                "a repeated alert for an open incident is not re-sent within this window unless a monitor sets "
                        + "alerting.suppressDuplicatesFor"));
        d.add(duration("scheduler.startupGracePeriod", "30s", "0s", "1h",
                "after start or failover, evaluation results are held (not dropped) this long while caches "
                        + "catch up"));
        d.add(duration("scheduler.pruneInterval", "1h", "1m", "7d", "how often retention pruning runs"));
        d.add(duration("scheduler.safetySweepInterval", "5m", "10s", "1d",
                "slow periodic re-evaluation of every CronJob, a safety net behind the exact timers"));
        d.add(duration("scheduler.observationGrace", "5s", "0s", "5m",
                "added to a slot's window (startingDeadlineSeconds or the monitor's buffer) before the slot counts "
                        + "as missed, for watch latency and clock skew"));
        d.add(bool("leaderElection.enabled", false, "elect one active replica through a Kubernetes Lease; "
                + "needs a shared store (PostgreSQL, MySQL or MariaDB)"));
        d.add(name("leaderElection.type", null, "the name of a LeaderElectorProvider (kubernetes)",
                "leader elector provider; unset = the highest-priority provider on the classpath"));
        d.add(duration("leaderElection.leaseDuration", "15s", "1s", "1h",
                "how long a lease is valid for the others; whole seconds; greater than renewDeadline"));
        d.add(duration("leaderElection.renewDeadline", "10s", "1ms", "1h",
                "a leader that cannot renew within this steps down; greater than retryPeriod + 1.2 × retryPeriod"));
        d.add(duration("leaderElection.retryPeriod", "2s", "1ms", "1h", "how often candidates retry and the leader "
                + "renews"));
        d.add(new Def("leaderElection.requestTimeout", Kind.DURATION, "renewDeadline / 4",
                "1ms to renewDeadline (Go-style 90s, 1h30m, 7d or ISO-8601)",
                "timeout of one API request made for the Lease"));
        d.get(d.size() - 1).minDuration = Duration.ofMillis(1);
        d.get(d.size() - 1).maxDuration = Duration.ofHours(1);
        d.add(bool("leaderElection.watchLease", true, "standbys watch the Lease and contend as soon as it is released "
                + "or expires instead of at their next retryPeriod attempt (needs watch on leases; without it they poll)"));
        d.add(new Def("leaderElection.namespace", Kind.DNS_LABEL, "POD_NAMESPACE, else the pod's service-account "
                + "namespace, else default", "a namespace name (lower-case RFC 1123 label, at most 63 characters)",
                "namespace of the Lease"));
        d.add(new Def("leaderElection.leaseName", Kind.DNS_SUBDOMAIN, "cronjob-guardian-leader",
                "a Kubernetes object name (lower-case RFC 1123 subdomain, at most 253 characters)",
                "name of the Lease object"));
        d.add(new Def("leaderElection.identity", Kind.IDENTITY, "POD_NAME or HOSTNAME plus a random suffix",
                "1 to 253 characters", "this replica's identity in the Lease"));
        d.add(name("watcher.type", null, "the name of a CronJobWatcherProvider (kubernetes)",
                "CronJob watcher provider; other watcher.* keys are passed to it"));
        d.add(new Def("watcher.ignoredNamespaces", Kind.NAMESPACE_LIST, null, "comma-separated (or YAML list of) "
                + "namespace names", "namespaces never watched and never selected by any monitor"));
        d.add(new Def("monitors.files", Kind.FILE_LIST, null, "comma-separated (or YAML list of) readable files; "
                + "relative paths are resolved against the configuration file's directory",
                "CronJobMonitor YAML files to load"));
        Def unknown = new Def("monitors.unknownFields", Kind.CHOICE, "error", "error, warn",
                "what an unknown field in a monitor file is: an error (file refused) or a logged warning");
        unknown.choices = List.of("error", "warn");
        d.add(unknown);
        // read by guardian-http (its standalone server); the Spring Boot starter serves the same handler in the host
        d.add(integer("http.port", 8080, 0, 65535, "port of guardian-http's standalone server (0 = any free port)"));
        d.add(new Def("http.bindAddress", Kind.STRING, "127.0.0.1", "a host name or IP address (0.0.0.0 = every "
                + "interface)", "address guardian-http's standalone server listens on"));
        d.add(new Def("http.basePath", Kind.STRING, "", "empty or /segment[/...] (letters, digits, - . _ ~)",
                "path the HTTP surface is served under (/guardian: /guardian/api/v1/..., /guardian/healthz), in the "
                        + "standalone server and in the Spring Boot starter (after the host's context path)"));
        d.add(bool("http.onManagementPort", false, "Spring Boot starter: serve the HTTP surface on the actuator's "
                + "management port (management.server.port, e.g. the probes on 8081) instead of the application's "
                + "port; the same port when management.server.port is not set apart"));
        d.add(integer("http.threads", 4, 1, 64, "threads of guardian-http's standalone server (requests beyond "
                + "them and a queue of 64 wait)"));
        d.add(bool("http.actions.enabled", false, "serve the HTTP write actions (send a test alert ...); they "
                + "need http.token in the standalone server"));
        d.add(new Def("http.token", Kind.SECRET, null, "at least 16 characters (never printed)",
                "bearer token the standalone server requires for actions (header Authorization: Bearer and the "
                        + "token); prefer "
                        + environmentVariable("http.token")));
        d.add(bool("http.dashboard.enabled", true, "serve the dashboard (read-only pages over /api/v1) at "
                + "http.dashboard.path, in the standalone server and in the Spring Boot starter"));
        d.add(new Def("http.dashboard.path", Kind.URL_PATH, "/ui", "an absolute URL path such as /ui or /ops/guardian "
                + "(segments of letters, digits, - . _ ~; not / itself, not under /api, /healthz, /readyz, /metrics)",
                "where the dashboard is served, below the HTTP API's root (the host's context path in Spring Boot)"));

        Map<String, Def> keys = new LinkedHashMap<>();
        for (Def def : d) {
            if (keys.put(Settings.canonical(def.key), def) != null) {
                throw new IllegalStateException("duplicate key " + def.key);
            }
        }
        KEYS = Collections.unmodifiableMap(keys);

        Map<String, String> aliases = new LinkedHashMap<>();
        for (String db : SERVER_DATABASES) {
            for (String k : List.of("maxOpenConns", "maxIdleConns", "connMaxLifetime")) {
                aliases.put(Settings.canonical("storage." + db + ".pool." + k), "storage." + db + "." + k);
            }
        }
        aliases.put(Settings.canonical("scheduler.deadManSwitchInterval"), "scheduler.safetySweepInterval");
        aliases.put(Settings.canonical("ignoredNamespaces"), "watcher.ignoredNamespaces");
        ALIASES = Collections.unmodifiableMap(aliases);

        Map<String, String> na = new LinkedHashMap<>();
        for (String db : SERVER_DATABASES) {
            String why = "the pool keeps storage." + db + ".maxIdleConns idle connections and closes the rest";
            na.put("storage." + db + ".connmaxidletime", why);
            na.put("storage." + db + ".pool.connmaxidletime", why);
        }
        na.put("loglevel", "logging belongs to the host: configure your SLF4J backend (loggers io.cronjobguardian.*)");
        na.put("ui", "the library serves no UI; expose the Guardian query API from your own service");
        na.put("api", "the HTTP API is served by guardian-http (keys http.*) or the Spring Boot starter");
        na.put("metrics", "meters are bound to the MeterRegistry your service hands to the Guardian builder");
        na.put("probes", "guardian-http serves /healthz and /readyz (http.port); or use guardian.health() in your "
                + "service's own probes");
        na.put("webhook", "the library registers no admission webhooks");
        na.put("scheduler.slarecalculationinterval", "SLA figures are recomputed whenever a run is recorded; "
                + "scheduler.safetySweepInterval is the fallback");
        na.put("scheduler.stuckjobcheckinterval", "stale key of the operator's example file; never used");
        na.put("ratelimits.maxremediationsperhour", "remediation was removed from the operator; never used");
        NOT_APPLICABLE = Collections.unmodifiableMap(na);
    }

    private ConfigKeys() {
    }

    private static Def bool(String key, boolean def, String description) {
        return new Def(key, Kind.BOOLEAN, String.valueOf(def), "true or false", description);
    }

    private static Def integer(String key, long def, long min, long max, String description) {
        return integer(key, String.valueOf(def), min, max, min + " to " + max, description);
    }

    private static Def integer(String key, String def, long min, long max, String accepted, String description) {
        Def d = new Def(key, Kind.INT, def, accepted, description);
        d.min = min;
        d.max = max;
        return d;
    }

    private static Def duration(String key, String def, String min, String max, String description) {
        Def d = new Def(key, Kind.DURATION, def, min + " to " + max + " (Go-style 90s, 1h30m, 7d or ISO-8601)",
                description);
        d.minDuration = Settings.parseDuration(min);
        d.maxDuration = Settings.parseDuration(max);
        return d;
    }

    private static Def zeroOr(Def d, String accepted) {
        Def z = new Def(d.key, d.kind, d.defaultValue, accepted + " (Go-style 90s, 1h30m, 7d or ISO-8601)",
                d.description);
        z.minDuration = d.minDuration;
        z.maxDuration = d.maxDuration;
        z.zeroAllowed = true;
        return z;
    }

    private static Def name(String key, String def, String accepted, String description) {
        return new Def(key, Kind.PROVIDER_NAME, def, accepted, description);
    }

    /** The known key with this canonical form, or {@code null}. */
    static Def get(String canonicalKey) {
        return KEYS.get(canonicalKey);
    }

    /** {@code leaderElection.leaseDuration} → {@code GUARDIAN_LEADER_ELECTION_LEASE_DURATION}. */
    static String environmentVariable(String key) {
        StringBuilder sb = new StringBuilder("GUARDIAN_");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '-') {
                sb.append('_');
            } else if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(key.charAt(i - 1))
                    && key.charAt(i - 1) != '.') {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    /** Lower case without {@code '.'}, {@code '-'} and {@code '_'}: the form environment variable names match on. */
    static String squash(String key) {
        return key.toLowerCase(Locale.ROOT).replace(".", "").replace("-", "").replace("_", "");
    }
}
