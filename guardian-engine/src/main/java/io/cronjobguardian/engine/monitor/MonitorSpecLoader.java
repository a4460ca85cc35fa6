package io.cronjobguardian.engine.monitor;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.config.InvalidConfigException;
import io.cronjobguardian.engine.config.UnknownKeyPolicy;
import io.cronjobguardian.engine.monitor.MonitorSpec.DataRetention;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@link MonitorSpec}s from YAML in the operator's {@code CronJobMonitor} shape.
 *
 * <h2>Documents</h2>
 * A file holds one or several documents separated by {@code ---}. Each is either
 * <ul>
 *   <li>a full object: {@code apiVersion: guardian.illenium.net/v1alpha1}, {@code kind: CronJobMonitor},
 *       {@code metadata: {name, namespace}}, {@code spec: {...}}, exactly what {@code kubectl apply} takes (also the
 *       output of {@code kubectl get -o yaml}: {@code status} and the usual metadata fields are accepted and
 *       ignored); a missing {@code metadata.namespace} means {@link Builder#defaultNamespace} ({@code default}, as for
 *       kubectl); documents of another kind (an {@code AlertChannel} kept in the same file) are skipped with a
 *       warning; or</li>
 *   <li>a bare spec: {@code name}, optional {@code namespace}, and the spec's fields at the top level.</li>
 * </ul>
 *
 * <h2>Problems</h2>
 * Every problem of every document (and of every file, with {@link #load(Collection)}) is collected, each with its
 * path ({@code spec.sla.minSuccessRate}), source and line, and thrown together as one {@link InvalidConfigException}.
 * An unknown field is an error by default ({@code spec.sla.minSucessRate: unknown field; did you mean
 * minSuccessRate?}); {@link Builder#unknownFields(UnknownKeyPolicy) WARN} makes it a logged warning instead. Invalid
 * values name the accepted range; regular expressions, cron expressions, time zones and durations are all checked
 * here. Duplicate YAML keys and two monitors with the same {@code namespace/name} are errors.
 *
 * <h2>Compatibility with the operator's files</h2>
 * Durations use Go's format ({@code 30m}, {@code 2h30m}, {@code 25h}; {@code 7d} and ISO-8601 are accepted too).
 * {@code alerting.context} with {@code includeLogs}, {@code logLines}, {@code includeEvents} and
 * {@code includeSuggestedFix}, the spelling of the operator's README and of its {@code full-featured.yaml} example
 * (the operator's CRD has no such field, so the operator never honoured it), is read as {@code includeContext} with a
 * warning. Fields the operator's CRD dropped in earlier versions ({@code remediation}, {@code dependencies},
 * spec-level {@code timezone}, {@code groupingKey}, ...) are reported as unknown with an explanation.
 *
 * <p>Instances are immutable and thread-safe; each call reads its input afresh.
 */
public final class MonitorSpecLoader {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorSpecLoader.class);

    /** The operator's API group. */
    public static final String API_GROUP = "guardian.illenium.net";
    /** The operator's API version of {@code CronJobMonitor}. */
    public static final String API_VERSION = API_GROUP + "/v1alpha1";
    /** The kind this loader reads. */
    public static final String KIND = "CronJobMonitor";

    private final String defaultNamespace;
    private final UnknownKeyPolicy unknownFields;
    private final int maxRetentionDays;
    private final String maxRetentionOrigin;

    /** What was loaded. */
    public record Result(List<MonitorSpec> monitors, List<ConfigProblem> warnings) {
        public Result {
            monitors = List.copyOf(monitors);
            warnings = List.copyOf(warnings);
        }
    }

    private MonitorSpecLoader(Builder b) {
        this.defaultNamespace = b.defaultNamespace;
        this.unknownFields = b.unknownFields;
        this.maxRetentionDays = b.maxRetentionDays;
        this.maxRetentionOrigin = b.maxRetentionOrigin;
    }

    /** Strict (unknown fields are errors), default namespace {@code default}, retention up to 3650 days. */
    public static MonitorSpecLoader defaults() {
        return builder().build();
    }

    /**
     * A loader following the configuration: {@code monitors.unknownFields} and {@code historyRetention.maxDays} as
     * the upper bound of {@code dataRetention.retentionDays}.
     */
    public static MonitorSpecLoader forConfig(GuardianConfig config) {
        return builder().unknownFields(config.monitorUnknownFields())
                .maxRetentionDays(config.retention().maxDays(), "historyRetention.maxDays").build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link MonitorSpecLoader}. */
    public static final class Builder {
        private String defaultNamespace = "default";
        private UnknownKeyPolicy unknownFields = UnknownKeyPolicy.ERROR;
        private int maxRetentionDays = DataRetention.MAX_DAYS;
        private String maxRetentionOrigin = null;

        private Builder() {
        }

        /** Namespace of full objects without {@code metadata.namespace} and of bare specs (default {@code default}). */
        public Builder defaultNamespace(String namespace) {
            MonitorSpec.requireNamespace(namespace, "defaultNamespace");
            this.defaultNamespace = namespace;
            return this;
        }

        /** Unknown fields: {@link UnknownKeyPolicy#ERROR} (default) or {@link UnknownKeyPolicy#WARN} (lenient). */
        public Builder unknownFields(UnknownKeyPolicy policy) {
            this.unknownFields = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Upper bound of {@code dataRetention.retentionDays} (default 3650). */
        public Builder maxRetentionDays(int days) {
            return maxRetentionDays(days, null);
        }

        /**
         * Upper bound of {@code dataRetention.retentionDays}, naming where it comes from in messages.
         *
         * @param origin e.g. {@code historyRetention.maxDays}, or {@code null}
         */
        public Builder maxRetentionDays(int days, @Nullable String origin) {
            MonitorSpec.range(days, 1, DataRetention.MAX_DAYS, "maxRetentionDays");
            this.maxRetentionDays = days;
            this.maxRetentionOrigin = origin;
            return this;
        }

        /** Builds the loader. */
        public MonitorSpecLoader build() {
            return new MonitorSpecLoader(this);
        }
    }

    // ------------------------------------------------------------------ entry points

    /**
     * Loads one file.
     *
     * @throws InvalidConfigException with every problem of the file
     */
    public Result load(Path file) {
        return load(List.of(file));
    }

    /**
     * Loads several files; problems of all of them are reported together, and a monitor id defined twice (in one file
     * or across files) is an error.
     *
     * @throws InvalidConfigException with every problem found
     */
    public Result load(Collection<Path> files) {
        Run run = new Run();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                run.errors.add(new ConfigProblem("(file)", "cannot read: " + e, f.toString(), 0));
                continue;
            }
            read(text, f.toString(), run);
        }
        return run.finish(files.size() == 1 ? files.iterator().next().toString() : files.size() + " files");
    }

    /**
     * Loads YAML text.
     *
     * @param sourceName how the text is named in messages (a file name, {@code "inline"}, ...)
     * @throws InvalidConfigException with every problem found
     */
    public Result parse(String yaml, String sourceName) {
        Run run = new Run();
        read(Objects.requireNonNull(yaml, "yaml"), Objects.requireNonNull(sourceName, "sourceName"), run);
        return run.finish(sourceName);
    }

    /** Problems and results of one call. */
    private final class Run {
        final List<ConfigProblem> errors = new ArrayList<>();
        final List<ConfigProblem> warnings = new ArrayList<>();
        final List<MonitorSpec> monitors = new ArrayList<>();
        final Map<String, String> seen = new HashMap<>();

        Result finish(String what) {
            if (!errors.isEmpty()) {
                throw new InvalidConfigException("invalid CronJobMonitor spec in " + what, errors);
            }
            for (ConfigProblem w : warnings) {
                LOG.warn("Monitor spec: {}", w);
            }
            return new Result(monitors, warnings);
        }
    }

    private void read(String text, String source, Run run) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Object> docs = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        try {
            for (Object o : new Yaml(new SafeConstructor(options)).loadAll(text)) {
                docs.add(o);
            }
            for (Node n : new Yaml(new SafeConstructor(options)).composeAll(new StringReader(text))) {
                nodes.add(n);
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            run.errors.add(new ConfigProblem("(yaml)", "not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"), source, line));
            return;
        } catch (YAMLException e) {
            run.errors.add(new ConfigProblem("(yaml)", "not valid YAML: " + e.getMessage(), source, 0));
            return;
        }
        for (int i = 0; i < docs.size(); i++) {
            Object doc = docs.get(i);
            if (doc == null) {
                continue;
            }
            Map<String, Integer> lines = new HashMap<>();
            if (i < nodes.size() && nodes.get(i) != null) {
                index(nodes.get(i), "", lines, 0);
            }
            SpecDocument d = new SpecDocument(source, lines, run.errors, run.warnings, defaultNamespace,
                    unknownFields, maxRetentionDays, maxRetentionOrigin);
            MonitorSpec spec = d.readDocument(doc);
            if (spec != null && d.errorCount == 0) {
                String where = source + (d.line("") > 0 ? ", line " + d.line("") : "");
                String previous = run.seen.putIfAbsent(spec.id(), where);
                if (previous != null) {
                    run.errors.add(new ConfigProblem(d.isFull ? "metadata.name" : "name", "duplicate monitor "
                            + spec.id() + " (first defined in " + previous + ")", source,
                            d.line(d.isFull ? "metadata.name" : "name")));
                } else {
                    run.monitors.add(spec);
                }
            }
        }
    }

    private static void index(Node node, String path, Map<String, Integer> lines, int depth) {
        if (node == null || depth > 64) {
            return;
        }
        lines.putIfAbsent(path, node.getStartMark().getLine() + 1);
        if (node instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                if (t.getKeyNode() instanceof ScalarNode) {
                    String key = ((ScalarNode) t.getKeyNode()).getValue();
                    String child = path.isEmpty() ? key : path + "." + key;
                    lines.put(child, t.getKeyNode().getStartMark().getLine() + 1);
                    index(t.getValueNode(), child, lines, depth + 1);
                }
            }
        } else if (node instanceof SequenceNode) {
            List<Node> items = ((SequenceNode) node).getValue();
            for (int i = 0; i < items.size(); i++) {
                index(items.get(i), path + "[" + i + "]", lines, depth + 1);
            }
        }
    }
}
