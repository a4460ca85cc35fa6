package io.cronjobguardian.engine.monitor;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to monitor and how: the spec of the operator's {@code CronJobMonitor} custom resource
 * ({@code guardian.illenium.net/v1alpha1}), field for field, so that an existing monitor file loads unchanged (see
 * {@link MonitorSpecLoader}), plus a few fields the operator lacks (marked "new" below).
 *
 * <p>A monitor is identified by {@link #id()} = {@code namespace/name}. Blocks have the operator's defaults; where the
 * operator behaved differently depending on whether a block was present, this spec says so at the block:
 * <ul>
 *   <li>no {@code deadManSwitch} block: off ({@link DeadManSwitch#disabled()}); block present: on unless
 *       {@code enabled: false};</li>
 *   <li>no {@code sla} block: off ({@link Sla#disabled()}); block present: on unless {@code enabled: false} (which
 *       also turns off duration regression, unlike the operator);</li>
 *   <li>no {@code suspendedHandling} block: pause monitoring of suspended CronJobs (the operator crashed here);</li>
 *   <li>no {@code alerting} or no {@code includeContext} block: the defaults below apply all the same (the operator
 *       attached no context without the block).</li>
 * </ul>
 *
 * <p>All records validate their components and throw {@link IllegalArgumentException} naming the component; the
 * loader reports the same rules with the YAML path of each problem.
 *
 * @param namespace          the monitor's namespace ({@code metadata.namespace}); the default scope of its selector
 * @param name               the monitor's name ({@code metadata.name})
 * @param selector           which CronJobs it watches
 * @param deadManSwitch      missed-run and time-since-success checks
 * @param sla                success rate, duration and regression objectives
 * @param suspendedHandling  what happens to suspended CronJobs
 * @param maintenanceWindows periods in which alerts are held back
 * @param alerting           where and how incidents are notified
 * @param dataRetention      what is stored and for how long
 * @param stuckJob           new: Jobs that never get a pod running ({@link StuckJob}; default on, 10 minutes)
 */
public record MonitorSpec(
        String namespace,
        String name,
        Selector selector,
        DeadManSwitch deadManSwitch,
        Sla sla,
        SuspendedHandling suspendedHandling,
        List<MaintenanceWindow> maintenanceWindows,
        Alerting alerting,
        DataRetention dataRetention,
        StuckJob stuckJob) {

    /** Kubernetes namespace names: RFC 1123 labels. */
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Kubernetes object names: RFC 1123 subdomains, at most 253 characters. */
    static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public MonitorSpec {
        requireNamespace(namespace, "namespace");
        requireObjectName(name, "name");
        selector = selector == null ? Selector.ownNamespace() : selector;
        deadManSwitch = deadManSwitch == null ? DeadManSwitch.disabled() : deadManSwitch;
        sla = sla == null ? Sla.disabled() : sla;
        suspendedHandling = suspendedHandling == null ? SuspendedHandling.defaults() : suspendedHandling;
        maintenanceWindows = maintenanceWindows == null ? List.of() : List.copyOf(maintenanceWindows);
        Set<String> windowNames = new HashSet<>();
        for (MaintenanceWindow w : maintenanceWindows) {
            if (!windowNames.add(w.name())) {
                throw new IllegalArgumentException("maintenanceWindows: duplicate name " + w.name());
            }
        }
        alerting = alerting == null ? Alerting.defaults() : alerting;
        dataRetention = dataRetention == null ? DataRetention.defaults() : dataRetention;
        stuckJob = stuckJob == null ? StuckJob.defaults() : stuckJob;
    }

    /** A spec with the default {@link StuckJob} block (the shape before it existed). */
    public MonitorSpec(String namespace, String name, Selector selector, DeadManSwitch deadManSwitch, Sla sla,
            SuspendedHandling suspendedHandling, List<MaintenanceWindow> maintenanceWindows, Alerting alerting,
            DataRetention dataRetention) {
        this(namespace, name, selector, deadManSwitch, sla, suspendedHandling, maintenanceWindows, alerting,
                dataRetention, null);
    }

    /** A monitor with every block at its default: all CronJobs of its namespace, alerting with default context. */
    public static MonitorSpec of(String namespace, String name) {
        return builder(namespace, name).build();
    }

    /** Starts a builder; every block not set keeps its default. */
    public static Builder builder(String namespace, String name) {
        return new Builder(namespace, name);
    }

    /** {@code namespace/name}. */
    public String id() {
        return namespace + "/" + name;
    }

    /**
     * Whether this monitor watches the CronJob; see {@link Selector#matches}. No namespace is ignored.
     *
     * @param namespaceLabels labels of the CronJob's namespace (empty when it has none or they are unknown)
     */
    public boolean matches(CronJobSnapshot cronJob, Map<String, String> namespaceLabels) {
        return matches(cronJob, namespaceLabels, Set.of());
    }

    /**
     * Whether this monitor watches the CronJob; see {@link Selector#matches}.
     *
     * @param namespaceLabels   labels of the CronJob's namespace (empty when it has none or they are unknown)
     * @param ignoredNamespaces namespaces never selected ({@code watcher.ignoredNamespaces})
     */
    public boolean matches(CronJobSnapshot cronJob, Map<String, String> namespaceLabels,
            Set<String> ignoredNamespaces) {
        Objects.requireNonNull(cronJob, "cronJob");
        return selector.matches(namespace, cronJob.ref().namespace(), cronJob.ref().name(), cronJob.labels(),
                namespaceLabels == null ? Map.of() : namespaceLabels,
                ignoredNamespaces == null ? Set.of() : ignoredNamespaces);
    }

    static void requireNamespace(String value, String component) {
        Objects.requireNonNull(value, component + " must not be null");
        if (!DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException(component + " must be a namespace name (lower-case RFC 1123 label, "
                    + "at most 63 characters), was \"" + value + "\"");
        }
    }

    static void requireObjectName(String value, String component) {
        Objects.requireNonNull(value, component + " must not be null");
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new IllegalArgumentException(component + " must be a Kubernetes object name (lower-case RFC 1123 "
                    + "subdomain, at most 253 characters), was \"" + value + "\"");
        }
    }

    static int range(int value, int min, int max, String component) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(component + " must be between " + min + " and " + max + ", was "
                    + value);
        }
        return value;
    }

    static Duration positive(Duration value, String component) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(component + " must be positive, was " + value);
        }
        return value;
    }

    static Duration nonNegative(Duration value, String component) {
        Objects.requireNonNull(value, component + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(component + " must not be negative, was " + value);
        }
        return value;
    }

    // ------------------------------------------------------------------ selector

    /** Label selector operators, spelled as in Kubernetes. */
    public enum Operator {
        /** The label exists and its value is one of the values. */
        IN("In"),
        /** The label is absent, or its value is none of the values. */
        NOT_IN("NotIn"),
        /** The label exists (values must be empty). */
        EXISTS("Exists"),
        /** The label does not exist (values must be empty). */
        DOES_NOT_EXIST("DoesNotExist");

        private final String wireName;

        Operator(String wireName) {
            this.wireName = wireName;
        }

        /** {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses the Kubernetes spelling (case-sensitive, as Kubernetes is).
         *
         * @throws IllegalArgumentException naming the accepted operators
         */
        public static Operator parse(String text) {
            for (Operator o : values()) {
                if (o.wireName.equals(text)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("\"" + text + "\" is not an operator; accepted: In, NotIn, Exists, "
                    + "DoesNotExist");
        }
    }

    /**
     * One label requirement. {@code In} and {@code NotIn} need at least one value; {@code Exists} and
     * {@code DoesNotExist} take none (the Kubernetes rules; the operator silently matched nothing instead).
     */
    public record LabelRequirement(String key, Operator operator, List<String> values) {
        public LabelRequirement {
            Objects.requireNonNull(key, "key must not be null");
            if (key.isBlank()) {
                throw new IllegalArgumentException("key must not be blank");
            }
            Objects.requireNonNull(operator, "operator must not be null");
            values = values == null ? List.of() : List.copyOf(values);
            boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
            if (needsValues && values.isEmpty()) {
                throw new IllegalArgumentException("values must not be empty for operator " + operator.wireName());
            }
            if (!needsValues && !values.isEmpty()) {
                throw new IllegalArgumentException("values must be empty for operator " + operator.wireName());
            }
        }

        /** Whether labels satisfy this requirement. */
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            switch (operator) {
                case IN:
                    return v != null && values.contains(v);
                case NOT_IN:
                    return v == null || !values.contains(v);
                case EXISTS:
                    return labels.containsKey(key);
                case DOES_NOT_EXIST:
                default:
                    return !labels.containsKey(key);
            }
        }
    }

    /**
     * A Kubernetes label selector: every {@code matchLabels} entry and every expression must hold (AND). An empty
     * selector matches everything.
     */
    public record LabelSelector(Map<String, String> matchLabels, List<LabelRequirement> matchExpressions) {
        public LabelSelector {
            matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
            matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        }

        /** The selector that matches everything. */
        public static LabelSelector everything() {
            return new LabelSelector(Map.of(), List.of());
        }

        /** Whether labels satisfy every requirement. */
        public boolean matches(Map<String, String> labels) {
            for (Map.Entry<String, String> e : matchLabels.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            for (LabelRequirement r : matchExpressions) {
                if (!r.matches(labels)) {
                    return false;
                }
            }
            return true;
        }

        /** {@code true} when the selector has no requirement (and so matches everything). */
        public boolean isEmpty() {
            return matchLabels.isEmpty() && matchExpressions.isEmpty();
        }
    }

    /** Where a selector looks for CronJobs. */
    public enum Scope {
        /** Every namespace ({@code allNamespaces: true}). */
        ALL_NAMESPACES,
        /** The namespaces listed in {@code namespaces}. */
        NAMESPACES,
        /** Namespaces whose labels match {@code namespaceSelector}. */
        NAMESPACE_SELECTOR,
        /** The monitor's own namespace (no namespace field set). */
        OWN_NAMESPACE
    }

    /**
     * Which CronJobs a monitor watches.
     *
     * <p><b>Namespaces.</b> Exactly one scope applies, in the operator's precedence: {@code allNamespaces} &gt;
     * {@code namespaces} &gt; {@code namespaceSelector} &gt; the monitor's own namespace (the loader warns when a
     * lower-precedence field is set but ignored). The globally ignored namespaces ({@code watcher.ignoredNamespaces},
     * which the watcher does not even watch) are never selected, whatever the scope. {@code namespaceSelector} is
     * checked against the labels of the CronJob's
     * namespace (the operator's Job path accepted any namespace); an empty {@code namespaceSelector: {}} selects every
     * namespace.
     *
     * <p><b>CronJobs within those namespaces.</b> {@code matchLabels}, {@code matchExpressions} and {@code matchNames}
     * are ANDed: every label and expression must hold and, when {@code matchNames} is not empty, the CronJob's name must
     * be listed (the operator's code ANDs them too; its docs wrongly say names are added). A {@code matchNames} entry
     * is either a name, matched in every selected namespace, or {@code namespace/name}, matched only in that
     * namespace. No field set (or no selector at all) = every CronJob of the monitor's own namespace.
     */
    public record Selector(Map<String, String> matchLabels, List<LabelRequirement> matchExpressions,
            List<String> matchNames, List<String> namespaces, @Nullable LabelSelector namespaceSelector,
            boolean allNamespaces) {

        public Selector {
            matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
            matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
            matchNames = matchNames == null ? List.of() : List.copyOf(matchNames);
            for (String n : matchNames) {
                int slash = n.indexOf('/');
                if (slash >= 0) {
                    requireNamespace(n.substring(0, slash), "matchNames entry \"" + n + "\": namespace");
                    requireObjectName(n.substring(slash + 1), "matchNames entry \"" + n + "\": name");
                } else {
                    requireObjectName(n, "matchNames entry");
                }
            }
            namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
            for (String ns : namespaces) {
                requireNamespace(ns, "namespaces entry");
            }
        }

        /** No field set: every CronJob of the monitor's own namespace. */
        public static Selector ownNamespace() {
            return new Selector(Map.of(), List.of(), List.of(), List.of(), null, false);
        }

        /** CronJobs with all of these labels, in the monitor's own namespace. */
        public static Selector labels(Map<String, String> matchLabels) {
            return new Selector(matchLabels, List.of(), List.of(), List.of(), null, false);
        }

        /** Which namespace scope applies (see the class documentation for the precedence). */
        public Scope scope() {
            if (allNamespaces) {
                return Scope.ALL_NAMESPACES;
            }
            if (!namespaces.isEmpty()) {
                return Scope.NAMESPACES;
            }
            if (namespaceSelector != null) {
                return Scope.NAMESPACE_SELECTOR;
            }
            return Scope.OWN_NAMESPACE;
        }

        /**
         * Whether a namespace is in scope.
         *
         * @param monitorNamespace  the monitor's own namespace
         * @param namespace         the namespace asked about
         * @param namespaceLabels   its labels (empty when none or unknown)
         * @param ignoredNamespaces namespaces never selected
         */
        public boolean selectsNamespace(String monitorNamespace, String namespace, Map<String, String> namespaceLabels,
                Set<String> ignoredNamespaces) {
            if (ignoredNamespaces.contains(namespace)) {
                return false;
            }
            switch (scope()) {
                case ALL_NAMESPACES:
                    return true;
                case NAMESPACES:
                    return namespaces.contains(namespace);
                case NAMESPACE_SELECTOR:
                    return namespaceSelector.matches(namespaceLabels);
                case OWN_NAMESPACE:
                default:
                    return monitorNamespace.equals(namespace);
            }
        }

        /** Whether a CronJob's name and labels match (namespace scope not considered). */
        public boolean selectsCronJob(String namespace, String name, Map<String, String> labels) {
            for (Map.Entry<String, String> e : matchLabels.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            for (LabelRequirement r : matchExpressions) {
                if (!r.matches(labels)) {
                    return false;
                }
            }
            if (matchNames.isEmpty()) {
                return true;
            }
            return matchNames.contains(name) || matchNames.contains(namespace + "/" + name);
        }

        /** Namespace scope and CronJob match together. */
        public boolean matches(String monitorNamespace, String namespace, String name, Map<String, String> labels,
                Map<String, String> namespaceLabels, Set<String> ignoredNamespaces) {
            return selectsNamespace(monitorNamespace, namespace, namespaceLabels, ignoredNamespaces)
                    && selectsCronJob(namespace, name, labels);
        }
    }

    // ------------------------------------------------------------------ dead-man's switch

    /**
     * Derive the dead-man window from the CronJob's schedule.
     *
     * @param enabled                 on or off (default off)
     * @param buffer                  grace added after each expected run (default 1h)
     * @param missedScheduleThreshold consecutive missed runs before alerting (default 1, at least 1)
     */
    public record AutoFromSchedule(boolean enabled, Duration buffer, int missedScheduleThreshold) {
        /** Largest accepted threshold. */
        public static final int MAX_THRESHOLD = 1000;

        public AutoFromSchedule {
            buffer = nonNegative(buffer == null ? Duration.ofHours(1) : buffer, "buffer");
            range(missedScheduleThreshold, 1, MAX_THRESHOLD, "missedScheduleThreshold");
        }

        /** Off, with the default buffer and threshold. */
        public static AutoFromSchedule disabled() {
            return new AutoFromSchedule(false, Duration.ofHours(1), 1);
        }

        /** On, with the default buffer (1h) and threshold (1). */
        public static AutoFromSchedule on() {
            return new AutoFromSchedule(true, Duration.ofHours(1), 1);
        }
    }

    /**
     * The dead-man's switch.
     *
     * @param enabled                 on or off (default on when the block is present, off when absent)
     * @param maxTimeSinceLastSuccess alert when no run has succeeded for this long, or {@code null}
     * @param autoFromSchedule        alert on missed scheduled runs
     */
    public record DeadManSwitch(boolean enabled, @Nullable Duration maxTimeSinceLastSuccess,
            AutoFromSchedule autoFromSchedule) {
        public DeadManSwitch {
            positive(maxTimeSinceLastSuccess, "maxTimeSinceLastSuccess");
            autoFromSchedule = autoFromSchedule == null ? AutoFromSchedule.disabled() : autoFromSchedule;
        }

        /** No block: off. */
        public static DeadManSwitch disabled() {
            return new DeadManSwitch(false, null, AutoFromSchedule.disabled());
        }

        /** Alert when no run succeeded within {@code window}. */
        public static DeadManSwitch noSuccessWithin(Duration window) {
            return new DeadManSwitch(true, window, AutoFromSchedule.disabled());
        }

        /** Alert on missed runs derived from the schedule, with the default buffer and threshold. */
        public static DeadManSwitch fromSchedule() {
            return new DeadManSwitch(true, null, AutoFromSchedule.on());
        }

        /** {@code true} when enabled and at least one of the two checks is configured. */
        public boolean canTrigger() {
            return enabled && (maxTimeSinceLastSuccess != null || autoFromSchedule.enabled());
        }
    }

    // ------------------------------------------------------------------ SLA

    /**
     * Service-level objectives.
     *
     * <p><b>Defaults that follow the schedule.</b> When {@code durationRecentWindow},
     * {@code durationRegressionMinSamples} or {@code minRunsForSuccessRate} is not set, it is derived from the
     * CronJob's schedule period (its typical interval between slots, {@code CronSchedule#typicalInterval()}), so
     * that the checks can fire for daily and weekly jobs too; a value that is set always wins:
     * <ul>
     *   <li>success rate: the window must hold {@code min(3, max(1, floor(windowDays / period)))} runs (3 for
     *       jobs running at least every 2.3 days with the default 7-day window, 1 for a weekly job);</li>
     *   <li>duration regression: each window must hold {@code k} successful runs, {@code k} the largest number of
     *       runs, 3 to 5, for which the baseline holds {@code 2k + 1} periods (5 for a daily job); the recent
     *       window is {@code max(1 day, (k + 1) * period)} (6 days for a daily job, 1 day for hourly ones).</li>
     * </ul>
     * With an unknown period (an invalid schedule) the fixed values apply: 3 runs, 5 samples, 1 day. The
     * regression compares the P95 of <em>successful</em> runs only (a storm of quickly failing runs is not
     * "faster"); the success rate counts both outcomes. With fewer runs than needed there is no data: no breach,
     * never 0 %.
     *
     * @param enabled                      on or off (default on when the block is present, off when absent); off
     *                                     also disables duration regression
     * @param minSuccessRate               minimum success rate in percent over the window (default 95, 0 to 100)
     * @param windowDays                   rolling window of the success rate, in days (default 7, 1 to 365)
     * @param maxDuration                  a run longer than this breaches the SLA, or {@code null}
     * @param durationPercentiles          the duration percentiles reported in the CronJob status
     *                                     ({@code stats().percentiles()}) and in the
     *                                     {@code cronjob_guardian_duration_percentile_seconds} gauge (default 50, 95,
     *                                     99; each 1 to 99)
     * @param durationRegressionThreshold  alert when the recent P95 exceeds the baseline P95 by this many percent
     *                                     (default 50, 1 to 1000)
     * @param durationBaselineWindowDays   baseline window of the regression check, in days (default 14, 1 to 365)
     * @param durationRecentWindow         new: recent window of the regression check, shorter than the baseline
     *                                     window; {@code null} (unset): derived from the schedule, see
     *                                     {@link #recentWindow(Duration)}
     * @param durationRegressionMinSamples new: successful runs needed in each window before a regression can be
     *                                     reported (1 to 10000); {@code null} (unset): derived from the schedule,
     *                                     see {@link #regressionMinSamples(Duration)}
     * @param minRunsForSuccessRate        new: runs needed in the window before the success rate can breach
     *                                     (1 to 10000); with fewer runs there is no data, not 0 % or 100 %;
     *                                     {@code null} (unset): derived from the schedule, see
     *                                     {@link #minRunsForSuccessRate(Duration)}
     * @param maxConsecutiveFailures       new: alert when this many runs in a row failed (1 to 1000), or
     *                                     {@code null} for no such check
     */
    public record Sla(boolean enabled, double minSuccessRate, int windowDays, @Nullable Duration maxDuration,
            List<Integer> durationPercentiles, int durationRegressionThreshold, int durationBaselineWindowDays,
            @Nullable Duration durationRecentWindow, @Nullable Integer durationRegressionMinSamples,
            @Nullable Integer minRunsForSuccessRate, @Nullable Integer maxConsecutiveFailures) {

        /** Default percentiles. */
        public static final List<Integer> DEFAULT_PERCENTILES = List.of(50, 95, 99);
        /** The shortest recent window of the regression check when it is derived (the operator's fixed value). */
        public static final Duration MIN_RECENT_WINDOW = Duration.ofDays(1);
        /** Most runs the success rate needs when {@code minRunsForSuccessRate} is unset. */
        public static final int DEFAULT_MIN_RUNS = 3;
        /** Most runs the regression check needs when {@code durationRegressionMinSamples} is unset. */
        public static final int DEFAULT_MIN_SAMPLES = 5;

        public Sla {
            if (Double.isNaN(minSuccessRate) || minSuccessRate < 0 || minSuccessRate > 100) {
                throw new IllegalArgumentException("minSuccessRate must be between 0 and 100, was " + minSuccessRate);
            }
            range(windowDays, 1, 365, "windowDays");
            positive(maxDuration, "maxDuration");
            durationPercentiles = durationPercentiles == null || durationPercentiles.isEmpty() ? DEFAULT_PERCENTILES
                    : List.copyOf(durationPercentiles);
            for (int p : durationPercentiles) {
                range(p, 1, 99, "durationPercentiles entry");
            }
            range(durationRegressionThreshold, 1, 1000, "durationRegressionThreshold");
            range(durationBaselineWindowDays, 1, 365, "durationBaselineWindowDays");
            positive(durationRecentWindow, "durationRecentWindow");
            Duration shortestRecent = durationRecentWindow == null ? MIN_RECENT_WINDOW : durationRecentWindow;
            if (shortestRecent.compareTo(Duration.ofDays(durationBaselineWindowDays)) >= 0) {
                throw new IllegalArgumentException("durationRecentWindow (" + shortestRecent + ") must be "
                        + "shorter than durationBaselineWindowDays (" + durationBaselineWindowDays + " days)");
            }
            if (durationRegressionMinSamples != null) {
                range(durationRegressionMinSamples, 1, 10_000, "durationRegressionMinSamples");
            }
            if (minRunsForSuccessRate != null) {
                range(minRunsForSuccessRate, 1, 10_000, "minRunsForSuccessRate");
            }
            if (maxConsecutiveFailures != null) {
                range(maxConsecutiveFailures, 1, 1000, "maxConsecutiveFailures");
            }
        }

        /**
         * The block present with no field set: enabled, 95 % over 7 days, regression at 50 % over 14 days, the
         * recent window and the minimum run counts derived from the schedule.
         */
        public static Sla defaults() {
            return new Sla(true, 95, 7, null, DEFAULT_PERCENTILES, 50, 14, null, null, null, null);
        }

        /**
         * The runs the success rate needs in its window before it can breach: {@code minRunsForSuccessRate} when
         * set; else {@value #DEFAULT_MIN_RUNS}, or fewer when the window cannot hold that many runs of the
         * schedule: {@code min(3, max(1, floor(windowDays / period)))} (a weekly job with {@code windowDays: 7}
         * needs 1 run, a job every 3 days 2). Never 0: no data is not 0 %.
         *
         * @param period the schedule's typical interval between slots, or {@code null} when unknown (then
         *               {@value #DEFAULT_MIN_RUNS})
         */
        public int minRunsForSuccessRate(@Nullable Duration period) {
            if (minRunsForSuccessRate != null) {
                return minRunsForSuccessRate;
            }
            if (period == null || period.isZero() || period.isNegative()) {
                return DEFAULT_MIN_RUNS;
            }
            long fit = Duration.ofDays(windowDays).toSeconds() / Math.max(1, period.toSeconds());
            return (int) Math.min(DEFAULT_MIN_RUNS, Math.max(1, fit));
        }

        /**
         * The successful runs the regression check needs in the recent and in the baseline window:
         * {@code durationRegressionMinSamples} when set; else the most runs {@code k} for which the baseline
         * window holds {@code 2k + 1} periods ({@code k = floor((floor(baseline / period) - 1) / 2)}), bounded to
         * 3..{@value #DEFAULT_MIN_SAMPLES}: {@value #DEFAULT_MIN_SAMPLES} for every job that runs at least every
         * 1.27 days with the default 14-day baseline, never fewer than 3 (an SLA needs a minimum number of runs).
         *
         * @param period the schedule's typical interval, or {@code null} when unknown (then
         *               {@value #DEFAULT_MIN_SAMPLES})
         */
        public int regressionMinSamples(@Nullable Duration period) {
            if (durationRegressionMinSamples != null) {
                return durationRegressionMinSamples;
            }
            if (period == null || period.isZero() || period.isNegative()) {
                return DEFAULT_MIN_SAMPLES;
            }
            long periods = Duration.ofDays(durationBaselineWindowDays).toSeconds() / Math.max(1, period.toSeconds());
            return (int) Math.max(3, Math.min(DEFAULT_MIN_SAMPLES, (periods - 1) / 2));
        }

        /**
         * The recent window of the regression check: {@code durationRecentWindow} when set; else long enough for
         * one run more than {@link #regressionMinSamples} (so that a run in progress does not make it fall short),
         * and at least 1 day: {@code max(1d, (minSamples + 1) * period)}. Hourly jobs keep 1 day; a daily job gets
         * 6 days, compared with the 8 days before them in the default 14-day baseline. The baseline window is
         * {@code [now - durationBaselineWindowDays, now - recent)}; when it cannot hold the minimum number of runs
         * (jobs running less often than every 2 days with the default 14-day baseline: raise
         * {@code durationBaselineWindowDays} to at least {@code 2 * minSamples + 1} periods, e.g. 49 days for a
         * weekly job) no regression is reported.
         *
         * @param period the schedule's typical interval, or {@code null} when unknown (then 1 day)
         */
        public Duration recentWindow(@Nullable Duration period) {
            if (durationRecentWindow != null) {
                return durationRecentWindow;
            }
            if (period == null || period.isZero() || period.isNegative()) {
                return MIN_RECENT_WINDOW;
            }
            Duration derived = period.multipliedBy(regressionMinSamples(period) + 1L);
            return derived.compareTo(MIN_RECENT_WINDOW) > 0 ? derived : MIN_RECENT_WINDOW;
        }

        /** No block: off. */
        public static Sla disabled() {
            return defaults().withEnabled(false);
        }

        /** A copy with {@code enabled} replaced. */
        public Sla withEnabled(boolean value) {
            return new Sla(value, minSuccessRate, windowDays, maxDuration, durationPercentiles,
                    durationRegressionThreshold, durationBaselineWindowDays, durationRecentWindow,
                    durationRegressionMinSamples, minRunsForSuccessRate, maxConsecutiveFailures);
        }

        /** A copy with {@code minSuccessRate} and {@code windowDays} replaced. */
        public Sla withSuccessRate(double minSuccessRatePercent, int days) {
            return new Sla(enabled, minSuccessRatePercent, days, maxDuration, durationPercentiles,
                    durationRegressionThreshold, durationBaselineWindowDays, durationRecentWindow,
                    durationRegressionMinSamples, minRunsForSuccessRate, maxConsecutiveFailures);
        }

        /** A copy with {@code maxDuration} replaced. */
        public Sla withMaxDuration(@Nullable Duration value) {
            return new Sla(enabled, minSuccessRate, windowDays, value, durationPercentiles,
                    durationRegressionThreshold, durationBaselineWindowDays, durationRecentWindow,
                    durationRegressionMinSamples, minRunsForSuccessRate, maxConsecutiveFailures);
        }

        /** A copy with {@code maxConsecutiveFailures} replaced. */
        public Sla withMaxConsecutiveFailures(@Nullable Integer value) {
            return new Sla(enabled, minSuccessRate, windowDays, maxDuration, durationPercentiles,
                    durationRegressionThreshold, durationBaselineWindowDays, durationRecentWindow,
                    durationRegressionMinSamples, minRunsForSuccessRate, value);
        }
    }

    // ------------------------------------------------------------------ suspended, maintenance

    /**
     * Suspended CronJobs.
     *
     * @param pauseMonitoring     no dead-man or missed-run alerts while suspended (default true)
     * @param alertIfSuspendedFor alert when suspended for longer than this, or {@code null}; works whatever
     *                            {@code pauseMonitoring} says (the operator needed {@code pauseMonitoring: false})
     */
    public record SuspendedHandling(boolean pauseMonitoring, @Nullable Duration alertIfSuspendedFor) {
        public SuspendedHandling {
            positive(alertIfSuspendedFor, "alertIfSuspendedFor");
        }

        /** Pause monitoring, no suspended-too-long alert. */
        public static SuspendedHandling defaults() {
            return new SuspendedHandling(true, null);
        }
    }

    /**
     * New: Jobs that never get a pod running (pods not created because of a quota or an admission webhook,
     * {@code FailedCreate}; or never scheduled, {@code FailedScheduling}). Such a Job stays active without running,
     * and with {@code concurrencyPolicy: Forbid} the CronJob skips every later slot. A {@code JobStuck} incident opens
     * when a Job of the CronJob has had no pod running {@code noPodAfter} after its creation (or after it was
     * resumed), and resolves when a pod runs or the Job ends or is deleted. A suspended Job is not stuck.
     *
     * @param enabled    on by default
     * @param noPodAfter how long a Job may go without a running pod (default 10 minutes, positive)
     */
    public record StuckJob(boolean enabled, Duration noPodAfter) {
        /** The default {@code noPodAfter}: 10 minutes. */
        public static final Duration DEFAULT_NO_POD_AFTER = Duration.ofMinutes(10);

        public StuckJob {
            noPodAfter = noPodAfter == null ? DEFAULT_NO_POD_AFTER : noPodAfter;
            positive(noPodAfter, "noPodAfter");
        }

        /** On, 10 minutes. */
        public static StuckJob defaults() {
            return new StuckJob(true, DEFAULT_NO_POD_AFTER);
        }

        /** Off. */
        public static StuckJob disabled() {
            return new StuckJob(false, DEFAULT_NO_POD_AFTER);
        }
    }

    /**
     * A recurring maintenance window: it opens at every slot of {@code schedule} (in {@code timezone}) and lasts
     * {@code duration}. While one is open, alerts of every type are held back when {@code suppressAlerts} is true.
     *
     * @param name           unique within the monitor
     * @param schedule       a Kubernetes cron expression (five fields or a descriptor such as {@code @weekly};
     *                       {@code @every} is refused: a window needs fixed start times)
     * @param duration       how long the window lasts (positive)
     * @param timezone       the zone of the schedule (default UTC; an unknown zone is an error, never UTC)
     * @param suppressAlerts hold alerts back while open (default true)
     */
    public record MaintenanceWindow(String name, String schedule, Duration duration, ZoneId timezone,
            boolean suppressAlerts) {
        public MaintenanceWindow {
            Objects.requireNonNull(name, "name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            Objects.requireNonNull(schedule, "schedule must not be null");
            Objects.requireNonNull(duration, "duration must not be null");
            positive(duration, "duration");
            timezone = timezone == null ? ZoneOffset.UTC : timezone;
            CronSchedule parsed;
            try {
                parsed = CronSchedule.parse(schedule, timezone);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schedule: " + e.getMessage(), e);
            }
            if (parsed.isRelative()) {
                throw new IllegalArgumentException("schedule \"" + schedule + "\": @every has no fixed start times; "
                        + "a maintenance window needs a five-field expression or a descriptor such as @weekly");
            }
        }

        /** The parsed schedule in the window's zone. */
        public CronSchedule cronSchedule() {
            return CronSchedule.parse(schedule, timezone);
        }
    }

    // ------------------------------------------------------------------ alerting

    /**
     * A channel to notify, with the severities it receives.
     *
     * @param name       the channel's name ({@code channels.<name>} in the configuration)
     * @param severities the severities sent to it; empty = all
     */
    public record ChannelRef(String name, Set<Severity> severities) {
        public ChannelRef {
            Objects.requireNonNull(name, "name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            severities = severities == null || severities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(severities));
        }

        /** A channel that receives every severity. */
        public static ChannelRef of(String name) {
            return new ChannelRef(name, Set.of());
        }

        /** Whether an incident of this severity goes to this channel. */
        public boolean accepts(Severity severity) {
            return severities.isEmpty() || severities.contains(severity);
        }
    }

    /**
     * Severity per alert type; {@code null} = the default of {@link #defaultSeverity}.
     *
     * @param suspendedTooLong new: the operator had no override for it
     * @param jobStuck         new: JobStuck (a Job with no pod running, see {@link StuckJob})
     * @param ranTooOften      new: {@code RanTooOften} (YAML {@code severityOverrides.ranTooOften})
     */
    public record SeverityOverrides(@Nullable Severity jobFailed, @Nullable Severity deadManTriggered,
            @Nullable Severity slaBreached, @Nullable Severity durationRegression, @Nullable Severity missedSchedule,
            @Nullable Severity suspendedTooLong, @Nullable Severity jobStuck, @Nullable Severity ranTooOften) {

        /** Overrides of the operator's types and {@code suspendedTooLong}; none for the types added since. */
        public SeverityOverrides(@Nullable Severity jobFailed, @Nullable Severity deadManTriggered,
                @Nullable Severity slaBreached, @Nullable Severity durationRegression,
                @Nullable Severity missedSchedule, @Nullable Severity suspendedTooLong) {
            this(jobFailed, deadManTriggered, slaBreached, durationRegression, missedSchedule, suspendedTooLong, null,
                    null);
        }

        /** No override. */
        public static SeverityOverrides none() {
            return new SeverityOverrides(null, null, null, null, null, null, null, null);
        }

        /**
         * The default severity of a type: critical for JobFailed, MissedSchedule and DeadManTriggered; warning for
         * SLABreached, DurationRegression, SuspendedTooLong, JobStuck and RanTooOften; info for Test.
         */
        public static Severity defaultSeverity(AlertType type) {
            switch (type) {
                case JOB_FAILED:
                case MISSED_SCHEDULE:
                case DEAD_MAN_TRIGGERED:
                    return Severity.CRITICAL;
                case TEST:
                    return Severity.INFO;
                default:
                    return Severity.WARNING;
            }
        }

        /** The override for the type, else its default. */
        public Severity severityFor(AlertType type) {
            Severity s;
            switch (type) {
                case JOB_FAILED: s = jobFailed; break;
                case DEAD_MAN_TRIGGERED: s = deadManTriggered; break;
                case SLA_BREACHED: s = slaBreached; break;
                case DURATION_REGRESSION: s = durationRegression; break;
                case MISSED_SCHEDULE: s = missedSchedule; break;
                case SUSPENDED_TOO_LONG: s = suspendedTooLong; break;
                case JOB_STUCK: s = jobStuck; break;
                case RAN_TOO_OFTEN: s = ranTooOften; break;
                default: s = null; break;
            }
            return s != null ? s : defaultSeverity(type);
        }
    }

    /**
     * What context an alert carries. The defaults apply whether or not the block is present (the operator attached
     * none without the block).
     *
     * @param logs                     include the log tail of the failed run (default true)
     * @param logLines                 lines of log tail (default 50, 1 to 10000)
     * @param logContainerName         container to read, or {@code null} for the main one
     * @param includeInitContainerLogs also read init containers (default false, as in the operator's CRD)
     * @param events                   include Kubernetes events (default true)
     * @param podStatus                include a summary of the pod's status (default true)
     * @param suggestedFixes           include a suggested fix (default true)
     */
    public record IncludeContext(boolean logs, int logLines, @Nullable String logContainerName,
            boolean includeInitContainerLogs, boolean events, boolean podStatus, boolean suggestedFixes) {
        /** Largest accepted {@code logLines}. */
        public static final int MAX_LOG_LINES = 10_000;

        public IncludeContext {
            range(logLines, 1, MAX_LOG_LINES, "logLines");
            logContainerName = logContainerName == null || logContainerName.isBlank() ? null : logContainerName;
        }

        /** Logs (50 lines), events, pod status and suggested fixes; no init-container logs. */
        public static IncludeContext defaults() {
            return new IncludeContext(true, 50, null, false, true, true, true);
        }

        /** The log request for this context, capped at {@code maxBytes} (1 KiB to 10 MiB). */
        public LogRequest logRequest(int maxBytes) {
            return new LogRequest(logContainerName, includeInitContainerLogs, logLines, maxBytes);
        }
    }

    /** An inclusive exit code range, 0 to 255. */
    public record ExitCodeRange(int min, int max) {
        public ExitCodeRange {
            range(min, 0, 255, "min");
            range(max, 0, 255, "max");
            if (min > max) {
                throw new IllegalArgumentException("min (" + min + ") must not be greater than max (" + max + ")");
            }
        }

        /** Whether the code is in the range. */
        public boolean contains(int exitCode) {
            return exitCode >= min && exitCode <= max;
        }
    }

    /**
     * When a suggested fix applies: every criterion that is set must hold (AND); at least one must be set.
     *
     * @param exitCode      exact exit code (0 to 255)
     * @param exitCodeRange inclusive exit code range
     * @param reason        termination, waiting or condition reason, case-insensitive equality
     * @param reasonPattern regular expression searched in the reason
     * @param logPattern    regular expression searched in the log tail
     * @param eventPattern  regular expression searched in each event
     */
    public record FixMatch(@Nullable Integer exitCode, @Nullable ExitCodeRange exitCodeRange, @Nullable String reason,
            @Nullable Regex reasonPattern, @Nullable Regex logPattern, @Nullable Regex eventPattern) {
        public FixMatch {
            if (exitCode != null) {
                range(exitCode, 0, 255, "exitCode");
            }
            reason = reason == null || reason.isBlank() ? null : reason;
            if (exitCode == null && exitCodeRange == null && reason == null && reasonPattern == null
                    && logPattern == null && eventPattern == null) {
                throw new IllegalArgumentException("match must set at least one of exitCode, exitCodeRange, reason, "
                        + "reasonPattern, logPattern, eventPattern");
            }
        }
    }

    /**
     * A custom suggested fix. A pattern with the name of a built-in one replaces it; higher priority is tried first
     * (built-ins use 1 to 100).
     *
     * @param suggestion text with the placeholders {@code {{.Namespace}}}, {@code {{.Name}}}, {@code {{.JobName}}},
     *                   {@code {{.ExitCode}}}, {@code {{.Reason}}}
     */
    public record SuggestedFixPattern(String name, FixMatch match, String suggestion, int priority) {
        public SuggestedFixPattern {
            Objects.requireNonNull(name, "name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            Objects.requireNonNull(match, "match must not be null");
            Objects.requireNonNull(suggestion, "suggestion must not be null");
            if (suggestion.isBlank()) {
                throw new IllegalArgumentException("suggestion must not be blank");
            }
        }
    }

    /**
     * Notification settings. Kept as data for the alerting component.
     *
     * @param enabled               notify at all (default true); incidents are recorded either way
     * @param channelRefs           channels to notify; empty = none
     * @param severityOverrides     severity per alert type
     * @param suppressDuplicatesFor do not re-send a repeated alert within this window, or {@code null} for the
     *                              configuration's {@code rateLimits.defaultSuppressDuplicatesFor}
     * @param alertDelay            wait this long before notifying; an incident resolved meanwhile is never sent
     *                              (default 0)
     * @param includeContext        context attached to alerts
     * @param suggestedFixPatterns  custom suggested fixes
     * @param renotifyInterval      new: remind every interval while an incident stays open, or {@code null} for
     *                              never
     */
    public record Alerting(boolean enabled, List<ChannelRef> channelRefs, SeverityOverrides severityOverrides,
            @Nullable Duration suppressDuplicatesFor, Duration alertDelay, IncludeContext includeContext,
            List<SuggestedFixPattern> suggestedFixPatterns, @Nullable Duration renotifyInterval) {
        public Alerting {
            channelRefs = channelRefs == null ? List.of() : List.copyOf(channelRefs);
            severityOverrides = severityOverrides == null ? SeverityOverrides.none() : severityOverrides;
            if (suppressDuplicatesFor != null) {
                nonNegative(suppressDuplicatesFor, "suppressDuplicatesFor");
            }
            alertDelay = nonNegative(alertDelay == null ? Duration.ZERO : alertDelay, "alertDelay");
            includeContext = includeContext == null ? IncludeContext.defaults() : includeContext;
            suggestedFixPatterns = suggestedFixPatterns == null ? List.of() : List.copyOf(suggestedFixPatterns);
            positive(renotifyInterval, "renotifyInterval");
        }

        /** Enabled, no channels, default context. */
        public static Alerting defaults() {
            return new Alerting(true, List.of(), SeverityOverrides.none(), null, Duration.ZERO,
                    IncludeContext.defaults(), List.of(), null);
        }

        /** Enabled, these channels (all severities), everything else default. */
        public static Alerting toChannels(String... channelNames) {
            List<ChannelRef> refs = new ArrayList<>();
            for (String n : channelNames) {
                refs.add(ChannelRef.of(n));
            }
            return new Alerting(true, refs, SeverityOverrides.none(), null, Duration.ZERO, IncludeContext.defaults(),
                    List.of(), null);
        }

        /** {@link #suppressDuplicatesFor()} or the global default. */
        public Duration suppressDuplicatesFor(Duration globalDefault) {
            return suppressDuplicatesFor != null ? suppressDuplicatesFor : globalDefault;
        }
    }

    // ------------------------------------------------------------------ data retention

    /** What happens to a CronJob's history when the CronJob is deleted. */
    public enum OnCronJobDeletion {
        /** Keep it until normal retention removes it (default). */
        RETAIN("retain"),
        /** Delete it at once. */
        PURGE("purge"),
        /** Delete it {@code purgeAfterDays} after the deletion. */
        PURGE_AFTER_DAYS("purge-after-days");

        private final String wireName;

        OnCronJobDeletion(String wireName) {
            this.wireName = wireName;
        }

        /** The YAML spelling. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses the YAML spelling.
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static OnCronJobDeletion parse(String text) {
            for (OnCronJobDeletion v : values()) {
                if (v.wireName.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("\"" + text + "\" is not accepted; accepted: retain, purge, "
                    + "purge-after-days");
        }
    }

    /** What happens to the history of a CronJob that is deleted and created again under the same name. */
    public enum OnRecreation {
        /** Keep the old history (default). */
        RETAIN("retain"),
        /** Delete the history of the old UID. */
        RESET("reset");

        private final String wireName;

        OnRecreation(String wireName) {
            this.wireName = wireName;
        }

        /** The YAML spelling. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses the YAML spelling.
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static OnRecreation parse(String text) {
            for (OnRecreation v : values()) {
                if (v.wireName.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("\"" + text + "\" is not accepted; accepted: retain, reset");
        }
    }

    /**
     * Storage and retention for this monitor's CronJobs; {@code null} fields fall back to the global configuration.
     *
     * @param retentionDays     days runs are kept (1 to {@code historyRetention.maxDays}), or {@code null} for
     *                          {@code historyRetention.defaultDays}
     * @param logRetentionDays  days stored logs and events are kept (1 to retentionDays), or {@code null}
     * @param storeLogs         store log tails, or {@code null} for {@code storage.logStorageEnabled}
     * @param storeEvents       store events, or {@code null} for {@code storage.eventStorageEnabled}
     * @param maxLogSizeKB      largest stored log tail in KiB (1 to 10240), or {@code null} for
     *                          {@code storage.maxLogSizeKB}
     * @param onCronJobDeletion what to do when a CronJob is deleted (default retain)
     * @param purgeAfterDays    delay of {@code purge-after-days} (default 7, 1 to 3650)
     * @param onRecreation      what to do when a CronJob is recreated (default retain)
     */
    public record DataRetention(@Nullable Integer retentionDays, @Nullable Integer logRetentionDays,
            @Nullable Boolean storeLogs, @Nullable Boolean storeEvents, @Nullable Integer maxLogSizeKB,
            OnCronJobDeletion onCronJobDeletion, int purgeAfterDays, OnRecreation onRecreation) {
        /** Largest accepted number of days. */
        public static final int MAX_DAYS = 3650;
        /** Largest accepted {@code maxLogSizeKB}. */
        public static final int MAX_LOG_SIZE_KB = 10_240;

        public DataRetention {
            if (retentionDays != null) {
                range(retentionDays, 1, MAX_DAYS, "retentionDays");
            }
            if (logRetentionDays != null) {
                range(logRetentionDays, 1, retentionDays != null ? retentionDays : MAX_DAYS, "logRetentionDays");
            }
            if (maxLogSizeKB != null) {
                range(maxLogSizeKB, 1, MAX_LOG_SIZE_KB, "maxLogSizeKB");
            }
            onCronJobDeletion = onCronJobDeletion == null ? OnCronJobDeletion.RETAIN : onCronJobDeletion;
            range(purgeAfterDays, 1, MAX_DAYS, "purgeAfterDays");
            onRecreation = onRecreation == null ? OnRecreation.RETAIN : onRecreation;
        }

        /** Everything from the global configuration; retain on deletion and recreation. */
        public static DataRetention defaults() {
            return new DataRetention(null, null, null, null, null, OnCronJobDeletion.RETAIN, 7, OnRecreation.RETAIN);
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link MonitorSpec} in code; blocks not set keep their defaults. */
    public static final class Builder {
        private final String namespace;
        private final String name;
        private Selector selector = Selector.ownNamespace();
        private DeadManSwitch deadManSwitch = DeadManSwitch.disabled();
        private Sla sla = Sla.disabled();
        private SuspendedHandling suspendedHandling = SuspendedHandling.defaults();
        private final List<MaintenanceWindow> maintenanceWindows = new ArrayList<>();
        private Alerting alerting = Alerting.defaults();
        private DataRetention dataRetention = DataRetention.defaults();
        private StuckJob stuckJob = StuckJob.defaults();

        private Builder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        /** The selector (default: every CronJob of the monitor's namespace). */
        public Builder selector(Selector value) {
            this.selector = Objects.requireNonNull(value, "selector");
            return this;
        }

        /** Shortcut: CronJobs with all of these labels in the monitor's namespace. */
        public Builder matchLabels(Map<String, String> labels) {
            return selector(Selector.labels(labels));
        }

        /** The dead-man's switch (default off). */
        public Builder deadManSwitch(DeadManSwitch value) {
            this.deadManSwitch = Objects.requireNonNull(value, "deadManSwitch");
            return this;
        }

        /** The SLA (default off). */
        public Builder sla(Sla value) {
            this.sla = Objects.requireNonNull(value, "sla");
            return this;
        }

        /** Suspended handling (default: pause monitoring). */
        public Builder suspendedHandling(SuspendedHandling value) {
            this.suspendedHandling = Objects.requireNonNull(value, "suspendedHandling");
            return this;
        }

        /** Adds a maintenance window. */
        public Builder maintenanceWindow(MaintenanceWindow value) {
            this.maintenanceWindows.add(Objects.requireNonNull(value, "maintenanceWindow"));
            return this;
        }

        /** Alerting (default: enabled, no channels). */
        public Builder alerting(Alerting value) {
            this.alerting = Objects.requireNonNull(value, "alerting");
            return this;
        }

        /** Data retention (default: the global configuration). */
        public Builder dataRetention(DataRetention value) {
            this.dataRetention = Objects.requireNonNull(value, "dataRetention");
            return this;
        }

        /** Stuck-Job detection (default: on, 10 minutes). */
        public Builder stuckJob(StuckJob value) {
            this.stuckJob = Objects.requireNonNull(value, "stuckJob");
            return this;
        }

        /**
         * Builds the spec.
         *
         * @throws IllegalArgumentException when a value is invalid
         */
        public MonitorSpec build() {
            return new MonitorSpec(namespace, name, selector, deadManSwitch, sla, suspendedHandling,
                    maintenanceWindows, alerting, dataRetention, stuckJob);
        }
    }
}
