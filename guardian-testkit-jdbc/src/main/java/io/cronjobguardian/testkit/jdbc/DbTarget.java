package io.cronjobguardian.testkit.jdbc;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One database engine as the tests see it: fresh, empty databases on demand (a schema on PostgreSQL, a database on
 * MySQL/MariaDB, a file on SQLite), the provider settings that select one, raw JDBC connections for assertions, and
 * clean-up. Stores are created through the provider found by {@link java.util.ServiceLoader}, as an application
 * would.
 */
public abstract class DbTarget {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The provider name ({@code postgres}, {@code mysql}, {@code mariadb}, {@code sqlite}). */
    public abstract String providerName();

    /** A new, empty database; the settings select it through the provider. */
    public abstract Settings freshDatabase();

    /** A JDBC connection to the database the settings name. */
    public abstract Connection connect(Settings dbSettings) throws SQLException;

    /** The settings with the server address replaced (to go through a proxy); {@code null} for a file database. */
    public abstract Settings withAddress(Settings dbSettings, String host, int port);

    /** Host and port of the server the settings name, or {@code null} for a file database. */
    public abstract Server server();

    /** SQL that puts the session in a time zone other than the JVM's (and UTC), or {@code null} when n/a. */
    public abstract String sessionTimeZoneSql();

    /** The key prefix of the provider's settings, e.g. {@code storage.postgres}. */
    public abstract String prefix();

    /** Drops every database this target created. */
    public abstract void dropAll();

    /** A store on the database of these settings, with default context. */
    public HistoryStore store(Settings dbSettings) {
        return store(dbSettings, ProviderContext.defaults());
    }

    /** A store on the database of these settings. */
    public HistoryStore store(Settings dbSettings, ProviderContext context) {
        HistoryStoreProvider p = Providers.byName(HistoryStoreProvider.class, providerName())
                .orElseThrow(() -> new AssertionError("no HistoryStoreProvider named " + providerName()));
        return p.create(dbSettings, context);
    }

