package io.cronjobguardian.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.SecretResolver;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresProviderTest {

    private static final ProviderContext CTX = ProviderContext.defaults();

    @Test
    void supportsOnlyWhenConfigured() {
        PostgresHistoryStoreProvider p = new PostgresHistoryStoreProvider();
        assertThat(p.name()).isEqualTo("postgres");
        assertThat(p.supports(Settings.empty())).isFalse();
        assertThat(p.supports(Settings.of("storage.postgres.host", "db"))).isTrue();
        assertThat(p.supports(Settings.of("storage.postgres.url", "jdbc:postgresql://db/x"))).isTrue();
        assertThat(Providers.select(HistoryStoreProvider.class, Settings.of("storage.postgres.host", "db"),
                HistoryStoreProvider.TYPE_KEY, HistoryStoreProvider.ARTIFACTS))
                .isInstanceOf(PostgresHistoryStoreProvider.class);
    }

    @Test
    void settingsBecomeAPoolWithoutConnecting() {
        Settings s = Settings.of("storage.postgres.host", "db.example", "storage.postgres.port", "6543",
                "storage.postgres.database", "cronjob_guardian", "storage.postgres.username", "guardian",
                "storage.postgres.password", "hunter22", "storage.postgres.sslMode", "verify-full",
                "storage.postgres.sslRootCert", "/etc/ca.pem", "storage.postgres.maxOpenConns", "25",
                "storage.postgres.max-idle-conns", "10", "storage.postgres.connMaxLifetime", "5m",
                "storage.postgres.healthCheckInterval", "30s", "storage.postgres.schema", "guardian",
                "storage.postgres.properties.tcpKeepAlive", "true");
        HistoryStore store = new PostgresHistoryStoreProvider().create(s, CTX);
        assertThat(store.toString()).contains("jdbc:postgresql://db.example:6543/cronjob_guardian")
                .doesNotContain("hunter22");
        String spec = PostgresHistoryStoreProvider.poolSpec(s, CTX).toString();
        assertThat(spec).contains("sslmode=verify-full", "sslrootcert=/etc/ca.pem", "currentSchema=guardian",
                "tcpKeepAlive=true", "max=25", "minIdle=10", "maxLifetime=PT5M", "keepalive=PT30S")
                .doesNotContain("hunter22");
        store.close();
    }

    @Test
    void invalidValuesNameTheKeyAndWhatIsAccepted() {
        PostgresHistoryStoreProvider p = new PostgresHistoryStoreProvider();
        Settings base = Settings.of("storage.postgres.host", "db", "storage.postgres.password", "hunter22");
        assertThatThrownBy(() -> p.create(base.with("storage.postgres.port", "70000"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.port")
                .hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> p.create(base.with("storage.postgres.sslMode", "maybe"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.sslMode")
                .hasMessageContaining("verify-full");
        assertThatThrownBy(() -> p.create(base.with("storage.postgres.connMaxLifetime", "10s"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.connMaxLifetime");
        assertThatThrownBy(() -> p.create(base.with("storage.postgres.connMaxLifetime", "1m")
                .with("storage.postgres.healthCheckInterval", "2m"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.healthCheckInterval");
        assertThatThrownBy(() -> p.create(base.with("storage.postgres.maxOpenConns", "many"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.maxOpenConns")
                .message().doesNotContain("hunter22");
        assertThatThrownBy(() -> p.create(Settings.of("storage.postgres.url", "jdbc:mysql://x/y"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jdbc:postgresql:");
        assertThatThrownBy(() -> p.create(Settings.of("storage.type", "postgres"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.postgres.host");
    }

    @Test
    void idleInTransactionTimeoutIsHalfTheLeaseDurationUnlessSet() {
        String key = "storage.postgres.idleInTransactionTimeout";
        assertThat(JdbcProviderSupport.idleInTransactionTimeout(Settings.empty(), "storage.postgres"))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(JdbcProviderSupport.idleInTransactionTimeout(Settings.of("leaderElection.leaseDuration", "4s"),
                "storage.postgres")).isEqualTo(Duration.ofSeconds(2));
        assertThat(JdbcProviderSupport.idleInTransactionTimeout(Settings.of("leaderElection.leaseDuration", "1s"),
                "storage.postgres")).isEqualTo(Duration.ofSeconds(1));
        assertThat(JdbcProviderSupport.idleInTransactionTimeout(Settings.of(key, "3s"), "storage.postgres"))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(JdbcProviderSupport.idleInTransactionTimeout(Settings.of(key, "0"), "storage.postgres")).isZero();

        PostgresHistoryStoreProvider p = new PostgresHistoryStoreProvider();
        Settings base = Settings.of("storage.postgres.host", "db");
        assertThatThrownBy(() -> p.create(base.with(key, "500ms"), CTX)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining("0 (off) or 1s to 1h");
        assertThatThrownBy(() -> p.create(base.with(key, "2h"), CTX)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void passwordReferencesResolveThroughTheHostsSecretResolver() {
        ProviderContext ctx = ProviderContext.builder().service(SecretResolver.class,
                ref -> ref.equals("env:PG_PASSWORD") ? Optional.of("resolved-secret") : Optional.empty()).build();
        Settings s = Settings.of("storage.postgres.host", "db", "storage.postgres.password", "env:PG_PASSWORD");
        assertThat(PostgresHistoryStoreProvider.poolSpec(s, ctx).toString()).doesNotContain("resolved-secret")
                .contains("password=******");
    }
}
