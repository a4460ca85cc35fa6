package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.jdbc.TestDatabases;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Guardian's store on the host's {@link DataSource}, on a real PostgreSQL server (a fresh database per run): the
 * schema is migrated and used through the application's DataSource, a {@link GuardianDataSource} one wins over the
 * primary, and the context stops Guardian before it destroys the DataSource.
 */
class HostDataSourceTest {

    private static TestDatabases.Server server;
    private static String database;

    @BeforeAll
    static void createDatabase() throws SQLException {
        server = TestDatabases.postgres();
        database = "guardian_boot_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GuardianAutoConfiguration.class))
            .withPropertyValues("guardian.storage.type=postgres")
            .withBean(ScriptableCronJobWatcher.class, ScriptableCronJobWatcher::new);

    /** A DataSource that counts the connections it hands out and notes whether Guardian was running at its close. */
    static final class HostDataSource implements DataSource {
        final PGSimpleDataSource delegate = new PGSimpleDataSource();
        final AtomicInteger connections = new AtomicInteger();
        volatile Guardian guardian;
        volatile Boolean guardianLiveAtClose;

        HostDataSource() {
            delegate.setUrl(server.url(database));
            delegate.setUser(server.user());
            delegate.setPassword(server.password());
        }

        public void close() {
            guardianLiveAtClose = guardian == null ? null : guardian.health().live();
        }

        @Override
        public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }

    @Test
    void theStoreMigratesAndRunsOnTheHostsDataSourceAndStopsBeforeItIsDestroyed() {
        HostDataSource ds = new HostDataSource();
        runner.withBean("dataSource", DataSource.class, () -> ds, bd -> bd.setDestroyMethodName("close")).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Guardian g = ctx.getBean(Guardian.class);
            ds.guardian = g;
            assertThat(g.health().ready()).as(g.health().reasons().toString()).isTrue();
            assertThat(ds.connections).as("connections from the host's DataSource").hasPositiveValue();
            try (Connection c = ds.delegate.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables "
                            + "WHERE table_schema = current_schema()")) {
                rs.next();
                assertThat(rs.getInt(1)).as("Guardian's tables in the host's database").isPositive();
            }
        });
        assertThat(ds.guardianLiveAtClose).as("Guardian was closed before the DataSource").isFalse();
    }

    @Test
    void aGuardianDataSourceWinsOverThePrimaryOne() {
        HostDataSource app = new HostDataSource();
        HostDataSource mine = new HostDataSource();
        runner.withBean("appDataSource", DataSource.class, () -> app, bd -> bd.setPrimary(true))
                .withBean("guardianDataSource", DataSource.class, () -> mine,
                        bd -> ((AbstractBeanDefinition) bd).addQualifier(
                                new AutowireCandidateQualifier(GuardianDataSource.class)))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(mine.connections).hasPositiveValue();
                    assertThat(app.connections).hasValue(0);
                });
    }

    @Test
    void aServerStoreWithNeitherADataSourceNorAHostIsExplained() {
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            String d = new GuardianConfigFailureAnalyzer().analyze(ctx.getStartupFailure()).getDescription();
            assertThat(d).contains("storage.postgres.host").contains("DataSource");
        });
    }
}
