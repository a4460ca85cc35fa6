package io.cronjobguardian.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads configuration layers: YAML and properties files, and {@code GUARDIAN_*} environment variables. */
final class ConfigSources {

    /** One key/value as a source spelled it. */
    record Raw(String key, String value, String origin) {
    }

    static final String ENV_PREFIX = "GUARDIAN_";

    private ConfigSources() {
    }

    /** Reads a {@code .properties}, {@code .yaml}, {@code .yml} or {@code .json} file. */
    static List<Raw> readFile(Path file, List<ConfigProblem> problems) {
        String origin = "file " + file;
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean properties = name.endsWith(".properties");
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
        if (!properties && !yaml) {
            problems.add(new ConfigProblem("config file", "\"" + file + "\" has an unsupported extension; accepted: "
                    + ".properties, .yaml, .yml or .json", null, 0));
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add(new ConfigProblem("config file", "cannot read " + file + ": " + e, null, 0));
            return List.of();
        }
        return properties ? readProperties(text, origin, problems) : readYaml(text, origin, problems);
    }

    static List<Raw> readProperties(String text, String origin, List<ConfigProblem> problems) {
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            problems.add(new ConfigProblem("config file", "not a valid properties file: " + e.getMessage(), origin, 0));
            return List.of();
        }
        List<Raw> out = new ArrayList<>();
        new TreeMap<>(p).forEach((k, v) -> out.add(new Raw(String.valueOf(k).trim(), String.valueOf(v), origin)));
        return out;
    }

    /** Flattens a YAML mapping to dotted keys; lists of scalars become comma-separated values. */
    static List<Raw> readYaml(String text, String origin, List<ConfigProblem> problems) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add(new ConfigProblem("config file", "not valid YAML: " + e.getProblem(), origin, line));
            return List.of();
        } catch (YAMLException e) {
            problems.add(new ConfigProblem("config file", "not valid YAML: " + e.getMessage(), origin, 0));
            return List.of();
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof Map)) {
            problems.add(new ConfigProblem("config file", "expected a mapping of keys at the top level", origin, 0));
            return List.of();
        }
        List<Raw> out = new ArrayList<>();
        flatten("", (Map<?, ?>) root, origin, out, problems);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, String origin, List<Raw> out,
            List<ConfigProblem> problems) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + String.valueOf(e.getKey()).trim();
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            if (v instanceof Map) {
                flatten(key + ".", (Map<?, ?>) v, origin, out, problems);
            } else if (v instanceof Collection) {
                List<String> items = new ArrayList<>();
                boolean scalars = true;
                for (Object item : (Collection<?>) v) {
                    if (item instanceof Map || item instanceof Collection) {
                        scalars = false;
                    } else if (item != null) {
                        items.add(String.valueOf(item));
                    }
                }
                if (scalars) {
                    out.add(new Raw(key, String.join(",", items), origin));
                } else {
                    problems.add(new ConfigProblem(key, "a list of objects is not accepted here; accepted: a "
                            + "value or a list of values", origin, 0));
                }
            } else {
                out.add(new Raw(key, String.valueOf(v), origin));
            }
        }
    }

    /**
     * Maps {@code GUARDIAN_*} variables to keys. Rules, in order:
     * <ol>
     *   <li>Only variables whose name starts with {@code GUARDIAN_} (any case) are read; empty values are ignored.</li>
     *   <li>A name containing {@code __} is split there into the dotted segments of the key, verbatim:
     *       {@code GUARDIAN_CHANNELS__OPS_TEAM__WEBHOOK_URL} → {@code channels.ops_team.webhook_url}.</li>
     *   <li>Otherwise the rest of the name, with {@code _} removed and case ignored, is matched against every known
     *       key with {@code .}, {@code -} and {@code _} removed: {@code GUARDIAN_LEADER_ELECTION_LEASE_DURATION} and
     *       {@code GUARDIAN_LEADERELECTION_LEASEDURATION} both set {@code leaderElection.leaseDuration}.</li>
     *   <li>Otherwise {@code GUARDIAN_WATCHER_<KEY>} sets {@code watcher.<key>} and
     *       {@code GUARDIAN_CHANNELS_<NAME>_<KEY>} sets {@code channels.<name>.<key>} (the channel name is the first
     *       segment, so it cannot contain {@code _}; use rule 2 for such names).</li>
     *   <li>Anything else is reported as a warning (the environment is shared with other programs) and ignored.</li>
     * </ol>
     *
     * @param known squashed form ({@link ConfigKeys#squash}) → key, for every key, alias and not-applicable key
     */
    static List<Raw> readEnvironment(Map<String, String> env, Map<String, String> known,
            List<ConfigProblem> warnings) {
        List<Raw> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || name.length() <= ENV_PREFIX.length()
                    || !name.regionMatches(true, 0, ENV_PREFIX, 0, ENV_PREFIX.length())
                    || value == null || value.isEmpty()) {
                continue;
            }
            String origin = "environment variable " + name;
            String rest = name.substring(ENV_PREFIX.length());
            if (rest.contains("__")) {
                String[] segments = rest.toLowerCase(Locale.ROOT).split("__");
                out.add(new Raw(String.join(".", segments), value, origin));
                continue;
            }
            String key = known.get(ConfigKeys.squash(rest));
            if (key != null) {
                out.add(new Raw(key, value, origin));
                continue;
            }
            String upper = rest.toUpperCase(Locale.ROOT);
            if (upper.startsWith("WATCHER_") && upper.length() > "WATCHER_".length()) {
                out.add(new Raw("watcher." + rest.substring("WATCHER_".length()).toLowerCase(Locale.ROOT), value,
                        origin));
                continue;
            }
            if (upper.startsWith("CHANNELS_")) {
                String after = rest.substring("CHANNELS_".length());
                int sep = after.indexOf('_');
                if (sep > 0 && sep < after.length() - 1) {
                    out.add(new Raw("channels." + after.substring(0, sep).toLowerCase(Locale.ROOT) + "."
                            + after.substring(sep + 1).toLowerCase(Locale.ROOT), value, origin));
                    continue;
                }
            }
            Map<String, String> byEnvName = new HashMap<>();
            known.values().forEach(k -> byEnvName.put(ConfigKeys.environmentVariable(k), k));
            warnings.add(new ConfigProblem(name, "environment variable does not name a known key; ignored"
                    + Suggestions.didYouMean(name, byEnvName.keySet()), origin, 0));
        }
        return out;
    }
}
