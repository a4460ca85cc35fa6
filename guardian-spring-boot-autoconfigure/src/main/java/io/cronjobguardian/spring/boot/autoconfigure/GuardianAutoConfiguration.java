package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Auto-configuration of CronJob Guardian: a {@link GuardianConfig} from the {@code guardian.*} properties, a
 * {@link Guardian} built from it and from the host's beans, started and stopped with the context.
 *
 * <p>What the host's context contributes, each optional:
 * <ul>
 *   <li>{@link MonitorSpec} beans, and monitor files from {@code guardian.monitors.locations} (Spring resources);</li>
 *   <li>{@link AlertChannel} beans (besides the channels configured under {@code guardian.channels.*});</li>
 *   <li>a {@link HistoryStore}, {@link CronJobWatcher} or {@link LeaderElector} bean: used instead of the one
 *       Guardian would create from configuration;</li>
 *   <li>its {@link DataSource}: given to the store when {@code guardian.storage.type} is {@code postgres},
 *       {@code mysql} or {@code mariadb} and no {@code guardian.storage.<type>.host} or {@code .url} is set (with
 *       several DataSources, the one qualified {@link GuardianDataSource @GuardianDataSource}, else the primary);</li>
 *   <li>its {@code KubernetesClient} (watcher and Lease elector use it instead of building their own) and its
 *       {@link MeterRegistry} (Guardian's meters are bound to it);</li>
 *   <li>{@link GuardianConfigCustomizer} and {@link GuardianBuilderCustomizer} beans.</li>
 * </ul>
 * A {@code Guardian} bean of the host's own replaces all of this (and the host starts and closes it); a
 * {@code GuardianConfig} bean of its own replaces the properties. {@code guardian.enabled=false} turns the starter off.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(Guardian.class)
@ConditionalOnProperty(prefix = "guardian", name = "enabled", havingValue = "true", matchIfMissing = true)
public class GuardianAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianAutoConfiguration.class);
    private static final List<String> SERVER_STORES = List.of("postgres", "mysql", "mariadb");

    /**
     * The configuration from {@code guardian.*} properties (and {@code GUARDIAN_*} environment variables), validated
     * at once: an invalid configuration stops the context with every problem listed.
     */
    @Bean
    @ConditionalOnMissingBean
    public GuardianConfig guardianConfig(ConfigurableEnvironment environment,
            ObjectProvider<GuardianConfigCustomizer> customizers) {
        return GuardianPropertiesBridge.build(GuardianPropertiesBridge.collect(environment),
                GuardianPropertiesBridge.guardianEnvironment(environment), customizers.orderedStream().toList());
    }

    /** The engine and its lifecycle, unless the host defines its own {@link Guardian}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(Guardian.class)
    static class GuardianEngineConfiguration {

        @Bean(destroyMethod = "close")
        public Guardian guardian(GuardianConfig config, ConfigurableEnvironment environment,
                ResourcePatternResolver resources, ObjectProvider<MonitorSpec> monitors,
                ObjectProvider<AlertChannel> channels, ObjectProvider<HistoryStore> store,
                ObjectProvider<CronJobWatcher> watcher, ObjectProvider<LeaderElector> elector,
                ObjectProvider<DataSource> dataSources, @GuardianDataSource ObjectProvider<DataSource> qualified,
                ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<GuardianBuilderCustomizer> customizers) {
            Guardian.Builder b = Guardian.builder().config(config);
            List<MonitorSpec> specs = new ArrayList<>(monitors.orderedStream().toList());
            List<String> locations = Binder.get(environment)
                    .bind("guardian.monitors.locations", Bindable.listOf(String.class)).orElse(List.of());
            specs.addAll(MonitorLocations.load(resources, locations, config));
            b.monitors(specs);
            channels.orderedStream().forEach(b::alertChannel);
            store.ifUnique(b::store);
            watcher.ifUnique(b::watcher);
            elector.ifUnique(b::leaderElector);
            if (usesHostDataSource(config)) {
                DataSource ds = Optional.ofNullable(qualified.getIfUnique()).orElseGet(dataSources::getIfUnique);
                if (ds != null) {
                    b.service(DataSource.class, ds);
                    LOG.info("CronJob Guardian stores its history through the application's DataSource");
                }
            }
            meterRegistry.ifUnique(b::meterRegistry);
            customizers.orderedStream().forEach(c -> c.customize(b));
            return b.build();
        }

        @Bean
        public GuardianLifecycle guardianLifecycle(Guardian guardian) {
            return new GuardianLifecycle(guardian);
        }
    }

    /**
     * The host's {@code KubernetesClient}, when it has fabric8 and one client bean: the watcher and the Lease
     * elector use it instead of building their own from the kubeconfig.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KubernetesClient.class)
    static class KubernetesClientConfiguration {

        @Bean
        @Order(0)
        @ConditionalOnBean(KubernetesClient.class)
        public GuardianBuilderCustomizer guardianKubernetesClientCustomizer(ObjectProvider<KubernetesClient> client) {
            return b -> client.ifUnique(c -> b.service(KubernetesClient.class, c));
        }
    }

    /**
     * Whether the store should use the host's DataSource: a server database is selected and Guardian is not told
     * where to connect itself.
     */
    static boolean usesHostDataSource(GuardianConfig config) {
        Optional<String> type = config.storageType().map(t -> t.toLowerCase(Locale.ROOT));
        if (type.isEmpty() || !SERVER_STORES.contains(type.get())) {
            return false;
        }
        GuardianConfig.Database db = switch (type.get()) {
            case "postgres" -> config.postgres();
            case "mysql" -> config.mysql();
            default -> config.mariadb();
        };
        return db.host() == null && db.url() == null;
    }
}