    static String suffix() {
        return "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    // ---------------------------------------------------------------- PostgreSQL

    /** PostgreSQL: a schema per fresh database. */
    public static DbTarget postgres() {
        return new DbTarget() {
            private final List<String> schemas = new ArrayList<>();

            @Override
            public String providerName() {
                return "postgres";
            }

            @Override
            public String prefix() {
                return "storage.postgres";
            }

            @Override
            public Server server() {
                return TestDatabases.postgres();
            }

            @Override
            public Settings freshDatabase() {
                Server s = server();
                String schema = "g_" + suffix();
                try (Connection c = s.connect(); Statement st = c.createStatement()) {
                    st.execute("CREATE SCHEMA " + schema);
                } catch (SQLException e) {
                    throw new AssertionError("cannot create schema " + schema + " on " + s + ": " + e, e);
                }
                synchronized (schemas) {
                    schemas.add(schema);
                }
                return Settings.of("storage.type", "postgres", "storage.postgres.host", s.host(),
                        "storage.postgres.port", Integer.toString(s.port()), "storage.postgres.database",
                        s.database(), "storage.postgres.schema", schema, "storage.postgres.username", s.user(),
                        "storage.postgres.password", s.password(), "storage.postgres.sslMode", "disable");
            }

            @Override
            public Connection connect(Settings db) throws SQLException {
                Connection c = server().connect();
                c.setSchema(db.require("storage.postgres.schema"));
                return c;
            }

            @Override
            public Settings withAddress(Settings db, String host, int port) {
                return db.with("storage.postgres.host", host).with("storage.postgres.port", Integer.toString(port));
            }

            @Override
            public String sessionTimeZoneSql() {
                return "SET TIME ZONE 'Asia/Tokyo'";
            }

            @Override
            public void dropAll() {
                List<String> copy;
                synchronized (schemas) {
                    copy = new ArrayList<>(schemas);
                    schemas.clear();
                }
                if (copy.isEmpty()) {
                    return;
                }
                try (Connection c = server().connect(); Statement st = c.createStatement()) {
                    for (String schema : copy) {
                        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                } catch (SQLException e) {
                    System.err.println("could not drop test schemas " + copy + ": " + e);
                }
            }
        };
    }

    // ---------------------------------------------------------------- MySQL / MariaDB

    /**
     * MySQL or MariaDB: a database per fresh database.
     *
     * @param engine   which server to resolve (MYSQL: GUARDIAN_TEST_MYSQL_URL or MySQL 8.4; MARIADB: a MariaDB)
     * @param provider {@code mysql} or {@code mariadb}
     * @param driver   {@code mysql} (Connector/J) or {@code mariadb} (MariaDB Connector/J)
     */
    public static DbTarget mysqlFamily(Engine engine, String provider, String driver) {
        return new DbTarget() {
            private final List<String> databases = new ArrayList<>();

            @Override
            public String providerName() {
                return provider;
            }

            @Override
            public String prefix() {
                return "storage." + provider;
            }

            @Override
            public Server server() {
                return engine == Engine.MARIADB ? TestDatabases.mariadb() : TestDatabases.mysql();
            }

            @Override
            public Settings freshDatabase() {
                Server s = server();
                String db = (s.database() + "_" + suffix()).toLowerCase(Locale.ROOT);
                try (Connection c = s.connect(); Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4");
                } catch (SQLException e) {
                    throw new AssertionError("cannot create database " + db + " on " + s + ": " + e, e);
                }
                synchronized (databases) {
                    databases.add(db);
                }
                String p = prefix();
                return Settings.of("storage.type", provider, p + ".host", s.host(), p + ".port",
                        Integer.toString(s.port()), p + ".database", db, p + ".username", s.user(), p + ".password",
                        s.password(), p + ".driver", driver);
            }

            @Override
            public Connection connect(Settings dbSettings) throws SQLException {
                return server().connect(dbSettings.require(prefix() + ".database"));
            }

            @Override
            public Settings withAddress(Settings db, String host, int port) {
                return db.with(prefix() + ".host", host).with(prefix() + ".port", Integer.toString(port));
            }

            @Override
            public String sessionTimeZoneSql() {
                return "SET time_zone = '-08:00'";
            }

            @Override
            public void dropAll() {
                List<String> copy;
                synchronized (databases) {
                    copy = new ArrayList<>(databases);
                    databases.clear();
                }
                if (copy.isEmpty()) {
                    return;
                }
                try (Connection c = server().connect(); Statement st = c.createStatement()) {
                    for (String db : copy) {
                        st.execute("DROP DATABASE IF EXISTS `" + db + "`");
                    }
                } catch (SQLException e) {
                    System.err.println("could not drop test databases " + copy + ": " + e);
                }
            }
        };
    }

    // ---------------------------------------------------------------- SQLite

    /** SQLite: a file per fresh database, in a temporary folder deleted by {@link #dropAll()}. */
    public static DbTarget sqlite() {
        return new DbTarget() {
            private Path dir;

            @Override
            public String providerName() {
                return "sqlite";
            }

            @Override
            public String prefix() {
                return "storage.sqlite";
            }

            @Override
            public Server server() {
                return null;
            }

            @Override
            public synchronized Settings freshDatabase() {
                try {
                    if (dir == null) {
                        dir = Files.createTempDirectory("guardian-sqlite-test");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Path file = dir.resolve("db-" + suffix()).resolve("guardian.db"); // the store creates the folder
                return Settings.of("storage.type", "sqlite", "storage.sqlite.path", file.toString());
            }

            @Override
            public Connection connect(Settings db) throws SQLException {
                return DriverManager.getConnection("jdbc:sqlite:" + db.require("storage.sqlite.path"));
            }

            @Override
            public Settings withAddress(Settings db, String host, int port) {
                return null;
            }

            @Override
            public String sessionTimeZoneSql() {
                return null; // SQLite has no session time zone
            }

            @Override
            public synchronized void dropAll() {
                if (dir == null) {
                    return;
                }
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    System.err.println("could not delete " + dir + ": " + e);
                }
                dir = null;
            }
        };
    }
}
