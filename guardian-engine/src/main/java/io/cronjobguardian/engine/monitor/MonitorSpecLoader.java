package io.cronjobguardian.engine.monitor;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.config.InvalidConfigException;
import io.cronjobguardian.engine.config.Suggestions;
import io.cronjobguardian.engine.config.UnknownKeyPolicy;
import io.cronjobguardian.engine.monitor.MonitorSpec.Alerting;
import io.cronjobguardian.engine.monitor.MonitorSpec.AutoFromSchedule;
import io.cronjobguardian.engine.monitor.MonitorSpec.ChannelRef;
import io.cronjobguardian.engine.monitor.MonitorSpec.DataRetention;
import io.cronjobguardian.engine.monitor.MonitorSpec.DeadManSwitch;
import io.cronjobguardian.engine.monitor.MonitorSpec.ExitCodeRange;
import io.cronjobguardian.engine.monitor.MonitorSpec.FixMatch;
import io.cronjobguardian.engine.monitor.MonitorSpec.IncludeContext;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelRequirement;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelSelector;
import io.cronjobguardian.engine.monitor.MonitorSpec.MaintenanceWindow;
import io.cronjobguardian.engine.monitor.MonitorSpec.OnCronJobDeletion;
import io.cronjobguardian.engine.monitor.MonitorSpec.OnRecreation;
import io.cronjobguardian.engine.monitor.MonitorSpec.Operator;
import io.cronjobguardian.engine.monitor.MonitorSpec.Selector;
import io.cronjobguardian.engine.monitor.MonitorSpec.SeverityOverrides;
import io.cronjobguardian.engine.monitor.MonitorSpec.Sla;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuggestedFixPattern;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuspendedHandling;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

    private static final String DURATION_FORMS = "Go-style durations such as 30m, 1h, 2h30m or 25h";
    private static final Set<String> OBJECT_META = Set.of("name", "namespace", "labels", "annotations", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "finalizers", "ownerReferences", "managedFields", "generateName", "selfLink");
    private static final Map<String, String> RETIRED = Map.of(
            "remediation", "auto-remediation was removed from the operator's CRD; not supported",
            "dependencies", "dependencies were removed from the operator's CRD; not supported",
            "timezone", "removed from the operator's CRD: schedules use the CronJob's own spec.timeZone, and each "
                    + "maintenance window has its own timezone",
            "groupingKey", "removed from the operator's CRD; incidents are grouped per CronJob and alert type",
            "suppressRemediation", "remediation was removed from the operator's CRD; not supported",
            "stuckJob", "stuck Jobs are configured by spec.stuckJob (enabled, noPodAfter), their severity by "
                    + "alerting.severityOverrides.jobStuck; a run that takes too long is sla.maxDuration",
            "dependencyFailed", "this alert type was removed from the operator's CRD; not supported");

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
            Doc d = new Doc(source, lines, run);
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

    // ------------------------------------------------------------------ one document

    /** Reads one document, collecting its problems. */
    private final class Doc {
        final String source;
        final Map<String, Integer> lines;
        final Run run;
        int errorCount;
        boolean isFull;

        Doc(String source, Map<String, Integer> lines, Run run) {
            this.source = source;
            this.lines = lines;
            this.run = run;
        }

        int line(String path) {
            String p = path;
            while (true) {
                Integer l = lines.get(p);
                if (l != null) {
                    return l;
                }
                if (p.isEmpty()) {
                    return 0;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
        }

        void error(String path, String message) {
            errorCount++;
            run.errors.add(new ConfigProblem(path, message, source, line(path)));
        }

        void warn(String path, String message) {
            run.warnings.add(new ConfigProblem(path, message, source, line(path)));
        }

        void unknown(String path, String message) {
            if (unknownFields == UnknownKeyPolicy.ERROR) {
                error(path, message);
            } else {
                warn(path, message + "; ignored");
            }
        }

        @Nullable MonitorSpec readDocument(Object doc) {
            if (!(doc instanceof Map)) {
                error("(document)", "expected a CronJobMonitor object or a monitor spec (a mapping), got "
                        + describe(doc));
                return null;
            }
            Map<?, ?> map = (Map<?, ?>) doc;
            isFull = map.containsKey("apiVersion") || map.containsKey("kind") || map.containsKey("metadata")
                    || map.containsKey("spec");
            Obj root = new Obj(this, "", map);
            String namespace;
            String name;
            Obj spec;
            if (isFull) {
                String apiVersion = root.string("apiVersion");
                String kind = root.string("kind");
                if (kind != null && !kind.equals(KIND)) {
                    warn("kind", "document of kind " + kind + " skipped; this loader reads " + KIND);
                    return null;
                }
                if (kind == null && apiVersion != null) {
                    error("kind", "is required when apiVersion is set; accepted: " + KIND);
                }
                if (apiVersion != null && !apiVersion.startsWith(API_GROUP + "/")) {
                    error("apiVersion", "\"" + apiVersion + "\" is not accepted; accepted: " + API_VERSION);
                }
                Obj metadata = root.obj("metadata");
                name = null;
                namespace = null;
                if (metadata == null) {
                    error("metadata.name", "is required");
                } else {
                    for (String f : OBJECT_META) {
                        metadata.take(f);
                    }
                    name = metadata.string("name");
                    namespace = metadata.string("namespace");
                    if (name == null) {
                        error("metadata.name", "is required");
                    }
                    metadata.finish();
                }
                root.take("status");
                spec = root.obj("spec");
                if (spec == null) {
                    spec = new Obj(this, "spec", Map.of());
                }
                root.finish();
            } else {
                name = root.string("name");
                namespace = root.string("namespace");
                if (name == null) {
                    error("name", "is required (a bare spec names its monitor with a top-level name field)");
                }
                spec = root;
            }
            String namePath = isFull ? "metadata.name" : "name";
            String nsPath = isFull ? "metadata.namespace" : "namespace";
            if (name != null && (name.length() > 253 || !MonitorSpec.DNS_SUBDOMAIN.matcher(name).matches())) {
                error(namePath, "\"" + name + "\" is not accepted; accepted: a Kubernetes object name (lower-case "
                        + "RFC 1123 subdomain, at most 253 characters)");
            }
            if (namespace == null) {
                namespace = defaultNamespace;
            } else if (!MonitorSpec.DNS_LABEL.matcher(namespace).matches()) {
                error(nsPath, "\"" + namespace + "\" is not accepted; accepted: a namespace name (lower-case RFC "
                        + "1123 label, at most 63 characters)");
            }
            return readSpec(spec, namespace, name);
        }

        @Nullable MonitorSpec readSpec(Obj spec, String namespace, @Nullable String name) {
            Selector selector = selector(spec.obj("selector"));
            DeadManSwitch deadMan = deadManSwitch(spec.obj("deadManSwitch"));
            Sla sla = sla(spec.obj("sla"));
            SuspendedHandling suspended = suspendedHandling(spec.obj("suspendedHandling"));
            List<MaintenanceWindow> windows = maintenanceWindows(spec, "maintenanceWindows");
            Alerting alerting = alerting(spec.obj("alerting"));
            DataRetention retention = dataRetention(spec.obj("dataRetention"));
            MonitorSpec.StuckJob stuck = stuckJob(spec.obj("stuckJob"));
            spec.finish();
            if (errorCount > 0 || name == null) {
                return null;
            }
            try {
                return new MonitorSpec(namespace, name, selector, deadMan, sla, suspended, windows, alerting,
                        retention, stuck);
            } catch (IllegalArgumentException e) {
                error(spec.path.isEmpty() ? "(spec)" : spec.path, e.getMessage());
                return null;
            }
        }

        // -------------------------------------------------------------- blocks

        Selector selector(@Nullable Obj o) {
            if (o == null) {
                return Selector.ownNamespace();
            }
            Map<String, String> matchLabels = o.stringMap("matchLabels");
            List<LabelRequirement> expressions = requirements(o, "matchExpressions");
            List<String> matchNames = o.stringList("matchNames");
            for (int i = 0; i < matchNames.size(); i++) {
                String n = matchNames.get(i);
                int slash = n.indexOf('/');
                String ns = slash >= 0 ? n.substring(0, slash) : null;
                String cj = slash >= 0 ? n.substring(slash + 1) : n;
                if ((ns != null && !MonitorSpec.DNS_LABEL.matcher(ns).matches()) || cj.length() > 253
                        || !MonitorSpec.DNS_SUBDOMAIN.matcher(cj).matches()) {
                    error(o.child("matchNames") + "[" + i + "]", "\"" + n + "\" is not accepted; accepted: a "
                            + "CronJob name, or namespace/name");
                }
            }
            List<String> namespaces = o.stringList("namespaces");
            for (int i = 0; i < namespaces.size(); i++) {
                if (!MonitorSpec.DNS_LABEL.matcher(namespaces.get(i)).matches()) {
                    error(o.child("namespaces") + "[" + i + "]", "\"" + namespaces.get(i) + "\" is not accepted; "
                            + "accepted: a namespace name (lower-case RFC 1123 label)");
                }
            }
            LabelSelector nsSelector = null;
            Obj ns = o.obj("namespaceSelector");
            if (ns != null) {
                nsSelector = new LabelSelector(ns.stringMap("matchLabels"), requirements(ns, "matchExpressions"));
                ns.finish();
            }
            Boolean all = o.bool("allNamespaces");
            boolean allNamespaces = all != null && all;
            if (allNamespaces && (!namespaces.isEmpty() || nsSelector != null)) {
                warn(o.child("allNamespaces"), "allNamespaces takes precedence; "
                        + (namespaces.isEmpty() ? "namespaceSelector" : "namespaces") + " is ignored");
            } else if (!namespaces.isEmpty() && nsSelector != null) {
                warn(o.child("namespaceSelector"), "namespaces takes precedence; namespaceSelector is ignored");
            }
            o.finish();
            return errorCount > 0 ? Selector.ownNamespace()
                    : new Selector(matchLabels, expressions, matchNames, namespaces, nsSelector, allNamespaces);
        }

        List<LabelRequirement> requirements(Obj o, String field) {
            List<LabelRequirement> out = new ArrayList<>();
            List<Obj> items = o.objList(field);
            for (Obj r : items) {
                String key = r.string("key");
                String op = r.string("operator");
                List<String> values = r.stringList("values");
                r.finish();
                if (key == null || key.isBlank()) {
                    r.doc.error(r.child("key"), "is required");
                }
                Operator operator = null;
                if (op == null) {
                    r.doc.error(r.child("operator"), "is required; accepted: In, NotIn, Exists, DoesNotExist");
                } else {
                    try {
                        operator = Operator.parse(op);
                    } catch (IllegalArgumentException e) {
                        r.doc.error(r.child("operator"), e.getMessage());
                    }
                }
                if (operator != null) {
                    boolean needs = operator == Operator.IN || operator == Operator.NOT_IN;
                    if (needs && values.isEmpty()) {
                        error(r.child("values"), "must not be empty for operator " + operator.wireName());
                    } else if (!needs && !values.isEmpty()) {
                        error(r.child("values"), "must be empty for operator " + operator.wireName());
                    } else if (key != null && !key.isBlank()) {
                        out.add(new LabelRequirement(key, operator, values));
                    }
                }
            }
            return out;
        }

        DeadManSwitch deadManSwitch(@Nullable Obj o) {
            if (o == null) {
                return DeadManSwitch.disabled();
            }
            boolean enabled = o.bool("enabled", true);
            Duration max = o.duration("maxTimeSinceLastSuccess", Dur.POSITIVE);
            AutoFromSchedule auto = AutoFromSchedule.disabled();
            Obj a = o.obj("autoFromSchedule");
            if (a != null) {
                Boolean on = a.bool("enabled");
                if (on == null && !a.hasInvalid("enabled")) {
                    error(a.child("enabled"), "is required; accepted: true or false");
                }
                Duration buffer = a.duration("buffer", Dur.NON_NEGATIVE);
                Integer threshold = a.integer("missedScheduleThreshold", 1, AutoFromSchedule.MAX_THRESHOLD);
                a.finish();
                auto = new AutoFromSchedule(on != null && on, buffer == null ? Duration.ofHours(1) : buffer,
                        threshold == null ? 1 : threshold);
            }
            o.finish();
            DeadManSwitch d = new DeadManSwitch(enabled, max, auto);
            if (enabled && !d.canTrigger() && errorCount == 0) {
                warn(o.path, "enabled, but neither maxTimeSinceLastSuccess nor autoFromSchedule.enabled is set, so "
                        + "it can never trigger");
            }
            return d;
        }

        Sla sla(@Nullable Obj o) {
            if (o == null) {
                return Sla.disabled();
            }
            Sla def = Sla.defaults();
            boolean enabled = o.bool("enabled", true);
            Double minRate = o.number("minSuccessRate", 0, 100);
            Integer windowDays = o.integer("windowDays", 1, 365);
            Duration maxDuration = o.duration("maxDuration", Dur.POSITIVE);
            List<Integer> percentiles = new ArrayList<>();
            List<Object> raw = o.list("durationPercentiles");
            for (int i = 0; i < raw.size(); i++) {
                Integer p = o.integerValue(o.child("durationPercentiles") + "[" + i + "]", raw.get(i), 1, 99);
                if (p != null) {
                    percentiles.add(p);
                }
            }
            Integer threshold = o.integer("durationRegressionThreshold", 1, 1000);
            Integer baseline = o.integer("durationBaselineWindowDays", 1, 365);
            Duration recent = o.duration("durationRecentWindow", Dur.POSITIVE);
            Integer minSamples = o.integer("durationRegressionMinSamples", 1, 10_000);
            Integer minRuns = o.integer("minRunsForSuccessRate", 1, 10_000);
            Integer maxFailures = o.integer("maxConsecutiveFailures", 1, 1000);
            o.finish();
            int baselineDays = baseline == null ? def.durationBaselineWindowDays() : baseline;
            Duration recentWindow = recent == null ? Sla.MIN_RECENT_WINDOW : recent; // unset: derived, >= 1 day
            if (recentWindow.compareTo(Duration.ofDays(baselineDays)) >= 0) {
                error(o.child(recent != null ? "durationRecentWindow" : "durationBaselineWindowDays"),
                        "the recent window (" + Settings.format(recentWindow) + ") must be shorter than the baseline "
                                + "window (durationBaselineWindowDays: " + baselineDays + " days)");
            }
            if (errorCount > 0) {
                return def;
            }
            return new Sla(enabled, minRate == null ? def.minSuccessRate() : minRate,
                    windowDays == null ? def.windowDays() : windowDays, maxDuration,
                    percentiles.isEmpty() ? def.durationPercentiles() : percentiles,
                    threshold == null ? def.durationRegressionThreshold() : threshold, baselineDays, recent,
                    minSamples, minRuns, maxFailures);
        }

        SuspendedHandling suspendedHandling(@Nullable Obj o) {
            if (o == null) {
                return SuspendedHandling.defaults();
            }
            boolean pause = o.bool("pauseMonitoring", true);
            Duration alertAfter = o.duration("alertIfSuspendedFor", Dur.POSITIVE);
            o.finish();
            return new SuspendedHandling(pause, alertAfter);
        }

        MonitorSpec.StuckJob stuckJob(@Nullable Obj o) {
            if (o == null) {
                return MonitorSpec.StuckJob.defaults();
            }
            boolean enabled = o.bool("enabled", true);
            Duration noPodAfter = o.duration("noPodAfter", Dur.POSITIVE);
            o.finish();
            return new MonitorSpec.StuckJob(enabled, noPodAfter);
        }

        List<MaintenanceWindow> maintenanceWindows(Obj spec, String field) {
            List<MaintenanceWindow> out = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            for (Obj w : spec.objList(field)) {
                int before = errorCount;
                String name = w.string("name");
                String schedule = w.string("schedule");
                Duration duration = w.duration("duration", Dur.POSITIVE);
                String tz = w.string("timezone");
                boolean suppress = w.bool("suppressAlerts", true);
                w.finish();
                if (name == null || name.isBlank()) {
                    error(w.child("name"), "is required");
                } else if (names.putIfAbsent(name, w.path) != null) {
                    error(w.child("name"), "duplicate maintenance window name \"" + name + "\" (also at "
                            + names.get(name) + ")");
                }
                if (duration == null && !w.hasInvalid("duration")) {
                    error(w.child("duration"), "is required; accepted: " + DURATION_FORMS);
                }
                ZoneId zone = ZoneOffset.UTC;
                if (tz != null) {
                    zone = zone(w.child("timezone"), tz);
                }
                if (schedule == null || schedule.isBlank()) {
                    error(w.child("schedule"), "is required; accepted: a cron expression such as \"0 2 * * 0\"");
                } else if (zone != null) {
                    try {
                        CronSchedule parsed = CronSchedule.parse(schedule, zone);
                        if (parsed.isRelative()) {
                            error(w.child("schedule"), "\"" + schedule + "\": @every has no fixed start times; "
                                    + "accepted: a five-field cron expression or a descriptor such as @weekly");
                        }
                    } catch (IllegalArgumentException e) {
                        error(w.child("schedule"), "\"" + schedule + "\" is not a valid cron expression: "
                                + e.getMessage());
                    }
                }
                if (errorCount == before) {
                    out.add(new MaintenanceWindow(name, schedule, duration, zone, suppress));
                }
            }
            return out;
        }

        @Nullable ZoneId zone(String path, String tz) {
            if (tz.isBlank()) {
                return ZoneOffset.UTC;
            }
            if (tz.equalsIgnoreCase("Local")) {
                error(path, "\"Local\" is the process's time zone, which differs between replicas; accepted: an "
                        + "IANA zone such as UTC, Europe/Berlin or America/New_York");
                return null;
            }
            try {
                return ZoneId.of(tz.trim());
            } catch (RuntimeException e) {
                error(path, "\"" + tz + "\" is not a time zone; accepted: an IANA zone such as UTC, Europe/Berlin or "
                        + "America/New_York");
                return null;
            }
        }

        Alerting alerting(@Nullable Obj o) {
            if (o == null) {
                return Alerting.defaults();
            }
            boolean enabled = o.bool("enabled", true);
            List<ChannelRef> refs = new ArrayList<>();
            Set<String> refNames = new LinkedHashSet<>();
            for (Obj r : o.objList("channelRefs")) {
                String name = r.string("name");
                List<String> sev = r.stringList("severities");
                r.finish();
                Set<Severity> severities = EnumSet.noneOf(Severity.class);
                for (int i = 0; i < sev.size(); i++) {
                    try {
                        severities.add(Severity.parse(sev.get(i)));
                    } catch (IllegalArgumentException e) {
                        error(r.child("severities") + "[" + i + "]", "\"" + sev.get(i) + "\" is not accepted; "
                                + "accepted: critical, warning, info");
                    }
                }
                if (name == null || name.isBlank()) {
                    error(r.child("name"), "is required");
                } else {
                    if (!refNames.add(name)) {
                        warn(r.child("name"), "channel " + name + " is listed twice; its severities are merged");
                    }
                    refs.add(new ChannelRef(name, severities));
                }
            }
            SeverityOverrides overrides = SeverityOverrides.none();
            Obj so = o.obj("severityOverrides");
            if (so != null) {
                overrides = new SeverityOverrides(severity(so, "jobFailed"), severity(so, "deadManTriggered"),
                        severity(so, "slaBreached"), severity(so, "durationRegression"),
                        severity(so, "missedSchedule"), severity(so, "suspendedTooLong"), severity(so, "jobStuck"),
                        severity(so, "ranTooOften"));
                so.finish();
            }
            Duration suppress = o.duration("suppressDuplicatesFor", Dur.NON_NEGATIVE);
            Duration delay = o.duration("alertDelay", Dur.NON_NEGATIVE);
            Duration renotify = o.duration("renotifyInterval", Dur.AT_LEAST_A_MINUTE);
            IncludeContext context = includeContext(o.obj("includeContext"));
            Obj legacy = o.obj("context");
            if (legacy != null) {
                if (o.map.containsKey("includeContext")) {
                    error(legacy.path, "set either includeContext or context (the older spelling), not both");
                } else {
                    warn(legacy.path, "spelling of the operator's README and full-featured example, which the "
                            + "operator's CRD never had (so the operator ignored it); read as includeContext "
                            + "(includeLogs → logs, includeEvents → events, includeSuggestedFix → suggestedFixes)");
                    context = legacyContext(legacy);
                }
            }
            List<SuggestedFixPattern> patterns = new ArrayList<>();
            Set<String> patternNames = new LinkedHashSet<>();
            for (Obj p : o.objList("suggestedFixPatterns")) {
                SuggestedFixPattern pattern = fixPattern(p);
                if (pattern != null) {
                    if (!patternNames.add(pattern.name())) {
                        error(p.child("name"), "duplicate suggested fix pattern name \"" + pattern.name() + "\"");
                    }
                    patterns.add(pattern);
                }
            }
            o.finish();
            Map<String, ChannelRef> merged = new LinkedHashMap<>();
            for (ChannelRef r : refs) {
                merged.merge(r.name(), r, (a, b) -> a.severities().isEmpty() || b.severities().isEmpty()
                        ? ChannelRef.of(a.name()) : new ChannelRef(a.name(), union(a.severities(), b.severities())));
            }
            return new Alerting(enabled, new ArrayList<>(merged.values()), overrides, suppress,
                    delay == null ? Duration.ZERO : delay, context, patterns, renotify);
        }

        private Set<Severity> union(Set<Severity> a, Set<Severity> b) {
            Set<Severity> s = EnumSet.noneOf(Severity.class);
            s.addAll(a);
            s.addAll(b);
            return s;
        }

        @Nullable Severity severity(Obj o, String field) {
            String v = o.string(field);
            if (v == null) {
                return null;
            }
            try {
                return Severity.parse(v);
            } catch (IllegalArgumentException e) {
                error(o.child(field), "\"" + v + "\" is not accepted; accepted: critical, warning, info");
                return null;
            }
        }

        IncludeContext includeContext(@Nullable Obj o) {
            IncludeContext def = IncludeContext.defaults();
            if (o == null) {
                return def;
            }
            boolean logs = o.bool("logs", def.logs());
            Integer lines = o.integer("logLines", 1, IncludeContext.MAX_LOG_LINES);
            String container = o.string("logContainerName");
            boolean init = o.bool("includeInitContainerLogs", def.includeInitContainerLogs());
            boolean events = o.bool("events", def.events());
            boolean podStatus = o.bool("podStatus", def.podStatus());
            boolean fixes = o.bool("suggestedFixes", def.suggestedFixes());
            o.finish();
            return new IncludeContext(logs, lines == null ? def.logLines() : lines, container, init, events,
                    podStatus, fixes);
        }

        IncludeContext legacyContext(Obj o) {
            IncludeContext def = IncludeContext.defaults();
            boolean logs = o.bool("includeLogs", def.logs());
            Integer lines = o.integer("logLines", 1, IncludeContext.MAX_LOG_LINES);
            boolean events = o.bool("includeEvents", def.events());
            boolean fixes = o.bool("includeSuggestedFix", def.suggestedFixes());
            o.finish();
            return new IncludeContext(logs, lines == null ? def.logLines() : lines, null,
                    def.includeInitContainerLogs(), events, def.podStatus(), fixes);
        }

        @Nullable SuggestedFixPattern fixPattern(Obj p) {
            int before = errorCount;
            String name = p.string("name");
            String suggestion = p.string("suggestion");
            Integer priority = p.integer("priority", -1_000_000, 1_000_000);
            Obj m = p.obj("match");
            FixMatch match = null;
            if (m == null) {
                if (!p.hasInvalid("match")) {
                    error(p.child("match"), "is required; accepted: an object with at least one of exitCode, "
                            + "exitCodeRange, reason, reasonPattern, logPattern, eventPattern");
                }
            } else {
                Integer exitCode = m.integer("exitCode", 0, 255);
                ExitCodeRange range = null;
                Obj r = m.obj("exitCodeRange");
                if (r != null) {
                    Integer min = r.integer("min", 0, 255);
                    Integer max = r.integer("max", 0, 255);
                    r.finish();
                    if (min == null && !r.hasInvalid("min")) {
                        error(r.child("min"), "is required; accepted: 0 to 255");
                    }
                    if (max == null && !r.hasInvalid("max")) {
                        error(r.child("max"), "is required; accepted: 0 to 255");
                    }
                    if (min != null && max != null) {
                        if (min > max) {
                            error(r.child("min"), min + " is greater than max (" + max + "); accepted: min <= max");
                        } else {
                            range = new ExitCodeRange(min, max);
                        }
                    }
                }
                String reason = m.string("reason");
                Regex reasonPattern = regex(m, "reasonPattern");
                Regex logPattern = regex(m, "logPattern");
                Regex eventPattern = regex(m, "eventPattern");
                m.finish();
                boolean any = exitCode != null || r != null || (reason != null && !reason.isBlank())
                        || m.map.get("reasonPattern") != null || m.map.get("logPattern") != null
                        || m.map.get("eventPattern") != null;
                if (!any && errorCount == before) {
                    error(m.path, "sets no criterion, so it would never match; accepted: at least one of exitCode, "
                            + "exitCodeRange, reason, reasonPattern, logPattern, eventPattern");
                }
                if (errorCount == before) {
                    match = new FixMatch(exitCode, range, reason, reasonPattern, logPattern, eventPattern);
                }
            }
            p.finish();
            if (name == null || name.isBlank()) {
                error(p.child("name"), "is required");
            }
            if (suggestion == null || suggestion.isBlank()) {
                error(p.child("suggestion"), "is required");
            }
            if (errorCount > before || match == null) {
                return null;
            }
            return new SuggestedFixPattern(name, match, suggestion, priority == null ? 0 : priority);
        }

        @Nullable Regex regex(Obj o, String field) {
            String v = o.string(field);
            if (v == null) {
                return null;
            }
            try {
                return Regex.compile(v);
            } catch (IllegalArgumentException e) {
                error(o.child(field), e.getMessage() + "; accepted: a regular expression (RE2/Java syntax)");
                return null;
            }
        }

        DataRetention dataRetention(@Nullable Obj o) {
            DataRetention def = DataRetention.defaults();
            if (o == null) {
                return def;
            }
            String maxText = maxRetentionOrigin == null ? String.valueOf(maxRetentionDays)
                    : maxRetentionOrigin + " (" + maxRetentionDays + ")";
            Integer retention = o.integer("retentionDays", 1, maxRetentionDays, "1 to " + maxText);
            Integer logRetention = o.integer("logRetentionDays", 1, DataRetention.MAX_DAYS);
            if (retention != null && logRetention != null && logRetention > retention) {
                error(o.child("logRetentionDays"), logRetention + " is out of range; accepted: 1 to retentionDays ("
                        + retention + "): logs cannot outlive their runs");
            }
            Boolean storeLogs = o.bool("storeLogs");
            Boolean storeEvents = o.bool("storeEvents");
            Integer maxLog = o.integer("maxLogSizeKB", 1, DataRetention.MAX_LOG_SIZE_KB);
            OnCronJobDeletion onDeletion = def.onCronJobDeletion();
            String del = o.string("onCronJobDeletion");
            if (del != null) {
                try {
                    onDeletion = OnCronJobDeletion.parse(del);
                } catch (IllegalArgumentException e) {
                    error(o.child("onCronJobDeletion"), e.getMessage());
                }
            }
            Integer purgeAfter = o.integer("purgeAfterDays", 1, DataRetention.MAX_DAYS);
            OnRecreation onRecreation = def.onRecreation();
            String rec = o.string("onRecreation");
            if (rec != null) {
                try {
                    onRecreation = OnRecreation.parse(rec);
                } catch (IllegalArgumentException e) {
                    error(o.child("onRecreation"), e.getMessage());
                }
            }
            o.finish();
            if (purgeAfter != null && onDeletion != OnCronJobDeletion.PURGE_AFTER_DAYS) {
                warn(o.child("purgeAfterDays"), "only used with onCronJobDeletion: purge-after-days");
            }
            if (errorCount > 0) {
                return def;
            }
            return new DataRetention(retention, logRetention, storeLogs, storeEvents, maxLog, onDeletion,
                    purgeAfter == null ? def.purgeAfterDays() : purgeAfter, onRecreation);
        }
    }

    // ------------------------------------------------------------------ typed access with paths

    /** Duration ranges. */
    private enum Dur {
        POSITIVE("greater than 0s"), NON_NEGATIVE("0s or longer"), AT_LEAST_A_MINUTE("1m or longer");

        final String text;

        Dur(String text) {
            this.text = text;
        }

        boolean accepts(Duration d) {
            switch (this) {
                case POSITIVE: return !d.isNegative() && !d.isZero();
                case NON_NEGATIVE: return !d.isNegative();
                default: return d.compareTo(Duration.ofMinutes(1)) >= 0;
            }
        }
    }

    /** One mapping in a document; remembers the fields asked for, so that the rest can be reported as unknown. */
    private static final class Obj {
        final Doc doc;
        final String path;
        final Map<?, ?> map;
        final Set<String> known = new LinkedHashSet<>();
        final Set<String> invalid = new LinkedHashSet<>();

        Obj(Doc doc, String path, Map<?, ?> map) {
            this.doc = doc;
            this.path = path;
            this.map = map;
        }

        String child(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        Object take(String field) {
            known.add(field);
            return map.get(field);
        }

        boolean hasInvalid(String field) {
            return invalid.contains(field);
        }

        void bad(String field, String message) {
            invalid.add(field);
            doc.error(child(field), message);
        }

        @Nullable String string(String field) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            if (v instanceof Map || v instanceof Collection) {
                bad(field, "expected a text value, got " + describe(v));
                return null;
            }
            return String.valueOf(v);
        }

        @Nullable Boolean bool(String field) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            if (v instanceof Boolean) {
                return (Boolean) v;
            }
            String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            bad(field, "\"" + v + "\" is not a boolean; accepted: true or false");
            return null;
        }

        boolean bool(String field, boolean def) {
            Boolean b = bool(field);
            return b == null ? def : b;
        }

        @Nullable Integer integer(String field, int min, int max) {
            return integer(field, min, max, min + " to " + max);
        }

        @Nullable Integer integer(String field, int min, int max, String accepted) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            Integer i = integerValue(child(field), v, min, max, accepted);
            if (i == null) {
                invalid.add(field);
            }
            return i;
        }

        @Nullable Integer integerValue(String fullPath, Object v, int min, int max) {
            return integerValue(fullPath, v, min, max, min + " to " + max);
        }

        @Nullable Integer integerValue(String fullPath, Object v, int min, int max, String accepted) {
            Long n = null;
            if (v instanceof Integer || v instanceof Long) {
                n = ((Number) v).longValue();
            } else if (v instanceof Number) {
                double d = ((Number) v).doubleValue();
                if (d == Math.rint(d) && !Double.isInfinite(d)) {
                    n = (long) d;
                }
            } else if (v instanceof String) {
                try {
                    n = Long.parseLong(((String) v).trim());
                } catch (NumberFormatException e) {
                    n = null;
                }
            }
            if (n == null) {
                doc.error(fullPath, "\"" + v + "\" is not a whole number; accepted: " + accepted);
                return null;
            }
            if (n < min || n > max) {
                doc.error(fullPath, n + " is out of range; accepted: " + accepted);
                return null;
            }
            return n.intValue();
        }

        @Nullable Double number(String field, double min, double max) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            String accepted = fmt(min) + " to " + fmt(max);
            Double d = null;
            if (v instanceof Number) {
                d = ((Number) v).doubleValue();
            } else if (v instanceof String) {
                try {
                    d = Double.parseDouble(((String) v).trim());
                } catch (NumberFormatException e) {
                    d = null;
                }
            }
            if (d == null || d.isNaN()) {
                bad(field, "\"" + v + "\" is not a number; accepted: " + accepted);
                return null;
            }
            if (d < min || d > max) {
                bad(field, fmt(d) + " is out of range; accepted: " + accepted);
                return null;
            }
            return d;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        @Nullable Duration duration(String field, Dur range) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            if (v instanceof Number && ((Number) v).doubleValue() == 0) {
                v = "0";
            }
            if (!(v instanceof String)) {
                bad(field, "\"" + v + "\" is not a duration; accepted: " + DURATION_FORMS + " (a number needs a "
                        + "unit), " + range.text);
                return null;
            }
            Duration d;
            try {
                d = Settings.parseDuration((String) v);
            } catch (IllegalArgumentException e) {
                bad(field, "\"" + v + "\" is not a duration; accepted: " + DURATION_FORMS + ", " + range.text);
                return null;
            }
            if (!range.accepts(d)) {
                bad(field, v + " is out of range; accepted: " + range.text);
                return null;
            }
            return d;
        }

        List<Object> list(String field) {
            Object v = take(field);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List)) {
                bad(field, "expected a list, got " + describe(v));
                return List.of();
            }
            return new ArrayList<>((List<?>) v);
        }

        List<String> stringList(String field) {
            List<Object> items = list(field);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                if (item == null || item instanceof Map || item instanceof Collection) {
                    doc.error(child(field) + "[" + i + "]", "expected a text value, got " + describe(item));
                } else {
                    out.add(String.valueOf(item));
                }
            }
            return out;
        }

        Map<String, String> stringMap(String field) {
            Object v = take(field);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null) {
                return out;
            }
            if (!(v instanceof Map)) {
                bad(field, "expected a mapping of labels, got " + describe(v));
                return out;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                Object val = e.getValue();
                String key = String.valueOf(e.getKey());
                if (val == null || val instanceof Map || val instanceof Collection) {
                    doc.error(child(field) + "." + key, "expected a text value, got " + describe(val));
                } else {
                    out.put(key, String.valueOf(val));
                }
            }
            return out;
        }

        @Nullable Obj obj(String field) {
            Object v = take(field);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Map)) {
                bad(field, "expected an object (a mapping), got " + describe(v));
                return null;
            }
            return new Obj(doc, child(field), (Map<?, ?>) v);
        }

        List<Obj> objList(String field) {
            List<Object> items = list(field);
            List<Obj> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                String p = child(field) + "[" + i + "]";
                if (!(item instanceof Map)) {
                    doc.error(p, "expected an object (a mapping), got " + describe(item));
                } else {
                    out.add(new Obj(doc, p, (Map<?, ?>) item));
                }
            }
            return out;
        }

        /** Reports every field that no accessor asked for. */
        void finish() {
            for (Iterator<?> it = map.keySet().iterator(); it.hasNext();) {
                String key = String.valueOf(it.next());
                if (known.contains(key)) {
                    continue;
                }
                String hint = RETIRED.get(key);
                String message = hint != null ? "unknown field (" + hint + ")"
                        : "unknown field" + Suggestions.didYouMean(key, known);
                doc.unknown(child(key), message);
            }
        }
    }

    private static String describe(@Nullable Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        return "\"" + v + "\"";
    }
}
