package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Turns Spring's {@code guardian.*} properties into a {@link GuardianConfig}.
 *
 * <p>Every property under {@code guardian.} in any of the environment's sources (application.yaml, profiles,
 * system properties, command line, test properties, ...) is one Guardian key: {@code guardian.storage.type} is
 * {@code storage.type}, and since Guardian, like Boot, ignores case, {@code -} and {@code _} in keys,
 * {@code guardian.leader-election.lease-duration} and {@code guardian.leaderElection.leaseDuration} are both
 * {@code leaderElection.leaseDuration}. Where several sources set a key, Boot's precedence decides (the first
 * source wins, including an environment variable Boot maps to the same name, such as
 * {@code GUARDIAN_STORAGE_TYPE} or {@code GUARDIAN_LEADERELECTION_LEASEDURATION}). A YAML list becomes
 * Guardian's comma-separated value. {@code GUARDIAN_*} environment variables that no other source sets are read by
 * Guardian itself, with its own matching rules (so {@code GUARDIAN_LEADER_ELECTION_LEASE_DURATION} works too).
 *
 * <p>The starter's own keys ({@link #STARTER_KEYS}) are not passed on. A JVM system property {@code guardian.x} that
 * names no Guardian key is ignored with a warning (system properties are shared with build tools and other
 * libraries, like the environment); from every other source an unknown key is an error. Guardian validates
 * everything at once; its problems come back with the Spring origin of each value
 * ("class path resource [application.yaml] - 4:17").
 */
final class GuardianPropertiesBridge {

    static final String PREFIX = "guardian";
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

    /** Keys the starter reads itself (Guardian's canonical form: lower case, no separators). */
    static final Set<String> STARTER_KEYS = Set.of("enabled", "monitors.locations", "health.enabled",
            "health.cachettl", "health.readiness");

    /**
     * One effective value and where Spring found it.
     *
     * @param shared whether it came from a source other programs share (JVM system properties), where a
     *               {@code guardian.*} name Guardian does not know may belong to someone else
     */
    record Value(String springName, String value, String origin, boolean shared) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(GuardianPropertiesBridge.class);
    /** First segments of keys Guardian hands to providers, which validate them (canonical form). */
    private static final Set<String> PASS_THROUGH = Set.of("watcher", "channels", "storage", "leaderelection");

    private GuardianPropertiesBridge() {
    }

