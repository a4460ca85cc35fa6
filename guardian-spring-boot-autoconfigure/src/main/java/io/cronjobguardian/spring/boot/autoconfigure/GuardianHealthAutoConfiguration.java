package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code guardian} health component, when the host has Boot's health support (the actuator): for the auto-
 * configured Guardian and for one the host defined itself. {@code management.health.guardian.enabled=false} turns
 * it off. It is never in the {@code liveness} group and is in the {@code readiness} group only with
 * {@code guardian.health.readiness=true}.
 */
@AutoConfiguration(after = GuardianAutoConfiguration.class, afterName = {
        // Boot's group post-processor that adds the liveness and readiness groups has the same (lowest) order as
        // ours; post-processors of equal order run in registration order, so ours must be registered after it
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration"})
@ConditionalOnClass({Guardian.class, HealthIndicator.class})
@ConditionalOnBean(Guardian.class)
@ConditionalOnEnabledHealthIndicator("guardian")
public class GuardianHealthAutoConfiguration {

    /** The component's name in {@code /actuator/health}. */
    public static final String NAME = "guardian";

    @Bean(name = "guardianHealthIndicator")
    @ConditionalOnMissingBean(name = "guardianHealthIndicator")
    public GuardianHealthIndicator guardianHealthIndicator(Guardian guardian, Environment environment) {
        Duration ttl = Binder.get(environment).bind("guardian.health.cache-ttl", Duration.class)
                .orElse(Duration.ofSeconds(1));
        return new GuardianHealthIndicator(guardian, ttl, Clock.systemUTC());
    }

    /** Liveness and readiness group membership (only when the actuator's health endpoint is there). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SecurityContext")
    static class GroupsConfiguration {

        @Bean
        static HealthEndpointGroupsPostProcessor guardianHealthEndpointGroups(Environment environment) {
            boolean readiness = Binder.get(environment).bind("guardian.health.readiness", Boolean.class)
                    .orElse(false);
            return new GuardianHealthGroups(NAME, readiness);
        }
    }
}
