package io.cronjobguardian.examples.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How the simulated Jobs of one CronJob behave. Every run's outcome, duration and failure are drawn from a random
 * generator seeded with the simulator's seed, the CronJob and the run's number, so the n-th run of a CronJob is the
 * same in every simulation with the same seed, whatever the start time or the speed.
 *
 * @param kind            what happens
 * @param typicalDuration duration of a normal run (each run varies by ±20 %); for {@link Kind#SLOW} the first run's
 * @param failurePercent  for {@link Kind#FLAKY}: the share of runs that fail, 0 to 100
 * @param growthPerRun    for {@link Kind#SLOW}: each run takes this factor longer than the one before (above 1)
 * @param longestDuration for {@link Kind#SLOW}: durations stop growing here
 * @param missAfterRuns   for {@link Kind#MISSED}: after this many runs the CronJob's slots are skipped (no Job)
 */
public record Behaviour(Kind kind, Duration typicalDuration, int failurePercent, double growthPerRun,
        Duration longestDuration, int missAfterRuns) {

    /** What a CronJob's Jobs do. */
    public enum Kind {
        /** Every run succeeds. */
        HEALTHY,
        /** A share of the runs fails (exit code 1, 2 or OOMKilled 137), one pod each ({@code backoffLimit: 0}). */
        FLAKY,
        /** The first pod of every run fails, the second succeeds: one successful run with two attempts. */
        RETRY_THEN_SUCCEED,
        /** Every run succeeds but takes longer than the one before (duration regression, {@code maxDuration}). */
        SLOW,
        /** Runs normally a few times, then its slots are skipped: no Job is created (a missed schedule). */
        MISSED,
        /** {@code spec.suspend: true}: no Job is ever created. */
        SUSPENDED
    }

    public Behaviour {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(typicalDuration, "typicalDuration");
        if (typicalDuration.isNegative() || typicalDuration.isZero()) {
            throw new IllegalArgumentException("typicalDuration must be positive, was " + typicalDuration);
        }
        if (failurePercent < 0 || failurePercent > 100) {
            throw new IllegalArgumentException("failurePercent must be between 0 and 100, was " + failurePercent);
        }
        if (kind == Kind.SLOW && !(growthPerRun > 1)) {
            throw new IllegalArgumentException("growthPerRun must be above 1 for SLOW, was " + growthPerRun);
        }
        longestDuration = longestDuration == null ? typicalDuration : longestDuration;
        if (longestDuration.compareTo(typicalDuration) < 0) {
            throw new IllegalArgumentException("longestDuration (" + longestDuration + ") must not be shorter than "
                    + "typicalDuration (" + typicalDuration + ")");
        }
        if (missAfterRuns < 0) {
            throw new IllegalArgumentException("missAfterRuns must not be negative, was " + missAfterRuns);
        }
    }

    /** Every run succeeds in about {@code typical}. */
    public static Behaviour healthy(Duration typical) {
        return new Behaviour(Kind.HEALTHY, typical, 0, 1, typical, 0);
    }

    /** {@code failurePercent} % of the runs fail; the others succeed in about {@code typical}. */
    public static Behaviour flaky(Duration typical, int failurePercent) {
        return new Behaviour(Kind.FLAKY, typical, failurePercent, 1, typical, 0);
    }

    /** The first pod fails, the retry succeeds (attempts = 2); about {@code typical} per pod. */
    public static Behaviour retryThenSucceed(Duration typical) {
        return new Behaviour(Kind.RETRY_THEN_SUCCEED, typical, 0, 1, typical, 0);
    }

    /** Starts at {@code first}, each run {@code growthPerRun} times longer than the last, up to {@code longest}. */
    public static Behaviour slow(Duration first, double growthPerRun, Duration longest) {
        return new Behaviour(Kind.SLOW, first, 0, growthPerRun, longest, 0);
    }

    /** Runs {@code runs} times (succeeding in about {@code typical}), then its slots are skipped. */
    public static Behaviour missedAfter(int runs, Duration typical) {
        return new Behaviour(Kind.MISSED, typical, 0, 1, typical, runs);
    }

    /** Suspended: never runs. */
    public static Behaviour suspended() {
        return new Behaviour(Kind.SUSPENDED, Duration.ofMinutes(1), 0, 1, Duration.ofMinutes(1), 0);
    }

    /** Whether the simulator creates a Job for the slot after {@code runsSoFar} runs. */
    boolean runs(int runsSoFar) {
        if (kind == Kind.SUSPENDED) {
            return false;
        }
        return kind != Kind.MISSED || runsSoFar < missAfterRuns;
    }

    /** {@code backoffLimit} of the Jobs. */
    int backoffLimit() {
        return kind == Kind.RETRY_THEN_SUCCEED ? 2 : 0;
    }

    /**
     * The plan of run number {@code runIndex} (0-based) of a CronJob.
     *
     * @param seed       the simulation's seed
     * @param cronJobKey {@code namespace/name}
     * @param runIndex   how many runs the CronJob had before this one
     */
    RunPlan plan(long seed, String cronJobKey, int runIndex) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, cronJobKey.hashCode(), runIndex));
        Duration startDelay = Duration.ofMillis(1000 + rnd.nextInt(2000));
        String podSuffixes = randomSuffix(rnd) + "," + randomSuffix(rnd);
        List<Attempt> attempts = new ArrayList<>();
        switch (kind) {
            case FLAKY:
                if (rnd.nextInt(100) < failurePercent) {
                    attempts.add(failure(rnd, vary(typicalDuration.multipliedBy(2).dividedBy(3), rnd)));
                } else {
                    attempts.add(Attempt.success(vary(typicalDuration, rnd)));
                }
                break;
            case RETRY_THEN_SUCCEED:
                attempts.add(new Attempt(vary(typicalDuration.dividedBy(3), rnd), 1, "Error",
                        "transient error: upstream timed out after 30s"));
                attempts.add(Attempt.success(vary(typicalDuration, rnd)));
                break;
            case SLOW:
                double factor = Math.pow(growthPerRun, runIndex);
                long millis = (long) Math.min(longestDuration.toMillis(), typicalDuration.toMillis() * factor);
                // a little noise, never past the longest duration
                long noisy = (long) (millis * (0.97 + rnd.nextDouble() * 0.03));
                attempts.add(Attempt.success(Duration.ofMillis(Math.max(1000, noisy))));
                break;
            default:
                attempts.add(Attempt.success(vary(typicalDuration, rnd)));
                break;
        }
        return new RunPlan(startDelay, attempts, podSuffixes.split(","));
    }

    private static Attempt failure(SplittableRandom rnd, Duration duration) {
        switch (rnd.nextInt(3)) {
            case 0:
                return new Attempt(duration, 1, "Error", "psql: error: connection to server at \"db\" (10.0.0.12), "
                        + "port 5432 failed: Connection refused");
            case 1:
                return new Attempt(duration, 137, "OOMKilled", null);
            default:
                return new Attempt(duration, 2, "Error", "input file not found: /data/incoming/export.csv");
        }
    }

    /** ±20 %, at least one second. */
    private static Duration vary(Duration d, SplittableRandom rnd) {
        long ms = (long) (d.toMillis() * (0.8 + rnd.nextDouble() * 0.4));
        return Duration.ofMillis(Math.max(1000, ms));
    }

    private static String randomSuffix(SplittableRandom rnd) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";   // what Kubernetes uses for generated names
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A 64-bit mix (SplitMix64 finaliser) of the seed, the CronJob and the run number. */
    static long mix(long seed, int key, int runIndex) {
        long z = seed ^ ((long) key << 32) ^ (runIndex * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One pod of a run.
     *
     * @param duration  how long the pod runs
     * @param exitCode  its container's exit code
     * @param reason    the container's termination reason ({@code Completed}, {@code Error}, {@code OOMKilled})
     * @param message   the termination message, or {@code null}
     */
    record Attempt(Duration duration, int exitCode, String reason, String message) {
        static Attempt success(Duration duration) {
            return new Attempt(duration, 0, "Completed", null);
        }

        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** What one run will do: start delay after the slot, pods in order, pod name suffixes. */
    record RunPlan(Duration startDelay, List<Attempt> attempts, String[] podSuffixes) {
        boolean succeeds() {
            return attempts.get(attempts.size() - 1).succeeded();
        }

        /** Start of the run to the end of the last pod (pods follow each other after a 10 s back-off). */
        Duration total() {
            Duration d = Duration.ZERO;
            for (int i = 0; i < attempts.size(); i++) {
                d = d.plus(attempts.get(i).duration());
                if (i > 0) {
                    d = d.plus(BACKOFF);
                }
            }
            return d;
        }
    }

    /** Pause between a failed pod and its retry (the Job controller's first back-off). */
    static final Duration BACKOFF = Duration.ofSeconds(10);
}
