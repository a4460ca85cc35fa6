package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

class DialectSupportTest {

    @Test
    void detectsEveryDatabaseFromItsMetadata() {
        assertThat(DialectSupport.fromProduct("PostgreSQL", "15.20 (Debian 15.20-0+deb12u1)").id())
                .isEqualTo("postgres");
        assertThat(DialectSupport.fromProduct("MySQL", "8.4.3").id()).isEqualTo("mysql");
        assertThat(DialectSupport.fromProduct("MariaDB", "10.11.19-MariaDB-0+deb12u1").id()).isEqualTo("mariadb");
        // MariaDB through MySQL Connector/J reports itself as MySQL with a MariaDB version
        assertThat(DialectSupport.fromProduct("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1").id())
                .isEqualTo("mariadb");
        assertThat(DialectSupport.fromProduct("SQLite", "3.54.1").id()).isEqualTo("sqlite");
        assertThat(DialectSupport.fromProduct("Oracle", "23ai")).isNull();
    }

    @Test
    void capabilitiesDifferWhereTheDatabasesDo() {
        DialectSupport pg = DialectSupport.forId("postgres");
        DialectSupport my = DialectSupport.forId("mysql");
        DialectSupport maria = DialectSupport.forId("mariadb");
        DialectSupport lite = DialectSupport.forId("sqlite");
        assertThat(pg.sqlDialect()).isEqualTo(SQLDialect.POSTGRES);
        assertThat(my.sqlDialect()).isEqualTo(SQLDialect.MYSQL);
        assertThat(maria.sqlDialect()).isEqualTo(SQLDialect.MARIADB);
        assertThat(lite.sqlDialect()).isEqualTo(SQLDialect.SQLITE);
        assertThat(pg.percentileStrategy(null)).isEqualTo(DialectSupport.PercentileStrategy.ORDERED_SET_AGGREGATE);
        assertThat(maria.percentileStrategy(null)).isEqualTo(DialectSupport.PercentileStrategy.WINDOW_FUNCTION);
        assertThat(my.percentileStrategy(null)).isEqualTo(DialectSupport.PercentileStrategy.RANK_EMULATION);
        assertThat(pg.transactionalDdl()).isTrue();
        assertThat(lite.transactionalDdl()).isTrue();
        assertThat(my.transactionalDdl()).isFalse();
        assertThat(maria.insertReturning()).as("Connector/J against MariaDB rejects RETURNING").isFalse();
        assertThat(lite.serializeWritesInProcess()).isTrue();
        assertThat(pg.serializeWritesInProcess()).isFalse();
        assertThat(maria.migrationFolder()).isEqualTo("io/cronjobguardian/store/mariadb/migration");
        assertThatThrownBy(() -> DialectSupport.forId("oracle")).hasMessageContaining("postgres, mysql, mariadb");
    }
}
