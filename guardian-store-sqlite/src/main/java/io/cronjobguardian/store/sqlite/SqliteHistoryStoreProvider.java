package io.cronjobguardian.store.sqlite;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;
import io.cronjobguardian.store.jdbc.PoolSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The embedded SQLite history store ({@code storage.type=sqlite}), the default: it has the highest priority and
 * works with no configuration at all. It declines only when another database is configured
 * ({@code storage.postgres|mysql|mariadb.host/url}) and no {@code storage.sqlite.path} is set.
 *
 * <p>Keys (under {@code storage.sqlite.}): {@code path} ({@code ./guardian-data/guardian.db}; {@code :memory:} for a
 * private in-memory database that lives as long as the store), {@code busyTimeout} (10s), {@code maxOpenConns} (4;
 * readers run in parallel, writers one at a time), {@code synchronous} (FULL; NORMAL trades the last commits on power
 * loss for speed); and {@code storage.migrate} (true). One file in WAL mode; serves one replica.
 */
public final class SqliteHistoryStoreProvider implements HistoryStoreProvider {

    /** Provider name. */
    public static final String NAME = "sqlite";
    /** Where the database file goes by default, relative to the working directory. */
    public static final String DEFAULT_PATH = "./guardian-data/guardian.db";
    /** The path value that selects a private in-memory database. */
    public static final String MEMORY = ":memory:";
    private static final String P = "storage.sqlite";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public boolean supports(Settings settings) {
        if (settings.getString(P + ".path", null) != null) {
            return true;
        }
        return !(JdbcProviderSupport.hostOrUrlSet(settings, "storage.postgres")
                || JdbcProviderSupport.hostOrUrlSet(settings, "storage.mysql")
                || JdbcProviderSupport.hostOrUrlSet(settings, "storage.mariadb"));
    }

    @Override
    public HistoryStore create(Settings settings, ProviderContext context) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        return JdbcHistoryStore.builder().name(NAME).clock(context.clock()).expectedDialect("sqlite")
                .migrate(JdbcProviderSupport.migrate(settings))
                .migrationClassLoader(SqliteHistoryStoreProvider.class.getClassLoader())
                .pool(poolSpec(settings, context))
                .build();
    }

    static PoolSpec poolSpec(Settings s, ProviderContext context) {
        String path = s.getString(P + ".path", DEFAULT_PATH);
        Duration busy = s.getDuration(P + ".busyTimeout", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10));
        String synchronous = s.getChoice(P + ".synchronous", "FULL", "OFF", "NORMAL", "FULL", "EXTRA");
        boolean memory = path.equals(MEMORY) || path.equalsIgnoreCase("memory");
        PoolSpec.Builder b;
        if (memory) {
            // a named shared-cache memory database, private to this store; an anchor connection keeps it alive
            String url = "jdbc:sqlite:file:guardian-" + UUID.randomUUID() + "?mode=memory&cache=shared";
            b = PoolSpec.builder("guardian-sqlite-memory", url).anchorUrl(url).maximumPoolSize(1);
        } else {
            Path file;
            try {
                file = Path.of(path).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new ConfigException(P + ".path", "\"" + path + "\" is not a valid path: " + e.getMessage());
            }
            int max = s.getInt(P + ".maxOpenConns", 4, 1, 64);
            b = PoolSpec.builder("guardian-sqlite", "jdbc:sqlite:" + file).maximumPoolSize(max)
                    .property("journal_mode", "WAL")
                    .beforeOpen(() -> createFolder(file));
        }
        return b.driverClassName("org.sqlite.JDBC")
                .minimumIdle(1)
                .maxLifetime(Duration.ZERO) // a file does not go stale; never drop the in-memory database
                .idleTimeout(Duration.ZERO)
                .keepaliveTime(Duration.ZERO)
                .connectionTimeout(busy.plusSeconds(5))
                .property("busy_timeout", Long.toString(busy.toMillis()))
                .property("synchronous", synchronous)
                .metricRegistry(JdbcProviderSupport.meterRegistry(context))
                .connectionInitSql(s.getString(P + ".connectionInitSql", null))
                .build();
    }

    private static void createFolder(Path file) {
        Path dir = file.getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreUnavailableException("sqlite: cannot create the folder " + dir + " for the database file: "
                    + e, e);
        }
    }
}
