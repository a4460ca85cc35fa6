package io.cronjobguardian.engine.alert;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpec.ExitCodeRange;
import io.cronjobguardian.engine.monitor.MonitorSpec.FixMatch;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuggestedFixPattern;
import io.cronjobguardian.engine.monitor.Regex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Suggests what to do about a failed run: the first matching pattern by descending priority among the twelve
 * built-in patterns of the operator and a monitor's custom ones (a custom pattern with a built-in's name replaces
 * it). A pattern matches when every criterion it sets holds: exit code, exit-code range, reason (case-insensitive,
 * compared with the termination/waiting reason and with the Job condition reason), and regular expressions searched
 * in the reason, the log tail and each event. A built-in match through the Job condition reason alone is the
 * fallback after every match on the run's own facts ({@link #match}).
 *
 * <p>Unlike the operator's, the waiting reasons (ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError) and
 * the Job condition reasons (DeadlineExceeded, BackoffLimitExceeded) reach the matcher, so every built-in can fire;
 * the signal pattern renders the signal number ({@code {{.Signal}}}) instead of the literal text "137-128"; ties of
 * priority are broken by name, so the choice is deterministic; regular expressions run on at most the last
 * {@value #MAX_SCAN_CHARS} characters of a log with a bounded amount of work, so a pathological pattern or a huge
 * log cannot stall the engine.
 */
public final class SuggestedFixes {

    /** The text when no pattern matches. */
    public static final String DEFAULT = "Check job logs and events for details.";
    /** Characters of a log or event a regular expression looks at (the end of the text). */
    public static final int MAX_SCAN_CHARS = 64 * 1024;
    private static final long MAX_REGEX_STEPS = 5_000_000;

    private static final List<SuggestedFixPattern> BUILT_IN = List.of(
            pattern("oom-killed", 100, null, null, "OOMKilled", null, null, null,
                    "The container was OOMKilled: it ran out of memory. Raise resources.limits.memory of "
                            + "{{.Namespace}}/{{.Name}} or reduce its memory use."),
            pattern("oom-signal", 95, 137, null, null, null, null, null,
                    "Exit code 137: killed by SIGKILL (signal 9), most often for running out of memory. Check: "
                            + "kubectl describe pod -n {{.Namespace}} -l job-name={{.JobName}} | grep -A5 'Last State'"),
            pattern("sigterm", 90, 143, null, null, null, null, null,
                    "Exit code 143: terminated by SIGTERM (signal 15): activeDeadlineSeconds was exceeded, the pod "
                            + "was evicted or its node drained. Make the job finish in time or handle SIGTERM."),
            pattern("image-pull", 85, null, null, null, "^(ImagePullBackOff|ErrImagePull|InvalidImageName)$", null,
                    null, "The image cannot be pulled ({{.Reason}}). Check the image name and tag of "
                            + "{{.Namespace}}/{{.Name}} and its imagePullSecrets."),
            pattern("crash-loop", 80, null, null, "CrashLoopBackOff", null, null, null,
                    "The container keeps crashing at start-up. Check: kubectl logs -n {{.Namespace}} "
                            + "-l job-name={{.JobName}} --previous"),
            pattern("config-error", 75, null, null, "CreateContainerConfigError", null, null, null,
                    "The container cannot be created: a referenced Secret or ConfigMap (or a key in it) is missing "
                            + "in {{.Namespace}}."),
            pattern("deadline-exceeded", 70, null, null, "DeadlineExceeded", null, null, null,
                    "The Job ran longer than activeDeadlineSeconds. Raise the deadline of {{.Namespace}}/{{.Name}} "
                            + "or make the job faster."),
            pattern("backoff-limit", 65, null, null, "BackoffLimitExceeded", null, null, null,
                    "The Job failed backoffLimit times in a row. Check the logs of the earlier attempts: kubectl logs "
                            + "-n {{.Namespace}} -l job-name={{.JobName}} --tail=100"),
            pattern("evicted", 60, null, null, "Evicted", null, null, null,
                    "The pod was evicted under node pressure. Set resource requests, or a PriorityClass, for "
                            + "{{.Namespace}}/{{.Name}}."),
            pattern("scheduling-failed", 55, null, null, null, null, null, "FailedScheduling",
                    "The pod could not be scheduled. Check resource requests, taints and tolerations, and node "
                            + "affinity of {{.Namespace}}/{{.Name}}."),
            pattern("app-error-range", 10, null, new ExitCodeRange(1, 125), null, null, null, null,
                    "The application exited with code {{.ExitCode}}. Check: kubectl logs -n {{.Namespace}} "
                            + "-l job-name={{.JobName}} --tail=100"),
            pattern("signal-range", 5, null, new ExitCodeRange(128, 255), null, null, null, null,
                    "The container was terminated by signal {{.Signal}} (exit code {{.ExitCode}} = 128 + "
                            + "{{.Signal}})."));

    private final List<SuggestedFixPattern> ordered;

    private SuggestedFixes(List<SuggestedFixPattern> patterns) {
        List<SuggestedFixPattern> l = new ArrayList<>(patterns);
        l.sort(Comparator.comparingInt(SuggestedFixPattern::priority).reversed()
                .thenComparing(SuggestedFixPattern::name));
        this.ordered = List.copyOf(l);
    }

    /** The built-in patterns. */
    public static List<SuggestedFixPattern> builtIn() {
        return BUILT_IN;
    }

    /** The built-ins merged with custom patterns (a custom pattern with a built-in's name replaces it). */
    public static SuggestedFixes with(List<SuggestedFixPattern> custom) {
        Map<String, SuggestedFixPattern> byName = new LinkedHashMap<>();
        BUILT_IN.forEach(p -> byName.put(p.name(), p));
        custom.forEach(p -> byName.put(p.name(), p));
        return new SuggestedFixes(new ArrayList<>(byName.values()));
    }

    /** Only the given patterns (no built-ins): used by the pattern tester. */
    public static SuggestedFixes only(List<SuggestedFixPattern> patterns) {
        return new SuggestedFixes(patterns);
    }

    /** The patterns a monitor uses. */
    public static SuggestedFixes forMonitor(MonitorSpec m) {
        return with(m.alerting().suggestedFixPatterns());
    }

    /**
     * What a pattern sees of a failure.
     *
     * @param namespace       the CronJob's namespace
     * @param name            the CronJob's name
     * @param jobName         the Job's name
     * @param exitCode        exit code of the last attempt, or {@code null}
     * @param reason          termination or waiting reason, or {@code null}
     * @param conditionReason Job condition reason, or {@code null}
     * @param logTail         log tail, or {@code null}
     * @param events          events, {@code "Reason: message"}
     */
    public record Failure(String namespace, String name, String jobName, @Nullable Integer exitCode,
            @Nullable String reason, @Nullable String conditionReason, @Nullable String logTail, List<String> events) {
        public Failure {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(jobName, "jobName");
            events = events == null ? List.of() : List.copyOf(events);
        }
    }

    /** A match: the pattern and its rendered suggestion. */
    public record Suggestion(String patternName, String text) {
    }

    /**
     * The best suggestion, or empty when no pattern matches. The most specific cause wins: a built-in pattern that
     * matches only through the Job condition reason ({@code backoff-limit}, {@code deadline-exceeded}) ranks below
     * every pattern that matches the run's own facts (exit code, container or pod reason, log, events), so a Job
     * that failed with BackoffLimitExceeded after its container was OOMKilled gets the OOM fix; the condition's fix
     * is the fallback when nothing more specific matches. Custom patterns keep their priority as written.
     */
    public Optional<Suggestion> match(Failure f) {
        Failure own = f.conditionReason() == null ? f : new Failure(f.namespace(), f.name(), f.jobName(),
                f.exitCode(), f.reason(), null, f.logTail(), f.events());
        SuggestedFixPattern byCondition = null;
        for (SuggestedFixPattern p : ordered) {
            boolean builtIn = BUILT_IN.contains(p);
            if (matches(p.match(), builtIn ? own : f)) {
                return Optional.of(new Suggestion(p.name(), render(p.suggestion(), f)));
            }
            if (builtIn && byCondition == null && own != f && matches(p.match(), f)) {
                byCondition = p;
            }
        }
        return Optional.ofNullable(byCondition).map(p -> new Suggestion(p.name(), render(p.suggestion(), f)));
    }

    /** The best suggestion's text, or {@link #DEFAULT}. */
    public String suggest(Failure f) {
        return match(f).map(Suggestion::text).orElse(DEFAULT);
    }

    static boolean matches(FixMatch m, Failure f) {
        if (m.exitCode() != null && !m.exitCode().equals(f.exitCode())) {
            return false;
        }
        if (m.exitCodeRange() != null && (f.exitCode() == null || !m.exitCodeRange().contains(f.exitCode()))) {
            return false;
        }
        if (m.reason() != null && !m.reason().equalsIgnoreCase(nz(f.reason()))
                && !m.reason().equalsIgnoreCase(nz(f.conditionReason()))) {
            return false;
        }
        if (m.reasonPattern() != null && !find(m.reasonPattern(), f.reason())
                && !find(m.reasonPattern(), f.conditionReason())) {
            return false;
        }
        if (m.logPattern() != null && !find(m.logPattern(), f.logTail())) {
            return false;
        }
        if (m.eventPattern() != null) {
            boolean any = false;
            for (String e : f.events()) {
                if (find(m.eventPattern(), e)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** Renders the placeholders {@code {{.Namespace}} {{.Name}} {{.JobName}} {{.ExitCode}} {{.Reason}} {{.Signal}}}. */
    static String render(String template, Failure f) {
        Integer code = f.exitCode();
        Integer signal = code != null && code > 128 && code <= 255 ? code - 128 : null;
        String reason = f.reason() != null ? f.reason() : f.conditionReason();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            int close = open < 0 ? -1 : template.indexOf("}}", open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String field = template.substring(open + 2, close).trim();
            String value;
            switch (field) {
                case ".Namespace": value = f.namespace(); break;
                case ".Name": value = f.name(); break;
                case ".JobName": value = f.jobName(); break;
                case ".ExitCode": value = code == null ? "" : code.toString(); break;
                case ".Reason": value = nz(reason); break;
                case ".Signal": value = signal == null ? "" : signal.toString(); break;
                default: value = template.substring(open, close + 2); break;   // unknown: left as written
            }
            out.append(value);
            i = close + 2;
        }
        return out.toString();
    }

    private static boolean find(Regex r, String text) {
        if (text == null) {
            return false;
        }
        CharSequence scan = text.length() > MAX_SCAN_CHARS ? text.substring(text.length() - MAX_SCAN_CHARS) : text;
        try {
            return r.find(new Bounded(scan));
        } catch (Bounded.TooMuchWork e) {
            return false;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static SuggestedFixPattern pattern(String name, int priority, Integer exitCode, ExitCodeRange range,
            String reason, String reasonPattern, String logPattern, String eventPattern, String suggestion) {
        return new SuggestedFixPattern(name, new FixMatch(exitCode, range, reason,
                reasonPattern == null ? null : Regex.compile(reasonPattern),
                logPattern == null ? null : Regex.compile(logPattern),
                eventPattern == null ? null : Regex.compile(eventPattern)), suggestion, priority);
    }

    /** A char sequence that aborts a regular expression after too many character reads. */
    private static final class Bounded implements CharSequence {
        static final class TooMuchWork extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooMuchWork() {
                super(null, null, false, false);
            }
        }

        private final CharSequence inner;
        private final long[] steps;

        Bounded(CharSequence inner) {
            this(inner, new long[1]);
        }

        private Bounded(CharSequence inner, long[] steps) {
            this.inner = inner;
            this.steps = steps;
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public char charAt(int index) {
            if (++steps[0] > MAX_REGEX_STEPS) {
                throw new TooMuchWork();
            }
            return inner.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Bounded(inner.subSequence(start, end), steps);
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    @Override
    public String toString() {
        return "SuggestedFixes" + ordered.stream().map(p -> p.name() + ":" + p.priority()).toList()
                .toString().toLowerCase(Locale.ROOT);
    }
}
