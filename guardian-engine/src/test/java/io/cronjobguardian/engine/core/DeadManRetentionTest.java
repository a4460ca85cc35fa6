package io.cronjobguardian.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 item 3 (second half): a fixed dead-man window longer than the history retention that must serve it
 * (a monthly job, a 35-day window, 30 days of history) is named with the monitor, the window and the retention key.
 */
class DeadManRetentionTest {

    private static MonitorSpec window(String name, Duration max, Integer retentionDays) {
        MonitorSpec.Builder b = MonitorSpec.builder("team-a", name)
                .deadManSwitch(MonitorSpec.DeadManSwitch.noSuccessWithin(max));
        if (retentionDays != null) {
            b.dataRetention(new MonitorSpec.DataRetention(retentionDays, null, null, null, null,
                    MonitorSpec.OnCronJobDeletion.RETAIN, 7, MonitorSpec.OnRecreation.RETAIN));
        }
        return b.build();
    }

    @Test
    void aWindowLongerThanTheDefaultRetentionIsNamedWithTheRetentionKey() {
        GuardianConfig.Retention r = GuardianConfig.builder().noEnvironment().set("historyRetention.defaultDays", "30")
                .build().retention();
        List<String> w = RetentionPolicy.deadManWindowsBeyondRetention(r, List.of(
                window("monthly", Duration.ofDays(35), null),
                window("daily", Duration.ofDays(2), null),
                window("exact", Duration.ofDays(30), null)));
        assertThat(w).singleElement().satisfies(m -> assertThat(m)
                .contains("monitor team-a/monthly")
                .contains("deadManSwitch.maxTimeSinceLastSuccess (35d)")
                .contains("30 days, historyRetention.defaultDays")
                .contains("status.lastSuccessfulTime")
                .contains("at least 35 days"));
    }

    @Test
    void theMonitorsOwnRetentionAndTheCapAreNamedWhenTheyDecide() {
        GuardianConfig.Retention r = GuardianConfig.builder().noEnvironment().set("historyRetention.defaultDays", "30")
                .set("historyRetention.maxDays", "60").build().retention();
        assertThat(RetentionPolicy.deadManWindowsBeyondRetention(r, List.of(
                window("own", Duration.ofDays(20), 14),
                window("long-enough", Duration.ofDays(40), 45),
                window("capped", Duration.ofDays(70), 90))))
                .satisfiesExactly(
                        m -> assertThat(m).contains("team-a/own").contains("14 days, dataRetention.retentionDays"),
                        m -> assertThat(m).contains("team-a/capped").contains("60 days, historyRetention.maxDays"));
    }
}
