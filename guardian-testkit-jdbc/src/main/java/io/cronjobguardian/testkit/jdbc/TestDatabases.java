package io.cronjobguardian.testkit.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the database servers the tests run against, once per JVM, in this order:
 * <ol>
 *   <li>the environment: {@code GUARDIAN_TEST_PG_URL} / {@code GUARDIAN_TEST_MYSQL_URL} (and
 *       {@code GUARDIAN_TEST_MARIADB_URL}), each with {@code _USER} and {@code _PASSWORD};</li>
 *   <li>Testcontainers (PostgreSQL 16, MySQL 8.4, MariaDB 11) when a Docker engine answers;</li>
 *   <li>nothing: the test is skipped with an assumption, <b>except under {@code CI=true}, where a missing database
 *       fails the test</b> so that database tests cannot silently stop running.</li>
 * </ol>
 * The login must be allowed to create schemas (PostgreSQL) or databases named {@code <database>_<suffix>} (MySQL,
 * MariaDB): every test gets its own.
 */
public final class TestDatabases {

    /** A database engine. */
    public enum Engine { POSTGRES, MYSQL, MARIADB }

    private static final Pattern URL = Pattern.compile(
            "jdbc:(postgresql|mariadb|mysql)://([^:/?]+)(?::(\\d+))?/([^?;]*)(.*)");
    private static final Map<Engine, Object> RESOLVED = new ConcurrentHashMap<>();

    private TestDatabases() {
    }

    /**
     * A reachable server: the JDBC URL of an existing database on it and a login that may create more.
     *
     * @param engine   what the URL was configured as
     * @param url      JDBC URL of an existing database
     * @param user     login
     * @param password password
     * @param source   where it came from ({@code env GUARDIAN_TEST_PG_URL}, {@code testcontainers postgres:16})
     */
    public record Server(Engine engine, String url, String user, String password, String source) {
        /** Host of the URL. */
        public String host() {
            return parts().group(2);
        }

        /** Port of the URL (the engine's default when absent). */
        public int port() {
            String p = parts().group(3);
            return p != null ? Integer.parseInt(p) : engine == Engine.POSTGRES ? 5432 : 3306;
        }

        /** Database named in the URL. */
        public String database() {
            return parts().group(4);
        }

        private Matcher parts() {
            Matcher m = URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("cannot parse JDBC URL " + url);
            }
            return m;
        }

        /** A connection to the URL's database. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        /** A connection to another database on this server (same URL parameters). */
        public Connection connect(String database) throws SQLException {
            return DriverManager.getConnection(url(database), user, password);
        }

        /** The URL of another database on this server (same URL parameters). */
        public String url(String database) {
            Matcher m = parts();
            return "jdbc:" + m.group(1) + "://" + m.group(2) + (m.group(3) != null ? ":" + m.group(3) : "") + "/"
                    + database + m.group(5);
        }

        @Override
        public String toString() {
            return engine + " " + url + " (" + source + ")";
        }
    }

    /** The PostgreSQL server, or a skipped (or, under CI=true, failed) test. */
    public static Server postgres() {
        return require(Engine.POSTGRES);
    }

    /**
     * The MySQL-family server of {@code GUARDIAN_TEST_MYSQL_URL} (MySQL or MariaDB, whichever it is), else a
     * MySQL 8.4 container.
     */
    public static Server mysql() {
        return require(Engine.MYSQL);
    }

    /**
     * A MariaDB server: {@code GUARDIAN_TEST_MARIADB_URL}, else {@code GUARDIAN_TEST_MYSQL_URL} when that server is
     * MariaDB, else a MariaDB 11 container.
     */
    public static Server mariadb() {
        return require(Engine.MARIADB);
    }

    /** Whether this run is CI ({@code CI=true}), where missing databases fail instead of skipping. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static Server require(Engine engine) {
        Object r = RESOLVED.computeIfAbsent(engine, TestDatabases::resolve);
        if (r instanceof Server) {
            return (Server) r;
        }
        String why = (String) r;
        if (isCi()) {
            throw new AssertionError(why + " [CI=true: a database test that cannot find its database fails]");
        }
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    private static Object resolve(Engine engine) {
        switch (engine) {
            case POSTGRES: {
                Server s = fromEnv(engine, "GUARDIAN_TEST_PG");
                if (s != null) {
                    return s;
                }
                return container(engine, "no PostgreSQL: set GUARDIAN_TEST_PG_URL (+ _USER, _PASSWORD) or provide "
                        + "a Docker engine for Testcontainers");
            }
            case MYSQL: {
                Server s = fromEnv(engine, "GUARDIAN_TEST_MYSQL");
                if (s != null) {
                    return s;
                }
                return container(engine, "no MySQL: set GUARDIAN_TEST_MYSQL_URL (+ _USER, _PASSWORD) or provide a "
                        + "Docker engine for Testcontainers");
            }
            case MARIADB:
            default: {
                Server s = fromEnv(engine, "GUARDIAN_TEST_MARIADB");
                if (s != null) {
                    return s;
                }
                Server mysqlEnv = fromEnv(engine, "GUARDIAN_TEST_MYSQL");
                if (mysqlEnv != null && isMariaDb(mysqlEnv)) {
                    return mysqlEnv;
                }
                return container(engine, "no MariaDB: set GUARDIAN_TEST_MARIADB_URL, or GUARDIAN_TEST_MYSQL_URL to a "
                        + "MariaDB server (+ _USER, _PASSWORD), or provide a Docker engine for Testcontainers");
            }
        }
    }

    private static Server fromEnv(Engine engine, String prefix) {
        String url = System.getenv(prefix + "_URL");
        if (url == null || url.isBlank()) {
            return null;
        }
        return new Server(engine, url.trim(), System.getenv(prefix + "_USER"), System.getenv(prefix + "_PASSWORD"),
                "env " + prefix + "_URL");
    }

    private static boolean isMariaDb(Server s) {
        try (Connection c = s.connect()) {
            String v = c.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT);
            String p = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return v.contains("mariadb") || p.contains("mariadb");
        } catch (SQLException e) {
            throw new AssertionError("GUARDIAN_TEST_MYSQL_URL is set but the server does not answer: " + e, e);
        }
    }

    private static Object container(Engine engine, String reasonWithoutDocker) {
        try {
            return Containers.start(engine);
        } catch (Containers.NoDocker | LinkageError e) {
            return reasonWithoutDocker;
        }
    }
}
