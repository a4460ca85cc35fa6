package io.cronjobguardian.store.postgres;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;
import io.cronjobguardian.store.jdbc.PoolSpec;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL history store ({@code storage.type=postgres}). Supports the settings when
 * {@code storage.postgres.host} or {@code storage.postgres.url} is set, or the host registered a {@link DataSource}
 * in the {@link ProviderContext} and selects it by name. Keys (under {@code storage.postgres.}): {@code host},
 * {@code port} (5432), {@code database} (guardian), {@code schema}, {@code username}, {@code password},
 * {@code sslMode} (prefer), {@code sslRootCert}, {@code maxOpenConns} (10), {@code maxIdleConns} (2),
 * {@code connMaxLifetime} (30m), {@code healthCheckInterval} (30s), {@code connectTimeout} (5s),
 * {@code socketTimeout} (5m), {@code idleInTransactionTimeout} (half of {@code leaderElection.leaseDuration}: see
 * {@link JdbcProviderSupport#idleInTransactionTimeout}), {@code url} (instead of host/port/database),
 * {@code properties.*} (driver properties); and {@code storage.migrate} (true). Creating the store does not connect.
 */
public final class PostgresHistoryStoreProvider implements HistoryStoreProvider {

    /** Provider name. */
    public static final String NAME = "postgres";
    private static final String P = "storage.postgres";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresHistoryStoreProvider.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public boolean supports(Settings settings) {
        return JdbcProviderSupport.hostOrUrlSet(settings, P);
    }

    @Override
    public HistoryStore create(Settings settings, ProviderContext context) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        JdbcHistoryStore.Builder b = JdbcHistoryStore.builder().name(NAME).clock(context.clock())
                .expectedDialect("postgres").migrate(JdbcProviderSupport.migrate(settings))
                .migrationClassLoader(PostgresHistoryStoreProvider.class.getClassLoader());
        Optional<DataSource> host = JdbcProviderSupport.hostDataSource(context);
        if (host.isPresent()) {
            if (JdbcProviderSupport.hostOrUrlSet(settings, P)) {
                LOG.warn("postgres: the host supplied a DataSource; {}.host/url are ignored", P);
            }
            LOG.info("postgres: the host's DataSource keeps its own session settings; give its connections an "
                    + "idle_in_transaction_session_timeout below leaderElection.leaseDuration so that a replica frozen "
                    + "inside a write cannot hold back the next leader");
            return b.dataSource(host.get()).build();
        }
        return b.pool(poolSpec(settings, context))
                .idleInTransactionTimeout(JdbcProviderSupport.idleInTransactionTimeout(settings, P)).build();
    }

    /** The pool these settings describe (validated; nothing connects). */
    static PoolSpec poolSpec(Settings s, ProviderContext context) {
        String url = s.getString(P + ".url", null);
        if (url == null) {
            String host = s.getString(P + ".host", null);
            if (host == null) {
                throw new ConfigException(P + ".host", "is required (or set " + P + ".url, or register a "
                        + "DataSource with the engine)");
            }
            int port = s.getInt(P + ".port", 5432, 1, 65_535);
            String db = s.getString(P + ".database", "guardian");
            url = "jdbc:postgresql://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                    + ":" + port + "/" + db;
        } else if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(P + ".url", "must start with jdbc:postgresql:");
        }
        PoolSpec.Builder b = PoolSpec.builder("guardian-postgres", url).autoCommit(false)
                .driverClassName("org.postgresql.Driver");
        JdbcProviderSupport.serverPool(s, P, b, context);
        b.property("sslmode", JdbcProviderSupport.sslMode(s, P, "prefer", "disable", "allow", "prefer", "require",
                "verify-ca", "verify-full"));
        String rootCert = s.getString(P + ".sslRootCert", null);
        if (rootCert != null) {
            b.property("sslrootcert", rootCert);
        }
        String schema = s.getString(P + ".schema", null);
        if (schema != null) {
            b.property("currentSchema", schema);
        }
        Duration connect = s.getDuration(P + ".connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(250),
                Duration.ofMinutes(5));
        b.property("connectTimeout", Long.toString(Math.max(1, connect.toSeconds())));
        b.property("socketTimeout", Long.toString(JdbcProviderSupport.socketTimeout(s, P).toSeconds()));
        b.property("ApplicationName", s.getString(P + ".applicationName", "cronjob-guardian"));
        JdbcProviderSupport.driverProperties(s, P, b);
        return b.build();
    }
}