    /** Effective {@code guardian.*} values by Guardian key (the key as the source spelled it, without the prefix). */
    static Map<String, Value> collect(ConfigurableEnvironment env) {
        Map<String, String> canonicalToKey = new LinkedHashMap<>();
        Map<String, Value> out = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)
                    || isSystemEnvironment(source.getUnderlyingSource())) {
                continue;
            }
            Map<String, TreeMap<Integer, ConfigurationProperty>> lists = new LinkedHashMap<>();
            Map<String, ConfigurationProperty> scalars = new LinkedHashMap<>();
            iterable.stream().filter(ROOT::isAncestorOf).forEach(name -> {
                ConfigurationProperty p = source.getConfigurationProperty(name);
                if (p == null) {
                    return;
                }
                if (name.isLastElementIndexed()) {
                    ConfigurationPropertyName listName = name.chop(name.getNumberOfElements() - 1);
                    String idx = name.getLastElement(ConfigurationPropertyName.Form.ORIGINAL);
                    int i;
                    try {
                        i = Integer.parseInt(idx);
                    } catch (NumberFormatException e) {
                        scalars.put(key(name), p); // a map key in brackets: keep as a key of its own
                        return;
                    }
                    lists.computeIfAbsent(key(listName), k -> new TreeMap<>()).put(i, p);
                } else {
                    scalars.put(key(name), p);
                }
            });
            boolean shared = isSystemProperties(source.getUnderlyingSource());
            scalars.forEach((key, p) -> put(canonicalToKey, out, key, p.getName().toString(),
                    text(env, p.getValue()), p.getOrigin(), shared));
            lists.forEach((key, items) -> {
                List<String> values = new ArrayList<>();
                items.values().forEach(p -> values.add(text(env, p.getValue())));
                ConfigurationProperty first = items.firstEntry().getValue();
                String listName = first.getName().chop(first.getName().getNumberOfElements() - 1).toString();
                put(canonicalToKey, out, key, listName, String.join(",", values), first.getOrigin(), shared);
            });
        }
        // a key set in a lower source but overridden by an environment variable Boot maps to the same name
        for (Map.Entry<String, Value> e : List.copyOf(out.entrySet())) {
            Value v = e.getValue();
            ConfigurationPropertyName name = ConfigurationPropertyName.adapt(v.springName(), '.');
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
                ConfigurationProperty p = source.getConfigurationProperty(name);
                if (p == null) {
                    continue;
                }
                if (isSystemEnvironment(source.getUnderlyingSource())) {
                    out.put(e.getKey(), new Value(v.springName(), text(env, p.getValue()), describe(p.getOrigin()),
                            false));
                }
                break; // the first source that has it wins
            }
        }
        return out;
    }

    private static void put(Map<String, String> canonicalToKey, Map<String, Value> out, String key,
            String springName, String value, Origin origin, boolean shared) {
        String canonical = Settings.canonical(key);
        if (canonicalToKey.containsKey(canonical)) {
            return; // a higher source already set it
        }
        canonicalToKey.put(canonical, key);
        out.put(key, new Value(springName, value, describe(origin), shared));
    }

    /** The {@code GUARDIAN_*} environment variables, for Guardian's own environment matching. */
    static Map<String, String> guardianEnvironment(ConfigurableEnvironment env) {
        Map<String, String> out = new TreeMap<>();
        for (PropertySource<?> ps : env.getPropertySources()) {
            if (isSystemEnvironment(ps) && ps instanceof EnumerablePropertySource<?> e) {
                for (String n : e.getPropertyNames()) {
                    Object v = e.getProperty(n);
                    if (n.toUpperCase(java.util.Locale.ROOT).startsWith("GUARDIAN_") && v != null
                            && !out.containsKey(n)) {
                        out.put(n, String.valueOf(v));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Builds the configuration from these values and environment variables.
     *
     * @throws InvalidConfigException every problem, with the Spring origin of each value
     */
    static GuardianConfig build(Map<String, Value> values, Map<String, String> environment,
            List<GuardianConfigCustomizer> customizers) {
        GuardianConfig.Builder b = GuardianConfig.builder().environment(environment);
        Set<String> known = new java.util.HashSet<>();
        GuardianConfig.knownKeys().forEach(k -> known.add(Settings.canonical(k.key())));
        values.forEach((key, v) -> {
            String c = Settings.canonical(key);
            if (STARTER_KEYS.contains(c) || c.startsWith("health.")) {
                return;
            }
            if (v.shared() && !known.contains(c) && !PASS_THROUGH.contains(c.split("\\.")[0])) {
                // like an unknown GUARDIAN_* variable: JVM system properties are shared with build tools and other
                // libraries (-Dguardian.something of a build), so a name Guardian does not know is not an error
                LOG.warn("ignoring system property {}: not a CronJob Guardian key", v.springName());
                return;
            }
            b.set(key, v.value());
        });
        customizers.forEach(c -> c.customize(b));
        try {
            return b.build();
        } catch (InvalidConfigException e) {
            throw withSpringOrigins(e, values);
        }
    }

    /** The same problems, each naming the Spring property and where it was set instead of "builder". */
    static InvalidConfigException withSpringOrigins(InvalidConfigException e, Map<String, Value> values) {
        Map<String, Value> byCanonical = new LinkedHashMap<>();
        values.forEach((k, v) -> byCanonical.put(Settings.canonical(k), v));
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            Value v = byCanonical.get(Settings.canonical(p.path()));
            if (v != null && (p.source() == null || "builder".equals(p.source()))) {
                problems.add(new ConfigProblem(PREFIX + "." + p.path(), p.message(), where(v), 0));
            } else {
                problems.add(new ConfigProblem(PREFIX + "." + p.path(), p.message(), p.source(), p.line()));
            }
        }
        InvalidConfigException out = new InvalidConfigException("invalid CronJob Guardian configuration "
                + "(guardian.* properties)", problems);
        out.initCause(e);
        return out;
    }

    /** {@code class path resource [application.yaml] - 4:17}, or the property's name when Spring knows no origin. */
    private static String where(Value v) {
        if (v.origin() == null) {
            return "property " + v.springName();
        }
        return v.origin().contains(v.springName()) ? v.origin() : "property " + v.springName() + " from " + v.origin();
    }

    private static String key(ConfigurationPropertyName name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
        }
        return sb.toString();
    }

    private static String text(ConfigurableEnvironment env, Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        return value instanceof String ? env.resolvePlaceholders(s) : s;
    }

    private static String describe(Origin origin) {
        return origin == null ? null : origin.toString();
    }

    private static boolean isSystemProperties(Object source) {
        return source instanceof PropertySource<?> ps
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(ps.getName());
    }

    private static boolean isSystemEnvironment(Object source) {
        return source instanceof SystemEnvironmentPropertySource
                || (source instanceof PropertySource<?> ps
                        && StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(ps.getName()));
    }
}
