package io.cronjobguardian.cli;

import java.util.List;

/**
 * What a transfer moved: records read and written per kind, and warnings (conflicts, skipped rows) each naming what it
 * concerns.
 *
 * @param cronJobStates  CronJob states (with their suspension markers)
 * @param channels       channel statistics
 * @param runs           runs (with their failure context and details)
 * @param runsWritten    runs the target did not have or had differently (the rest were already there)
 * @param incidents      incidents
 * @param incidentsNew   incidents the target did not have
 * @param notifications  notifications (of incidents, and test notifications)
 * @param warnings       what was not written and why
 */
public record Summary(long cronJobStates, long channels, long runs, long runsWritten, long incidents,
        long incidentsNew, long notifications, List<String> warnings) {

    public Summary {
        warnings = List.copyOf(warnings);
    }

    /** The counts alone (what an export wrote). */
    public String counts() {
        return runs + " runs, " + incidents + " incidents, " + notifications + " notifications, " + cronJobStates
                + " CronJob states, " + channels + " channels";
    }

    @Override
    public String toString() {
        return runs + " runs (" + runsWritten + " new or changed), " + incidents + " incidents (" + incidentsNew
                + " new), " + notifications + " notifications, " + cronJobStates + " CronJob states, " + channels
                + " channels" + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warnings");
    }
}
