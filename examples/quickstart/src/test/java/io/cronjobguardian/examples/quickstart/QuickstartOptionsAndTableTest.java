package io.cronjobguardian.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.ActiveJob;
import io.cronjobguardian.engine.CronJobStatus;
import io.cronjobguardian.engine.HealthState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartOptionsAndTableTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void optionsWinOverTheEnvironmentWhichWinsOverTheDefaults() {
        QuickstartOptions d = QuickstartOptions.parse(new String[0], Map.of());
        assertThat(d).isEqualTo(QuickstartOptions.defaults());
        assertThat(d.duration()).isNull();

        QuickstartOptions env = QuickstartOptions.parse(new String[0],
                Map.of("QUICKSTART_DURATION", "90", "QUICKSTART_MODE", "simulated", "QUICKSTART_SPEED", "120"));
        assertThat(env.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(env.mode()).isEqualTo(QuickstartOptions.Mode.SIMULATED);
        assertThat(env.speed()).isEqualTo(120);

        QuickstartOptions args = QuickstartOptions.parse(new String[] {"--duration=2.5", "--cluster", "--speed=600",
                "--refresh=1", "--seed=7", "--db=/tmp/x.db", "--no-clear"}, Map.of("QUICKSTART_DURATION", "90"));
        assertThat(args.duration()).isEqualTo(Duration.ofMillis(2500));
        assertThat(args.mode()).isEqualTo(QuickstartOptions.Mode.CLUSTER);
        assertThat(args.refresh()).isEqualTo(Duration.ofSeconds(1));
        assertThat(args.seed()).isEqualTo(7);
        assertThat(args.database()).isEqualTo("/tmp/x.db");
        assertThat(args.clear()).isFalse();
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> QuickstartOptions.parse(new String[] {"--duration=soon"}, Map.of()))
                .hasMessageContaining("--duration").hasMessageContaining("soon");
        assertThatThrownBy(() -> QuickstartOptions.parse(new String[] {"--frobnicate"}, Map.of()))
                .hasMessageContaining("unknown option --frobnicate").hasMessageContaining("usage");
        assertThatThrownBy(() -> QuickstartOptions.parse(new String[] {"--speed=0.5"}, Map.of()))
                .hasMessageContaining("--speed");
        assertThatThrownBy(() -> QuickstartOptions.parse(new String[] {"--mode=moon"}, Map.of()))
                .hasMessageContaining("moon");
        assertThatThrownBy(() -> QuickstartOptions.parse(new String[] {"--help"}, Map.of()))
                .isInstanceOf(QuickstartOptions.HelpRequested.class).hasMessageContaining("--duration=<seconds>");
    }

    @Test
    void aKubeconfigChoosesTheRealClusterUnlessSimulationIsAsked(@TempDir Path home) throws Exception {
        QuickstartOptions auto = QuickstartOptions.defaults();
        assertThat(new Quickstart(auto, System.out, Map.of(), home.toString()).simulated()).isTrue();
        Path kc = Files.createDirectories(home.resolve(".kube")).resolve("config");
        Files.writeString(kc, "apiVersion: v1\nkind: Config\n");
        assertThat(QuickstartOptions.findKubeconfig(Map.of(), home.toString())).isEqualTo(kc);
        assertThat(new Quickstart(auto, System.out, Map.of(), home.toString()).simulated()).isFalse();
        QuickstartOptions simulate = QuickstartOptions.parse(new String[] {"--simulate"}, Map.of());
        assertThat(new Quickstart(simulate, System.out, Map.of(), home.toString()).simulated()).isTrue();
        Path other = home.resolve("other-config");
        Files.writeString(other, "apiVersion: v1\n");
        assertThat(QuickstartOptions.findKubeconfig(Map.of("KUBECONFIG", "/nope" + java.io.File.pathSeparator
                + other), "/nonexistent")).isEqualTo(other);
        assertThat(QuickstartOptions.findKubeconfig(Map.of("KUBECONFIG", "/nope"), "/nonexistent")).isNull();
    }

    private static ExecutionStats stats(CronJobRef ref, long ok, long failed, Duration p95) {
        return new ExecutionStats(ref, NOW.minus(Duration.ofDays(1)), NOW, ok + failed, ok, failed,
                p95, p95, p95, p95, p95, null, null);
    }

    @Test
    void theTableShowsScheduleLastRunSuccessRateP95AndOpenIncidents() {
        CronJobRef flaky = CronJobRef.of("payments", "ledger-sync");
        Incident failed = new Incident("1", IncidentKey.of("payments/m", flaky, AlertType.JOB_FAILED),
                Severity.CRITICAL, "Job failed: payments/ledger-sync", "Job ledger-sync-1 failed: OOMKilled (exit code "
                + "137)", "oom|OOMKilled", AlertContext.EMPTY, NOW.minusSeconds(125), null, 0, null, 0);
        Incident sla = new Incident("2", new IncidentKey("payments/m", flaky, AlertType.SLA_BREACHED, "successRate"),
                Severity.WARNING, "SLA breached: payments/ledger-sync", "Success rate 50.0% is below 90.0%", "",
                AlertContext.EMPTY, NOW.minusSeconds(60), null, 0, null, 0);
        CronJobRef tz = CronJobRef.of("payments", "settlement-report");
        List<CronJobStatus> rows = List.of(
                new CronJobStatus(flaky, "uid-1", "*/10 * * * *", "UTC", false, HealthState.CRITICAL,
                        List.of("payments/m"), NOW.minusSeconds(200), JobState.FAILED, null, NOW.minusSeconds(200),
                        NOW.plusSeconds(400), List.of(new ActiveJob("ledger-sync-2", NOW, NOW, Duration.ZERO)),
                        List.of(failed, sla), stats(flaky, 1, 1, Duration.ofSeconds(95)), null),
                new CronJobStatus(tz, "uid-2", "15 */2 * * *", "America/New_York", false, HealthState.UNKNOWN,
                        List.of("payments/m"), null, null, null, null, null, List.of(), List.of(),
                        stats(tz, 0, 0, null), null));
        String table = StatusTable.render(rows, NOW, 10);
        String[] lines = table.split("\n");
        assertThat(lines[0]).startsWith("CRONJOB").contains("SCHEDULE", "STATE", "LAST RUN", "SUCCESS", "P95",
                "OPEN INCIDENTS");
        assertThat(lines[1]).contains("payments/ledger-sync", "*/10 * * * *", "critical", "FAILED 3m20s ago, running",
                "50% of 2", "1m35s", "JobFailed, SLABreached(successRate)");
        assertThat(lines[2]).contains("payments/settlement-report", "15 */2 * * * (America/New_York)", "unknown",
                "never", "no data");
        assertThat(table).contains("2 open incident(s):")
                .contains("[critical] Job failed: payments/ledger-sync - Job ledger-sync-1 failed: OOMKilled (exit "
                        + "code 137) (since 2m05s)");
        // columns line up
        assertThat(lines[1].indexOf("*/10")).isEqualTo(lines[0].indexOf("SCHEDULE"));
        assertThat(lines[2].indexOf("unknown")).isEqualTo(lines[0].indexOf("STATE"));
    }

    @Test
    void durationsReadLikeClocks() {
        assertThat(StatusTable.human(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(StatusTable.human(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(StatusTable.human(Duration.ofMinutes(127))).isEqualTo("2h07m");
        assertThat(StatusTable.human(Duration.ofHours(76))).isEqualTo("3d04h");
        assertThat(StatusTable.human(Duration.ofSeconds(-3))).isEqualTo("0s");
        assertThat(StatusTable.human(null)).isEqualTo("-");
    }
}
