package io.cronjobguardian.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Settings;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GuardianConfigTest {

    @TempDir
    Path tmp;

    private static GuardianConfig.Builder hermetic() {
        return GuardianConfig.builder().noEnvironment();
    }

    private static InvalidConfigException invalid(GuardianConfig.Builder b) {
        return catchThrowableOfType(b::build, InvalidConfigException.class);
    }

    static Path resource(String name) {
        try {
            return Path.of(GuardianConfigTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ defaults

    @Test
    void defaultsMatchTheDocumentedTable() {
        GuardianConfig c = hermetic().build();
        assertThat(c.storageType()).isEmpty();
        assertThat(c.effectiveStorageType()).isEmpty();
        assertThat(c.migrate()).isTrue();
        assertThat(c.sqlite()).isEqualTo(new GuardianConfig.Sqlite("./guardian-data/guardian.db",
                Duration.ofSeconds(10), "FULL", 4));
        assertThat(c.postgres()).isEqualTo(new GuardianConfig.Database("postgres", null, 5432, "guardian", null, null,
                null, "prefer", 10, 2, Duration.ofMinutes(30), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofMinutes(5)));
        assertThat(c.mysql().port()).isEqualTo(3306);
        assertThat(c.mysql().sslMode()).isEqualTo("disable");
        assertThat(c.mariadb().type()).isEqualTo("mariadb");
        assertThat(c.retention()).isEqualTo(new GuardianConfig.Retention(30, 90, 0));
        assertThat(c.logStorage()).isEqualTo(new GuardianConfig.LogStorage(false, false, 100));
        assertThat(c.rateLimits()).isEqualTo(new GuardianConfig.RateLimits(50, 10, Duration.ofHours(1)));
        assertThat(c.scheduler()).isEqualTo(new GuardianConfig.Scheduler(Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofMinutes(5), Duration.ofSeconds(5)));
        assertThat(c.leaderElection()).isEqualTo(new GuardianConfig.LeaderElection(false, null,
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(2500), null,
                "cronjob-guardian-leader", null));
        assertThat(c.monitorFiles()).isEmpty();
        assertThat(c.monitorUnknownFields()).isEqualTo(UnknownKeyPolicy.ERROR);
        assertThat(c.ignoredNamespaces()).isEmpty();
        assertThat(c.channelNames()).isEmpty();
        assertThat(c.warnings()).isEmpty();
        // providers get only what was set and apply the same defaults themselves
        assertThat(c.settings().isEmpty()).isTrue();
    }

    @Test
    void everyKnownKeyHasAUniqueEnvironmentVariableThatMapsBackToIt() {
        Set<String> squashed = new HashSet<>();
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            assertThat(squashed.add(ConfigKeys.squash(k.key()))).as(k.key()).isTrue();
            String value = k.key().endsWith("files") ? "" : "x";
            List<ConfigSources.Raw> raw = ConfigSources.readEnvironment(Map.of(k.environmentVariable(), value),
                    Map.of(ConfigKeys.squash(k.key()), k.key()), new java.util.ArrayList<>());
            if (!value.isEmpty()) {
                assertThat(raw).extracting(ConfigSources.Raw::key).containsExactly(k.key());
            }
        }
        assertThat(ConfigKeys.environmentVariable("storage.maxLogSizeKB")).isEqualTo("GUARDIAN_STORAGE_MAX_LOG_SIZE_KB");
        assertThat(ConfigKeys.environmentVariable("leaderElection.leaseDuration"))
                .isEqualTo("GUARDIAN_LEADER_ELECTION_LEASE_DURATION");
    }

    // ------------------------------------------------------------------ every validated key

    static Stream<Arguments> invalidValues() {
        Stream<Arguments> general = Stream.of(
                Arguments.of("storage.type", "my store!", "sqlite, postgres, mysql, mariadb or the name of a custom"),
                Arguments.of("storage.migrate", "maybe", "true or false"),
                Arguments.of("storage.sqlite.path", "bad\0path", "not a valid path"),
                Arguments.of("storage.sqlite.busyTimeout", "11m", "0s to 10m"),
                Arguments.of("storage.sqlite.synchronous", "FAST", "OFF, NORMAL, FULL, EXTRA"),
                Arguments.of("storage.sqlite.maxOpenConns", "65", "1 to 64"),
                Arguments.of("storage.postgres.sslMode", "sometimes", ConfigKeys.POSTGRES_SSL),
                Arguments.of("storage.mysql.sslMode", "verify-identity", ConfigKeys.MYSQL_SSL),
                Arguments.of("storage.mariadb.sslMode", "allow", ConfigKeys.MYSQL_SSL),
                Arguments.of("storage.mysql.useSsl", "si", "true or false"),
                Arguments.of("storage.mariadb.useSsl", "2", "true or false"),
                Arguments.of("storage.mysql.driver", "jdbc", "mariadb, mysql"),
                Arguments.of("storage.mariadb.driver", "oracle", "mariadb, mysql"),
                Arguments.of("storage.logStorageEnabled", "yes please", "true or false"),
                Arguments.of("storage.eventStorageEnabled", "2", "true or false"),
                Arguments.of("storage.maxLogSizeKB", "0", "1 to 10240"),
                Arguments.of("storage.logRetentionDays", "-1", "0 to 3650"),
                Arguments.of("historyRetention.defaultDays", "0", "1 to 3650"),
                Arguments.of("historyRetention.maxDays", "4000", "1 to 3650"),
                Arguments.of("rateLimits.maxAlertsPerMinute", "0", "1 to 100000"),
                Arguments.of("rateLimits.burstLimit", "ten", "1 to 10000"),
                Arguments.of("rateLimits.defaultSuppressDuplicatesFor", "31d", "0s to 30d"),
                Arguments.of("scheduler.startupGracePeriod", "2h", "0s to 1h"),
                Arguments.of("scheduler.pruneInterval", "30s", "1m to 7d"),
                Arguments.of("scheduler.safetySweepInterval", "1s", "10s to 1d"),
                Arguments.of("scheduler.observationGrace", "6m", "0s to 5m"),
                Arguments.of("leaderElection.enabled", "sure", "true or false"),
                Arguments.of("leaderElection.type", "k8s lease", "the name of a LeaderElectorProvider"),
                Arguments.of("leaderElection.leaseDuration", "2h", "1s to 1h"),
                Arguments.of("leaderElection.renewDeadline", "0s", "1ms to 1h"),
                Arguments.of("leaderElection.retryPeriod", "2h", "1ms to 1h"),
                Arguments.of("leaderElection.requestTimeout", "0s", "1ms to 1h"),
                Arguments.of("leaderElection.watchLease", "often", "true or false"),
                Arguments.of("leaderElection.namespace", "Team_A", "lower-case RFC 1123 label"),
                Arguments.of("leaderElection.leaseName", "Leader!", "lower-case RFC 1123 subdomain"),
                Arguments.of("leaderElection.identity", "x".repeat(254), "1 to 253 characters"),
                Arguments.of("watcher.type", "fabric8 informer", "the name of a CronJobWatcherProvider"),
                Arguments.of("watcher.ignoredNamespaces", "kube-system,Kube_Public", "lower-case RFC 1123 labels"),
                Arguments.of("monitors.files", "/does/not/exist.yaml", "is not a readable file"),
                Arguments.of("monitors.unknownFields", "ignore", "error, warn"),
                Arguments.of("http.port", "65536", "0 to 65535"),
                Arguments.of("http.threads", "0", "1 to 64"),
                Arguments.of("http.actions.enabled", "enable", "true or false"),
                Arguments.of("http.onManagementPort", "maybe", "true or false"),
                Arguments.of("http.dashboard.enabled", "sometimes", "true or false"),
                Arguments.of("http.dashboard.path", "ui", "an absolute URL path"),
                Arguments.of("http.dashboard.path", "/", "an absolute URL path"),
                Arguments.of("http.dashboard.path", "/ui/../api", "an absolute URL path"),
                Arguments.of("http.dashboard.path", "/api/ui", "not under /api"));
        Stream<Arguments> perDatabase = ConfigKeys.SERVER_DATABASES.stream().flatMap(db -> Stream.of(
                Arguments.of("storage." + db + ".port", "70000", "1 to 65535"),
                Arguments.of("storage." + db + ".sslRootCert", "ca\0.pem", "not a valid path"),
                Arguments.of("storage." + db + ".maxOpenConns", "0", "1 to 1000"),
                Arguments.of("storage." + db + ".maxIdleConns", "many", "0 to 1000"),
                Arguments.of("storage." + db + ".connMaxLifetime", "5s", "0 (no limit) or 30s to 1d"),
                Arguments.of("storage." + db + ".healthCheckInterval", "2h", "0 (off) or 30s to 1h, shorter than "
                        + "connMaxLifetime"),
                Arguments.of("storage." + db + ".connectTimeout", "100ms", "250ms to 5m"),
                Arguments.of("storage." + db + ".socketTimeout", "forever", "from 0s to 1d"),
                Arguments.of("storage." + db + ".idleInTransactionTimeout", "2h", "0 (off) or 1s to 1h")));
        return Stream.concat(general, perDatabase);
    }

    /** Keys without a value format to check (free text or secrets). */
    private static final Set<String> UNVALIDATED = ConfigKeys.SERVER_DATABASES.stream()
            .flatMap(db -> Stream.of("host", "database", "url", "username", "password").map(k -> "storage." + db
                    + "." + k))
            .collect(Collectors.collectingAndThen(Collectors.toSet(), s -> {
                s.add("storage.postgres.schema");
                s.add("storage.postgres.applicationName");
                s.add("http.bindAddress");   // resolved and checked by guardian-http when its server starts
                s.add("http.token");         // length checked by guardian-http's standalone server
                s.add("http.basePath");      // checked by guardian-http's handler when it is built
                return s;
            }));

    @Test
    void theTableBelowCoversEveryValidatedKey() {
        Set<String> covered = invalidValues().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        Set<String> validated = GuardianConfig.knownKeys().stream().map(ConfigKey::key)
                .filter(k -> !UNVALIDATED.contains(k)).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(validated);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidValues")
    void everyInvalidValueIsReportedWithItsKeyAndTheAcceptedRange(String key, String value, String accepted) {
        InvalidConfigException e = invalid(hermetic().set(key, value));
        assertThat(e).isNotNull();
        assertThat(e).isInstanceOf(ConfigException.class);
        assertThat(e.problems()).hasSize(1);
        ConfigProblem p = e.problems().get(0);
        assertThat(p.path()).isEqualTo(key);
        assertThat(p.message()).contains(accepted);
        assertThat(p.source()).isEqualTo("builder");
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.getMessage()).contains(key).contains(accepted);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidValues")
    void theSameKeysAreValidatedWhenTheyComeFromAFileInKebabCase(String key, String value, String accepted)
            throws IOException {
        String kebab = key.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
        Path file = Files.writeString(tmp.resolve("guardian.properties"), kebab + "=" + value + "\n");
        InvalidConfigException e = invalid(hermetic().file(file));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(key);
            assertThat(p.message()).contains(accepted);
            assertThat(p.source()).isEqualTo("file " + file);
        });
    }

    @Test
    void allProblemsAreReportedTogether() {
        InvalidConfigException e = invalid(hermetic()
                .set("storage.postgres.port", "-1")
                .set("leaderElection.leaseDuration", "soon")
                .set("rateLimits.burstLimit", "0")
                .set("historyRetention.maxDays", "0")
                .set("leaderElection.leaseDuraton", "20s"));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "storage.postgres.port", "leaderElection.leaseDuration", "rateLimits.burstLimit",
                "historyRetention.maxDays", "leaderElection.leaseDuraton");
        assertThat(e.getMessage()).startsWith("invalid CronJob Guardian configuration: 5 problems")
                .contains("storage.postgres.port: -1 is out of range; accepted: 1 to 65535")
                .contains("leaderElection.leaseDuraton: unknown key; did you mean leaderElection.leaseDuration?");
        assertThat(e.getMessage().lines().count()).isEqualTo(6);
    }

    // ------------------------------------------------------------------ cross-checks

    @Test
    void leaseTimingsMustBeOrdered() {
        InvalidConfigException e = invalid(hermetic().leaseTimings(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(5)));
        assertThat(e.problems()).extracting(ConfigProblem::path)
                .containsExactly("leaderElection.leaseDuration", "leaderElection.renewDeadline");
        assertThat(e.problems().get(0).message()).contains("must be greater than leaderElection.renewDeadline (10s)")
                .contains("leaseDuration > renewDeadline > retryPeriod + 1.2 × retryPeriod");
        assertThat(e.problems().get(1).message())
                .contains("leaderElection.retryPeriod + 1.2 × retryPeriod (5s + 6s = 11s)");

        assertThat(invalid(hermetic().set("leaderElection.leaseDuration", "15500ms")).problems()).singleElement()
                .extracting(ConfigProblem::message).asString().contains("not a whole number of seconds");
        assertThat(invalid(hermetic().set("leaderElection.requestTimeout", "11s")).problems()).singleElement()
                .extracting(ConfigProblem::message).asString()
                .contains("accepted: 1ms to leaderElection.renewDeadline (10s)");

        // the seed's "aggressive" settings are fine
        GuardianConfig c = hermetic().leaderElection(true).storageType("postgres")
                .leaseTimings(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(1)).build();
        assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.leaderElection().renewDeadline()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.leaderElection().retryPeriod()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void renewDeadlineAgainstDefaultLeaseDurationIsCheckedToo() {
        InvalidConfigException e = invalid(hermetic().set("leaderElection.renewDeadline", "20s"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("leaderElection.leaseDuration");
            assertThat(p.message()).contains("15s must be greater than leaderElection.renewDeadline (20s)");
            assertThat(p.source()).isNull();
        });
    }

    @Test
    void sqliteWithLeaderElectionIsRefusedWithAnExplanation() {
        InvalidConfigException e = invalid(hermetic().storageType("sqlite").leaderElection(true));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("leaderElection.enabled");
            assertThat(p.message()).contains("SQLite").contains("serves exactly one replica")
                    .contains("storage.type=postgres, mysql or mariadb").contains("leaderElection.enabled=false");
        });
        // inferred from the SQLite block alone
        assertThat(invalid(hermetic().sqlitePath("/data/g.db").leaderElection(true)).problems())
                .extracting(ConfigProblem::path).containsExactly("leaderElection.enabled");
        // PostgreSQL, MySQL and "let discovery decide" are fine
        assertThat(hermetic().storageType("postgres").leaderElection(true).build().leaderElection().enabled()).isTrue();
        assertThat(hermetic().set("storage.mysql.host", "db").leaderElection(true).build().effectiveStorageType())
                .hasValue("mysql");
        assertThat(hermetic().leaderElection(true).build().effectiveStorageType()).isEmpty();
        // single replica on SQLite is fine
        assertThat(hermetic().storageType("sqlite").build().effectiveStorageType()).hasValue("sqlite");

        // when discovery chooses the store, the engine checks again with the provider it chose
        GuardianConfig undecided = hermetic().leaderElection(true).build();
        undecided.checkStoreForLeaderElection("postgres");
        assertThat(catchThrowableOfType(() -> undecided.checkStoreForLeaderElection("sqlite"),
                InvalidConfigException.class).problems()).singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("leaderElection.enabled");
                    assertThat(p.message()).contains("provider discovery chose sqlite");
                    assertThat(p.source()).isEqualTo("builder");
                });
        hermetic().build().checkStoreForLeaderElection("sqlite");
    }

    @Test
    void retentionIsBoundedByMaxDays() {
        InvalidConfigException e = invalid(hermetic().historyRetentionDays(100).set("storage.logRetentionDays", 95));
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "historyRetention.defaultDays: 100 is out of range; accepted: 1 to historyRetention.maxDays (90) "
                        + "(builder)",
                "storage.logRetentionDays: 95 is out of range; accepted: 0 to historyRetention.maxDays (90) "
                        + "(builder)");

        GuardianConfig c = hermetic().set("historyRetention.maxDays", 60).set("storage.logRetentionDays", 7).build();
        GuardianConfig.Retention r = c.retention();
        assertThat(r.runDaysFor(null)).isEqualTo(30);
        assertThat(r.runDaysFor(45)).isEqualTo(45);
        assertThat(r.runDaysFor(120)).isEqualTo(60);
        assertThat(r.logDaysFor(null, null)).isEqualTo(7);
        assertThat(r.logDaysFor(5, 10)).isEqualTo(5);
        assertThat(hermetic().build().retention().logDaysFor(14, null)).isEqualTo(14);
    }

    @Test
    void idleConnectionsAreCappedByOpenConnections() {
        assertThat(hermetic().set("storage.postgres.maxOpenConns", 1).build().postgres().maxIdleConns()).isEqualTo(1);
        assertThat(hermetic().set("storage.mysql.maxOpenConns", 5).set("storage.mysql.maxIdleConns", 6).build()
                .mysql().maxIdleConns()).isEqualTo(5);
    }

    @Test
    void healthChecksMustBeMoreFrequentThanConnectionsAreReplaced() {
        InvalidConfigException e = invalid(hermetic().set("storage.postgres.connMaxLifetime", "1m")
                .set("storage.postgres.healthCheckInterval", "1m"));
        assertThat(e.problems()).singleElement().hasToString("storage.postgres.healthCheckInterval: 1m must be "
                + "shorter than storage.postgres.connMaxLifetime (1m); accepted: 0 (off) or 30s to 1h, shorter than "
                + "connMaxLifetime (builder)");
        GuardianConfig c = hermetic().set("storage.postgres.connMaxLifetime", "0")
                .set("storage.postgres.healthCheckInterval", "0s").build();
        assertThat(c.postgres().connMaxLifetime()).isZero();
        assertThat(c.postgres().healthCheckInterval()).isZero();
    }

    @Test
    void mysqlTlsFollowsUseSslUnlessSslModeIsSet() {
        assertThat(hermetic().set("storage.mysql.useSsl", true).build().mysql().sslMode()).isEqualTo("require");
        assertThat(hermetic().set("storage.mysql.useSsl", true).set("storage.mysql.sslMode", "VERIFY_FULL").build()
                .mysql().sslMode()).isEqualTo("verify-full");
        GuardianConfig c = hermetic().set("storage.mariadb.host", "maria").build();
        assertThat(c.effectiveStorageType()).hasValue("mariadb");
        assertThat(c.mariadb().host()).isEqualTo("maria");
        // without a storage.mariadb block the MariaDB store reads storage.mysql
        assertThat(hermetic().storageType("mariadb").set("storage.mysql.host", "shared").build().mariadb().host())
                .isEqualTo("shared");
    }

    @Test
    void everyChannelNeedsAType() {
        InvalidConfigException e = invalid(hermetic().set("channels.ops.webhookUrl", "https://hooks.example/x")
                .set("channels.pd.type", "pagerduty").set("channels.pd.routingKey", "r"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("channels.ops.type");
            assertThat(p.message()).contains("is required").contains("slack, pagerduty, webhook, email");
        });
        assertThat(invalid(hermetic().set("channels.ops", "slack")).problems()).singleElement()
                .extracting(ConfigProblem::path).isEqualTo("channels.ops");
    }

    // ------------------------------------------------------------------ unknown keys

    @Test
    void unknownKeysAreErrorsWithSuggestionsByDefault() {
        InvalidConfigException e = invalid(hermetic().set("storage.postgres.hots", "db")
                .set("sheduler.pruneInterval", "1h").set("completely.different", "x"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "storage.postgres.hots: unknown key; did you mean storage.postgres.host? (builder)",
                "sheduler.pruneInterval: unknown key; did you mean scheduler.pruneInterval? (builder)",
                "completely.different: unknown key (builder)");
    }

    @Test
    void unknownKeysCanBeWarnings() {
        GuardianConfig c = hermetic().unknownKeys(UnknownKeyPolicy.WARN).set("storage.postgres.hots", "db").build();
        assertThat(c.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "storage.postgres.hots: unknown key; did you mean storage.postgres.host?; ignored (builder)");
    }

    @Test
    void passThroughKeysReachTheirProviders() {
        GuardianConfig c = hermetic()
                .set("watcher.type", "kubernetes").set("watcher.kubeconfig", "/etc/kube/config")
                .set("channels.ops.type", "slack").set("channels.ops.webhookUrl", "https://hooks.slack.com/T/B/X")
                .set("channels.ops.defaultChannel", "#ops")
                .set("storage.type", "dynamo").set("storage.dynamo.table", "runs")
                .set("leaderElection.type", "zookeeper").set("leaderElection.zookeeper.connect", "zk:2181")
                .set("storage.postgres.properties.tcpKeepAlive", "true")
                .build();
        assertThat(c.settings().get("storage.postgres.properties.tcpKeepAlive")).hasValue("true");
        assertThat(c.watcherSettings().get("kubeconfig")).hasValue("/etc/kube/config");
        assertThat(c.channelNames()).containsExactly("ops");
        Settings ops = c.channelSettings("ops");
        assertThat(ops.get("name")).hasValue("ops");
        assertThat(ops.get("type")).hasValue("slack");
        assertThat(ops.get("defaultChannel")).hasValue("#ops");
        assertThat(c.storageType()).hasValue("dynamo");
        assertThat(c.settings().get("storage.dynamo.table")).hasValue("runs");
        assertThat(c.settings().get("leaderElection.zookeeper.connect")).hasValue("zk:2181");
        assertThatThrownBy(() -> c.channelSettings("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[ops]");

        // a custom store's block is unknown while another store is chosen
        assertThat(invalid(hermetic().storageType("postgres").set("storage.dynamo.table", "runs")).problems())
                .extracting(ConfigProblem::path).containsExactly("storage.dynamo.table");
    }

    @Test
    void storeTypeSpellingsAreNormalised() {
        GuardianConfig c = hermetic().storageType("PostgreSQL").build();
        assertThat(c.storageType()).hasValue("postgres");
        assertThat(c.settings().get("storage.type")).hasValue("postgres");
        assertThat(c.warnings()).extracting(ConfigProblem::message).containsExactly("\"PostgreSQL\" read as postgres");
        assertThat(hermetic().storageType("MariaDB").build().storageType()).hasValue("mariadb");
        assertThat(hermetic().storageType("SQLite").build().storageType()).hasValue("sqlite");
    }

    @Test
    void settingsForAnotherStoreAreWarnedAbout() {
        GuardianConfig c = hermetic().storageType("postgres").set("storage.mysql.host", "db").build();
        assertThat(c.warnings()).extracting(ConfigProblem::path).containsExactly("storage.mysql");
    }

    // ------------------------------------------------------------------ environment

    @Test
    void environmentVariablesMapToKeysInBothSpellings() {
        Map<String, String> env = new HashMap<>();
        env.put("GUARDIAN_STORAGE_POSTGRES_PASSWORD", "s3cr3t-pw");
        env.put("GUARDIAN_LEADERELECTION_LEASEDURATION", "20s");
        env.put("GUARDIAN_LEADER_ELECTION_RENEW_DEADLINE", "12s");
        env.put("GUARDIAN_HISTORY_RETENTION_DEFAULT_DAYS", "14");
        env.put("GUARDIAN_STORAGE_MAX_LOG_SIZE_KB", "64");
        env.put("GUARDIAN_WATCHER_KUBECONFIG", "/k");
        env.put("GUARDIAN_CHANNELS_OPS_TYPE", "slack");
        env.put("GUARDIAN_CHANNELS_OPS_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/SECRET");
        env.put("GUARDIAN_CHANNELS__PAGER_DUTY__TYPE", "pagerduty");
        env.put("GUARDIAN_CHANNELS__PAGER_DUTY__ROUTING_KEY", "R0UT1NG");
        env.put("GUARDIAN_STORAGE_MYSQL_HOST", "");
        env.put("GUARDIAN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1/test");
        env.put("HOME", "/root");
        GuardianConfig c = GuardianConfig.builder().environment(env).storageType("postgres").build();

        assertThat(c.postgres().password()).isEqualTo("s3cr3t-pw");
        assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.leaderElection().renewDeadline()).isEqualTo(Duration.ofSeconds(12));
        assertThat(c.retention().defaultDays()).isEqualTo(14);
        assertThat(c.logStorage().maxLogSizeKB()).isEqualTo(64);
        assertThat(c.watcherSettings().get("kubeconfig")).hasValue("/k");
        assertThat(c.channelNames()).containsExactlyInAnyOrder("ops", "pager_duty");
        assertThat(c.channelSettings("ops").get("webhookUrl")).hasValue("https://hooks.slack.com/services/T/B/SECRET");
        assertThat(c.channelSettings("pager_duty").get("routingKey")).hasValue("R0UT1NG");
        assertThat(c.mysql().host()).isNull();
        // an unrelated GUARDIAN_ variable is a warning, never an error
        assertThat(c.warnings()).extracting(ConfigProblem::path).containsExactly("GUARDIAN_TEST_PG_URL");
        assertThat(c.describe()).contains("environment variable GUARDIAN_LEADERELECTION_LEASEDURATION");
    }

    @Test
    void aMisspeltEnvironmentVariableGetsASuggestion() {
        GuardianConfig c = GuardianConfig.builder().environment(Map.of("GUARDIAN_STORAGE_POSTGRES_PASWORD", "x"))
                .build();
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.message()).contains("did you mean GUARDIAN_STORAGE_POSTGRES_PASSWORD?");
            assertThat(w.toString()).doesNotContain("=x");
        });
    }

    @Test
    void invalidEnvironmentValuesNameTheVariable() {
        InvalidConfigException e = invalid(GuardianConfig.builder()
                .environment(Map.of("GUARDIAN_LEADER_ELECTION_RETRY_PERIOD", "2 seconds")));
        assertThat(e.problems()).singleElement().hasToString("leaderElection.retryPeriod: \"2 seconds\" is not a "
                + "duration; accepted: forms like 250ms, 15s, 2m, 1h30m, 7d or PT15S, from 1ms to 1h "
                + "(environment variable GUARDIAN_LEADER_ELECTION_RETRY_PERIOD)");
    }

    // ------------------------------------------------------------------ files and precedence

    @Test
    void precedenceIsBuilderThenEnvironmentThenFileThenDefault() throws IOException {
        Path file = Files.writeString(tmp.resolve("guardian.yaml"), String.join("\n",
                "rateLimits:",
                "  maxAlertsPerMinute: 11",
                "  burstLimit: 12",
                "  defaultSuppressDuplicatesFor: 13m",
                ""));
        Map<String, String> env = Map.of("GUARDIAN_RATE_LIMITS_BURST_LIMIT", "22",
                "GUARDIAN_RATE_LIMITS_DEFAULT_SUPPRESS_DUPLICATES_FOR", "23m");
        GuardianConfig c = GuardianConfig.builder().environment(env).file(file)
                .set("rateLimits.defaultSuppressDuplicatesFor", Duration.ofMinutes(33)).build();

        assertThat(c.rateLimits()).isEqualTo(new GuardianConfig.RateLimits(11, 22, Duration.ofMinutes(33)));
        assertThat(c.scheduler().pruneInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.describe())
                .containsPattern("rateLimits\\.maxAlertsPerMinute +=  *11 +\\(file " + java.util.regex.Pattern
                        .quote(file.toString()) + "\\)")
                .containsPattern("rateLimits\\.burstLimit +=  *22 +\\(environment variable "
                        + "GUARDIAN_RATE_LIMITS_BURST_LIMIT\\)")
                .containsPattern("rateLimits\\.defaultSuppressDuplicatesFor += 33m +\\(builder\\)")
                .containsPattern("scheduler\\.pruneInterval += 1h +\\(default\\)");
    }

    @Test
    void laterFilesWinOverEarlierOnes() throws IOException {
        Path a = Files.writeString(tmp.resolve("a.properties"), "scheduler.pruneInterval=2h\nstorage.maxLogSizeKB=50\n");
        Path b = Files.writeString(tmp.resolve("b.yml"), "scheduler:\n  prune-interval: 3h\n");
        GuardianConfig c = hermetic().file(a).file(b).build();
        assertThat(c.scheduler().pruneInterval()).isEqualTo(Duration.ofHours(3));
        assertThat(c.logStorage().maxLogSizeKB()).isEqualTo(50);
    }

    @Test
    void yamlFileInTheSeedsShapeLoads() throws IOException {
        Path file = Files.writeString(tmp.resolve("guardian.yaml"), String.join("\n",
                "leaderElection:",
                "  enabled: true",
                "  leaseDuration: 15s",
                "  renewDeadline: 10s",
                "  retryPeriod: 2s",
                "storage:",
                "  type: postgres",
                "  postgres:",
                "    host: postgres.database.svc.cluster.local",
                "    port: 5432",
                "    database: cronjob_guardian",
                "    username: guardian",
                "    sslMode: require",
                "    maxOpenConns: 25",
                "    maxIdleConns: 10",
                "    connMaxLifetime: 5m",
                "    healthCheckInterval: 30s",
                "monitors:",
                "  files: [monitors/a.yaml, /abs/elsewhere.yaml]",
                "watcher:",
                "  ignoredNamespaces:",
                "    - kube-system",
                "    - kube-public",
                ""));
        Files.createDirectories(tmp.resolve("monitors"));
        Files.writeString(tmp.resolve("monitors/a.yaml"), "name: a\n");
        InvalidConfigException e = invalid(hermetic().file(file));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("monitors.files");
            assertThat(p.message()).contains("/abs/elsewhere.yaml");
        });

        Files.writeString(file, Files.readString(file).replace(", /abs/elsewhere.yaml", ""));
        GuardianConfig c = hermetic().file(file).build();
        assertThat(c.leaderElection().enabled()).isTrue();
        assertThat(c.storageType()).hasValue("postgres");
        assertThat(c.postgres()).isEqualTo(new GuardianConfig.Database("postgres",
                "postgres.database.svc.cluster.local", 5432, "cronjob_guardian", null, "guardian", null, "require", 25,
                10, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(5)));
        assertThat(c.monitorFiles()).containsExactly(tmp.resolve("monitors/a.yaml").toAbsolutePath());
        assertThat(c.ignoredNamespaces()).containsExactly("kube-system", "kube-public");
    }

    @Test
    void theOperatorsOwnConfigFileLoadsWithWarningsForWhatTheLibraryDoesNotUse() {
        Path file = resource("config/operator-config.example.yaml");
        GuardianConfig c = hermetic().file(file).build();
        assertThat(c.storageType()).hasValue("sqlite");
        assertThat(c.sqlitePath()).isEqualTo("/data/guardian.db");
        assertThat(c.retention()).isEqualTo(new GuardianConfig.Retention(30, 90, 0));
        assertThat(c.rateLimits().maxAlertsPerMinute()).isEqualTo(50);
        assertThat(c.scheduler().pruneInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.scheduler().safetySweepInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.ignoredNamespaces()).containsExactly("kube-system", "kube-public", "kube-node-lease");
        assertThat(c.leaderElection().enabled()).isFalse();
        assertThat(c.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.warnings()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "log-level", "scheduler.dead-man-switch-interval", "scheduler.sla-recalculation-interval",
                "scheduler.stuck-job-check-interval", "rate-limits.max-remediations-per-hour", "ignored-namespaces",
                "api.enabled", "api.port", "metrics.bind-address", "metrics.secure", "probes.bind-address",
                "webhook.enable-http2");
        assertThat(c.warnings()).filteredOn(w -> w.path().equals("ignored-namespaces")).singleElement()
                .extracting(ConfigProblem::message).isEqualTo("old spelling; read as watcher.ignoredNamespaces");
        assertThat(c.warnings()).allSatisfy(w -> assertThat(w.source()).isEqualTo("file " + file));
    }

    @Test
    void operatorPoolKeysAreReadAsTheFlatKeys() {
        GuardianConfig c = hermetic().set("storage.postgres.pool.max-open-conns", "30")
                .set("storage.postgres.pool.conn-max-idle-time", "5m").build();
        assertThat(c.postgres().maxOpenConns()).isEqualTo(30);
        assertThat(c.warnings()).extracting(ConfigProblem::message).containsExactly(
                "old spelling; read as storage.postgres.maxOpenConns",
                "not used by the library (the pool keeps storage.postgres.maxIdleConns idle connections and closes "
                        + "the rest); ignored");
    }

    @Test
    void unreadableOrMalformedFilesAreProblems() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "storage:\n  type: [unclosed\n");
        Path txt = Files.writeString(tmp.resolve("guardian.txt"), "storage.type=sqlite\n");
        Path list = Files.writeString(tmp.resolve("list.yaml"), "- a\n- b\n");
        InvalidConfigException e = invalid(hermetic().file(bad).file(txt).file(list).file(tmp.resolve("missing.yaml")));
        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems().get(0).message()).startsWith("not valid YAML");
        assertThat(e.problems().get(0).line()).isGreaterThan(0);
        assertThat(e.problems().get(1).message()).contains("unsupported extension");
        assertThat(e.problems().get(2).message()).contains("mapping");
        assertThat(e.problems().get(3).message()).startsWith("cannot read");
    }

    @Test
    void listsOfObjectsAreRefused() throws IOException {
        Path f = Files.writeString(tmp.resolve("g.yaml"), "monitors:\n  files:\n    - path: a.yaml\n");
        assertThat(invalid(hermetic().file(f)).problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("monitors.files");
            assertThat(p.message()).contains("a list of objects is not accepted");
        });
    }

    // ------------------------------------------------------------------ secrets

    private static final List<String> SECRETS = List.of("pg-Pa55word", "my-Pa55word",
            "https://hooks.slack.com/services/T000/B000/XXXXSECRET", "R0UT1NGKEY", "https://hook.example/tok3n",
            "smtp-Pa55", "jdbc:mysql://db/g?password=UrlPa55");

    private static GuardianConfig.Builder withSecrets() {
        return hermetic().storageType("postgres")
                .set("storage.postgres.host", "db.internal")
                .set("storage.postgres.password", SECRETS.get(0))
                .set("storage.mysql.password", SECRETS.get(1))
                .set("channels.slack-ops.type", "slack")
                .set("channels.slack-ops.webhookUrl", SECRETS.get(2))
                .set("channels.pd.type", "pagerduty")
                .set("channels.pd.routingKey", SECRETS.get(3))
                .set("channels.hook.type", "webhook")
                .set("channels.hook.url", SECRETS.get(4))
                .set("channels.mail.type", "email")
                .set("channels.mail.smtpPassword", SECRETS.get(5))
                .set("storage.mysql.url", SECRETS.get(6));
    }

    @Test
    void idleInTransactionTimeoutIsAKnownStoreKey() {
        GuardianConfig ok = GuardianConfig.builder().noEnvironment()
                .set("storage.postgres.idleInTransactionTimeout", "3s")
                .set("storage.mysql.idleInTransactionTimeout", "0")
                .build();
        assertThat(ok.settings().get("storage.postgres.idleInTransactionTimeout")).hasValue("3s");
        assertThat(GuardianConfig.knownKeys()).extracting(ConfigKey::key)
                .contains("storage.postgres.idleInTransactionTimeout", "storage.mysql.idleInTransactionTimeout");
        assertThatThrownBy(() -> GuardianConfig.builder().noEnvironment()
                .set("storage.postgres.idleInTransactionTimeout", "500ms").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("storage.postgres.idleInTransactionTimeout");
    }

    @Test
    void headerValuesAreRedactedInToStringAndDescribe() {
        GuardianConfig c = GuardianConfig.builder()
                .set("channels.hook.type", "webhook")
                .set("channels.hook.url", "https://hooks.example.test/x")
                .set("channels.hook.headers.Authorization", "Bearer AUTH-s3cr3t")
                .set("channels.hook.headers.Cookie", "sid=COOKIE-s3cr3t")
                .set("channels.hook.headers.X-Api-Key", "APIKEY-s3cr3t")
                .set("channels.hook.headers.X-Team", "TEAM-value")
                .build();
        for (String printed : List.of(c.toString(), c.describe(), c.settings().toString())) {
            assertThat(printed).doesNotContain("AUTH-s3cr3t").doesNotContain("COOKIE-s3cr3t")
                    .doesNotContain("APIKEY-s3cr3t").doesNotContain("TEAM-value");
        }
        assertThat(c.describe()).containsPattern("channels\\.hook\\.headers\\.Authorization += \\*{6}");
        assertThat(c.channelSettings("hook").get("headers.Authorization")).hasValue("Bearer AUTH-s3cr3t");
    }

    @Test
    void secretsAreRedactedInToStringAndDescribe() {
        GuardianConfig c = withSecrets().build();
        for (String printed : List.of(c.toString(), c.describe(), c.postgres().toString(), c.mysql().toString())) {
            for (String secret : SECRETS) {
                assertThat(printed).doesNotContain(secret);
            }
        }
        assertThat(c.toString()).contains("storage.postgres.password=******").contains("channels.hook.url=******")
                .contains("storage.postgres.host=db.internal");
        assertThat(c.describe()).containsPattern("storage\\.postgres\\.password += \\*{6}");
        assertThat(c.describe()).doesNotContain("storage.sqlite.").doesNotContain("storage.mariadb.")
                .contains("storage.mysql.password").contains("storage.postgres.sslMode");
        assertThat(c.postgres().toString()).contains("password=******");
        // the values are still there for the providers
        assertThat(c.postgres().password()).isEqualTo(SECRETS.get(0));
        assertThat(c.channelSettings("hook").get("url")).hasValue(SECRETS.get(4));
        assertThat(GuardianConfig.isSecret("channels.hook.url")).isTrue();
        assertThat(GuardianConfig.isSecret("storage.custom.jdbcUrl")).isTrue();
        assertThat(GuardianConfig.isSecret("storage.postgres.host")).isFalse();
    }

    @Test
    void secretsAreNotInErrorMessages() {
        InvalidConfigException e = invalid(withSecrets()
                .set("storage.postgres.port", "x")
                .set("storage.postgres.passwrd", "typo-Pa55word")
                .set("channels.pd.routingKey", SECRETS.get(3))
                .set("channels.nameless.routingKey", "R0UT1NG-2"));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("storage.postgres.passwrd",
                "channels.nameless.type", "storage.postgres.port");
        String all = e.getMessage() + e.problems();
        for (String secret : SECRETS) {
            assertThat(all).doesNotContain(secret);
        }
        assertThat(all).doesNotContain("typo-Pa55word").doesNotContain("R0UT1NG-2");
    }

    // ------------------------------------------------------------------ documentation

    @Test
    void keyTableForTheReadme() throws IOException {
        StringBuilder sb = new StringBuilder("| key | default | accepted | what it does |\n|---|---|---|---|\n");
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            sb.append("| `").append(k.key()).append("` | ")
                    .append(k.defaultValue() == null ? "–" : "`" + k.defaultValue() + "`").append(" | ")
                    .append(k.accepted()).append(" | ").append(k.description()).append(" |\n");
        }
        sb.append("| `watcher.*` | – | passed to the watcher provider | |\n");
        sb.append("| `channels.<name>.type` | required per channel | name of an AlertChannelProvider | |\n");
        sb.append("| `channels.<name>.*` | – | passed to that channel's provider | secrets redacted |\n");
        Path out = Path.of("target", "config-keys.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
        assertThat(GuardianConfig.knownKeys()).hasSizeGreaterThan(40);
        assertThat(GuardianConfig.knownKeys()).filteredOn(ConfigKey::secret).extracting(ConfigKey::key)
                .containsExactly("storage.postgres.url", "storage.postgres.password", "storage.mysql.url",
                        "storage.mysql.password", "storage.mariadb.url", "storage.mariadb.password", "http.token");
    }
}
