package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigratorTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String script = "-- header; with a semicolon\n"
                + "CREATE TABLE a (x VARCHAR(3) DEFAULT ';');\n"
                + "INSERT INTO a VALUES ('it''s; fine'); -- trailing; comment\n"
                + "CREATE TABLE \"b;c\" (`d;e` INT);\n"
                + "\n;;\n"
                + "SELECT 1";
        assertThat(Migrator.split(script)).containsExactly(
                "CREATE TABLE a (x VARCHAR(3) DEFAULT ';')",
                "INSERT INTO a VALUES ('it''s; fine')",
                "CREATE TABLE \"b;c\" (`d;e` INT)",
                "SELECT 1");
    }

    @Test
    void knowsItsSteps() {
        assertThat(Migrator.LATEST).isEqualTo(4);
        assertThat(Migrator.STEPS).extracting(Migrator.Step::script)
                .containsExactly("V1__init.sql", "V2__lazy_histogram.sql",
                "V3__schedule_change.sql", "V4__incident_attention.sql");
        assertThat(Migrator.checksum("a")).hasSize(64).isEqualTo(Migrator.checksum("a"));
        assertThat(Migrator.split(Migrator.HISTORY_DDL)).hasSize(1);
        assertThat(List.of(Migrator.HISTORY_DDL)).allSatisfy(s -> assertThat(s).contains("IF NOT EXISTS"));
    }
}
