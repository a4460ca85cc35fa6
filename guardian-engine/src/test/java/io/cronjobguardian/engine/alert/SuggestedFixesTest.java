package io.cronjobguardian.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.monitor.MonitorSpec.ExitCodeRange;
import io.cronjobguardian.engine.monitor.MonitorSpec.FixMatch;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuggestedFixPattern;
import io.cronjobguardian.engine.monitor.Regex;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestedFixesTest {

    private static final SuggestedFixes BUILT_IN = SuggestedFixes.with(List.of());

    private static SuggestedFixes.Failure failure(Integer exit, String reason, String condition, String log,
            String... events) {
        return new SuggestedFixes.Failure("team-a", "backup", "backup-29000000", exit, reason, condition, log,
                List.of(events));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            "oom-killed,        137, OOMKilled,                  BackoffLimitExceeded, -",
            "oom-signal,        137, Error,                      -, -",
            "sigterm,           143, Error,                      -, -",
            "image-pull,          -, ImagePullBackOff,           -, -",
            "image-pull,          -, ErrImagePull,               -, -",
            "crash-loop,          -, CrashLoopBackOff,           BackoffLimitExceeded, -",
            "config-error,        -, CreateContainerConfigError, -, -",
            "deadline-exceeded,   -, -,                          DeadlineExceeded, -",
            "backoff-limit,       -, -,                          BackoffLimitExceeded, -",
            "evicted,             -, Evicted,                    -, -",
            "scheduling-failed,   -, -,                          -, 'FailedScheduling: 0/3 nodes are available'",
            "app-error-range,     1, Error,                      -, -",
            "signal-range,      134, Error,                      -, -"})
    void everyBuiltInPatternFires(String expected, Integer exit, String reason, String condition, String event) {
        SuggestedFixes.Failure f = event == null ? failure(exit, reason, condition, null)
                : failure(exit, reason, condition, null, event);
        assertThat(BUILT_IN.match(f)).get().extracting(SuggestedFixes.Suggestion::patternName).isEqualTo(expected);
    }

    @Test
    void allTwelveBuiltInsExistWithTheOperatorsPriorities() {
        assertThat(SuggestedFixes.builtIn()).extracting(SuggestedFixPattern::name).containsExactly("oom-killed",
                "oom-signal", "sigterm", "image-pull", "crash-loop", "config-error", "deadline-exceeded",
                "backoff-limit", "evicted", "scheduling-failed", "app-error-range", "signal-range");
        assertThat(SuggestedFixes.builtIn()).extracting(SuggestedFixPattern::priority)
                .containsExactly(100, 95, 90, 85, 80, 75, 70, 65, 60, 55, 10, 5);
    }

    /** Kubernetes gives a Job that ran out of retries BackoffLimitExceeded, whatever killed its containers. */
    @ParameterizedTest(name = "{0}: exit {1}, {2}, condition {3}")
    @CsvSource(nullValues = "-", value = {
            "oom-killed,        137, OOMKilled,                  BackoffLimitExceeded",
            "oom-signal,        137, Error,                      BackoffLimitExceeded",
            "app-error-range,     1, Error,                      BackoffLimitExceeded",
            "signal-range,      134, Error,                      BackoffLimitExceeded",
            "image-pull,          -, ImagePullBackOff,           BackoffLimitExceeded",
            "config-error,        -, CreateContainerConfigError, DeadlineExceeded",
            "sigterm,           143, Error,                      DeadlineExceeded",
            "evicted,             -, Evicted,                    BackoffLimitExceeded",
            "backoff-limit,       -, -,                          BackoffLimitExceeded",
            "backoff-limit,       -, BackoffLimitExceeded,       BackoffLimitExceeded",
            "deadline-exceeded,   0, Completed,                  DeadlineExceeded"})
    void theContainersCauseWinsOverTheJobConditionWhichIsTheFallback(String expected, Integer exit, String reason,
            String condition) {
        assertThat(BUILT_IN.match(failure(exit, reason, condition, null))).get()
                .extracting(SuggestedFixes.Suggestion::patternName).isEqualTo(expected);
    }

    @Test
    void aJobOutOfRetriesWhoseContainerWasOomKilledGetsTheOomFix() {
        assertThat(BUILT_IN.suggest(failure(137, "OOMKilled", "BackoffLimitExceeded", null)))
                .startsWith("The container was OOMKilled");
        assertThat(BUILT_IN.suggest(failure(1, "Error", "BackoffLimitExceeded", null)))
                .startsWith("The application exited with code 1.");
    }

    @Test
    void aCustomPatternOnTheConditionReasonKeepsItsPriority() {
        SuggestedFixPattern retries = new SuggestedFixPattern("retries", new FixMatch(null, null,
                "BackoffLimitExceeded", null, null, null), "custom retries", 50);
        SuggestedFixes fixes = SuggestedFixes.with(List.of(retries));
        // above app-error-range (10), below oom-signal (95), as the priorities say
        assertThat(fixes.suggest(failure(1, "Error", "BackoffLimitExceeded", null))).isEqualTo("custom retries");
        assertThat(fixes.match(failure(137, "Error", "BackoffLimitExceeded", null))).get()
                .extracting(SuggestedFixes.Suggestion::patternName).isEqualTo("oom-signal");
    }

    @Test
    void templatesRenderFieldsAndTheSignalNumber() {
        String oom = BUILT_IN.suggest(failure(137, "Error", null, null));
        assertThat(oom).contains("kubectl describe pod -n team-a -l job-name=backup-29000000");
        String sig = BUILT_IN.suggest(failure(134, "Error", null, null));
        assertThat(sig).isEqualTo("The container was terminated by signal 6 (exit code 134 = 128 + 6).");
        assertThat(BUILT_IN.suggest(failure(null, null, null, null))).isEqualTo(SuggestedFixes.DEFAULT);
        assertThat(SuggestedFixes.render("{{.Name}} {{ .Reason }} {{.Unknown}}", failure(1, "Err", null, null)))
                .isEqualTo("backup Err {{.Unknown}}");
    }

    @Test
    void customPatternsReplaceBuiltInsByNameAndWinByPriority() {
        SuggestedFixPattern db = new SuggestedFixPattern("db-down", new FixMatch(null, new ExitCodeRange(1, 2), null,
                null, Regex.compile("connection refused.*:5432"), null), "Database {{.Namespace}} is down", 200);
        SuggestedFixPattern quietOom = new SuggestedFixPattern("oom-killed", new FixMatch(null, null, "OOMKilled",
                null, null, null), "custom OOM text", 1);
        SuggestedFixes fixes = SuggestedFixes.with(List.of(db, quietOom));
        assertThat(fixes.suggest(failure(1, "Error", null, "boot\nconnection refused 10.0.0.1:5432\n")))
                .isEqualTo("Database team-a is down");
        assertThat(fixes.suggest(failure(1, "Error", null, "other error"))).contains("exited with code 1");
        // the custom oom-killed has priority 1 now: oom-signal (95) wins for exit 137
        assertThat(fixes.match(failure(137, "OOMKilled", null, null))).get()
                .extracting(SuggestedFixes.Suggestion::patternName).isEqualTo("oom-signal");
        assertThat(fixes.match(failure(null, "OOMKilled", null, null))).get()
                .extracting(SuggestedFixes.Suggestion::text).isEqualTo("custom OOM text");
    }

    @Test
    void everyCriterionMustHold() {
        SuggestedFixPattern both = new SuggestedFixPattern("both", new FixMatch(3, null, "error", null, null,
                Regex.compile("Back-off")), "both", 500);
        SuggestedFixes only = SuggestedFixes.only(List.of(both));
        assertThat(only.match(failure(3, "Error", null, null, "BackOff: Back-off restarting"))).isPresent();
        assertThat(only.match(failure(3, "Error", null, null, "Pulled: ok"))).isEmpty();
        assertThat(only.match(failure(4, "Error", null, null, "BackOff: Back-off restarting"))).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)   // without the work bound this pattern runs for longer than the universe
    void aPathologicalPatternOnAHugeLogNeitherHangsNorMatches() {
        SuggestedFixPattern evil = new SuggestedFixPattern("evil", new FixMatch(null, null, null, null,
                Regex.compile("(a+)+b"), null), "evil", 1000);
        String log = "a".repeat(50 * 1024 * 1024 / 1024 * 16);   // 800 KiB of 'a', no 'b'
        assertThat(SuggestedFixes.with(List.of(evil)).match(failure(1, "Error", null, log))).get()
                .extracting(SuggestedFixes.Suggestion::patternName).isEqualTo("app-error-range");
    }
}
