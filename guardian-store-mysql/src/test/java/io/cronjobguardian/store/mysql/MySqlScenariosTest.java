package io.cronjobguardian.store.mysql;

import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.ServerStoreScenarios;
import io.cronjobguardian.testkit.jdbc.TestDatabases;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The database-level scenarios through the mysql provider and MySQL Connector/J, on the GUARDIAN_TEST_MYSQL_URL
 * server (MySQL 8 or MariaDB; the dialect must be detected either way) or a MySQL 8.4 container.
 */
class MySqlScenariosTest extends ServerStoreScenarios {

    private final DbTarget target = DbTarget.mysqlFamily(Engine.MYSQL, "mysql", "mysql");

    @Override
    protected DbTarget target() {
        return target;
    }

    @Override
    protected String expectedDialect() {
        try (Connection c = TestDatabases.mysql().connect()) {
            String v = c.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT);
            return v.contains("mariadb") ? "mariadb" : "mysql";
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
