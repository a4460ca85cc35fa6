package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import io.cronjobguardian.testkit.HistoryStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite through the {@code mysql} provider and MySQL Connector/J, on the server of
 * GUARDIAN_TEST_MYSQL_URL (MySQL or MariaDB, whichever it is: the dialect is detected) or a MySQL 8.4 container.
 */
class MySqlHistoryStoreContractTest extends HistoryStoreContract {

    private static final DbTarget TARGET = DbTarget.mysqlFamily(Engine.MYSQL, "mysql", "mysql");
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
