package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's configuration: immutable, validated, with secrets redacted wherever it is printed.
 *
 * <h2>Sources</h2>
 * Highest first: values set on the {@link Builder}; environment variables {@code GUARDIAN_*}; configuration files
 * (properties or YAML, later files over earlier ones); defaults. YAML files are flattened to dotted keys
 * ({@code storage: {postgres: {host: db}}} is {@code storage.postgres.host=db}); lists of values become
 * comma-separated values. Keys match loosely as in {@link Settings} (case, {@code -} and {@code _} are ignored), so
 * the operator's kebab-case file ({@code history-retention.default-days}) works unchanged.
 *
 * <h2>Environment variables</h2>
 * {@code GUARDIAN_} followed by the key: the rest of the name, with {@code _} removed and case ignored, is matched
 * against every known key with {@code .}, {@code -} and {@code _} removed, so {@code GUARDIAN_STORAGE_POSTGRES_PASSWORD}
 * sets {@code storage.postgres.password}, and {@code GUARDIAN_LEADER_ELECTION_LEASE_DURATION} and
 * {@code GUARDIAN_LEADERELECTION_LEASEDURATION} both set {@code leaderElection.leaseDuration}. For keys the engine
 * passes through, {@code GUARDIAN_WATCHER_<KEY>} sets {@code watcher.<key>} and {@code GUARDIAN_CHANNELS_<NAME>_<KEY>}
 * sets {@code channels.<name>.<key>}. A double underscore always separates segments verbatim
 * ({@code GUARDIAN_CHANNELS__OPS_TEAM__WEBHOOK_URL} → {@code channels.ops_team.webhook_url}). Empty variables are
 * ignored. A {@code GUARDIAN_*} variable that names no key is a warning, never an error, because the environment is
 * shared with other programs. The environment is injected ({@link Builder#environment}), default
 * {@link System#getenv()}.
 *
 * <h2>Validation</h2>
 * Every value is checked against its accepted range, and cross-checks run (leaseDuration &gt; renewDeadline &gt;
 * retryPeriod + 1.2 × retryPeriod, retention days within {@code historyRetention.maxDays}, health checks more frequent
 * than connection replacement, SQLite refused with leader election, every alert channel has a type). A blank value
 * means unset. All problems are collected and thrown together as one {@link InvalidConfigException}, each naming the
 * key, what is accepted and where the value came from. Unknown keys are errors by default (a typo must not silently
 * fall back to a default; {@link Builder#unknownKeys} can make them warnings; unknown {@code GUARDIAN_*} variables are
 * always warnings), with a "did you mean" suggestion. Keys under {@code watcher.}, {@code channels.<name>.},
 * {@code storage.<db>.properties.}, {@code storage.<custom type>.} and {@code leaderElection.<type>.} are passed to
 * the providers, which validate them. Operator keys that mean nothing in
 * an embedded library ({@code ui.*}, {@code metrics.*}, {@code probes.*}, {@code log-level}, ...) and old spellings
 * ({@code storage.postgres.pool.max-open-conns}, {@code scheduler.dead-man-switch-interval}, {@code ignored-namespaces})
 * are accepted with a warning. Warnings are logged once at build time and kept in {@link #warnings()}.
 *
 * <h2>Defaults</h2>
 * {@link #settings()} carries only what was set; each provider applies its own defaults. The defaults in
 * {@link #knownKeys()} and in the typed getters ({@link #postgres()}, {@link #leaderElection()}, ...) are those of the
 * built-in providers, and the validation here applies their rules, so that a configuration accepted here is
 * accepted by them.
 *
 * <p>The full key table is {@link #knownKeys()}.
 */
public final class GuardianConfig {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianConfig.class);
    private static final String REDACTED = "******";
    private static final String SUMMARY = "invalid CronJob Guardian configuration";
    private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String SQLITE_WITH_LEADER_ELECTION = "leader election cannot be used with "
            + "storage.type=sqlite: SQLite is a file on one replica's volume and serves exactly one replica, while "
            + "leader election is for several replicas sharing one store. Use storage.type=postgres, mysql or mariadb "
            + "for high availability, or set leaderElection.enabled=false to run a single replica on SQLite";
    private static final Set<String> BUILT_IN_STORES = Set.of("sqlite", "postgres", "mysql", "mariadb");

    /** One effective value: the key in its canonical spelling, the value, where it came from. */
    private record Entry(String key, String value, String origin) {
    }

    private final Map<String, Entry> entries;
    private final Settings settings;
    private final List<ConfigProblem> warnings;
    private final @Nullable String storageType;
    private final @Nullable String effectiveStorageType;
    private final boolean migrate;
    private final Sqlite sqlite;
    private final Database postgres;
    private final Database mysql;
    private final Database mariadb;
    private final LogStorage logStorage;
    private final Retention retention;
    private final RateLimits rateLimits;
    private final Scheduler scheduler;
    private final LeaderElection leaderElection;
    private final List<Path> monitorFiles;
    private final UnknownKeyPolicy monitorUnknownFields;
    private final Set<String> ignoredNamespaces;
    private final Set<String> channelNames;

    /**
     * A connection to PostgreSQL, MySQL or MariaDB, with the defaults the store providers apply. {@link #toString()}
     * never shows the password or the URL (which may embed one).
     *
     * @param type                {@code postgres}, {@code mysql} or {@code mariadb}
     * @param url                 a JDBC URL used instead of host, port and database, or {@code null}
     * @param maxIdleConns        idle connections kept, already capped at {@code maxOpenConns}
     * @param connMaxLifetime     0 = no limit
     * @param healthCheckInterval 0 = off
     * @param socketTimeout       0 = none
     */
    public record Database(String type, @Nullable String host, int port, String database, @Nullable String url,
            @Nullable String username, @Nullable String password, String sslMode, int maxOpenConns,
            int maxIdleConns, Duration connMaxLifetime, Duration healthCheckInterval, Duration connectTimeout,
            Duration socketTimeout) {
        @Override
        public String toString() {
            return "Database[type=" + type + ", host=" + host + ", port=" + port + ", database=" + database
                    + ", url=" + (url == null ? null : REDACTED) + ", username=" + username + ", password="
                    + (password == null ? null : REDACTED) + ", sslMode=" + sslMode + ", maxOpenConns="
                    + maxOpenConns + ", maxIdleConns=" + maxIdleConns + ", connMaxLifetime="
                    + Settings.format(connMaxLifetime) + ", healthCheckInterval=" + Settings.format(healthCheckInterval)
                    + ", connectTimeout=" + Settings.format(connectTimeout) + ", socketTimeout="
                    + Settings.format(socketTimeout) + "]";
        }
    }

    /**
     * The embedded SQLite store.
     *
     * @param path {@code :memory:} for a private in-memory database
     */
    public record Sqlite(String path, Duration busyTimeout, String synchronous, int maxOpenConns) {
    }

    /**
     * Leader election settings; the timings are validated as leaseDuration &gt; renewDeadline &gt; retryPeriod +
     * 1.2 × retryPeriod (what fabric8's elector demands), leaseDuration in whole seconds.
     *
     * @param type           provider name, or {@code null} for the highest-priority one
     * @param requestTimeout timeout of one Lease request (default renewDeadline / 4)
     * @param namespace      Lease namespace, or {@code null} for the elector's default (the pod's namespace)
     * @param identity       this replica's identity, or {@code null} for the elector's default (pod name)
     */
    public record LeaderElection(boolean enabled, @Nullable String type, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod, Duration requestTimeout, @Nullable String namespace,
            String leaseName, @Nullable String identity) {
    }

    /**
     * How long runs and their logs are kept.
     *
     * @param defaultDays      days runs are kept unless a monitor says otherwise
     * @param maxDays          upper bound of every retention
     * @param logRetentionDays days logs and events are kept; 0 = as long as the run
     */
    public record Retention(int defaultDays, int maxDays, int logRetentionDays) {

        /** Days runs of a monitor are kept: its own {@code retentionDays} (or the default), capped at maxDays. */
        public int runDaysFor(@Nullable Integer monitorRetentionDays) {
            return Math.min(monitorRetentionDays == null ? defaultDays : monitorRetentionDays, maxDays);
        }

        /**
         * Days logs of a monitor are kept: its own {@code logRetentionDays}, else the global one, else as long as
         * its runs; never longer than its runs.
         */
        public int logDaysFor(@Nullable Integer monitorRetentionDays, @Nullable Integer monitorLogRetentionDays) {
            int runs = runDaysFor(monitorRetentionDays);
            int logs = monitorLogRetentionDays != null ? monitorLogRetentionDays
                    : logRetentionDays > 0 ? logRetentionDays : runs;
            return Math.min(logs, runs);
        }
    }

    /** Global log and event storage defaults; monitors override them in {@code dataRetention}. */
    public record LogStorage(boolean logsEnabled, boolean eventsEnabled, int maxLogSizeKB) {
    }

    /** Global alert rate limits and the default duplicate-suppression window. */
    public record RateLimits(int maxAlertsPerMinute, int burstLimit, Duration defaultSuppressDuplicatesFor) {
    }

    /**
     * Engine timings.
     *
     * @param startupGracePeriod  how long evaluation results are held after start or failover
     * @param pruneInterval       how often retention pruning runs
     * @param safetySweepInterval how often every CronJob is re-evaluated behind the exact timers
     * @param observationGrace    added to a slot's window before the slot counts as missed (watch latency, clock
     *                            skew; ADR 0002)
     */
    public record Scheduler(Duration startupGracePeriod, Duration pruneInterval, Duration safetySweepInterval,
            Duration observationGrace) {

        /** Without {@code observationGrace} (the default, 5s): the form before it existed. */
        public Scheduler(Duration startupGracePeriod, Duration pruneInterval, Duration safetySweepInterval) {
            this(startupGracePeriod, pruneInterval, safetySweepInterval, Duration.ofSeconds(5));
        }
    }

    private GuardianConfig(Map<String, Entry> entries, List<ConfigProblem> warnings, Typed t) {
        this.entries = Collections.unmodifiableMap(entries);
        Map<String, String> m = new LinkedHashMap<>();
        entries.values().forEach(e -> m.put(e.key(), e.value()));
        this.settings = Settings.of(m);
        this.warnings = List.copyOf(warnings);
        this.storageType = t.storageType;
        this.effectiveStorageType = t.effectiveStorageType;
        this.migrate = t.migrate;
        this.sqlite = t.sqlite;
        this.postgres = t.postgres;
        this.mysql = t.mysql;
        this.mariadb = t.mariadb;
        this.logStorage = t.logStorage;
        this.retention = t.retention;
        this.rateLimits = t.rateLimits;
        this.scheduler = t.scheduler;
        this.leaderElection = t.leaderElection;
        this.monitorFiles = List.copyOf(t.monitorFiles);
        this.monitorUnknownFields = t.monitorUnknownFields;
        this.ignoredNamespaces = Collections.unmodifiableSet(new LinkedHashSet<>(t.ignoredNamespaces));
        this.channelNames = Collections.unmodifiableSet(new LinkedHashSet<>(t.channelNames));
    }

    /** Starts a builder reading {@link System#getenv()} unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration from one file plus the process environment and defaults. */
    public static GuardianConfig fromFile(Path file) {
        return builder().file(file).build();
    }

    /** Every key this class knows, in documentation order (the README table is generated from it). */
    public static List<ConfigKey> knownKeys() {
        return ConfigKeys.KEYS.values().stream().map(ConfigKeys.Def::info).collect(Collectors.toUnmodifiableList());
    }

    /**
     * {@code true} when the value of this key is never printed: {@link Settings#isSecretKey} keys, plus URLs,
     * DSNs and JDBC URLs under {@code channels.} and {@code storage.} (they can carry tokens or passwords).
     */
    public static boolean isSecret(String key) {
        if (Settings.isSecretKey(key)) {
            return true;
        }
        String c = Settings.canonical(key);
        String last = c.substring(c.lastIndexOf('.') + 1);
        boolean urlLike = last.equals("url") || last.equals("uri") || last.endsWith("jdbcurl") || last.equals("dsn")
                || last.equals("connectionstring");
        return urlLike && (c.startsWith("channels.") || c.startsWith("storage."));
    }

    // ------------------------------------------------------------------ accessors

    /**
     * Every value that was set (builder, environment, files), with canonical key spellings and old spellings
     * already translated; this is what providers receive. Defaults are not added: each provider applies its own,
     * which are the defaults documented in {@link #knownKeys()} and returned by the typed getters. Its
     * {@code toString()} redacts only {@link Settings#isSecretKey} keys; prefer {@link #describe()} or
     * {@link #toString()} of this class for logging.
     */
    public Settings settings() {
        return settings;
    }

    /** {@code storage.type} as configured ({@code postgresql} read as postgres, {@code sqlite3} as sqlite), if set. */
    public Optional<String> storageType() {
        return Optional.ofNullable(storageType);
    }

    /**
     * The store type in effect as far as configuration tells: {@code storage.type}, else {@code postgres} or
     * {@code mysql} when only that block has a host, else {@code sqlite} when only SQLite is configured; empty when
     * the choice is left to provider discovery.
     */
    public Optional<String> effectiveStorageType() {
        return Optional.ofNullable(effectiveStorageType);
    }

    /**
     * Refuses leader election on SQLite once the store provider is known. {@link Builder#build()} already refuses it
     * when the configuration names SQLite, but when {@code storage.type} is unset, provider discovery may still pick
     * SQLite (the embedded default); the engine calls this with the chosen provider's name.
     *
     * @throws InvalidConfigException when leader election is enabled and the store is {@code sqlite}
     */
    public void checkStoreForLeaderElection(String storeProviderName) {
        if (leaderElection.enabled() && "sqlite".equalsIgnoreCase(Objects.requireNonNull(storeProviderName,
                "storeProviderName"))) {
            Entry e = entries.get(Settings.canonical("leaderElection.enabled"));
            throw new InvalidConfigException(SUMMARY, List.of(new ConfigProblem("leaderElection.enabled",
                    SQLITE_WITH_LEADER_ELECTION + " (storage.type is unset and provider discovery chose sqlite)",
                    e == null ? null : e.origin(), 0)));
        }
    }

    /** {@code storage.migrate}. */
    public boolean migrate() {
        return migrate;
    }

    /** {@code storage.sqlite.path}. */
    public String sqlitePath() {
        return sqlite.path();
    }

    /** {@code storage.sqlite.*}. */
    public Sqlite sqlite() {
        return sqlite;
    }

    /** {@code storage.postgres.*}. */
    public Database postgres() {
        return postgres;
    }

    /** {@code storage.mysql.*}. */
    public Database mysql() {
        return mysql;
    }

    /** {@code storage.mariadb.*}, or {@code storage.mysql.*} when nothing is set under {@code storage.mariadb}. */
    public Database mariadb() {
        return mariadb;
    }

    /** {@code storage.logStorageEnabled}, {@code storage.eventStorageEnabled}, {@code storage.maxLogSizeKB}. */
    public LogStorage logStorage() {
        return logStorage;
    }

    /** {@code historyRetention.*} and {@code storage.logRetentionDays}. */
    public Retention retention() {
        return retention;
    }

    /** {@code rateLimits.*}. */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /** {@code scheduler.*}. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** {@code leaderElection.*}. */
    public LeaderElection leaderElection() {
        return leaderElection;
    }

    /** The settings under {@code watcher.}, prefix removed. */
    public Settings watcherSettings() {
        return settings.subset("watcher");
    }

    /** Names of the alert channels configured under {@code channels.<name>.}, in order of appearance. */
    public Set<String> channelNames() {
        return channelNames;
    }

    /**
     * One channel's settings, prefix removed, with a {@code name} key added (what
     * {@link io.cronjobguardian.api.AlertChannelProvider#create} expects).
     *
     * @throws IllegalArgumentException when no such channel is configured
     */
    public Settings channelSettings(String name) {
        String found = channelNames.stream().filter(n -> Settings.canonical(n).equals(Settings.canonical(name)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no channel \"" + name
                        + "\" is configured; configured: " + channelNames));
        return settings.subset("channels." + found).with("name", found);
    }

    /** {@code monitors.files}, relative paths resolved against the directory of the file that named them. */
    public List<Path> monitorFiles() {
        return monitorFiles;
    }

    /** {@code monitors.unknownFields}. */
    public UnknownKeyPolicy monitorUnknownFields() {
        return monitorUnknownFields;
    }

    /** {@code watcher.ignoredNamespaces}: never watched, never selected by a monitor. */
    public Set<String> ignoredNamespaces() {
        return ignoredNamespaces;
    }

    /** Warnings found while building (not-applicable keys, old spellings, unknown environment variables, ...). */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    /**
     * A multi-line description for logs: every known key with its effective value and where it came from (the
     * blocks of built-in stores that are not in use and have nothing set are left out), then every pass-through key.
     * Secrets are shown as {@code ******}.
     */
    public String describe() {
        List<String[]> rows = new ArrayList<>();
        for (ConfigKeys.Def def : ConfigKeys.KEYS.values()) {
            if (isUnusedStoreBlock(def.key)) {
                continue;
            }
            Entry e = entries.get(Settings.canonical(def.key));
            if (e != null) {
                rows.add(new String[] {def.key, shown(def.key, e.value()), e.origin()});
            } else if (def.defaultValue != null) {
                rows.add(new String[] {def.key, def.defaultValue, "default"});
            } else {
                rows.add(new String[] {def.key, "(unset)", "default"});
            }
        }
        new TreeMap<>(entries).values().stream()
                .filter(e -> ConfigKeys.get(Settings.canonical(e.key())) == null)
                .forEach(e -> rows.add(new String[] {e.key(), shown(e.key(), e.value()), e.origin()}));
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = Math.min(40, rows.stream().mapToInt(r -> r[1].length()).max().orElse(0));
        StringBuilder sb = new StringBuilder("CronJob Guardian configuration (secrets redacted):");
        for (String[] r : rows) {
            sb.append(System.lineSeparator()).append("  ").append(pad(r[0], w0)).append(" = ").append(pad(r[1], w1))
                    .append("  (").append(r[2]).append(')');
        }
        return sb.toString();
    }

    /** Keys of a built-in store that is not the one in effect and has nothing set: left out of describe(). */
    private boolean isUnusedStoreBlock(String key) {
        String[] seg = key.split("\\.");
        if (effectiveStorageType == null || seg.length < 3 || !seg[0].equals("storage")
                || !BUILT_IN_STORES.contains(seg[1]) || seg[1].equals(effectiveStorageType)) {
            return false;
        }
        if (seg[1].equals("mysql") && effectiveStorageType.equals("mariadb")) {
            return false;
        }
        String prefix = "storage." + seg[1] + ".";
        return entries.keySet().stream().noneMatch(k -> k.startsWith(prefix));
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String shown(String key, String value) {
        return isSecret(key) ? REDACTED : value;
    }

    /** The explicitly set keys (not defaults), secrets redacted, on one line. */
    @Override
    public String toString() {
        Map<String, String> m = new TreeMap<>();
        entries.values().forEach(e -> m.put(e.key(), shown(e.key(), e.value())));
        return "GuardianConfig" + m;
    }

    // ------------------------------------------------------------------ building

    /**
     * Builds a {@link GuardianConfig}. Values set here win over the environment, files and defaults. Not
     * thread-safe.
     */
    public static final class Builder {
        private Map<String, String> environment;
        private final List<Path> files = new ArrayList<>();
        private final Map<String, String> values = new LinkedHashMap<>();
        private UnknownKeyPolicy unknownKeys = UnknownKeyPolicy.ERROR;

        private Builder() {
        }

        /** The environment to read {@code GUARDIAN_*} variables from (default {@link System#getenv()}). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(Objects.requireNonNull(env, "env"));
            return this;
        }

        /** Reads no environment variables. */
        public Builder noEnvironment() {
            return environment(Map.of());
        }

        /**
         * Adds a configuration file ({@code .properties}, {@code .yaml}, {@code .yml} or {@code .json}); a file added
         * later wins over one added earlier. A missing file is a configuration problem.
         */
        public Builder file(Path file) {
            files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Whether an unknown key is an error (default) or a warning. */
        public Builder unknownKeys(UnknownKeyPolicy policy) {
            this.unknownKeys = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Sets any key (highest precedence). */
        public Builder set(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, () -> "value of " + key);
            values.keySet().removeIf(k -> Settings.canonical(k).equals(Settings.canonical(key)));
            values.put(key.trim(), value);
            return this;
        }

        /** Sets a duration key, formatted the Go way ({@code 1h30m}). */
        public Builder set(String key, Duration value) {
            return set(key, Settings.format(Objects.requireNonNull(value, "value")));
        }

        /** Sets a number key. */
        public Builder set(String key, long value) {
            return set(key, String.valueOf(value));
        }

        /** Sets a boolean key. */
        public Builder set(String key, boolean value) {
            return set(key, String.valueOf(value));
        }

        /** Sets every key of these settings. */
        public Builder settings(Settings s) {
            s.asMap().forEach(this::set);
            return this;
        }

        /** {@code storage.type}. */
        public Builder storageType(String type) {
            return set("storage.type", type);
        }

        /** {@code storage.sqlite.path}. */
        public Builder sqlitePath(String path) {
            return set("storage.sqlite.path", path);
        }

        /** {@code leaderElection.enabled}. */
        public Builder leaderElection(boolean enabled) {
            return set("leaderElection.enabled", enabled);
        }

        /** {@code leaderElection.leaseDuration}, {@code renewDeadline} and {@code retryPeriod}. */
        public Builder leaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
            return set("leaderElection.leaseDuration", leaseDuration).set("leaderElection.renewDeadline", renewDeadline)
                    .set("leaderElection.retryPeriod", retryPeriod);
        }

        /** {@code historyRetention.defaultDays}. */
        public Builder historyRetentionDays(int days) {
            return set("historyRetention.defaultDays", days);
        }

        /** {@code monitors.files}. */
        public Builder monitorFiles(Path... paths) {
            return set("monitors.files", java.util.Arrays.stream(paths).map(Path::toString)
                    .collect(Collectors.joining(",")));
        }

        /**
         * Reads every source, validates, and returns the configuration.
         *
         * @throws InvalidConfigException listing every problem found
         */
        public GuardianConfig build() {
            return GuardianConfig.build(this);
        }
    }

    /** Mutable holder of typed values while building. */
    private static final class Typed {
        String storageType;
        String effectiveStorageType;
        boolean migrate;
        Sqlite sqlite;
        Database postgres;
        Database mysql;
        Database mariadb;
        LogStorage logStorage;
        Retention retention;
        RateLimits rateLimits;
        Scheduler scheduler;
        LeaderElection leaderElection;
        List<Path> monitorFiles = new ArrayList<>();
        UnknownKeyPolicy monitorUnknownFields;
        Set<String> ignoredNamespaces = new LinkedHashSet<>();
        Set<String> channelNames = new LinkedHashSet<>();
    }

    private static GuardianConfig build(Builder b) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<ConfigProblem> warnings = new ArrayList<>();

        // 1. read the layers, lowest first
        List<List<ConfigSources.Raw>> layers = new ArrayList<>();
        for (Path f : b.files) {
            layers.add(ConfigSources.readFile(f, problems));
        }
        Map<String, String> env = b.environment != null ? b.environment : System.getenv();
        layers.add(ConfigSources.readEnvironment(env, squashedIndex(), warnings));
        List<ConfigSources.Raw> builderLayer = new ArrayList<>();
        b.values.forEach((k, v) -> builderLayer.add(new ConfigSources.Raw(k, v, "builder")));
        layers.add(builderLayer);

        // 2. aliases and not-applicable keys, then merge (later layers win)
        Map<String, Entry> merged = new LinkedHashMap<>();
        for (List<ConfigSources.Raw> layer : layers) {
            Map<String, Entry> thisLayer = new LinkedHashMap<>();
            for (ConfigSources.Raw raw : layer) {
                String canonical = Settings.canonical(raw.key());
                if (canonical.isEmpty() || canonical.startsWith(".") || canonical.endsWith(".")
                        || canonical.contains("..")) {
                    problems.add(new ConfigProblem(raw.key().isEmpty() ? "(empty key)" : raw.key(),
                            "not a valid key", raw.origin(), 0));
                    continue;
                }
                String notApplicable = notApplicable(canonical);
                if (notApplicable != null) {
                    warnings.add(new ConfigProblem(raw.key(), "not used by the library (" + notApplicable
                            + "); ignored", raw.origin(), 0));
                    continue;
                }
                String target = ConfigKeys.ALIASES.get(canonical);
                if (target != null) {
                    String targetCanonical = Settings.canonical(target);
                    if (thisLayer.containsKey(targetCanonical)) {
                        warnings.add(new ConfigProblem(raw.key(), "old spelling of " + target + ", which is also "
                                + "set; ignored", raw.origin(), 0));
                        continue;
                    }
                    warnings.add(new ConfigProblem(raw.key(), "old spelling; read as " + target, raw.origin(), 0));
                    thisLayer.put(targetCanonical, new Entry(target, raw.value(), raw.origin()));
                    continue;
                }
                ConfigKeys.Def def = ConfigKeys.get(canonical);
                String key = def != null ? def.key : raw.key();
                thisLayer.put(canonical, new Entry(key, raw.value(), raw.origin()));
            }
            merged.putAll(thisLayer);
        }

        // 3. classify keys that are not known: pass-through or unknown
        String storageTypeRaw = value(merged, "storage.type");
        String electorTypeRaw = value(merged, "leaderElection.type");
        Set<String> channelNames = new LinkedHashSet<>();
        for (Entry e : merged.values()) {
            String c = Settings.canonical(e.key());
            if (ConfigKeys.get(c) != null) {
                continue;
            }
            String[] seg = c.split("\\.");
            if (seg[0].equals("watcher") && seg.length >= 2) {
                continue;
            }
            if (seg[0].equals("channels")) {
                if (seg.length >= 3) {
                    channelNames.add(e.key().split("\\.")[1]);
                } else {
                    problems.add(new ConfigProblem(e.key(), "a channel is configured with keys under it; accepted: "
                            + "channels.<name>.type and the keys of that channel type", e.origin(), 0));
                }
                continue;
            }
            if (seg[0].equals("storage") && seg.length >= 4 && seg[2].equals("properties")
                    && ConfigKeys.SERVER_DATABASES.contains(seg[1])) {
                continue;
            }
            if (seg[0].equals("storage") && seg.length >= 3 && storageTypeRaw != null
                    && !BUILT_IN_STORES.contains(seg[1]) && Settings.canonical(storageTypeRaw).equals(seg[1])) {
                continue;
            }
            if (seg[0].equals("leaderelection") && seg.length >= 3 && electorTypeRaw != null
                    && Settings.canonical(electorTypeRaw).equals(seg[1])) {
                continue;
            }
            String message = "unknown key" + Suggestions.didYouMean(e.key(),
                    ConfigKeys.KEYS.values().stream().map(d -> d.key).collect(Collectors.toList()));
            boolean fromEnvironment = e.origin().startsWith("environment");
            if (b.unknownKeys == UnknownKeyPolicy.ERROR && !fromEnvironment) {
                problems.add(new ConfigProblem(e.key(), message, e.origin(), 0));
            } else {
                warnings.add(new ConfigProblem(e.key(), message + "; ignored", e.origin(), 0));
            }
        }
        for (String ch : channelNames) {
            if (value(merged, "channels." + ch + ".type") == null) {
                problems.add(new ConfigProblem("channels." + ch + ".type", "is required for every channel; "
                        + "accepted: the name of an AlertChannelProvider (slack, pagerduty, webhook, email or a "
                        + "custom one)", originOfChannel(merged, ch), 0));
            } else {
                checkProviderName(merged, "channels." + ch + ".type", problems);
            }
        }

        // 4. validate every known key that is set; collect typed values
        Typed t = new Typed();
        t.channelNames = channelNames;
        Validator v = new Validator(merged, problems);
        for (ConfigKeys.Def def : ConfigKeys.KEYS.values()) {
            v.check(def);
        }
        typed(t, v, merged, warnings, problems);

        if (!problems.isEmpty()) {
            throw new InvalidConfigException(SUMMARY, problems);
        }
        for (ConfigProblem w : warnings) {
            LOG.warn("Configuration: {}", w);
        }
        // 5. the settings providers receive: what was set (defaults are the providers' own, documented in
        //    knownKeys()), with canonical key spellings and the normalised storage.type
        if (t.storageType != null && !t.storageType.equals(value(merged, "storage.type"))) {
            merged.put("storage.type", new Entry("storage.type", t.storageType, merged.get("storage.type").origin()));
        }
        return new GuardianConfig(merged, warnings, t);
    }

    private static String originOfChannel(Map<String, Entry> merged, String channel) {
        String prefix = Settings.canonical("channels." + channel) + ".";
        return merged.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> e.getValue().origin())
                .findFirst().orElse(null);
    }

    private static @Nullable String notApplicable(String canonical) {
        for (Map.Entry<String, String> e : ConfigKeys.NOT_APPLICABLE.entrySet()) {
            if (canonical.equals(e.getKey()) || canonical.startsWith(e.getKey() + ".")) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Map<String, String> squashedIndex() {
        Map<String, String> index = new LinkedHashMap<>();
        ConfigKeys.KEYS.values().forEach(d -> index.put(ConfigKeys.squash(d.key), d.key));
        ConfigKeys.ALIASES.keySet().forEach(a -> index.putIfAbsent(ConfigKeys.squash(a), a));
        ConfigKeys.NOT_APPLICABLE.keySet().forEach(a -> index.putIfAbsent(ConfigKeys.squash(a), a));
        return index;
    }

    private static @Nullable String value(Map<String, Entry> merged, String key) {
        Entry e = merged.get(Settings.canonical(key));
        return e == null || e.value().isBlank() ? null : e.value().trim();
    }

    private static void checkProviderName(Map<String, Entry> merged, String key, List<ConfigProblem> problems) {
        String v = value(merged, key);
        if (v != null && !PROVIDER_NAME.matcher(v).matches()) {
            Entry e = merged.get(Settings.canonical(key));
            problems.add(new ConfigProblem(key, "\"" + v + "\" is not a provider name; accepted: letters, digits, "
                    + "'.', '-' and '_', at most 63 characters", e.origin(), 0));
        }
    }

    /** Validates single keys; remembers which ones failed so that cross-checks skip them. */
    private static final class Validator {
        final Map<String, Entry> merged;
        final List<ConfigProblem> problems;
        final Settings settings;
        final Set<String> failed = new TreeSet<>();

        Validator(Map<String, Entry> merged, List<ConfigProblem> problems) {
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

    private static void typed(Typed t, Validator v, Map<String, Entry> merged, List<ConfigProblem> warnings,
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

    private static Database database(Validator v, String type, String db) {
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
