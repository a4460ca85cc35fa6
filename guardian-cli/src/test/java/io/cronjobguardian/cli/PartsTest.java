package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The small parts: URLs to settings, masking, the operator's time formats, the terminal progress line. */
class PartsTest {

    @Test
    void urlsSelectTheirProviderAndCarryTheLoginAsSettings() {
        Settings pg = StoreUrls.settings("jdbc:postgresql://db:5432/g?currentSchema=x", "u", "p",
                StoreUrls.Role.SOURCE);
        assertThat(pg.require("storage.type")).isEqualTo("postgres");
        assertThat(pg.require("storage.postgres.url")).isEqualTo("jdbc:postgresql://db:5432/g?currentSchema=x");
        assertThat(pg.require("storage.postgres.username")).isEqualTo("u");
        assertThat(pg.require("storage.migrate")).isEqualTo("false");
        Settings my = StoreUrls.settings("jdbc:mysql://db/g", null, null, StoreUrls.Role.TARGET);
        assertThat(my.require("storage.type")).isEqualTo("mysql");
        assertThat(my.require("storage.mysql.driver")).isEqualTo("mariadb");
        assertThat(my.require("storage.migrate")).isEqualTo("true");
        assertThat(StoreUrls.settings("jdbc:mariadb://db/g", null, null, StoreUrls.Role.TARGET)
                .require("storage.type")).isEqualTo("mariadb");
        assertThatThrownBy(() -> StoreUrls.settings("jdbc:oracle:thin:@db?password=hunter2", null, null,
                StoreUrls.Role.TARGET)).isInstanceOf(TransferException.class)
                .hasMessageStartingWith("unsupported JDBC URL jdbc:oracle:thin:@db?password=****")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> StoreUrls.settings("jdbc:sqlite::memory:", null, null, StoreUrls.Role.TARGET))
                .isInstanceOf(TransferException.class).hasMessageContaining("needs a file");
    }

    @Test
    void secretsInUrlsAreMasked() {
        assertThat(StoreUrls.redact("jdbc:postgresql://db/g?user=a&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/g?user=a&password=****&ssl=true");
        assertThat(StoreUrls.redact("jdbc:mariadb://a:hunter2@db/g")).isEqualTo("jdbc:mariadb://a:****@db/g");
    }

    @Test
    void theOperatorsTimeFormatsAreRead() {
        Instant t = Instant.parse("2025-05-01T10:00:00.123Z");
        assertThat(OperatorImport.parseTime("2025-05-01 12:00:00.123+02:00", "c")).isEqualTo(t);
        assertThat(OperatorImport.parseTime("2025-05-01 10:00:00.123456789+00:00", "c"))
                .isEqualTo(Instant.parse("2025-05-01T10:00:00.123456789Z"));
        assertThat(OperatorImport.parseTime("2025-05-01T10:00:00.123Z", "c")).isEqualTo(t);
        assertThat(OperatorImport.parseTime("2025-05-01 10:00:00.123", "c")).isEqualTo(t);
        assertThat(OperatorImport.parseTime("2025-05-01 12:00:00.123 +0200 CEST", "c")).isEqualTo(t);
        assertThat(OperatorImport.parseTime("2025-05-01 10:00:00.123 +0000 UTC m=+0.000012", "c")).isEqualTo(t);
        assertThat(OperatorImport.parseTime(1_746_093_600L, "c")).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));
        assertThatThrownBy(() -> OperatorImport.parseTime("yesterday", "start_time"))
                .hasMessage("column start_time: not a time: \"yesterday\"");
    }

    @Test
    void theProgressLineIsRewrittenInPlaceAndEndedOnce() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        GuardianCli.ConsoleProgress p = new GuardianCli.ConsoleProgress(err, clock);
        clock.advance(Duration.ofSeconds(2));
        p.update("runs", 10_000, 40_000);
        clock.advance(Duration.ofSeconds(2));
        p.update("runs", 40_000, 40_000);
        p.finish();
        p.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r[#######                       ]  25% 10,000 of 40,000 runs, 5,000/s   "
                        + "\r[##############################] 100% 40,000 of 40,000 runs, 10,000/s   "
                        + System.lineSeparator());
    }
}
