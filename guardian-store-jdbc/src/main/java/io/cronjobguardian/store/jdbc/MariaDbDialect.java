package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.SQLDialect;

/** MariaDB 10.3+: like MySQL, with the window form of {@code percentile_cont}. */
final class MariaDbDialect extends MySqlDialect {

    private static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)");

    @Override
    public String id() {
        return "mariadb";
    }

    @Override
    public SQLDialect sqlDialect() {
        return SQLDialect.MARIADB;
    }

    @Override
    PercentileStrategy percentileStrategy(Connection connection) {
        return PercentileStrategy.WINDOW_FUNCTION;
    }

    /** {@code idle_transaction_timeout} (MariaDB 10.3+, whole seconds): the server closes the connection. */
    @Override
    List<String> sessionSetup(Duration idleInTransaction) {
        return List.of("SET SESSION idle_transaction_timeout = " + seconds(idleInTransaction));
    }

    @Override
    String beginWrite(Duration idleInTransaction) {
        return null;
    }

    @Override
    String endWrite() {
        return null;
    }

    @Override
    void checkVersion(DatabaseMetaData md) throws SQLException {
        // through Connector/J the version reads "5.5.5-10.11.19-MariaDB"
        Matcher m = VERSION.matcher(md.getDatabaseProductVersion());
        if (m.find()) {
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            if (major < 10 || (major == 10 && minor < 3)) {
                throw new StoreUnavailableException("MariaDB " + md.getDatabaseProductVersion()
                        + " is too old: the store needs MariaDB 10.3 or newer (window percentile_cont)");
            }
        }
    }
}
