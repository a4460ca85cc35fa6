package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.alert.SuggestedFixes;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpec.ExitCodeRange;
import io.cronjobguardian.engine.monitor.MonitorSpec.FixMatch;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuggestedFixPattern;
import io.cronjobguardian.engine.monitor.Regex;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Guardian#testFixPattern}: tries exactly the one pattern on a sample, as a user drafting a pattern would. */
class TestFixPatternTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static SuggestedFixes.Failure sample(Integer exit, String reason, String log) {
        return new SuggestedFixes.Failure("payments", "nightly", "nightly-29000000", exit, reason, null, log, List.of());
    }

    @Test
    void onlyThePatternUnderTestIsTriedAndItsTemplateIsRendered() {
        SuggestedFixPattern db = new SuggestedFixPattern("db-down", new FixMatch(null, new ExitCodeRange(1, 2), null,
                null, Regex.compile("connection refused.*:5432"), null), "Database of {{.Namespace}}/{{.Name}} is down",
                200);
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(MonitorSpec.of("payments", "m")), c -> { },
                b -> { })) {
            Guardian g = h.guardian();
            assertThat(g.testFixPattern(db, sample(1, "Error", "boot\nconnection refused 10.0.0.1:5432\n")))
                    .hasValue("Database of payments/nightly is down");
            // exit code outside the range, or a log that does not match: no suggestion at all
            assertThat(g.testFixPattern(db, sample(3, "Error", "connection refused 10.0.0.1:5432"))).isEmpty();
            assertThat(g.testFixPattern(db, sample(1, "Error", "disk full"))).isEmpty();
            // the built-in patterns are not tried: an OOM kill is not matched by this pattern
            assertThat(g.testFixPattern(db, sample(137, "OOMKilled", null))).isEmpty();
        }
    }
}
