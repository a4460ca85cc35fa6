package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ManualLeaderElector;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code guardian} health component: statuses, caching, conditions and group membership. */
class GuardianHealthTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GuardianAutoConfiguration.class,
                    GuardianHealthAutoConfiguration.class, HealthContributorAutoConfiguration.class,
                    HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
                    ApplicationAvailabilityAutoConfiguration.class,
                    AvailabilityHealthContributorAutoConfiguration.class,
                    AvailabilityProbesAutoConfiguration.class))
            .withPropertyValues("guardian.storage.type=memory")
            .withBean(ScriptableCronJobWatcher.class, ScriptableCronJobWatcher::new);

    private static Guardian guardian(ScriptableCronJobWatcher watcher) {
        return Guardian.builder().config(GuardianConfig.builder().noEnvironment().storageType("memory").build())
                .watcher(watcher).build();
    }

    @Test
    void upWhenReadyOutOfServiceWhenNotReadyDownWhenNotRunningAndCachedForTheTtl() {
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher().delaySyncUntilMarked();
        Guardian g = guardian(watcher);
        ManualClock clock = new ManualClock();
        GuardianHealthIndicator indicator = new GuardianHealthIndicator(g, Duration.ofSeconds(1), clock);
        assertThat(indicator.health().getStatus()).as("not started").isEqualTo(Status.DOWN);
        clock.advance(Duration.ofSeconds(1));
        g.start();
        try {
            Health h = indicator.health();
            assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(h.getDetails()).containsEntry("live", true).containsEntry("ready", false)
                    .containsKey("leader");
            assertThat((List<?>) h.getDetails().get("reasons")).anyMatch(r -> r.toString().contains("synced"));

            watcher.markSynced();
            clock.advance(Duration.ofMillis(999));
            assertThat(indicator.health().getStatus()).as("still the cached answer").isEqualTo(Status.OUT_OF_SERVICE);
            clock.advance(Duration.ofMillis(1));
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        } finally {
            g.close();
        }
        clock.advance(Duration.ofSeconds(1));
        Health closed = indicator.health();
        assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
        assertThat((List<?>) closed.getDetails().get("reasons")).anyMatch(r -> r.toString().equals("closed"));
    }

    @Test
    void aZeroTtlAsksEveryTime() {
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher().delaySyncUntilMarked();
        Guardian g = guardian(watcher).start();
        try {
            HealthIndicator indicator = new GuardianHealthIndicator(g, Duration.ZERO, new ManualClock());
            assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            watcher.markSynced();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        } finally {
            g.close();
        }
    }

    @Test
    void aLeaderShowsItsIdentityAndEpoch() {
        ManualElection election = ManualElection.automatic();
        ManualLeaderElector elector = election.candidate("replica-1");
        CountDownLatch leading = new CountDownLatch(1);
        AtomicLong epoch = new AtomicLong();
        EngineObserver observer = new EngineObserver() {
            @Override
            public void leadership(boolean lead, long e) {
                if (lead) {
                    epoch.set(e);
                    leading.countDown();
                }
            }
        };
        runner.withPropertyValues("guardian.leader-election.enabled=true")
                .withBean(LeaderElector.class, () -> elector)
                .withBean(GuardianBuilderCustomizer.class, () -> b -> b.observer(observer))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(leading.await(10, TimeUnit.SECONDS)).as("leadership taken").isTrue();
                    Health h = ctx.getBean("guardianHealthIndicator", HealthIndicator.class).health();
                    assertThat(h.getStatus()).isEqualTo(Status.UP);
                    assertThat(h.getDetails()).containsEntry("leader", true).containsEntry("identity", "replica-1")
                            .containsEntry("currentLeader", "replica-1").containsEntry("epoch", epoch.get());
                });
    }

    @Test
    void theComponentIsRegisteredWithTheActuatorAndCanBeTurnedOff() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasBean("guardianHealthIndicator");
            assertThat(ctx.getBean("guardianHealthIndicator", HealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
        runner.withPropertyValues("management.health.guardian.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("guardianHealthIndicator"));
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(Guardian.class)
                        .doesNotHaveBean("guardianHealthIndicator"));
    }

    @Test
    void theComponentCoversAGuardianTheHostDefinedItself() {
        runner.withBean("myGuardian", Guardian.class, () -> guardian(new ScriptableCronJobWatcher())).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasBean("guardianHealthIndicator").doesNotHaveBean(GuardianLifecycle.class);
            assertThat(ctx.getBean("guardianHealthIndicator", HealthIndicator.class).health().getStatus())
                    .as("the host did not start it").isEqualTo(Status.DOWN);
        });
    }

    @Test
    void neverInTheLivenessGroupAndInTheReadinessGroupOnlyWhenAskedFor() {
        ApplicationContextRunner probes = runner.withPropertyValues("management.endpoint.health.probes.enabled=true");
        probes.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            HealthEndpointGroups groups = ctx.getBean(HealthEndpointGroups.class);
            assertThat(groups.get("liveness").isMember("guardian")).isFalse();
            assertThat(groups.get("readiness").isMember("guardian")).isFalse();
            assertThat(groups.get("readiness").isMember("readinessState")).as("Boot's own member kept").isTrue();
            assertThat(groups.getPrimary().isMember("guardian")).as("always in /actuator/health").isTrue();
        });
        probes.withPropertyValues("guardian.health.readiness=true").run(ctx -> {
            HealthEndpointGroups groups = ctx.getBean(HealthEndpointGroups.class);
            assertThat(groups.get("readiness").isMember("guardian")).isTrue();
            assertThat(groups.get("liveness").isMember("guardian")).isFalse();
        });
        probes.withPropertyValues("management.endpoint.health.group.liveness.include=*").run(ctx -> {
            HealthEndpointGroups groups = ctx.getBean(HealthEndpointGroups.class);
            assertThat(groups.get("liveness").isMember("guardian")).as("even when the host includes *").isFalse();
            assertThat(groups.get("liveness").isMember("ping")).isTrue();
        });
    }
}
