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
 * path, on its port), and the dashboard at {@code guardian.http.dashboard.path} ({@code /ui/}, unless
 * {@code guardian.http.dashboard.enabled=false}). Reads are open; actions ({@code guardian.http.actions.enabled}) need the principal the host's
 * own security (Spring Security) authenticated, or, when {@code guardian.http.token} is set, that bearer token. A
 * bean named {@code guardianHttpServlet} of the host's replaces it (or turns it off).
 */
@AutoConfiguration(after = GuardianAutoConfiguration.class)
@ConditionalOnClass(name = {"io.cronjobguardian.http.GuardianHttpHandler", "jakarta.servlet.http.HttpServlet"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Guardian.class)
public class GuardianHttpAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "guardianHttpServlet")
    public ServletRegistrationBean<jakarta.servlet.http.HttpServlet> guardianHttpServlet(Guardian guardian) {
        String token = guardian.config().settings().get("http.token").filter(t -> !t.isBlank()).orElse(null);
        GuardianHttpHandler handler = GuardianHttpHandler.builder(guardian)
                .authenticator(token != null ? ActionAuthenticator.bearerToken(token)
                        : ActionAuthenticator.hostPrincipal())
                .build();
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> r = new ServletRegistrationBean<>(
                new GuardianHttpServlet(handler), "/api/v1/*", "/healthz", "/readyz");
        // the dashboard (guardian.http.dashboard.enabled / .path), served by the same handler
        handler.dashboardPath().ifPresent(p -> r.addUrlMappings(p, p + "/*"));
        r.setName("guardianHttp");
        return r;
    }
}
