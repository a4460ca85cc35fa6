package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * With {@code guardian.http.on-management-port=true} and the actuator on a port of its own
 * ({@code management.server.port}), the HTTP surface is mounted in Boot's management context: {@code /healthz},
 * {@code /readyz} and {@code /api/v1/*} (under {@code guardian.http.base-path} and the management base path) answer
 * on the management port — the seed's probes on 8081 — and not on the application's port. Loaded by Boot only for a
 * separate management context.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass(name = {"io.cronjobguardian.http.GuardianHttpHandler", "jakarta.servlet.http.HttpServlet"})
public class GuardianHttpManagementContextConfiguration {

    @Bean
    public ServletRegistrationBean<jakarta.servlet.http.HttpServlet> guardianHttpManagementServlet(
            ObjectProvider<Guardian> guardian) {
        Guardian g = guardian.getIfUnique();
        if (g == null) {
            ServletRegistrationBean<jakarta.servlet.http.HttpServlet> off = new ServletRegistrationBean<>(
                    new jakarta.servlet.http.HttpServlet() {
                        private static final long serialVersionUID = 1L;
                    });
            off.setEnabled(false);
            return off;
        }
        ServletRegistrationBean<jakarta.servlet.http.HttpServlet> r = GuardianHttpAutoConfiguration.registration(g);
        r.setEnabled(GuardianHttpAutoConfiguration.onManagementPort(g));
        return r;
    }
}
