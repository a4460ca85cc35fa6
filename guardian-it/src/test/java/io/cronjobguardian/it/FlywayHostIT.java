package io.cronjobguardian.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.sqlite.SqliteHistoryStoreProvider;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host service that uses Flyway with its defaults ({@code classpath:db/migration}, scanned recursively), with
 * Guardian's three store jars (SQLite, PostgreSQL, MySQL/MariaDB) on its classpath: Flyway migrates only the host's
 * own script. While Guardian shipped its scripts under {@code db/migration/<dialect>/}, Flyway found four
 * {@code V1__init.sql} and failed ("Found more than one migration with version 1"), or, with one store jar, ran
 * Guardian's DDL as the host's version 1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlywayHostIT {

    @Test
    void noGuardianJarShipsAnythingUnderDbMigration() throws Exception {
        List<String> owners = new ArrayList<>();
        for (URL url : Collections.list(FlywayHostIT.class.getClassLoader().getResources("db/migration"))) {
            owners.add(url.getProtocol().equals("jar")
                    ? ((JarURLConnection) url.openConnection()).getJarFileURL().getPath()
                    : url.getPath());
        }
        // the only db/migration on this classpath is the host's own (this module's test resources)
        assertThat(owners).hasSize(1).allSatisfy(o -> assertThat(o).contains("test-classes"));
        for (String store : List.of("sqlite", "postgres", "mysql", "mariadb")) {
            assertThat(FlywayHostIT.class.getClassLoader()
                    .getResource("io/cronjobguardian/store/" + store + "/migration/V1__init.sql"))
                    .as("%s store jar is on the classpath", store).isNotNull();
        }
    }

    @Test
    void aFlywayHostMigratesOnlyItsOwnScriptsAndGuardianItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("host.db");
        String url = "jdbc:sqlite:" + file;
        Flyway flyway = Flyway.configure().dataSource(url, null, null).load(); // defaults: classpath:db/migration
        MigrateResult result = flyway.migrate();
        assertThat(result.migrationsExecuted).isEqualTo(1);
        assertThat(result.migrations).extracting(m -> m.filepath).singleElement().asString()
                .endsWith("V1__host_orders.sql");
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(tables(c)).contains("host_orders", "flyway_schema_history")
                    .noneMatch(t -> t.startsWith("guardian_"));
        }

        // the embedded store on the same database keeps its own history next to Flyway's
        HistoryStore store = new SqliteHistoryStoreProvider().create(Settings.of("storage.sqlite.path",
                file.toString()), ProviderContext.defaults());
        try {
            store.start();
        } finally {
            store.close();
        }
        assertThat(flyway.migrate().migrationsExecuted).as("Flyway sees nothing new after Guardian migrated")
                .isZero();
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            assertThat(tables(c)).contains("guardian_executions", "guardian_schema_history");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }
}
