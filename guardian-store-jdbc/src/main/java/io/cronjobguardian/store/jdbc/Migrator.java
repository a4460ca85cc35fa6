package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL scripts {@code io/cronjobguardian/store/<dialect>/migration/V<n>__<description>.sql}
 * (see {@link DialectSupport#migrationFolder()}) and records them by version and checksum in
 * {@code guardian_schema_history}, under a lock so that replicas starting together migrate once: a PostgreSQL
 * transaction-scoped advisory lock (with transactional DDL, a failed migration leaves nothing behind), MySQL/MariaDB
 * {@code GET_LOCK}, an SQLite {@code BEGIN EXCLUSIVE} transaction.
 */
final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    /** A schema version and its script. */
    record Step(int version, String description) {
        String script() {
            return "V" + version + "__" + description + ".sql";
        }
    }

    /** Every version this code knows, in order. The code's tables match the last one. */
    static final List<Step> STEPS = List.of(new Step(1, "init"), new Step(2, "lazy_histogram"),
            new Step(3, "schedule_change"), new Step(4, "incident_attention"));
    /** The schema version this code works with. */
    static final int LATEST = STEPS.get(STEPS.size() - 1).version();

    static final String HISTORY_DDL = "CREATE TABLE IF NOT EXISTS guardian_schema_history ("
            + " version INTEGER NOT NULL PRIMARY KEY,"
            + " description VARCHAR(200) NOT NULL,"
            + " checksum VARCHAR(64) NOT NULL,"
            + " installed_at BIGINT NOT NULL,"
            + " execution_ms BIGINT NOT NULL)";

    private final DialectSupport dialect;
    private final List<ClassLoader> loaders;
    private final Clock clock;
    private final String storeName;
    private final long lockTimeoutSeconds;

    Migrator(DialectSupport dialect, ClassLoader preferred, Clock clock, String storeName, long lockTimeoutSeconds) {
        this.dialect = dialect;
        Set<ClassLoader> l = new LinkedHashSet<>();
        if (preferred != null) {
            l.add(preferred);
        }
        if (Thread.currentThread().getContextClassLoader() != null) {
            l.add(Thread.currentThread().getContextClassLoader());
        }
        l.add(Migrator.class.getClassLoader());
        this.loaders = new ArrayList<>(l);
        this.clock = clock;
        this.storeName = storeName;
        this.lockTimeoutSeconds = lockTimeoutSeconds;
    }

    /**
     * Brings the schema to {@link #LATEST}.
     *
     * @return the schema version now
     */
    int migrate(Connection c) throws SQLException {
        boolean tx = dialect.transactionalDdl();
        boolean autoCommit = c.getAutoCommit();
        if (tx) {
            dialect.beginMigration(c);
        } else if (!autoCommit) {
            c.setAutoCommit(true); // no transactional DDL: every statement, and the history row, commits by itself
        }
        try {
            return migrateIn(c, tx);
        } finally {
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private int migrateIn(Connection c, boolean tx) throws SQLException {
        boolean done = false;
        AutoCloseable lock = dialect.lockForMigration(c, lockTimeoutSeconds);
        try {
            try (Statement s = c.createStatement()) {
                s.execute(HISTORY_DDL);
            }
            TreeMap<Integer, String> applied = readHistory(c);
            int current = applied.isEmpty() ? 0 : applied.lastKey();
            refuseNewer(current);
            verifyChecksums(applied);
            for (Step step : STEPS) {
                if (step.version() <= current) {
                    continue;
                }
                String sql = load(step);
                long t0 = System.nanoTime();
                LOG.info("{}: applying schema migration {}/{}", storeName, dialect.migrationFolder(), step.script());
                List<String> statements = split(sql);
                for (int i = 0; i < statements.size(); i++) {
                    try (Statement s = c.createStatement()) {
                        s.execute(statements.get(i));
                    } catch (SQLException e) {
                        throw new SQLException("migration " + step.script() + " failed at statement " + (i + 1)
                                + " of " + statements.size() + (tx ? " (rolled back)" : " (this database has no "
                                + "transactional DDL: the statements before it stay applied; the script is "
                                + "re-runnable)") + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                    }
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO guardian_schema_history "
                        + "(version, description, checksum, installed_at, execution_ms) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setInt(1, step.version());
                    ps.setString(2, step.description());
                    ps.setString(3, checksum(sql));
                    ps.setLong(4, clock.millis());
                    ps.setLong(5, ms);
                    ps.executeUpdate();
                }
                LOG.info("{}: schema now at version {} ({} ms)", storeName, step.version(), ms);
                current = step.version();
            }
            if (tx) {
                dialect.commitMigration(c);
            }
            done = true;
            return current;
        } finally {
            if (tx && !done) {
                try {
                    dialect.rollbackMigration(c);
                } catch (SQLException e) {
                    LOG.debug("{}: rollback of the failed migration failed too", storeName, e);
                }
            }
            try {
                lock.close();
            } catch (Exception e) {
                LOG.warn("{}: could not release the migration lock: {}", storeName, e.toString());
            }
        }
    }

    /**
     * With {@code storage.migrate=false}: checks that a DBA has brought the schema to exactly {@link #LATEST}.
     *
     * @return the schema version
     */
    int verify(Connection c) throws SQLException {
        TreeMap<Integer, String> applied;
        try {
            applied = readHistory(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException(storeName + ": storage.migrate=false, but the database has no "
                    + "guardian schema (reading guardian_schema_history failed: " + e.getMessage() + "). Apply the "
                    + "scripts in " + dialect.migrationFolder() + "/ (inside the store's jar) or set "
                    + "storage.migrate=true", e);
        }
        int current = applied.isEmpty() ? 0 : applied.lastKey();
        refuseNewer(current);
        if (current < LATEST) {
            StringBuilder missing = new StringBuilder();
            for (Step s : STEPS) {
                if (s.version() > current) {
                    missing.append(missing.length() == 0 ? "" : ", ").append(dialect.migrationFolder()).append('/')
                            .append(s.script());
                }
            }
            throw new StoreUnavailableException(storeName + ": storage.migrate=false and the schema is at version "
                    + current + ", but this store needs version " + LATEST + ". Apply " + missing
                    + " (and record them in guardian_schema_history) or set storage.migrate=true");
        }
        verifyChecksums(applied);
        return current;
    }

    private void refuseNewer(int current) {
        if (current > LATEST) {
            throw new StoreUnavailableException(storeName + ": the database schema is at version " + current
                    + ", newer than the version this guardian-store-jdbc knows (" + LATEST + "). A newer release "
                    + "migrated it; refusing to run against it. Upgrade this service to that release, or point it "
                    + "at another database");
        }
    }

    private void verifyChecksums(Map<Integer, String> applied) {
        for (Step s : STEPS) {
            String stored = applied.get(s.version());
            if (stored == null) {
                continue;
            }
            try {
                String expected = checksum(load(s));
                if (!expected.equals(stored)) {
                    LOG.warn("{}: migration {} was applied from a script whose checksum ({}) differs from the "
                            + "bundled one ({}); the schema may have been edited by hand", storeName, s.script(),
                            stored, expected);
                }
            } catch (StoreUnavailableException e) {
                LOG.debug("{}: cannot verify {}: {}", storeName, s.script(), e.getMessage());
            }
        }
    }

    private static TreeMap<Integer, String> readHistory(Connection c) throws SQLException {
        TreeMap<Integer, String> out = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM guardian_schema_history")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The script of a step, from the first class loader that has it. */
    String load(Step step) {
        String path = dialect.migrationFolder() + "/" + step.script();
        for (ClassLoader l : loaders) {
            URL url = l.getResource(path);
            if (url == null) {
                continue;
            }
            try (InputStream in = url.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            } catch (IOException e) {
                throw new StoreUnavailableException(storeName + ": cannot read migration script " + path + ": " + e,
                        e);
            }
        }
        throw new StoreUnavailableException(storeName + ": migration script " + path + " is not on the classpath; "
                + "add the store module of this database (io.cronjobguardian:guardian-store-" + moduleOf(dialect)
                + ")");
    }

    private static String moduleOf(DialectSupport d) {
        return d.id().equals("mariadb") ? "mysql" : d.id();
    }

    static String checksum(String script) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Splits a script into statements at semicolons outside quotes and comments; drops comments and empty
     * statements.
     */
    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                cur.append('\n');
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                cur.append(script, i, Math.min(n, j + 1));
                i = j;
                continue;
            }
            if (c == ';') {
                add(out, cur);
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder sb) {
        String s = sb.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
