package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
    static final String SQLITE_WITH_LEADER_ELECTION = "leader election cannot be used with "
            + "storage.type=sqlite: SQLite is a file on one replica's volume and serves exactly one replica, while "
            + "leader election is for several replicas sharing one store. Use storage.type=postgres, mysql or mariadb "
            + "for high availability, or set leaderElection.enabled=false to run a single replica on SQLite";
    static final Set<String> BUILT_IN_STORES = Set.of("sqlite", "postgres", "mysql", "mariadb");

    /** One effective value: the key in its canonical spelling, the value, where it came from. */
    record Entry(String key, String value, String origin) {
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
    static final class Typed {
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
        ConfigValidator v = new ConfigValidator(merged, problems);
        for (ConfigKeys.Def def : ConfigKeys.KEYS.values()) {
            v.check(def);
        }
        ConfigValidator.typed(t, v, merged, warnings, problems);

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

    static @Nullable String value(Map<String, Entry> merged, String key) {
        Entry e = merged.get(Settings.canonical(key));
        return e == null || e.value().isBlank() ? null : e.value().trim();
    }

    private static void checkProviderName(Map<String, Entry> merged, String key, List<ConfigProblem> problems) {
        String v = value(merged, key);
        if (v != null && !ConfigValidator.PROVIDER_NAME.matcher(v).matches()) {
            Entry e = merged.get(Settings.canonical(key));
            problems.add(new ConfigProblem(key, "\"" + v + "\" is not a provider name; accepted: letters, digits, "
                    + "'.', '-' and '_', at most 63 characters", e.origin(), 0));
        }
    }
}
