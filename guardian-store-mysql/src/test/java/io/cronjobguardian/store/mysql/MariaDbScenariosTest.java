package io.cronjobguardian.store.mysql;

import io.cronjobguardian.store.jdbc.StoreHooks;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.ServerStoreScenarios;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

    /** MySQL 8 has no idle-in-transaction timeout: its bound, wait_timeout lowered during writes, works on MariaDB too. */
    @Test
    @DisplayName("with MySQL's bound (wait_timeout during writes), a frozen leader holds the next one back by less than leaseDuration")
    void frozenWriterBoundedByWaitTimeout() throws Exception {
        assertFrozenWriterBounded(store -> StoreHooks.guardAs(store, "mysql"));
    }
}
