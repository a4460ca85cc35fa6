package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import io.cronjobguardian.testkit.HistoryStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite on MariaDB through the {@code mariadb} provider and MariaDB Connector/J (a MariaDB server
 * from GUARDIAN_TEST_MARIADB_URL or GUARDIAN_TEST_MYSQL_URL, else Testcontainers): a new database per test.
 */
class MariaDbHistoryStoreContractTest extends HistoryStoreContract {

    private static final DbTarget TARGET = DbTarget.mysqlFamily(Engine.MARIADB, "mariadb", "mariadb");
    private Settings db;

    @Override
    protected HistoryStore createStore() {
        db = TARGET.freshDatabase();
        return TARGET.store(db);
    }

    @Override
    protected HistoryStore createPeerStore() {
        return TARGET.store(db);
    }

    @AfterAll
    static void dropDatabases() {
        TARGET.dropAll();
    }
}
