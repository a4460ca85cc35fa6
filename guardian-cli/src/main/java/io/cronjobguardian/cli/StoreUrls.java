package io.cronjobguardian.cli;

import io.cronjobguardian.api.GuardianException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Stores named by their JDBC URL: {@code jdbc:sqlite:<file>}, {@code jdbc:postgresql://...},
 * {@code jdbc:mariadb://...}, {@code jdbc:mysql://...}. The store is created through its provider (found by
 * {@link java.util.ServiceLoader}), as an application would, so the pool, dialect and migrations are the store's own.
 * Passwords go to the driver as connection properties and never appear in messages.
 */
public final class StoreUrls {

    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|key)[^=&;]*=)[^&;]*");

    /** How a store is opened. */
    public enum Role {
        /**
         * Read from: must exist, and is never migrated ({@code storage.migrate=false}: a store of another schema
         * version is refused with the scripts it lacks, so that a backup never changes the database under a
         * running older release).
         */
        SOURCE,
        /** Written to: created and migrated as the store does at start; a store of a newer schema is refused. */
        TARGET
    }

    private StoreUrls() {
    }

    /**
     * Creates and starts the store the URL names.
     *
     * @throws TransferException when the URL is not one of the supported kinds, a source SQLite file does not exist,
     *                           or the store cannot be started (the message says why, without the password)
     */
    public static JdbcHistoryStore open(String url, @Nullable String user, @Nullable String password, Role role,
            Clock clock) {
        Settings settings = settings(url, user, password, role);
        String provider = settings.require("storage.type");
        HistoryStoreProvider p = Providers.byName(HistoryStoreProvider.class, provider).orElseThrow(
                () -> new TransferException("no history store provider named " + provider + " on the class path"));
        HistoryStore store;
        try {
            store = p.create(settings, ProviderContext.builder().clock(clock).build());
        } catch (GuardianException | IllegalArgumentException e) {
            throw new TransferException(redact(url) + ": " + e.getMessage(), e);
        }
        if (!(store instanceof JdbcHistoryStore)) {
            store.close();
            throw new TransferException("the " + provider + " provider did not create a SQL store");
        }
        try {
            store.start();
        } catch (RuntimeException e) {
            store.close();
            throw new TransferException("cannot open " + redact(url) + ": " + e.getMessage(), e);
        }
        return (JdbcHistoryStore) store;
    }

    /** The provider settings for a URL (validated; nothing connects). */
    static Settings settings(String url, @Nullable String user, @Nullable String password, Role role) {
        if (url == null || url.isBlank()) {
            throw new TransferException("a JDBC URL is required (jdbc:sqlite:<file>, jdbc:postgresql://host/db, "
                    + "jdbc:mariadb://host/db, jdbc:mysql://host/db)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("storage.migrate", Boolean.toString(role == Role.TARGET));
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            Path file = sqliteFile(url);
            if (role == Role.SOURCE && !Files.isRegularFile(file)) {
                throw new TransferException("no SQLite database at " + file);
            }
            m.put("storage.type", "sqlite");
            m.put("storage.sqlite.path", file.toString());
            return Settings.of(m);
        }
        String type;
        if (lower.startsWith("jdbc:postgresql:")) {
            type = "postgres";
        } else if (lower.startsWith("jdbc:mariadb:")) {
            type = "mariadb";
        } else if (lower.startsWith("jdbc:mysql:")) {
            type = "mysql";
            m.put("storage.mysql.driver", "mariadb"); // the bundled MariaDB Connector/J speaks to MySQL too
        } else {
            throw new TransferException("unsupported JDBC URL " + redact(url) + ": use jdbc:sqlite:<file>, "
                    + "jdbc:postgresql://..., jdbc:mariadb://... or jdbc:mysql://...");
        }
        m.put("storage.type", type);
        m.put("storage." + type + ".url", url);
        m.put("storage." + type + ".maxOpenConns", "2");
        m.put("storage." + type + ".maxIdleConns", "1");
        if (user != null) {
            m.put("storage." + type + ".username", user);
        }
        if (password != null) {
            m.put("storage." + type + ".password", password);
        }
        if (type.equals("postgres") && !lower.contains("sslmode=")) {
            m.put("storage.postgres.sslMode", "prefer");
        }
        if (!type.equals("postgres") && !lower.contains("sslmode=")) {
            m.put("storage." + type + ".sslMode", "disable");
        }
        return Settings.of(m);
    }

    /** The file of a {@code jdbc:sqlite:} URL (without {@code file:} prefix and URI parameters). */
    static Path sqliteFile(String url) {
        String path = url.substring("jdbc:sqlite:".length());
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.isBlank() || path.equals(":memory:")) {
            throw new TransferException("jdbc:sqlite: needs a file (an in-memory database has nothing to move)");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * A plain JDBC connection (an operator database, read only). A SQLite file must exist: the driver would
     * otherwise create an empty one.
     */
    public static Connection connect(String url, @Nullable String user, @Nullable String password) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        String jdbc = url;
        Properties props = new Properties();
        if (lower.startsWith("jdbc:sqlite:")) {
            Path file = sqliteFile(url);
            if (!Files.isRegularFile(file)) {
                throw new TransferException("no SQLite database at " + file);
            }
            jdbc = "jdbc:sqlite:" + file;
            props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        } else if (lower.startsWith("jdbc:mysql:")) {
            jdbc = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        } else if (!lower.startsWith("jdbc:postgresql:") && !lower.startsWith("jdbc:mariadb:")) {
            throw new TransferException("unsupported JDBC URL " + redact(url) + ": use jdbc:sqlite:<file>, "
                    + "jdbc:postgresql://..., jdbc:mariadb://... or jdbc:mysql://...");
        }
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try {
            Connection c = DriverManager.getConnection(jdbc, props);
            c.setReadOnly(true);
            return c;
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (password != null && !password.isEmpty()) {
                msg = msg.replace(password, "****");
            }
            throw new TransferException("cannot connect to " + redact(url) + ": " + msg, e);
        }
    }

    /** The URL with the values of secret-looking parameters and any user-info password masked. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String s = SECRET_PARAM.matcher(url).replaceAll("$1****");
        return s.replaceAll("//([^/@:]+):[^/@]*@", "//$1:****@");
    }
}
