package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings handling shared by the database providers: the pool keys every server database understands, secret
 * resolution, and the host's {@link DataSource} and Micrometer registry from the {@link ProviderContext}. Nothing here
 * connects.
 */
public final class JdbcProviderSupport {

    /** {@code storage.migrate}: apply migrations at start (default {@code true}). */
    public static final String MIGRATE_KEY = "storage.migrate";
    /** The Lease duration of leader election, which the default idle-in-transaction timeout is derived from. */
    public static final String LEASE_DURATION_KEY = "leaderElection.leaseDuration";
    /** {@code leaderElection.leaseDuration}'s default. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(JdbcProviderSupport.class);

    private JdbcProviderSupport() {
    }

    /** Whether migrations are applied at start. */
    public static boolean migrate(Settings settings) {
        return settings.getBoolean(MIGRATE_KEY, true);
    }

    /** Whether {@code prefix.host} or {@code prefix.url} is set. */
    public static boolean hostOrUrlSet(Settings settings, String prefix) {
        return settings.getString(prefix + ".host", null) != null || settings.getString(prefix + ".url", null) != null;
    }

    /** The host's DataSource, when it registered one in the context. */
    public static Optional<DataSource> hostDataSource(ProviderContext context) {
        return context.lookup(DataSource.class);
    }

    /**
     * A password: a reference the host's {@link io.cronjobguardian.api.SecretResolver} knows (for example
     * {@code env:PG_PASSWORD}) is resolved, anything else is taken literally.
     */
    public static String password(Settings settings, String key, ProviderContext context) {
        String raw = settings.getString(key, null);
        if (raw == null) {
            return null;
        }
        return context.secretResolver().resolve(raw).orElse(raw);
    }

    /** The host's Micrometer {@code MeterRegistry}, if Micrometer is present and one was registered. */
    public static Object meterRegistry(ProviderContext context) {
        try {
            Class<?> type = Class.forName("io.micrometer.core.instrument.MeterRegistry", false,
                    JdbcProviderSupport.class.getClassLoader());
            return context.lookup(type).orElse(null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /**
     * Applies the pool keys of a server database under {@code prefix} ({@code maxOpenConns}, {@code maxIdleConns},
     * {@code connMaxLifetime}, {@code healthCheckInterval}, {@code connectTimeout}, {@code username},
     * {@code password}, {@code connectionInitSql}). Call {@link #driverProperties} last so that the user's driver properties win.
     */
    public static PoolSpec.Builder serverPool(Settings s, String prefix, PoolSpec.Builder b, ProviderContext ctx) {
        int max = s.getInt(prefix + ".maxOpenConns", 10, 1, 1_000);
        int idle = s.getInt(prefix + ".maxIdleConns", 2, 0, 1_000);
        Duration lifetime = s.getDuration(prefix + ".connMaxLifetime", Duration.ofMinutes(30), Duration.ZERO,
                Duration.ofDays(1));
        if (!lifetime.isZero() && lifetime.compareTo(Duration.ofSeconds(30)) < 0) {
            throw new ConfigException(prefix + ".connMaxLifetime", Settings.format(lifetime)
                    + " is out of range; accepted: 0 (no limit) or 30s to 1d");
        }
        Duration health = s.getDuration(prefix + ".healthCheckInterval", Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofHours(1));
        if (!health.isZero() && health.compareTo(Duration.ofSeconds(30)) < 0) {
            throw new ConfigException(prefix + ".healthCheckInterval", Settings.format(health)
                    + " is out of range; accepted: 0 (off) or 30s to 1h (HikariCP keepalive)");
        }
        if (!health.isZero() && !lifetime.isZero() && health.compareTo(lifetime) >= 0) {
            throw new ConfigException(prefix + ".healthCheckInterval", Settings.format(health) + " must be shorter "
                    + "than " + prefix + ".connMaxLifetime (" + Settings.format(lifetime) + ")");
        }
        Duration connect = s.getDuration(prefix + ".connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(250),
                Duration.ofMinutes(5));
        b.maximumPoolSize(max).minimumIdle(Math.min(idle, max)).maxLifetime(lifetime).keepaliveTime(health)
                .connectionTimeout(connect).username(s.getString(prefix + ".username", null))
                .password(password(s, prefix + ".password", ctx)).metricRegistry(meterRegistry(ctx))
                .connectionInitSql(s.getString(prefix + ".connectionInitSql", null));
        return b;
    }

    /** Applies {@code prefix.properties.*} as driver connection properties (they win over the defaults). */
    public static PoolSpec.Builder driverProperties(Settings s, String prefix, PoolSpec.Builder b) {
        s.subset(prefix + ".properties").asMap().forEach(b::property);
        return b;
    }

    /** The TLS mode under {@code prefix.sslMode}, normalised to lower case with dashes. */
    public static String sslMode(Settings s, String prefix, String defaultValue, String... accepted) {
        String v = s.getChoice(prefix + ".sslMode", defaultValue, accepted);
        return v.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code prefix.idleInTransactionTimeout}: how long the server keeps a session of the store that waits inside a
     * transaction for its client, see {@link JdbcHistoryStore.Builder#idleInTransactionTimeout}. A leader frozen
     * inside a write holds the fence row, and a new leader's writes wait, no longer than this. Default: half of
     * {@code leaderElection.leaseDuration} (default 15s) in whole seconds, at least 1s, which keeps that wait below
     * the Lease duration; {@code 0} turns it off (the server's own settings apply). Accepted: 0 or 1s to 1h.
     */
    public static Duration idleInTransactionTimeout(Settings s, String prefix) {
        String key = prefix + ".idleInTransactionTimeout";
        Duration lease = s.getDuration(LEASE_DURATION_KEY, DEFAULT_LEASE_DURATION, Duration.ofMillis(1),
                Duration.ofDays(365));
        Duration byDefault = Duration.ofSeconds(Math.max(1, lease.toSeconds() / 2));
        Duration v = s.getDuration(key, byDefault, Duration.ZERO, Duration.ofHours(1));
        if (!v.isZero() && v.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(key, Settings.format(v) + " is out of range; accepted: 0 (off) or 1s to 1h");
        }
        if (v.isZero() || v.compareTo(lease) >= 0) {
            LOG.warn("{} is {}: a leader frozen inside a write can delay a new leader's writes by {} (more than "
                    + "{} = {})", key, Settings.format(v), v.isZero() ? "as long as the database keeps its session"
                    : Settings.format(v), LEASE_DURATION_KEY, Settings.format(lease));
        }
        return v;
    }

    /** The socket (read) timeout under {@code prefix.socketTimeout}: a statement that gets no answer fails. */
    public static Duration socketTimeout(Settings s, String prefix) {
        return s.getDuration(prefix + ".socketTimeout", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(24));
    }
}
