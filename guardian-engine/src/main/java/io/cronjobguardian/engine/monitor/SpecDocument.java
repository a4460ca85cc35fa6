package io.cronjobguardian.engine.monitor;

import static io.cronjobguardian.engine.monitor.MonitorSpecLoader.API_GROUP;
import static io.cronjobguardian.engine.monitor.MonitorSpecLoader.API_VERSION;
import static io.cronjobguardian.engine.monitor.MonitorSpecLoader.KIND;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.config.ConfigProblem;
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
import io.cronjobguardian.engine.monitor.SpecObject.Dur;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One YAML document of a monitor file, read into a {@link MonitorSpec}: a full {@code CronJobMonitor} object or a bare
 * spec, block by block (selector, dead-man's switch, SLA, suspended handling, stuck Jobs, maintenance windows,
 * alerting, data retention), with the operator's defaults and rules. Every problem is collected with its path and
 * line ({@link SpecObject} reads the fields); {@link MonitorSpecLoader} reads the files and documents and throws the
 * problems of all of them together.
 */
final class SpecDocument implements SpecObject.Problems {

    private static final Set<String> OBJECT_META = Set.of("name", "namespace", "labels", "annotations", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "finalizers", "ownerReferences", "managedFields", "generateName", "selfLink");

    final String source;
    final Map<String, Integer> lines;
    private final List<ConfigProblem> errors;
    private final List<ConfigProblem> warnings;
    private final String defaultNamespace;
    private final UnknownKeyPolicy unknownFields;
    private final int maxRetentionDays;
    private final String maxRetentionOrigin;
    int errorCount;
    boolean isFull;

    SpecDocument(String source, Map<String, Integer> lines, List<ConfigProblem> errors, List<ConfigProblem> warnings,
            String defaultNamespace, UnknownKeyPolicy unknownFields, int maxRetentionDays, String maxRetentionOrigin) {
        this.source = source;
        this.lines = lines;
        this.errors = errors;
        this.warnings = warnings;
        this.defaultNamespace = defaultNamespace;
        this.unknownFields = unknownFields;
        this.maxRetentionDays = maxRetentionDays;
        this.maxRetentionOrigin = maxRetentionOrigin;
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

    @Override
    public void error(String path, String message) {
        errorCount++;
        errors.add(new ConfigProblem(path, message, source, line(path)));
    }

    void warn(String path, String message) {
        warnings.add(new ConfigProblem(path, message, source, line(path)));
    }

    @Override
    public void unknown(String path, String message) {
        if (unknownFields == UnknownKeyPolicy.ERROR) {
            error(path, message);
        } else {
            warn(path, message + "; ignored");
        }
    }

    @Nullable MonitorSpec readDocument(Object doc) {
        if (!(doc instanceof Map)) {
            error("(document)", "expected a CronJobMonitor object or a monitor spec (a mapping), got "
                    + SpecObject.describe(doc));
            return null;
        }
        Map<?, ?> map = (Map<?, ?>) doc;
        isFull = map.containsKey("apiVersion") || map.containsKey("kind") || map.containsKey("metadata")
                || map.containsKey("spec");
        SpecObject root = new SpecObject(this, "", map);
        String namespace;
        String name;
        SpecObject spec;
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
            SpecObject metadata = root.obj("metadata");
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
                spec = new SpecObject(this, "spec", Map.of());
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

    @Nullable MonitorSpec readSpec(SpecObject spec, String namespace, @Nullable String name) {
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

    Selector selector(@Nullable SpecObject o) {
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
        SpecObject ns = o.obj("namespaceSelector");
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

    List<LabelRequirement> requirements(SpecObject o, String field) {
        List<LabelRequirement> out = new ArrayList<>();
        List<SpecObject> items = o.objList(field);
        for (SpecObject r : items) {
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

    DeadManSwitch deadManSwitch(@Nullable SpecObject o) {
        if (o == null) {
            return DeadManSwitch.disabled();
        }
        boolean enabled = o.bool("enabled", true);
        Duration max = o.duration("maxTimeSinceLastSuccess", Dur.POSITIVE);
        AutoFromSchedule auto = AutoFromSchedule.disabled();
        SpecObject a = o.obj("autoFromSchedule");
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

    Sla sla(@Nullable SpecObject o) {
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

    SuspendedHandling suspendedHandling(@Nullable SpecObject o) {
        if (o == null) {
            return SuspendedHandling.defaults();
        }
        boolean pause = o.bool("pauseMonitoring", true);
        Duration alertAfter = o.duration("alertIfSuspendedFor", Dur.POSITIVE);
        o.finish();
        return new SuspendedHandling(pause, alertAfter);
    }

    MonitorSpec.StuckJob stuckJob(@Nullable SpecObject o) {
        if (o == null) {
            return MonitorSpec.StuckJob.defaults();
        }
        boolean enabled = o.bool("enabled", true);
        Duration noPodAfter = o.duration("noPodAfter", Dur.POSITIVE);
        o.finish();
        return new MonitorSpec.StuckJob(enabled, noPodAfter);
    }

    List<MaintenanceWindow> maintenanceWindows(SpecObject spec, String field) {
        List<MaintenanceWindow> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (SpecObject w : spec.objList(field)) {
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
                error(w.child("duration"), "is required; accepted: " + SpecObject.DURATION_FORMS);
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

    Alerting alerting(@Nullable SpecObject o) {
        if (o == null) {
            return Alerting.defaults();
        }
        boolean enabled = o.bool("enabled", true);
        List<ChannelRef> refs = new ArrayList<>();
        Set<String> refNames = new LinkedHashSet<>();
        for (SpecObject r : o.objList("channelRefs")) {
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
        SpecObject so = o.obj("severityOverrides");
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
        SpecObject legacy = o.obj("context");
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
        for (SpecObject p : o.objList("suggestedFixPatterns")) {
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

    @Nullable Severity severity(SpecObject o, String field) {
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

    IncludeContext includeContext(@Nullable SpecObject o) {
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

    IncludeContext legacyContext(SpecObject o) {
        IncludeContext def = IncludeContext.defaults();
        boolean logs = o.bool("includeLogs", def.logs());
        Integer lines = o.integer("logLines", 1, IncludeContext.MAX_LOG_LINES);
        boolean events = o.bool("includeEvents", def.events());
        boolean fixes = o.bool("includeSuggestedFix", def.suggestedFixes());
        o.finish();
        return new IncludeContext(logs, lines == null ? def.logLines() : lines, null,
                def.includeInitContainerLogs(), events, def.podStatus(), fixes);
    }

    @Nullable SuggestedFixPattern fixPattern(SpecObject p) {
        int before = errorCount;
        String name = p.string("name");
        String suggestion = p.string("suggestion");
        Integer priority = p.integer("priority", -1_000_000, 1_000_000);
        SpecObject m = p.obj("match");
        FixMatch match = null;
        if (m == null) {
            if (!p.hasInvalid("match")) {
                error(p.child("match"), "is required; accepted: an object with at least one of exitCode, "
                        + "exitCodeRange, reason, reasonPattern, logPattern, eventPattern");
            }
        } else {
            Integer exitCode = m.integer("exitCode", 0, 255);
            ExitCodeRange range = null;
            SpecObject r = m.obj("exitCodeRange");
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

    @Nullable Regex regex(SpecObject o, String field) {
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

    DataRetention dataRetention(@Nullable SpecObject o) {
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
