package io.cronjobguardian.examples.quickstart;

import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.engine.CronJobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Renders {@code guardian.statuses()} as a fixed-width text table, followed by the open incidents. */
public final class StatusTable {

    /** The column headings. */
    static final String[] HEADINGS = {"CRONJOB", "SCHEDULE", "STATE", "LAST RUN", "SUCCESS", "P95", "OPEN INCIDENTS"};
    /** Longest incident line. */
    static final int LINE_WIDTH = 160;

    private StatusTable() {
    }

    /**
     * The table.
     *
     * @param statuses     one row each
     * @param now          the engine's time, for "x ago"
     * @param maxIncidents most incidents listed below the table
     */
    public static String render(List<CronJobStatus> statuses, Instant now, int maxIncidents) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADINGS);
        List<String> incidents = new ArrayList<>();
        for (CronJobStatus s : statuses) {
            rows.add(new String[] {
                s.ref().namespace() + "/" + s.ref().name(),
                schedule(s),
                s.state().name().toLowerCase(Locale.ROOT),
                lastRun(s, now),
                successRate(s),
                s.stats().p95() == null ? "-" : human(s.stats().p95()),
                incidentTypes(s.openIncidents())});
            for (Incident i : s.openIncidents()) {
                incidents.add(truncate("  [" + i.severity().name().toLowerCase(Locale.ROOT) + "] " + i.title() + " - "
                        + i.message().replace('\n', ' ') + " (since " + human(Duration.between(i.openedAt(), now))
                        + ")", LINE_WIDTH));
            }
        }
        int[] widths = new int[HEADINGS.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(c == r.length - 1 ? r[c] : pad(r[c], widths[c] + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        if (statuses.isEmpty()) {
            sb.append("  (no CronJob seen yet)\n");
        }
        if (!incidents.isEmpty()) {
            sb.append('\n').append(incidents.size()).append(" open incident(s):\n");
            incidents.stream().limit(maxIncidents).forEach(l -> sb.append(l).append('\n'));
            if (incidents.size() > maxIncidents) {
                sb.append("  ... and ").append(incidents.size() - maxIncidents).append(" more\n");
            }
        }
        return sb.toString();
    }

    static String schedule(CronJobStatus s) {
        String zone = s.timeZone();
        boolean utc = zone == null || zone.equals("UTC") || zone.equals("Z") || zone.equals("Etc/UTC");
        return s.schedule() + (utc ? "" : " (" + zone + ")");
    }

    static String lastRun(CronJobStatus s, Instant now) {
        String running = s.activeJobs().isEmpty() ? "" : s.activeJobs().size() == 1 ? "running"
                : s.activeJobs().size() + " running";
        if (s.lastRunAt() == null) {
            return running.isEmpty() ? (s.suspended() ? "suspended" : "never") : running;
        }
        String outcome = s.lastRunState() == JobState.SUCCEEDED ? "ok" : s.lastRunState() == JobState.FAILED
                ? "FAILED" : String.valueOf(s.lastRunState()).toLowerCase(Locale.ROOT);
        String text = outcome + " " + human(Duration.between(s.lastRunAt(), now)) + " ago";
        return running.isEmpty() ? text : text + ", " + running;
    }

    static String successRate(CronJobStatus s) {
        if (s.stats().successRate().isEmpty()) {
            return "no data";
        }
        return String.format(Locale.ROOT, "%.0f%% of %d", s.stats().successRate().getAsDouble(), s.stats().total());
    }

    static String incidentTypes(List<Incident> open) {
        if (open.isEmpty()) {
            return "-";
        }
        Set<String> types = new LinkedHashSet<>();
        for (Incident i : open) {
            String subject = i.key().subject();
            types.add(i.key().type().wireName() + (subject == null || subject.isBlank() ? "" : "(" + subject + ")"));
        }
        return String.join(", ", types);
    }

    /** {@code 45s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}; negative durations read as 0s. */
    public static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3600);
    }

    private static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }

    private static String truncate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }
}
