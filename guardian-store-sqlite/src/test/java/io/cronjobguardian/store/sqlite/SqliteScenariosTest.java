package io.cronjobguardian.store.sqlite;

import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.JdbcStoreScenarios;

/** The database-level scenarios on SQLite files. */
class SqliteScenariosTest extends JdbcStoreScenarios {

    private final DbTarget target = DbTarget.sqlite();

    @Override
    protected DbTarget target() {
        return target;
    }

    @Override
    protected String expectedDialect() {
        return "sqlite";
    }
}
