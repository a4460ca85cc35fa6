package io.cronjobguardian.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to build the store's own HikariCP pool. Nothing connects until the store starts. The password is held only
 * here and handed to the driver as a connection property; {@link #toString()} never shows it, nor driver properties
 * whose names look secret.
 */
public final class PoolSpec {

    private final String poolName;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final Map<String, String> driverProperties;
    private final int maximumPoolSize;
    private final int minimumIdle;
    private final Duration maxLifetime;
    private final Duration idleTimeout;
    private final Duration keepaliveTime;
    private final Duration connectionTimeout;
    private final String connectionInitSql;
    private final boolean autoCommit;
    private final String driverClassName;
    private final String transactionIsolation;
    private final String anchorUrl;
    private final Object metricRegistry;
    private final Runnable beforeOpen;

    private PoolSpec(Builder b) {
        this.poolName = b.poolName;
        this.jdbcUrl = Objects.requireNonNull(b.jdbcUrl, "jdbcUrl");
        this.username = b.username;
        this.password = b.password;
        this.driverProperties = Map.copyOf(b.driverProperties);
        this.maximumPoolSize = b.maximumPoolSize;
        this.minimumIdle = b.minimumIdle;
        this.maxLifetime = b.maxLifetime;
        this.idleTimeout = b.idleTimeout;
        this.keepaliveTime = b.keepaliveTime;
        this.connectionTimeout = b.connectionTimeout;
        this.connectionInitSql = b.connectionInitSql;
        this.autoCommit = b.autoCommit;
        this.driverClassName = b.driverClassName;
        this.transactionIsolation = b.transactionIsolation;
        this.anchorUrl = b.anchorUrl;
        this.metricRegistry = b.metricRegistry;
        this.beforeOpen = b.beforeOpen;
    }

    /** Runs the preparation given to the builder (e.g. creating the SQLite file's folder). */
    void prepare() {
        if (beforeOpen != null) {
            beforeOpen.run();
        }
    }

    /** Starts a builder. */
    public static Builder builder(String poolName, String jdbcUrl) {
        return new Builder(poolName, jdbcUrl);
    }

    /** The pool name (shown in HikariCP's log lines and metrics). */
    public String poolName() {
        return poolName;
    }

    /** The JDBC URL with secret-looking parameters redacted. */
    public String redactedUrl() {
        return Redaction.url(jdbcUrl);
    }

    /** The password, for redacting it out of driver messages; {@code null} when none. */
    String password() {
        return password;
    }

    /** The most connections the pool opens. */
    public int maximumPoolSize() {
        return maximumPoolSize;
    }

    /** Creates the pool. It connects lazily: a database that is down does not fail this call. */
    HikariDataSource open() {
        HikariConfig c = new HikariConfig();
        c.setPoolName(poolName);
        c.setJdbcUrl(jdbcUrl);
        if (driverClassName != null) {
            c.setDriverClassName(driverClassName);
        }
        if (username != null) {
            c.setUsername(username);
        }
        if (password != null) {
            c.setPassword(password);
        }
        Properties p = new Properties();
        p.putAll(driverProperties);
        c.setDataSourceProperties(p);
        c.setMaximumPoolSize(maximumPoolSize);
        c.setMinimumIdle(Math.min(minimumIdle, maximumPoolSize));
        c.setMaxLifetime(maxLifetime.toMillis());
        c.setIdleTimeout(idleTimeout.toMillis());
        c.setKeepaliveTime(keepaliveTime.toMillis());
        c.setConnectionTimeout(connectionTimeout.toMillis());
        c.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 5_000));
        c.setAutoCommit(autoCommit);
        if (connectionInitSql != null) {
            c.setConnectionInitSql(connectionInitSql);
        }
        if (transactionIsolation != null) {
            c.setTransactionIsolation(transactionIsolation);
        }
        c.setInitializationFailTimeout(-1); // start() reports an unreachable database itself, with a clear message
        if (metricRegistry != null) {
            c.setMetricRegistry(metricRegistry);
        }
        return new HikariDataSource(c);
    }

    /**
     * A connection held open for the store's lifetime, for databases that vanish with their last connection
     * (SQLite in-memory); {@code null} when not needed.
     */
    Connection openAnchor() throws SQLException {
        if (anchorUrl == null) {
            return null;
        }
        Properties p = new Properties();
        p.putAll(driverProperties);
        return DriverManager.getConnection(anchorUrl, p);
    }

    @Override
    public String toString() {
        return "PoolSpec{name=" + poolName + ", url=" + redactedUrl() + ", username=" + username + ", password="
                + (password == null ? "none" : "******") + ", properties=" + Redaction.properties(driverProperties)
                + ", max=" + maximumPoolSize + ", minIdle=" + minimumIdle + ", maxLifetime=" + maxLifetime
                + ", keepalive=" + keepaliveTime + ", connectTimeout=" + connectionTimeout + "}";
    }

    /** Builds a {@link PoolSpec}. */
    public static final class Builder {
        private final String poolName;
        private final String jdbcUrl;
        private String username;
        private String password;
        private final Map<String, String> driverProperties = new LinkedHashMap<>();
        private int maximumPoolSize = 10;
        private int minimumIdle = 2;
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration keepaliveTime = Duration.ofMinutes(2);
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private String connectionInitSql;
        private boolean autoCommit = true;
        private String driverClassName;
        private String transactionIsolation;
        private String anchorUrl;
        private Object metricRegistry;
        private Runnable beforeOpen;

        private Builder(String poolName, String jdbcUrl) {
            this.poolName = Objects.requireNonNull(poolName, "poolName");
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        /** Login user. */
        public Builder username(String value) {
            this.username = value;
            return this;
        }

        /** Login password (never logged). */
        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** A driver connection property. */
        public Builder property(String key, String value) {
            driverProperties.put(key, value);
            return this;
        }

        /** Largest pool size. */
        public Builder maximumPoolSize(int value) {
            this.maximumPoolSize = value;
            return this;
        }

        /** Idle connections kept. */
        public Builder minimumIdle(int value) {
            this.minimumIdle = value;
            return this;
        }

        /** Connections are replaced after this long ({@code 0} = never). */
        public Builder maxLifetime(Duration value) {
            this.maxLifetime = value;
            return this;
        }

        /** Idle connections above the minimum are closed after this long ({@code 0} = never). */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** Idle connections are tested this often ({@code 0} = never). */
        public Builder keepaliveTime(Duration value) {
            this.keepaliveTime = value;
            return this;
        }

        /** How long an operation waits for a connection before it fails. */
        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        /**
         * The pooled connections' auto-commit mode (default {@code true}). The store runs every operation in its own
         * transaction, so {@code false} saves the two round trips per operation that switching it off and back on
         * costs (PostgreSQL, MySQL, MariaDB).
         */
        public Builder autoCommit(boolean value) {
            this.autoCommit = value;
            return this;
        }

        /** SQL run on every new connection. */
        public Builder connectionInitSql(String value) {
            this.connectionInitSql = value;
            return this;
        }

        /** JDBC driver class, when the URL alone does not select it. */
        public Builder driverClassName(String value) {
            this.driverClassName = value;
            return this;
        }

        /** e.g. {@code TRANSACTION_READ_COMMITTED}. */
        public Builder transactionIsolation(String value) {
            this.transactionIsolation = value;
            return this;
        }

        /** See {@link PoolSpec#openAnchor()}. */
        public Builder anchorUrl(String value) {
            this.anchorUrl = value;
            return this;
        }

        /** A Micrometer {@code MeterRegistry} for HikariCP's pool meters, or {@code null}. */
        public Builder metricRegistry(Object value) {
            this.metricRegistry = value;
            return this;
        }

        /** Runs at start, before the first connection (may throw to fail the start). */
        public Builder beforeOpen(Runnable value) {
            this.beforeOpen = value;
            return this;
        }

        /** Builds the spec. */
        public PoolSpec build() {
            return new PoolSpec(this);
        }
    }
}
