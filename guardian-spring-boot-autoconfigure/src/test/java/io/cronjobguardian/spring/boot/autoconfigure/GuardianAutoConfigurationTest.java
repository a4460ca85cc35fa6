package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ManualLeaderElector;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Every condition and back-off of {@link GuardianAutoConfiguration}, on real Guardians (in-memory store). */
class GuardianAutoConfigurationTest {

    /** A Guardian on the testkit's in-memory store and scriptable watcher: no cluster, no database. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GuardianAutoConfiguration.class))
            .withPropertyValues("guardian.storage.type=memory")
            .withUserConfiguration(WatcherConfig.class);

    @Configuration(proxyBeanMethods = false)
    static class WatcherConfig {
        @Bean
        ScriptableCronJobWatcher watcher() {
            return new ScriptableCronJobWatcher();
        }
    }

    @Test
    void buildsStartsAndClosesAGuardianFromGuardianProperties() {
        Guardian[] seen = new Guardian[1];
        runner.withPropertyValues("guardian.history-retention.default-days=7",
                "guardian.leaderElection.leaseDuration=20s", "guardian.scheduler.startup-grace-period=0s")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(Guardian.class).hasSingleBean(GuardianLifecycle.class);
                    GuardianConfig config = ctx.getBean(GuardianConfig.class);
                    assertThat(config.retention().defaultDays()).isEqualTo(7);
                    assertThat(config.leaderElection().leaseDuration()).isEqualTo(Duration.ofSeconds(20));
                    Guardian g = ctx.getBean(Guardian.class);
                    seen[0] = g;
                    assertThat(g.health().live()).as("started with the context").isTrue();
                    assertThat(ctx.getBean(ScriptableCronJobWatcher.class).isStarted())
                            .as("the watcher bean is the one Guardian runs").isTrue();
                });
        assertThat(seen[0].health().live()).as("closed with the context").isFalse();
        assertThat(seen[0].health().reasons()).contains("closed");
    }

    @Test
    void theUsersOwnGuardianWinsAndIsNotStartedForThem() {
        runner.withUserConfiguration(OwnGuardian.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Guardian.class).doesNotHaveBean(GuardianLifecycle.class);
            assertThat(ctx.getBean(Guardian.class)).isSameAs(ctx.getBean(OwnGuardian.class).own);
            assertThat(ctx.getBean(Guardian.class).health().reasons()).contains("not started");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnGuardian {
        final Guardian own = Guardian.builder().config(GuardianConfig.builder().noEnvironment()
                .storageType("memory").build()).watcher(new ScriptableCronJobWatcher()).build();

        @Bean
        Guardian myGuardian() {
            return own;
        }
    }

    @Test
    void theUsersOwnGuardianConfigWins() {
        runner.withPropertyValues("guardian.history-retention.default-days=7")
                .withBean(GuardianConfig.class, () -> GuardianConfig.builder().noEnvironment().storageType("memory")
                        .historyRetentionDays(12).build())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(GuardianConfig.class);
                    assertThat(ctx.getBean(Guardian.class).config().retention().defaultDays()).isEqualTo(12);
                });
    }

    @Test
    void guardianEnabledFalseTurnsTheStarterOff() {
        runner.withPropertyValues("guardian.enabled=false").run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean(Guardian.class).doesNotHaveBean(GuardianConfig.class));
    }

    @Test
    void anInvalidConfigurationFailsWithEveryProblemNamedByTheFailureAnalyzer() {
        runner.withPropertyValues("guardian.leader-election.lease-duration=5s",
                "guardian.leader-election.renew-deadline=10s", "guardian.history-retention.default-days=-3",
                "guardian.storage.postgres.max-open-connz=4", "guardian.storage.postgres.password=hunter2-secret")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis a = new GuardianConfigFailureAnalyzer().analyze(ctx.getStartupFailure());
                    assertThat(a).isNotNull();
                    assertThat(a.getDescription())
                            .contains("configuration problems")
                            .contains("guardian.leaderElection.leaseDuration", "guardian.historyRetention.defaultDays",
                                    "max-open-connz")
                            .contains("\"guardian.history-retention.default-days\" from property source")
                            .doesNotContain("hunter2-secret")
                            .doesNotContain("(builder)");
                    assertThat(a.getAction()).contains("guardian.*");
                });
    }

    @Test
    void theFailureAnalyzerIsRegisteredForSpringApplication() {
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, (type, name, failure) -> { });
        assertThat(analyzers).anyMatch(a -> a instanceof GuardianConfigFailureAnalyzer);
    }

    @Test
    void environmentVariablesKeepBootsPrecedenceAndGuardiansOwnSpellings() {
        runner.withInitializer(ctx -> {
            var sources = ctx.getEnvironment().getPropertySources();
            sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("GUARDIAN_HISTORYRETENTION_DEFAULTDAYS", "9",
                                    "GUARDIAN_HISTORY_RETENTION_MAX_DAYS", "100")));
            // an application.yaml-like source below the environment
            sources.addLast(new MapPropertySource("application", Map.of(
                    "guardian.history-retention.default-days", "7", "guardian.storage.log-retention-days", "3")));
        }).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            GuardianConfig c = ctx.getBean(GuardianConfig.class);
            assertThat(c.retention().defaultDays()).as("the variable Boot maps to the key wins over the file")
                    .isEqualTo(9);
            assertThat(c.retention().maxDays()).as("a variable only Guardian's own matching reads").isEqualTo(100);
            assertThat(c.retention().logRetentionDays()).isEqualTo(3);
        });
    }

    @Test
    void yamlListsInAnySpellingBecomeCommaSeparatedValues() {
        runner.withPropertyValues("guardian.watcher.ignoredNamespaces[0]=kube-system",
                "guardian.watcher.ignoredNamespaces[1]=kube-public").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(GuardianConfig.class).ignoredNamespaces())
                            .containsExactlyInAnyOrder("kube-system", "kube-public");
                });
    }

    @Test
    void anUnknownGuardianSystemPropertyIsIgnoredButAKnownOneIsUsed() {
        // -Dguardian.target=... of this project's own build reaches test JVMs as a system property
        runner.withSystemProperties("guardian.some-build-flag=x", "guardian.history-retention.default-days=11")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(GuardianConfig.class).retention().defaultDays()).isEqualTo(11);
                });
        runner.withPropertyValues("guardian.some-build-flag=x")
                .run(ctx -> assertThat(ctx).as("from application properties it is a typo").hasFailed());
    }

    @Test
    void monitorsComeFromBeansAndFromMonitorLocations() {
        runner.withPropertyValues("guardian.monitors.locations=classpath:monitors/*.yaml")
                .withBean("teamA", MonitorSpec.class, () -> MonitorSpec.builder("team-a", "nightly").build())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(Guardian.class).monitors()).extracting(MonitorSpec::id)
                            .containsExactlyInAnyOrder("team-a/nightly", "team-b/backups");
                });
    }

    @Test
    void aBrokenOrMissingMonitorLocationFailsWithEveryProblem() {
        runner.withPropertyValues("guardian.monitors.locations[0]=classpath:broken-monitor.yaml",
                "guardian.monitors.locations[1]=classpath:no-such-file.yaml").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    String d = new GuardianConfigFailureAnalyzer().analyze(ctx.getStartupFailure()).getDescription();
                    assertThat(d).contains("minSuccessRate", "noSuchField", "no-such-file.yaml");
                });
    }

    @Test
    void alertChannelBeansAndCustomizersAreUsed() {
        AtomicInteger builderCustomized = new AtomicInteger();
        runner.withPropertyValues("guardian.history-retention.default-days=7")
                .withBean(RecordingAlertChannel.class, () -> RecordingAlertChannel.named("ops"))
                .withBean(GuardianConfigCustomizer.class, () -> b -> b.historyRetentionDays(5))
                .withBean(GuardianBuilderCustomizer.class, () -> b -> builderCustomized.incrementAndGet())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Guardian g = ctx.getBean(Guardian.class);
                    assertThat(g.channelNames()).containsExactly("ops");
                    assertThat(g.config().retention().defaultDays()).as("a config customizer wins").isEqualTo(5);
                    assertThat(builderCustomized).hasValue(1);
                });
    }

    @Test
    void theHostsMeterRegistryGetsGuardiansMeters() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(MeterRegistry.class).getMeters())
                    .anyMatch(m -> m.getId().getName().startsWith("cronjob_guardian")
                            || m.getId().getName().startsWith("cronjob.guardian"));
        });
    }

    @Test
    void aLeaderElectorBeanIsUsedAndReleasedWhenTheContextCloses() {
        ManualElection election = ManualElection.automatic();
        ManualLeaderElector elector = election.candidate("replica-1");
        runner.withPropertyValues("guardian.leader-election.enabled=true")
                .withBean(LeaderElector.class, () -> elector)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(elector.isStarted()).isTrue();
                });
        assertThat(elector.isClosed()).as("the Lease is released on close").isTrue();
    }

    @Test
    void theHostsKubernetesClientIsHandedOnOnlyWhenThereIsOne() {
        KubernetesClient client = (KubernetesClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KubernetesClient.class}, (p, m, a) -> m.getName().equals("toString") ? "fake" : null);
        runner.withBean(KubernetesClient.class, () -> client).run(ctx -> assertThat(ctx).hasNotFailed()
                .hasBean("guardianKubernetesClientCustomizer"));
        runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("guardianKubernetesClientCustomizer"));
        runner.withClassLoader(new FilteredClassLoader(KubernetesClient.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(Guardian.class)
                        .doesNotHaveBean("guardianKubernetesClientCustomizer"));
    }

    @Test
    void aMissingProviderIsExplainedWithTheArtifactToAdd() {
        runner.withPropertyValues("guardian.storage.type=mysql").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis a = new GuardianConfigFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(a.getDescription()).contains("guardian-store-mysql");
        });
    }

    @Test
    void theHostsDataSourceIsUsedOnlyForAServerStoreWithoutItsOwnConnection() {
        assertThat(GuardianAutoConfiguration.usesHostDataSource(cfg("storage.type", "postgres"))).isTrue();
        assertThat(GuardianAutoConfiguration.usesHostDataSource(cfg("storage.type", "mariadb"))).isTrue();
        assertThat(GuardianAutoConfiguration.usesHostDataSource(GuardianConfig.builder().noEnvironment()
                .storageType("postgres").set("storage.postgres.host", "db").build())).isFalse();
        assertThat(GuardianAutoConfiguration.usesHostDataSource(cfg("storage.type", "sqlite"))).isFalse();
        assertThat(GuardianAutoConfiguration.usesHostDataSource(cfg("storage.type", "memory"))).isFalse();
    }

    private static GuardianConfig cfg(String k, String v) {
        return GuardianConfig.builder().noEnvironment().set(k, v).build();
    }
}
