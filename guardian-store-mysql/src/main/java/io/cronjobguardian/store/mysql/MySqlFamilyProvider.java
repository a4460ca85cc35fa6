package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;
import io.cronjobguardian.store.jdbc.PoolSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the {@code mysql} and {@code mariadb} providers share; they differ in name, key prefix and default driver. */
abstract class MySqlFamilyProvider implements HistoryStoreProvider {

    static final String MARIADB_DRIVER = "org.mariadb.jdbc.Driver";
    static final String CONNECTOR_J_DRIVER = "com.mysql.cj.jdbc.Driver";
    private static final Logger LOG = LoggerFactory.getLogger(MySqlFamilyProvider.class);

    /** The key prefix these settings use ({@code storage.mysql} or {@code storage.mariadb}). */
    abstract String prefix(Settings settings);

    /** {@code mariadb} or {@code mysql}: the JDBC driver used when {@code <prefix>.driver} is not set. */
    abstract String defaultDriver();

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public HistoryStore create(Settings settings, ProviderContext context) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        String p = prefix(settings);
        JdbcHistoryStore.Builder b = JdbcHistoryStore.builder().name(name()).clock(context.clock())
                .expectedDialect(name()).migrate(JdbcProviderSupport.migrate(settings))
                .migrationClassLoader(MySqlFamilyProvider.class.getClassLoader());
        Optional<DataSource> host = JdbcProviderSupport.hostDataSource(context);
        if (host.isPresent()) {
            if (JdbcProviderSupport.hostOrUrlSet(settings, p)) {
                LOG.warn("{}: the host supplied a DataSource; {}.host/url are ignored", name(), p);
            }
            LOG.info("{}: the host's DataSource keeps its own session settings; give its connections an "
                    + "idle_transaction_timeout (MariaDB) or wait_timeout (MySQL) below leaderElection.leaseDuration "
                    + "so that a replica frozen inside a write cannot hold back the next leader", name());
            return b.dataSource(host.get()).build();
        }
        return b.pool(poolSpec(settings, p, context))
                .idleInTransactionTimeout(JdbcProviderSupport.idleInTransactionTimeout(settings, p)).build();
    }

    PoolSpec poolSpec(Settings s, String p, ProviderContext context) {
        String driver = driver(s, p);
        boolean mariadbDriver = driver.equals("mariadb");
        String url = s.getString(p + ".url", null);
        if (url == null) {
            String host = s.getString(p + ".host", null);
            if (host == null) {
                throw new ConfigException(p + ".host", "is required (or set " + p + ".url, or register a DataSource "
                        + "with the engine)");
            }
            int port = s.getInt(p + ".port", 3306, 1, 65_535);
            String db = s.getString(p + ".database", "guardian");
            url = (mariadbDriver ? "jdbc:mariadb://" : "jdbc:mysql://") + host + ":" + port + "/" + db;
        } else if (mariadbDriver && !url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
            throw new ConfigException(p + ".url", "must start with jdbc:mariadb: or jdbc:mysql:");
        } else if (!mariadbDriver && !url.startsWith("jdbc:mysql:")) {
            throw new ConfigException(p + ".url", "must start with jdbc:mysql: for MySQL Connector/J");
        }
        if (mariadbDriver && url.startsWith("jdbc:mysql:")) {
            url = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        }
        PoolSpec.Builder b = PoolSpec.builder("guardian-" + name(), url).autoCommit(false)
                .driverClassName(mariadbDriver ? MARIADB_DRIVER : CONNECTOR_J_DRIVER);
        JdbcProviderSupport.serverPool(s, p, b, context);
        String ssl = tlsMode(s, p);
        Duration connect = s.getDuration(p + ".connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(250),
                Duration.ofMinutes(5));
        b.property("connectTimeout", Long.toString(connect.toMillis()));
        b.property("socketTimeout", Long.toString(JdbcProviderSupport.socketTimeout(s, p).toMillis()));
        String rootCert = s.getString(p + ".sslRootCert", null);
        if (mariadbDriver) {
            if (ssl.equals("prefer")) {
                throw new ConfigException(p + ".sslMode", "prefer is not available with the MariaDB driver; "
                        + "accepted: disable, require, verify-ca, verify-full");
            }
            b.property("sslMode", ssl.equals("require") ? "trust" : ssl);
            if (rootCert != null) {
                b.property("serverSslCert", rootCert);
            }
        } else {
            b.property("sslMode", ssl.replace("verify-full", "verify_identity").replace('-', '_')
                    .replace("disable", "disabled").replace("prefer", "preferred").replace("require", "required")
                    .toUpperCase(Locale.ROOT));
            if (rootCert != null) {
                throw new ConfigException(p + ".sslRootCert", "is not supported with MySQL Connector/J; set "
                        + p + ".properties.trustCertificateKeyStoreUrl (a key store) instead");
            }
            b.property("rewriteBatchedStatements", "true");
        }
        JdbcProviderSupport.driverProperties(s, p, b);
        return b.build();
    }

    /** {@code sslMode} (disable, prefer, require, verify-ca, verify-full), or {@code useSsl=true} for require. */
    static String tlsMode(Settings s, String p) {
        if (s.getString(p + ".sslMode", null) != null) {
            return JdbcProviderSupport.sslMode(s, p, "disable", "disable", "prefer", "require", "verify-ca",
                    "verify-full");
        }
        return s.getBoolean(p + ".useSsl", false) ? "require" : "disable";
    }

    private String driver(Settings s, String p) {
        String d = s.getChoice(p + ".driver", defaultDriver(), "mariadb", "mysql");
        if (d.equals("mysql") && !present(CONNECTOR_J_DRIVER)) {
            if (s.getString(p + ".driver", null) != null) {
                throw new ConfigException(p + ".driver", "mysql needs com.mysql:mysql-connector-j on the classpath");
            }
            return "mariadb"; // the MariaDB driver speaks to MySQL too
        }
        return d;
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, MySqlFamilyProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
