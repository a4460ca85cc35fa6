package io.cronjobguardian.engine.config;

import static io.cronjobguardian.engine.config.GuardianConfig.BUILT_IN_STORES;
import static io.cronjobguardian.engine.config.GuardianConfig.SQLITE_WITH_LEADER_ELECTION;
import static io.cronjobguardian.engine.config.GuardianConfig.value;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.GuardianConfig.Database;
import io.cronjobguardian.engine.config.GuardianConfig.Entry;
import io.cronjobguardian.engine.config.GuardianConfig.LeaderElection;
import io.cronjobguardian.engine.config.GuardianConfig.LogStorage;
import io.cronjobguardian.engine.config.GuardianConfig.RateLimits;
import io.cronjobguardian.engine.config.GuardianConfig.Retention;
import io.cronjobguardian.engine.config.GuardianConfig.Scheduler;
import io.cronjobguardian.engine.config.GuardianConfig.Sqlite;
import io.cronjobguardian.engine.config.GuardianConfig.Typed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The validation rules of {@link GuardianConfig}: each known key that is set is checked against its definition in
 * {@link ConfigKeys} (type, range, choices, names), and {@link #typed} then applies the rules between keys (retention
 * days within {@code historyRetention.maxDays}, the leader-election timings, a health check shorter than the
 * connection lifetime, no leader election on SQLite, readable monitor files) while it builds the typed values. Every
 * problem is collected, not just the first; a key that failed is remembered so that the rules between keys skip it
 * and its typed value falls back to the default.
 */
final class ConfigValidator {

    static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    final Map<String, Entry> merged;
    final List<ConfigProblem> problems;
    final Settings settings;
    final Set<String> failed = new TreeSet<>();

    ConfigValidator(Map<String, Entry> merged, List<ConfigProblem> problems) {
        this.merged = merged;
        this.problems = problems;
        Map<String, String> m = new LinkedHashMap<>();
        merged.values().forEach(e -> m.put(e.key(), e.value()));
        this.settings = Settings.of(m);
    }

    boolean ok(String key) {
        return !failed.contains(key);
    }

    boolean isSet(String key) {
        return value(merged, key) != null;
    }

    /** Segments of an absolute URL path such as {@code /ui}: unreserved characters only, no dot segments. */
    private static final Pattern URL_PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");
    /** First segments a URL path setting must not take: the API's own paths. */
    private static final Set<String> RESERVED_FIRST_SEGMENTS = Set.of("api", "healthz", "readyz", "metrics");

    /** Whether {@code v} is an absolute URL path of at least one segment that leaves the API's paths alone. */
    static boolean urlPath(String v) {
        String p = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        if (!p.startsWith("/") || p.length() < 2) {
            return false;
        }
        String[] segments = p.substring(1).split("/", -1);
        for (String seg : segments) {
            if (!URL_PATH_SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
                return false;
            }
        }
        return !RESERVED_FIRST_SEGMENTS.contains(segments[0]);
    }

    void fail(String key, String message) {
        failed.add(key);
        Entry e = merged.get(Settings.canonical(key));
        problems.add(new ConfigProblem(key, message, e == null ? null : e.origin(), 0));
    }

