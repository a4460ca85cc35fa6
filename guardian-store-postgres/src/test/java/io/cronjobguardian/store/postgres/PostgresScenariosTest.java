package io.cronjobguardian.store.postgres;

import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.ServerStoreScenarios;

/** The database-level scenarios on PostgreSQL, session time zone Asia/Tokyo where it matters. */
class PostgresScenariosTest extends ServerStoreScenarios {

    private final DbTarget target = DbTarget.postgres();

    @Override
    protected DbTarget target() {
        return target;
    }

    @Override
    protected String expectedDialect() {
        return "postgres";
    }
}
