package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the HTTP surface is mounted in the host's servlet container, and when it backs off. */
class GuardianHttpAutoConfigurationTest {

    private static final AutoConfigurations CONFIGS = AutoConfigurations.of(GuardianAutoConfiguration.class,
            GuardianHttpAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    static class WatcherConfig {
        @Bean
        ScriptableCronJobWatcher watcher() {
            return new ScriptableCronJobWatcher();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnServlet {
        @Bean
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> guardianHttpServlet() {
            return new ServletRegistrationBean<>(new jakarta.servlet.http.HttpServlet() {
                private static final long serialVersionUID = 1L;
            }, "/mine/*");
        }
    }

    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGS)
            .withPropertyValues("guardian.storage.type=memory").withUserConfiguration(WatcherConfig.class);

    @Test
    void aServletApplicationWithGuardianHttpGetsTheApiOnTheOperatorsPaths() {
        web.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasBean("guardianHttpServlet");
            ServletRegistrationBean<?> r = ctx.getBean("guardianHttpServlet", ServletRegistrationBean.class);
            assertThat(r.getUrlMappings()).containsExactlyInAnyOrder("/api/v1/*", "/healthz", "/readyz", "/ui",
                    "/ui/*");
        });
    }

    @Test
    void aBasePathPrefixesTheMappingsAndTheManagementPortTakesThemOnlyWhenSetApart() {
        web.withPropertyValues("guardian.http.base-path=/guardian").run(ctx -> {
            ServletRegistrationBean<?> r = ctx.getBean("guardianHttpServlet", ServletRegistrationBean.class);
            assertThat(r.getUrlMappings()).containsExactlyInAnyOrder("/guardian/api/v1/*", "/guardian/healthz",
                    "/guardian/readyz", "/guardian/ui", "/guardian/ui/*");
            assertThat(r.isEnabled()).isTrue();
        });
        // on the management port when it is set apart: the application's mount is switched off
        web.withPropertyValues("guardian.http.on-management-port=true", "management.server.port=8081",
                "server.port=8080").run(ctx -> assertThat(ctx.getBean("guardianHttpServlet",
                ServletRegistrationBean.class).isEnabled()).isFalse());
        // not set apart (no management port, or the same one): it stays on the application's port
        for (String[] props : new String[][] {{"guardian.http.on-management-port=true"},
                {"guardian.http.on-management-port=true", "management.server.port=8080", "server.port=8080"},
                {"guardian.http.on-management-port=false", "management.server.port=8081"}}) {
            web.withPropertyValues(props).run(ctx -> assertThat(ctx.getBean("guardianHttpServlet",
                    ServletRegistrationBean.class).isEnabled()).as(String.join(", ", props)).isTrue());
        }
        assertThat(GuardianHttpAutoConfiguration.separateManagementPort(new org.springframework.mock.env
                .MockEnvironment().withProperty("management.server.port", "0"))).isTrue();
        assertThat(GuardianHttpAutoConfiguration.separateManagementPort(new org.springframework.mock.env
                .MockEnvironment().withProperty("management.server.port", "-1"))).as("disabled").isFalse();
        assertThat(GuardianHttpAutoConfiguration.separateManagementPort(new org.springframework.mock.env
                .MockEnvironment().withProperty("management.server.port", "8080"))).as("8080 is the default")
                .isFalse();
    }

    @Test
    void itBacksOffWithoutGuardianHttpOutsideServletAppsWithoutGuardianAndForTheHostsOwnBean() {
        web.withClassLoader(new FilteredClassLoader("io.cronjobguardian.http"))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("guardianHttpServlet"));
        new ApplicationContextRunner().withConfiguration(CONFIGS).withPropertyValues("guardian.storage.type=memory")
                .withUserConfiguration(WatcherConfig.class)
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("guardianHttpServlet"));
        web.withPropertyValues("guardian.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("guardianHttpServlet"));
        web.withUserConfiguration(OwnServlet.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean("guardianHttpServlet", ServletRegistrationBean.class).getUrlMappings())
                    .containsExactly("/mine/*");
        });
    }
}
