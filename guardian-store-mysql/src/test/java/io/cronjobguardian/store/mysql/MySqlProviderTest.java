package io.cronjobguardian.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MySqlProviderTest {

    private static final ProviderContext CTX = ProviderContext.defaults();

    @Test
    void bothNamesAreRegisteredAndSupportTheirOwnKeys() {
        assertThat(Providers.byName(HistoryStoreProvider.class, "mysql")).get()
                .isInstanceOf(MySqlHistoryStoreProvider.class);
        assertThat(Providers.byName(HistoryStoreProvider.class, "mariadb")).get()
                .isInstanceOf(MariaDbHistoryStoreProvider.class);
        MySqlHistoryStoreProvider mysql = new MySqlHistoryStoreProvider();
        MariaDbHistoryStoreProvider maria = new MariaDbHistoryStoreProvider();
        Settings mysqlKeys = Settings.of("storage.mysql.host", "db");
        assertThat(mysql.supports(mysqlKeys)).isTrue();
        assertThat(maria.supports(mysqlKeys)).as("no tie: mysql detects MariaDB by itself").isFalse();
        assertThat(maria.supports(Settings.of("storage.mariadb.url", "jdbc:mariadb://db/x"))).isTrue();
        assertThat(mysql.supports(Settings.empty())).isFalse();
        assertThat(Providers.select(HistoryStoreProvider.class, mysqlKeys, HistoryStoreProvider.TYPE_KEY,
                HistoryStoreProvider.ARTIFACTS)).isInstanceOf(MySqlHistoryStoreProvider.class);
    }

    @Test
    void driversAndUrls() {
        Settings s = Settings.of("storage.mysql.host", "db.example", "storage.mysql.database", "g",
                "storage.mysql.password", "hunter22");
        HistoryStore viaConnectorJ = new MySqlHistoryStoreProvider().create(s, CTX);
        assertThat(viaConnectorJ.toString()).contains("jdbc:mysql://db.example:3306/g").doesNotContain("hunter22");
        HistoryStore viaMariaDbDriver = new MySqlHistoryStoreProvider().create(s.with("storage.mysql.driver",
                "mariadb"), CTX);
        assertThat(viaMariaDbDriver.toString()).contains("jdbc:mariadb://db.example:3306/g");
        HistoryStore mariaWithMysqlKeys = new MariaDbHistoryStoreProvider().create(s, CTX);
        assertThat(mariaWithMysqlKeys.toString()).contains("jdbc:mariadb://db.example:3306/g");
        HistoryStore mariaOwnKeys = new MariaDbHistoryStoreProvider().create(s.with("storage.mariadb.host", "m"),
                CTX);
        assertThat(mariaOwnKeys.toString()).contains("jdbc:mariadb://m:3306/guardian");
    }

    @Test
    void tlsSettingsMapToEachDriver() {
        MySqlHistoryStoreProvider p = new MySqlHistoryStoreProvider();
        Settings base = Settings.of("storage.mysql.host", "db");
        assertThat(p.poolSpec(base.with("storage.mysql.sslMode", "verify-full"), "storage.mysql", CTX).toString())
                .contains("sslMode=VERIFY_IDENTITY");
        assertThat(p.poolSpec(base.with("storage.mysql.useSsl", "true"), "storage.mysql", CTX).toString())
                .contains("sslMode=REQUIRED");
        assertThat(p.poolSpec(base, "storage.mysql", CTX).toString()).contains("sslMode=DISABLED");
        Settings maria = base.with("storage.mysql.driver", "mariadb");
        assertThat(p.poolSpec(maria.with("storage.mysql.useSsl", "true"), "storage.mysql", CTX).toString())
                .contains("sslMode=trust");
        assertThat(p.poolSpec(maria.with("storage.mysql.sslMode", "verify-ca")
                .with("storage.mysql.sslRootCert", "/ca.pem"), "storage.mysql", CTX).toString())
                .contains("sslMode=verify-ca", "serverSslCert=/ca.pem");
        assertThatThrownBy(() -> p.poolSpec(maria.with("storage.mysql.sslMode", "prefer"), "storage.mysql", CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.mysql.sslMode");
        assertThatThrownBy(() -> p.create(base.with("storage.mysql.sslMode", "sometimes"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("disable, prefer, require");
        assertThatThrownBy(() -> p.create(base.with("storage.mysql.driver", "oracle"), CTX))
                .isInstanceOf(ConfigException.class).hasMessageContaining("storage.mysql.driver");
    }

    @Test
    void mysqlAndMariaDbScriptsDifferOnlyInCollation() throws IOException {
        String mysql = read("io/cronjobguardian/store/mysql/migration/V1__init.sql");
        String maria = read("io/cronjobguardian/store/mariadb/migration/V1__init.sql");
        assertThat(strip(mysql).replace("utf8mb4_0900_bin", "COLL"))
                .isEqualTo(strip(maria).replace("utf8mb4_nopad_bin", "COLL"));
        assertThat(strip(mysql)).contains("utf8mb4_0900_bin").doesNotContain("nopad");
        assertThat(strip(maria)).contains("utf8mb4_nopad_bin").doesNotContain("0900");
    }

    private static String strip(String script) {
        return script.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
    }

    private static String read(String path) throws IOException {
        try (InputStream in = MySqlProviderTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
