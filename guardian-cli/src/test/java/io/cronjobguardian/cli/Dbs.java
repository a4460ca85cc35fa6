package io.cronjobguardian.cli;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.TestDatabases;
import java.util.ArrayList;
import java.util.List;

/** The databases the tests run on (real SQLite files, PostgreSQL and MariaDB; fail under CI=true when missing). */
final class Dbs implements AutoCloseable {

    private final List<DbTarget> targets = new ArrayList<>();
    private final List<JdbcHistoryStore> stores = new ArrayList<>();

    DbTarget target(String kind) {
        DbTarget t = switch (kind) {
            case "sqlite" -> DbTarget.sqlite();
            case "postgres" -> DbTarget.postgres();
            case "mariadb" -> DbTarget.mysqlFamily(TestDatabases.Engine.MARIADB, "mariadb", "mariadb");
            default -> throw new IllegalArgumentException(kind);
        };
        targets.add(t);
        return t;
    }

    /** A fresh database of this kind: its settings. */
    Fresh fresh(String kind) {
        DbTarget t = target(kind);
        return new Fresh(t, t.freshDatabase());
    }

    /** A fresh database and its JDBC URL, user and password as the CLI takes them. */
    record Fresh(DbTarget target, Settings settings) {
        String url() {
            return switch (target.providerName()) {
                case "sqlite" -> "jdbc:sqlite:" + settings.require("storage.sqlite.path");
                case "postgres" -> "jdbc:postgresql://" + settings.require("storage.postgres.host") + ":"
                        + settings.require("storage.postgres.port") + "/"
                        + settings.require("storage.postgres.database") + "?currentSchema="
                        + settings.require("storage.postgres.schema") + "&sslmode=disable";
                default -> "jdbc:mariadb://" + settings.require("storage.mariadb.host") + ":"
                        + settings.require("storage.mariadb.port") + "/"
                        + settings.require("storage.mariadb.database");
            };
        }

        String user() {
            return settings.getString(target.prefix() + ".username", null);
        }

        String password() {
            return settings.getString(target.prefix() + ".password", null);
        }
    }

    /** A started store on the database. */
    JdbcHistoryStore store(Fresh f) {
        JdbcHistoryStore s = (JdbcHistoryStore) f.target().store(f.settings());
        s.start();
        stores.add(s);
        return s;
    }

    @Override
    public void close() {
        stores.forEach(JdbcHistoryStore::close);
        targets.forEach(DbTarget::dropAll);
    }
}
