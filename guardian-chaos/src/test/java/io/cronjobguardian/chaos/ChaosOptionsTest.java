package io.cronjobguardian.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.chaos.ChaosOptions.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

    @Test
    void parsesTheIssuesCommandLine() {
        ChaosOptions o = ChaosOptions.parse("seed=42 faults=kill,freeze rounds=20 profile=default db=postgres");
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.faults()).containsExactly(Fault.KILL, Fault.FREEZE);
        assertThat(o.rounds()).isEqualTo(20);
        assertThat(o.profile().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.profile().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.profile().retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ChaosOptions.parse(o.toArgs())).isEqualTo(o);
    }

    @Test
    void profiles() {
        assertThat(ChaosOptions.Profile.of("aggressive").leaseDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ChaosOptions.Profile.of("aggressive").renewDeadline()).isEqualTo(Duration.ofSeconds(8));
        assertThat(ChaosOptions.Profile.of("aggressive").retryPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ChaosOptions.Profile.of("fast").retryPeriod()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void badInputIsAClearError() {
        assertThatThrownBy(() -> ChaosOptions.parse("faults=kill,explode")).hasMessageContaining("unknown fault "
                + "\"explode\"");
        assertThatThrownBy(() -> ChaosOptions.parse("rounds=0")).hasMessageContaining("rounds must be 1 to 1000");
        assertThatThrownBy(() -> ChaosOptions.parse("profile=slow")).hasMessageContaining("unknown profile");
        assertThatThrownBy(() -> ChaosOptions.parse("db=oracle")).hasMessageContaining("postgres or mariadb");
        assertThatThrownBy(() -> ChaosOptions.parse("colour=red")).hasMessageContaining("unknown key \"colour\"");
        assertThatThrownBy(() -> ChaosOptions.parse("seed")).hasMessageContaining("not key=value");
    }

    @Test
    void noDatabaseIsAnErrorNamingTheVariables() {
        assertThatThrownBy(() -> ChaosRun.database("postgres", Map.of()))
                .hasMessageContaining("GUARDIAN_TEST_PG_URL");
        assertThat(ChaosRun.database("postgres", Map.of("GUARDIAN_TEST_PG_URL",
                "jdbc:postgresql://127.0.0.1:5433/g", "GUARDIAN_TEST_PG_USER", "u")))
                .isEqualTo(new ChaosRun.Database("postgres", "127.0.0.1", 5433, "g", "u", null));
        assertThat(ChaosRun.database("mariadb", Map.of("GUARDIAN_TEST_MYSQL_URL",
                "jdbc:mariadb://127.0.0.1:3306/gt")).provider()).isEqualTo("mariadb");
        assertThat(List.of(Fault.values())).extracting(Fault::word).contains("partition-db", "db-restart");
    }
}
