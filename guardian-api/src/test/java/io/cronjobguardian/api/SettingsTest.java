package io.cronjobguardian.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    @Test
    void keysMatchLooselyAcrossCaseDashesAndUnderscores() {
        Settings s = Settings.of("storage.postgres.ssl-mode", "require");
        assertThat(s.get("storage.postgres.sslMode")).hasValue("require");
        assertThat(s.get("STORAGE.POSTGRES.SSL_MODE")).hasValue("require");
        assertThat(s.get("storage.postgres.host")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"15s,PT15S", "250ms,PT0.25S", "1h30m,PT1H30M", "2m,PT2M", "7d,PT168H", "PT10S,PT10S", "0,PT0S",
            "1.5h,PT1H30M"})
    void parsesDurations(String text, String iso) {
        assertThat(Settings.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @CsvSource({"15", "abc", "1x", "h", "15s garbage", "-"})
    void rejectsBadDurationsNamingKeyAndRange(String text) {
        Settings s = Settings.of("leaderElection.leaseDuration", text);
        assertThatThrownBy(() -> s.getDuration("leaderElection.leaseDuration", Duration.ofSeconds(15),
                Duration.ofSeconds(1), Duration.ofMinutes(10)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("leaderElection.leaseDuration")
                .hasMessageContaining("1s to 10m");
    }

    @Test
    void durationOutOfRangeNamesRange() {
        Settings s = Settings.of("x.timeout", "2h");
        assertThatThrownBy(() -> s.getDuration("x.timeout", Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofMinutes(5)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("x.timeout: 2h is out of range; accepted: 1s to 5m");
    }

    @Test
    void integersAreRangeChecked() {
        Settings s = Settings.of("a", "0", "b", "x", "c", "42");
        assertThatThrownBy(() -> s.getInt("a", 5, 1, 100)).hasMessage("a: 0 is out of range; accepted: 1 to 100");
        assertThatThrownBy(() -> s.getInt("b", 5, 1, 100)).hasMessageContaining("not a whole number");
        assertThat(s.getInt("c", 5, 1, 100)).isEqualTo(42);
        assertThat(s.getInt("missing", 5, 1, 100)).isEqualTo(5);
    }

    @Test
    void booleansAndChoices() {
        Settings s = Settings.of("a", "yes", "b", "OFF", "c", "maybe", "d", "Postgres");
        assertThat(s.getBoolean("a", false)).isTrue();
        assertThat(s.getBoolean("b", true)).isFalse();
        assertThatThrownBy(() -> s.getBoolean("c", false)).hasMessageContaining("accepted: true or false");
        assertThat(s.getChoice("d", "sqlite", "sqlite", "postgres", "mysql")).isEqualTo("postgres");
    }

    @Test
    void secretsAreRedactedInToStringAndErrors() {
        Settings s = Settings.of("storage.postgres.password", "hunter2", "channels.ops.webhookUrl",
                "https://hooks.slack.com/services/T/B/XYZ", "channels.pd.routingKey", "R0UT1NG",
                "storage.postgres.maxOpenConns", "20");
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("XYZ").doesNotContain("R0UT1NG")
                .contains("storage.postgres.password=******").contains("storage.postgres.maxOpenConns=20");
        Settings bad = Settings.of("storage.postgres.password", "not-a-number-secret");
        assertThatThrownBy(() -> bad.getInt("storage.postgres.password", 1, 0, 5))
                .hasMessageNotContaining("not-a-number-secret");
        assertThat(Settings.isSecretKey("storage.mysql.password")).isTrue();
        assertThat(Settings.isSecretKey("channels.slack-ops.url")).isTrue();
        assertThat(Settings.isSecretKey("storage.postgres.host")).isFalse();
        assertThat(Settings.isSecretKey("channels.hook.url")).isTrue();
        assertThat(Settings.isSecretKey("storage.postgres.url")).isTrue();
        assertThat(Settings.isSecretKey("monitors.files")).isFalse();
    }

    @Test
    void everyHeaderAndEverySegmentThatNamesASecretIsRedacted() {
        for (String key : List.of("channels.hook.headers.Authorization", "channels.hook.headers.Cookie",
                "channels.hook.headers.X-Api-Key", "channels.hook.headers.X-Custom-Thing", "CHANNELS.HOOK.HEADERS.FOO",
                "channels.hook.auth.token.value", "channels.hook.secretRef.name", "channels.hook.apiKeys.primary",
                "channels.hook.basicAuth.password.file", "channels.x.credentials.user", "storage.x.sessionCookie",
                "channels.pd.integrationKey", "channels.x.bearer")) {
            assertThat(Settings.isSecretKey(key)).as(key).isTrue();
        }
        for (String key : List.of("channels.hook.headerCount", "channels.hook.timeout", "channels.pd.dedupKeyPrefix",
                "channels.pd.groupingKey", "storage.postgres.idleInTransactionSessionTimeout", "channels.hook.headers")) {
            assertThat(Settings.isSecretKey(key)).as(key).isFalse();
        }
        Settings s = Settings.of("channels.hook.headers.Authorization", "Bearer s3cr3t-AUTH",
                "channels.hook.headers.X-Api-Key", "k3y-VALUE", "channels.hook.timeout", "5s");
        assertThat(s.toString()).doesNotContain("s3cr3t-AUTH").doesNotContain("k3y-VALUE")
                .contains("channels.hook.headers.Authorization=******").contains("channels.hook.timeout=5s");
    }

    @Test
    void subsetStripsPrefixWhateverItsSpelling() {
        Settings s = Settings.of("storage.postgres.host", "db", "Storage.Post-gres.port", "5433", "storage.mysql.host",
                "m");
        Settings pg = s.subset("storage.postgres");
        assertThat(pg.asMap()).isEqualTo(Map.of("host", "db", "port", "5433"));
    }

    @Test
    void withAndDefaults() {
        Settings defaults = Settings.of("a", "1", "b", "2");
        Settings s = Settings.of("B", "3").withDefaults(defaults).with("c", "4");
        assertThat(s.get("a")).hasValue("1");
        assertThat(s.get("b")).hasValue("3");
        assertThat(s.get("c")).hasValue("4");
        assertThat(s.keys()).hasSize(3);
    }

    @Test
    void formatsDurationsTheGoWay() {
        assertThat(Settings.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Settings.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Settings.format(Duration.ofDays(2))).isEqualTo("2d");
        assertThat(Settings.format(Duration.ZERO)).isEqualTo("0s");
    }
}