    void check(ConfigKeys.Def def) {
        Entry e = merged.get(Settings.canonical(def.key));
        if (e == null) {
            return;
        }
        String v = e.value().trim();
        if (v.isEmpty()) {
            return; // blank = unset, as everywhere in Settings
        }
        try {
            switch (def.kind) {
                case BOOLEAN:
                    settings.getBoolean(def.key, false);
                    break;
                case INT:
                    settings.getLong(def.key, 0, def.min, def.max);
                    break;
                case DURATION:
                    if (def.zeroAllowed) {
                        Duration d;
                        try {
                            d = Settings.parseDuration(v);
                        } catch (IllegalArgumentException ex) {
                            throw new ConfigException(def.key, "\"" + v + "\" is not a duration; accepted: "
                                    + def.accepted);
                        }
                        if (d.isNegative() || d.compareTo(def.maxDuration) > 0
                                || !d.isZero() && d.compareTo(def.minDuration) < 0) {
                            throw new ConfigException(def.key, Settings.format(d) + " is out of range; "
                                    + "accepted: " + def.accepted);
                        }
                    } else {
                        settings.getDuration(def.key, Duration.ZERO, def.minDuration, def.maxDuration);
                    }
                    break;
                case CHOICE:
                    choice(def, v);
                    break;
                case PROVIDER_NAME:
                    if (!v.isEmpty() && !PROVIDER_NAME.matcher(v).matches()) {
                        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: "
                                + def.accepted);
                    }
                    break;
                case DNS_LABEL:
                    if (!v.isEmpty() && !DNS_LABEL.matcher(v).matches()) {
                        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: "
                                + def.accepted);
                    }
                    break;
                case DNS_SUBDOMAIN:
                    if (!v.isEmpty() && (v.length() > 253 || !DNS_SUBDOMAIN.matcher(v).matches())) {
                        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: "
                                + def.accepted);
                    }
                    break;
                case URL_PATH:
                    if (!urlPath(v)) {
                        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: " + def.accepted);
                    }
                    break;
                case IDENTITY:
                    if (v.length() > 253) {
                        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: "
                                + def.accepted);
                    }
                    break;
                case NAMESPACE_LIST:
                    for (String ns : list(v)) {
                        if (!DNS_LABEL.matcher(ns).matches()) {
                            throw new ConfigException(def.key, "\"" + ns + "\" is not a namespace name; "
                                    + "accepted: " + def.accepted + " (lower-case RFC 1123 labels)");
                        }
                    }
                    break;
                case PATH:
                    try {
                        Path.of(v);
                    } catch (java.nio.file.InvalidPathException ex) {
                        throw new ConfigException(def.key, "\"" + v.replace("\0", "\\0") + "\" is not a valid "
                                + "path (" + ex.getReason() + "); accepted: " + def.accepted);
                    }
                    break;
                case FILE_LIST:
                case STRING:
                case SECRET:
                default:
                    break;
            }
        } catch (ConfigException ex) {
            String msg = ex.getMessage();
            String prefix = ex.key() + ": ";
            fail(def.key, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
        }
    }

    private static void choice(ConfigKeys.Def def, String v) {
        String squashed = ConfigKeys.squash(v);
        for (String c : def.choices) {
            if (ConfigKeys.squash(c).equals(squashed)) {
                return;
            }
        }
        throw new ConfigException(def.key, "\"" + v + "\" is not accepted; accepted: " + def.accepted);
    }

    String choiceValue(String key, String def) {
        String v = value(merged, key);
        if (v == null || !ok(key)) {
            return def;
        }
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        String squashed = ConfigKeys.squash(v);
        return d.choices.stream().filter(c -> ConfigKeys.squash(c).equals(squashed)).findFirst().orElse(def);
    }

    int intValue(String key) {
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        long def = d.defaultValue == null || !Character.isDigit(d.defaultValue.charAt(0)) ? 0
                : Long.parseLong(d.defaultValue);
        return ok(key) ? (int) settings.getLong(key, def, d.min, d.max) : (int) def;
    }

    Duration durationValue(String key) {
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        return durationValue(key, Settings.parseDuration(d.defaultValue));
    }

    Duration durationValue(String key, Duration def) {
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        Duration min = d.zeroAllowed ? Duration.ZERO : d.minDuration;
        return ok(key) ? settings.getDuration(key, def, min, d.maxDuration) : def;
    }

    boolean boolValue(String key) {
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        boolean def = Boolean.parseBoolean(d.defaultValue);
        return ok(key) ? settings.getBoolean(key, def) : def;
    }

    String stringValue(String key) {
        ConfigKeys.Def d = ConfigKeys.get(Settings.canonical(key));
        String v = value(merged, key);
        return v != null && ok(key) ? v : d.defaultValue;
    }

    static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ rules between keys, typed values

    static void typed(Typed t, ConfigValidator v, Map<String, Entry> merged, List<ConfigProblem> warnings,
            List<ConfigProblem> problems) {
        // storage
        String type = v.stringValue("storage.type");
        if (type != null) {
            String lower = type.toLowerCase(Locale.ROOT);
            String normalized = lower.equals("postgresql") || lower.equals("pg") ? "postgres"
                    : lower.equals("sqlite3") ? "sqlite" : type;
            if (!normalized.equals(type) && !normalized.equals(lower)) {
                warnings.add(new ConfigProblem("storage.type", "\"" + type + "\" read as " + normalized,
                        merged.get("storage.type").origin(), 0));
            }
            t.storageType = BUILT_IN_STORES.contains(normalized.toLowerCase(Locale.ROOT))
                    ? normalized.toLowerCase(Locale.ROOT) : normalized;
        }
        t.migrate = v.boolValue("storage.migrate");
        t.sqlite = new Sqlite(v.stringValue("storage.sqlite.path"), v.durationValue("storage.sqlite.busyTimeout"),
                v.choiceValue("storage.sqlite.synchronous", "FULL"), v.intValue("storage.sqlite.maxOpenConns"));
        t.postgres = database(v, "postgres", "postgres");
        t.mysql = database(v, "mysql", "mysql");
        boolean mariadbBlock = merged.keySet().stream().anyMatch(k -> k.startsWith("storage.mariadb."));
        t.mariadb = database(v, "mariadb", mariadbBlock ? "mariadb" : "mysql");
        List<String> configured = new ArrayList<>();
        for (String db : ConfigKeys.SERVER_DATABASES) {
            if (v.isSet("storage." + db + ".host") || v.isSet("storage." + db + ".url")) {
                configured.add(db);
            }
        }
        boolean sqlite = merged.keySet().stream().anyMatch(k -> k.startsWith("storage.sqlite."));
        if (t.storageType != null) {
            t.effectiveStorageType = t.storageType;
        } else if (configured.size() == 1) {
            t.effectiveStorageType = configured.get(0);
        } else if (configured.isEmpty() && sqlite) {
            t.effectiveStorageType = "sqlite";
        }
        if (t.effectiveStorageType != null) {
            for (String db : List.of("sqlite", "postgres", "mysql", "mariadb")) {
                String prefix = "storage." + db + ".";
                boolean usedByMariadb = db.equals("mysql") && t.effectiveStorageType.equals("mariadb")
                        && !mariadbBlock;
                if (!db.equals(t.effectiveStorageType) && !usedByMariadb
                        && merged.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                    warnings.add(ConfigProblem.of("storage." + db, "settings for " + db + " are present but the "
                            + "store is " + t.effectiveStorageType + "; they are not used"));
                }
            }
        }

        // retention
        int maxDays = v.intValue("historyRetention.maxDays");
        int defaultDays = v.intValue("historyRetention.defaultDays");
        int logDays = v.intValue("storage.logRetentionDays");
        if (v.ok("historyRetention.maxDays")) {
            if (v.ok("historyRetention.defaultDays") && defaultDays > maxDays) {
                v.fail("historyRetention.defaultDays", defaultDays + " is out of range; accepted: 1 to "
                        + "historyRetention.maxDays (" + maxDays + ")");
            }
            if (v.ok("storage.logRetentionDays") && logDays > maxDays) {
                v.fail("storage.logRetentionDays", logDays + " is out of range; accepted: 0 to "
                        + "historyRetention.maxDays (" + maxDays + ")");
            }
        }
        t.retention = new Retention(Math.min(defaultDays, maxDays), maxDays, Math.min(logDays, maxDays));
        t.logStorage = new LogStorage(v.boolValue("storage.logStorageEnabled"),
                v.boolValue("storage.eventStorageEnabled"), v.intValue("storage.maxLogSizeKB"));
        t.rateLimits = new RateLimits(v.intValue("rateLimits.maxAlertsPerMinute"), v.intValue("rateLimits.burstLimit"),
                v.durationValue("rateLimits.defaultSuppressDuplicatesFor"));
        t.scheduler = new Scheduler(v.durationValue("scheduler.startupGracePeriod"),
                v.durationValue("scheduler.pruneInterval"), v.durationValue("scheduler.safetySweepInterval"),
                v.durationValue("scheduler.observationGrace"));

        // leader election (the rules of the Kubernetes elector, checked here so that every problem is listed)
        Duration lease = v.durationValue("leaderElection.leaseDuration");
        Duration renew = v.durationValue("leaderElection.renewDeadline");
        Duration retry = v.durationValue("leaderElection.retryPeriod");
        String rule = "; accepted: leaseDuration > renewDeadline > retryPeriod + 1.2 × retryPeriod (defaults 15s, "
                + "10s, 2s)";
        if (v.ok("leaderElection.leaseDuration") && lease.toNanos() % 1_000_000_000L != 0) {
            v.fail("leaderElection.leaseDuration", Settings.format(lease) + " is not a whole number of seconds; "
                    + "accepted: whole seconds from 1s to 1h (Lease.spec.leaseDurationSeconds is an integer)");
        }
        if (v.ok("leaderElection.leaseDuration") && v.ok("leaderElection.renewDeadline")
                && lease.compareTo(renew) <= 0) {
            v.fail("leaderElection.leaseDuration", Settings.format(lease) + " must be greater than "
                    + "leaderElection.renewDeadline (" + Settings.format(renew) + ")" + rule);
        }
        Duration jittered = retry.plusMillis((long) Math.ceil(retry.toMillis() * 1.2));
        if (v.ok("leaderElection.renewDeadline") && v.ok("leaderElection.retryPeriod")
                && renew.compareTo(jittered) <= 0) {
            v.fail("leaderElection.renewDeadline", Settings.format(renew) + " must be greater than "
                    + "leaderElection.retryPeriod + 1.2 × retryPeriod (" + Settings.format(retry) + " + "
                    + Settings.format(jittered.minus(retry)) + " = " + Settings.format(jittered) + ")" + rule);
        }
        Duration defaultTimeout = renew.dividedBy(4).isZero() ? Duration.ofMillis(1) : renew.dividedBy(4);
        Duration requestTimeout = v.durationValue("leaderElection.requestTimeout", defaultTimeout);
        if (v.ok("leaderElection.requestTimeout") && v.ok("leaderElection.renewDeadline")
                && requestTimeout.compareTo(renew) > 0) {
            v.fail("leaderElection.requestTimeout", Settings.format(requestTimeout) + " is out of range; accepted: "
                    + "1ms to leaderElection.renewDeadline (" + Settings.format(renew) + ")");
        }
        boolean leaderEnabled = v.boolValue("leaderElection.enabled");
        t.leaderElection = new LeaderElection(leaderEnabled, v.stringValue("leaderElection.type"), lease, renew, retry,
                requestTimeout, value(merged, "leaderElection.namespace"), v.stringValue("leaderElection.leaseName"),
                value(merged, "leaderElection.identity"));
        if (leaderEnabled && "sqlite".equals(t.effectiveStorageType)) {
            v.fail("leaderElection.enabled", SQLITE_WITH_LEADER_ELECTION);
        }

        // monitors
        t.monitorUnknownFields = v.choiceValue("monitors.unknownFields", "error").equals("warn")
                ? UnknownKeyPolicy.WARN : UnknownKeyPolicy.ERROR;
        String ignored = value(merged, "watcher.ignoredNamespaces");
        if (ignored != null && v.ok("watcher.ignoredNamespaces")) {
            t.ignoredNamespaces.addAll(list(ignored));
        }
        Entry files = merged.get(Settings.canonical("monitors.files"));
        if (files != null) {
            Path base = null;
            if (files.origin().startsWith("file ")) {
                base = Path.of(files.origin().substring("file ".length())).toAbsolutePath().getParent();
            }
            for (String f : list(files.value())) {
                Path p = Path.of(f);
                if (!p.isAbsolute() && base != null) {
                    p = base.resolve(p);
                }
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    v.fail("monitors.files", "\"" + p + "\" is not a readable file; accepted: " + ConfigKeys
                            .get(Settings.canonical("monitors.files")).accepted);
                } else {
                    t.monitorFiles.add(p);
                }
            }
        }
    }

    private static Database database(ConfigValidator v, String type, String db) {
        String p = "storage." + db + ".";
        int maxOpen = v.intValue(p + "maxOpenConns");
        int maxIdle = Math.min(v.intValue(p + "maxIdleConns"), maxOpen);
        Duration lifetime = v.durationValue(p + "connMaxLifetime");
        Duration health = v.durationValue(p + "healthCheckInterval");
        if (v.ok(p + "connMaxLifetime") && v.ok(p + "healthCheckInterval") && !health.isZero() && !lifetime.isZero()
                && health.compareTo(lifetime) >= 0 && type.equals(db)) {
            v.fail(p + "healthCheckInterval", Settings.format(health) + " must be shorter than " + p
                    + "connMaxLifetime (" + Settings.format(lifetime) + "); accepted: 0 (off) or 30s to 1h, shorter "
                    + "than connMaxLifetime");
        }
        String sslMode;
        if (db.equals("postgres")) {
            sslMode = v.choiceValue(p + "sslMode", "prefer");
        } else if (v.isSet(p + "sslMode")) {
            sslMode = v.choiceValue(p + "sslMode", "disable");
        } else {
            sslMode = v.boolValue(p + "useSsl") ? "require" : "disable";
        }
        return new Database(type, value(v.merged, p + "host"), v.intValue(p + "port"), v.stringValue(p + "database"),
                value(v.merged, p + "url"), value(v.merged, p + "username"), value(v.merged, p + "password"),
                sslMode.toLowerCase(Locale.ROOT), maxOpen, maxIdle, lifetime, health,
                v.durationValue(p + "connectTimeout"), v.durationValue(p + "socketTimeout"));
    }
}
