package io.cronjobguardian.store.sqlite;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.HistoryStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The conformance suite on SQLite: a new database file per test; peers open the same file. */
class SqliteHistoryStoreContractTest extends HistoryStoreContract {

    private static final DbTarget TARGET = DbTarget.sqlite();
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
