package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.http.ActionAuthenticator;
import io.cronjobguardian.http.GuardianHttpHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The HTTP surface (guardian-http on the classpath of a servlet application): its handler mounted in the host's web
 * server on the operator's paths ({@code /api/v1/*}, {@code /healthz}, {@code /readyz}; under the host's context
 * path and {@code guardian.http.base-path}, on its port — or on the actuator's management port with
 * {@code guardian.http.on-management-port=true} when {@code management.server.port} sets one apart, see
 * {@link GuardianHttpManagementContextConfiguration}), and the dashboard at {@code guardian.http.dashboard.path}
 * ({@code /ui/}, under the base path too, unless {@code guardian.http.dashboard.enabled=false}). Reads are open;
 * actions ({@code guardian.http.actions.enabled}) need the principal the host's own security (Spring Security)
 * authenticated, or, when {@code guardian.http.token} is set, that bearer token. A bean named
 * {@code guardianHttpServlet} of the host's replaces it (or turns it off).
 */
@AutoConfiguration(after = GuardianAutoConfiguration.class)
@ConditionalOnClass(name = {"io.cronjobguardian.http.GuardianHttpHandler", "jakarta.servlet.http.HttpServlet"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Guardian.class)
public class GuardianHttpAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "guardianHttpServlet")
    public ServletRegistrationBean<jakarta.servlet.http.HttpServlet> guardianHttpServlet(Guardian guardian,
            org.springframework.core.env.Environment environment) {
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> r = registration(guardian);
        if (onManagementPort(guardian) && separateManagementPort(environment)) {
            r.setEnabled(false);   // served by the management context instead
        }
        return r;
    }

    /** The handler over this Guardian, mounted under its base path. */
    static ServletRegistrationBean<jakarta.servlet.http.HttpServlet> registration(Guardian guardian) {
        String token = guardian.config().settings().get("http.token").filter(t -> !t.isBlank()).orElse(null);
        GuardianHttpHandler handler = GuardianHttpHandler.builder(guardian)
                .authenticator(token != null ? ActionAuthenticator.bearerToken(token)
                        : ActionAuthenticator.hostPrincipal())
                .build();
        String base = handler.basePath();
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> r = new ServletRegistrationBean<>(
                new GuardianHttpServlet(handler), base + "/api/v1/*", base + "/healthz", base + "/readyz");
        // the dashboard (guardian.http.dashboard.enabled / .path), served by the same handler
        handler.dashboardPath().ifPresent(p -> r.addUrlMappings(base + p, base + p + "/*"));
        r.setName("guardianHttp");
        return r;
    }

    static boolean onManagementPort(Guardian guardian) {
        return guardian.config().settings().getBoolean("http.onManagementPort", false);
    }

    /**
     * Whether the actuator runs on a port of its own (Boot's rule: {@code management.server.port} set, not negative,
     * and 0 or other than {@code server.port}, which defaults to 8080).
     */
    static boolean separateManagementPort(org.springframework.core.env.Environment env) {
        Integer management = env.getProperty("management.server.port", Integer.class);
        if (management == null || management < 0) {
            return false;
        }
        Integer server = env.getProperty("server.port", Integer.class, 8080);
        return management == 0 || !management.equals(server);
    }
}
