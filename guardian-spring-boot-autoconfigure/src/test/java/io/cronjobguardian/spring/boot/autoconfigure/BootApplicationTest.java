package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A real Spring Boot application (Tomcat on 127.0.0.1, a random port, the actuator) with the starter: Guardian on
 * the SQLite store and the testkit's scriptable watcher (no cluster). {@code /actuator/health} is answered over HTTP
 * with Guardian's component; the liveness probe leaves it out; closing the context closes Guardian.
 */
class BootApplicationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        ScriptableCronJobWatcher watcher() {
            return new ScriptableCronJobWatcher();
        }
    }

    @Test
    void actuatorHealthOverHttpShowsGuardiansComponent(@TempDir Path dir) throws Exception {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "management.endpoints.web.exposure.include=health",
                        "management.endpoint.health.show-details=always",
                        "management.endpoint.health.probes.enabled=true",
                        "guardian.storage.type=sqlite",
                        "guardian.storage.sqlite.path=" + dir.resolve("guardian.db"),
                        "guardian.history-retention.default-days=14")
                .run();
        Guardian guardian;
        try {
            guardian = ctx.getBean(Guardian.class);
            assertThat(guardian.config().retention().defaultDays()).isEqualTo(14);
            String port = ctx.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> health = get(http, port, "/actuator/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            String component = component(health.body(), "guardian");
            assertThat(component).as(health.body()).contains("\"status\":\"UP\"").contains("\"live\":true")
                    .contains("\"ready\":true").contains("\"leader\":").contains("\"identity\":\"standalone-")
                    .contains("\"reasons\":[]");

            HttpResponse<String> liveness = get(http, port, "/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(liveness.body()).doesNotContain("guardian");
            HttpResponse<String> readiness = get(http, port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(readiness.body()).as("readiness is opt-in").doesNotContain("guardian");
        } finally {
            ctx.close();
        }
        assertThat(guardian.health().live()).as("closed with the application").isFalse();
    }

    private static HttpResponse<String> get(HttpClient http, String port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON object of one health component, by brace matching (no JSON library in this module's tests). */
    private static String component(String json, String name) {
        int start = json.indexOf("\"" + name + "\":{");
        assertThat(start).as(json).isNotNegative();
        int i = json.indexOf('{', start);
        int depth = 0;
        for (int j = i; j < json.length(); j++) {
            char c = json.charAt(j);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return json.substring(i, j + 1);
            }
        }
        throw new AssertionError("unbalanced JSON: " + json);
    }
}
