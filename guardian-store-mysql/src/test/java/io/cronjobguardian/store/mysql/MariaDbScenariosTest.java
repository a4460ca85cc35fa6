package io.cronjobguardian.store.mysql;

import io.cronjobguardian.store.jdbc.testsupport.DbTarget;
import io.cronjobguardian.store.jdbc.testsupport.ServerStoreScenarios;
import io.cronjobguardian.store.jdbc.testsupport.TestDatabases.Engine;

/** The database-level scenarios on MariaDB (mariadb provider, MariaDB Connector/J), session time zone -08:00. */
class MariaDbScenariosTest extends ServerStoreScenarios {

    private final DbTarget target = DbTarget.mysqlFamily(Engine.MARIADB, "mariadb", "mariadb");

    @Override
    protected DbTarget target() {
        return target;
    }

    @Override
    protected String expectedDialect() {
        return "mariadb";
    }
}
