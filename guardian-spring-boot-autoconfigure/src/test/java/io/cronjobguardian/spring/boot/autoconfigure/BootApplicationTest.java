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

    @Test
    void theHttpApiIsServedInTheHostsWebServerAndItsActionsNeedTheToken(@TempDir Path dir) throws Exception {
        String token = "a-token-of-enough-length";
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "server.servlet.context-path=/ops",
                        "guardian.storage.type=sqlite",
                        "guardian.storage.sqlite.path=" + dir.resolve("guardian.db"),
                        "guardian.http.actions.enabled=true", "guardian.http.token=" + token)
                .run()) {
            ScriptableCronJobWatcher cluster = ctx.getBean(ScriptableCronJobWatcher.class);
            cluster.addCronJob(io.cronjobguardian.testkit.TestObjects.cronJob("team-a", "nightly")
                    .schedule("0 2 * * *").build());
            String port = ctx.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            assertThat(ctx.getBeanNamesForType(org.springframework.boot.web.servlet.ServletRegistrationBean.class))
                    .contains("guardianHttpServlet");
            HttpResponse<String> list = get(http, port, "/ops/api/v1/cronjobs");
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(list.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(list.body()).contains("\"name\":\"nightly\"");
            assertThat(get(http, port, "/ops/healthz").statusCode()).isEqualTo(200);
            assertThat(get(http, port, "/ops/api/v1/cronjobs/team-a/absent").statusCode()).isEqualTo(404);
            assertThat(get(http, port, "/ops/api/v1/cronjobs?limit=0").statusCode()).isEqualTo(400);

            String suspend = "/ops/api/v1/cronjobs/team-a/nightly/suspend";
            assertThat(post(http, port, suspend, null).statusCode()).as("no token").isEqualTo(401);
            HttpResponse<String> done = post(http, port, suspend, token);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(cluster.cronJob(io.cronjobguardian.api.CronJobRef.of("team-a", "nightly")).orElseThrow()
                    .suspended()).isTrue();
        }
    }

    @Test
    void onTheManagementPortUnderABasePathTheProbesAndApiAnswerThereAndNotOnTheApplicationsPort(@TempDir Path dir)
            throws Exception {
        // guardian.http.onManagementPort (kebab-case here) with management.server.port set apart; http.basePath too
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "management.server.port=0", "management.server.address=127.0.0.1",
                        "management.endpoints.web.exposure.include=health",
                        "guardian.storage.type=sqlite",
                        "guardian.storage.sqlite.path=" + dir.resolve("guardian.db"),
                        "guardian.http.on-management-port=true", "guardian.http.base-path=/guardian/")
                .run()) {
            String app = ctx.getEnvironment().getProperty("local.server.port");
            String management = ctx.getEnvironment().getProperty("local.management.port");
            assertThat(management).isNotNull().isNotEqualTo(app);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            assertThat(get(http, management, "/guardian/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(http, management, "/guardian/readyz");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(get(http, management, "/guardian/api/v1/cronjobs").statusCode()).isEqualTo(200);
            assertThat(get(http, management, "/healthz").statusCode()).as("only under the base path")
                    .isEqualTo(404);
            assertThat(get(http, management, "/actuator/health").statusCode()).as("the actuator is still there")
                    .isEqualTo(200);
            assertThat(get(http, app, "/guardian/healthz").statusCode()).as("not on the application's port")
                    .isEqualTo(404);
            assertThat(get(http, app, "/guardian/api/v1/cronjobs").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aBasePathOnTheApplicationsPortAndAMalformedOneFailsTheStart(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "guardian.storage.type=sqlite", "guardian.storage.sqlite.path=" + dir.resolve("a.db"),
                        "guardian.http.on-management-port=true",   // no management port apart: the same port
                        "guardian.http.base-path=/ops/guardian")
                .run()) {
            String port = ctx.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThat(get(http, port, "/ops/guardian/api/v1/cronjobs").statusCode()).isEqualTo(200);
            assertThat(get(http, port, "/api/v1/cronjobs").statusCode()).isEqualTo(404);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "guardian.storage.type=sqlite", "guardian.storage.sqlite.path=" + dir.resolve("b.db"),
                        "guardian.http.base-path=/../etc")
                .run().close())
                .hasStackTraceContaining("http.basePath");
    }

    private static HttpResponse<String> post(HttpClient http, String port, String path, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
