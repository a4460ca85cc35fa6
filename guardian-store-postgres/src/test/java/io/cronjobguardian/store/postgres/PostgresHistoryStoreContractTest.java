package io.cronjobguardian.store.postgres;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.HistoryStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite on PostgreSQL (GUARDIAN_TEST_PG_URL, else Testcontainers): a new schema per test; peers
 * are separate stores with their own pools on the same schema.
 */
class PostgresHistoryStoreContractTest extends HistoryStoreContract {

    private static final DbTarget TARGET = DbTarget.postgres();
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
    static void dropSchemas() {
        TARGET.dropAll();
    }
}
