package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void urlsLoseTheirSecrets() {
        assertThat(Redaction.url("jdbc:postgresql://h:5432/db?user=u&password=hunter22&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=******&ssl=true");
        assertThat(Redaction.url("jdbc:mysql://u:hunter22@h/db")).isEqualTo("jdbc:mysql://u:******@h/db");
        assertThat(Redaction.url("jdbc:mariadb://h/db?sslPassword=x1&trustStorePassword=x2"))
                .doesNotContain("x1").doesNotContain("x2");
        assertThat(Redaction.url("jdbc:sqlite:/tmp/a.db")).isEqualTo("jdbc:sqlite:/tmp/a.db");
    }

    @Test
    void poolSpecToStringShowsNoPassword() {
        PoolSpec spec = PoolSpec.builder("p", "jdbc:postgresql://h/db?password=inurl").username("u")
                .password("hunter22").property("sslpassword", "keypass").property("sslmode", "require")
                .connectionTimeout(Duration.ofSeconds(1)).build();
        assertThat(spec.toString()).doesNotContain("hunter22").doesNotContain("keypass").doesNotContain("inurl")
                .contains("sslmode=require").contains("password=******");
        assertThat(Redaction.properties(Map.of("password", "x"))).containsEntry("password", "******");
        assertThat(Redaction.secret("login failed for hunter22", "hunter22")).isEqualTo("login failed for ******");
    }

    @Test
    void aStoreIsCreatedWithoutConnecting() {
        // nothing listens on port 1: building the store must not notice
        JdbcHistoryStore s = JdbcHistoryStore.builder().name("test")
                .pool(PoolSpec.builder("p", "jdbc:postgresql://127.0.0.1:1/db").password("hunter22").build())
                .build();
        assertThat(s.health().up()).isFalse();
        assertThat(s.openConnections()).isEmpty();
        assertThat(s.toString()).doesNotContain("hunter22");
        s.close();
        s.close();
    }
}
