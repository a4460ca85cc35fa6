package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The dashboard in a real Spring Boot application (Tomcat on 127.0.0.1, a context path, a dashboard path of two
 * segments): the page and its files are served there, and the API root the page computes from its relative
 * {@code <meta name="guardian-api">} answers, so the pages work behind the host's context path.
 */
class BootDashboardTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        ScriptableCronJobWatcher watcher() {
            return new ScriptableCronJobWatcher();
        }
    }

    @Test
    void theDashboardIsServedUnderTheContextPathAndReachesTheApiRelatively(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                        "server.servlet.context-path=/host",
                        "guardian.storage.type=sqlite",
                        "guardian.storage.sqlite.path=" + dir.resolve("guardian.db"),
                        "guardian.http.dashboard.path=/ops/guardian")
                .run()) {
            ctx.getBean(ScriptableCronJobWatcher.class).addCronJob(TestObjects.cronJob("team-a", "nightly")
                    .schedule("0 2 * * *").build());
            String base = "http://127.0.0.1:" + ctx.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> redirect = get(http, base + "/host/ops/guardian");
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location").orElse("")).endsWith("guardian/");

            URI page = URI.create(base + "/host/ops/guardian/");
            HttpResponse<String> index = get(http, page.toString());
            assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            Matcher m = Pattern.compile("<meta name=\"guardian-api\" content=\"([^\"]*)\">").matcher(index.body());
            assertThat(m.find()).as(index.body()).isTrue();
            URI apiRoot = page.resolve(m.group(1));
            assertThat(apiRoot.getPath()).isEqualTo("/host/");
            HttpResponse<String> list = get(http, apiRoot.resolve("api/v1/cronjobs").toString());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).contains("\"name\":\"nightly\"");

            HttpResponse<String> js = get(http, page.resolve("app.js").toString());
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
            assertThat(js.headers().firstValue("ETag")).isPresent();
            assertThat(get(http, page.resolve("nope.js").toString()).statusCode()).isEqualTo(404);
            assertThat(get(http, base + "/host/ui/").statusCode()).as("only the configured path").isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
