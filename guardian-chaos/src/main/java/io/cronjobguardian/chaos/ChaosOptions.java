package io.cronjobguardian.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one chaos run does, from {@code key=value} words:
 * {@code seed=42 faults=kill,freeze,rolling rounds=20 profile=default db=postgres speed=20}.
 *
 * @param seed    drives the order of the faults and the moments they strike
 * @param faults  fault kinds, each at least once per cycle of {@code faults.size()} rounds
 * @param rounds  how many faults in all
 * @param profile Lease timings
 * @param db      {@code postgres} or {@code mariadb}
 * @param speed   simulated seconds per real second
 * @param deletedAtOnce whether the scenario has the CronJob whose Jobs are deleted right after finishing (
 *                {@code deleted=on|off}, default on)
 */
public record ChaosOptions(long seed, List<Fault> faults, int rounds, Profile profile, String db, double speed,
        boolean deletedAtOnce) {

    /** The usage text. */
    public static final String USAGE = "chaos arguments: seed=<long> faults=<kill,freeze,rolling,partition-db,"
            + "partition-api,db-restart,freeze-in-tx,kill-tx,kill-send> rounds=<1..1000> profile=<default|aggressive|fast> db=<postgres|mariadb> "
            + "speed=<1..100> deleted=<on|off>";

    /** A fault the harness can inject. */
    public enum Fault {
        /** kill -9 of the leader. */
        KILL("kill"),
        /** SIGSTOP of the leader for longer than leaseDuration, then SIGCONT. */
        FREEZE("freeze"),
        /** A graceful restart of every replica in turn (the leader's is a graceful hand-over). */
        ROLLING("rolling"),
        /** The leader's database proxy black-holed for twice leaseDuration. */
        PARTITION_DB("partition-db"),
        /** The leader's API server proxy black-holed until another replica leads, plus leaseDuration. */
        PARTITION_API("partition-api"),
        /** Every replica's database proxy black-holed for 30 s (stand-in for a database restart). */
        DB_RESTART("db-restart"),
        /**
         * SIGSTOP of the leader while it is inside a fenced write (its session holds the fence row's lock, seen in
         * {@code pg_locks}), for longer than leaseDuration, then SIGCONT. PostgreSQL only.
         */
        FREEZE_IN_TX("freeze-in-tx"),
        /** kill -9 of the leader while it is inside a fenced write (as {@code freeze-in-tx}). PostgreSQL only. */
        KILL_TX("kill-tx"),
        /** kill -9 of the leader while one of its webhook sends waits for the receiver's answer. */
        KILL_SEND("kill-send");

        final String word;

        Fault(String word) {
            this.word = word;
        }

        /** The word on the command line. */
        public String word() {
            return word;
        }

        static Fault of(String word) {
            for (Fault f : values()) {
                if (f.word.equals(word)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown fault \"" + word + "\"; " + USAGE);
        }
    }

    /**
     * Lease timings: {@code default} 15s/10s/2s, {@code aggressive} 10s/8s/1s, {@code fast} 4s/3s/500ms.
     *
     * @param name          the word on the command line
     * @param leaseDuration {@code leaderElection.leaseDuration}
     * @param renewDeadline {@code leaderElection.renewDeadline}
     * @param retryPeriod   {@code leaderElection.retryPeriod}
     */
    public record Profile(String name, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

        /** A profile by name. */
        public static Profile of(String name) {
            switch (name) {
                case "default":
                    return new Profile(name, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
                case "aggressive":
                    return new Profile(name, Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(1));
                case "fast":
                    return new Profile(name, Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));
                default:
                    throw new IllegalArgumentException("unknown profile \"" + name + "\"; " + USAGE);
            }
        }
    }

    /**
     * Parses {@code key=value} words (separated by blanks); unknown keys and bad values are errors.
     *
     * @throws IllegalArgumentException with the usage text
     */
    public static ChaosOptions parse(String... args) {
        long seed = 42;
        List<Fault> faults = List.of(Fault.KILL, Fault.FREEZE, Fault.ROLLING);
        int rounds = 3;
        Profile profile = Profile.of("default");
        String db = "postgres";
        double speed = 20;
        boolean deleted = true;
        for (String arg : args) {
            for (String word : arg.trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int eq = word.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("\"" + word + "\" is not key=value; " + USAGE);
                }
                String key = word.substring(0, eq);
                String value = word.substring(eq + 1).toLowerCase(Locale.ROOT);
                try {
                    switch (key) {
                        case "seed":
                            seed = Long.parseLong(value);
                            break;
                        case "faults":
                            List<Fault> fs = new ArrayList<>();
                            for (String f : value.split(",")) {
                                fs.add(Fault.of(f.trim()));
                            }
                            faults = List.copyOf(fs);
                            break;
                        case "rounds":
                            rounds = Integer.parseInt(value);
                            if (rounds < 1 || rounds > 1000) {
                                throw new IllegalArgumentException("rounds must be 1 to 1000, was " + rounds);
                            }
                            break;
                        case "profile":
                            profile = Profile.of(value);
                            break;
                        case "db":
                            if (!value.equals("postgres") && !value.equals("mariadb")) {
                                throw new IllegalArgumentException("db must be postgres or mariadb, was " + value);
                            }
                            db = value;
                            break;
                        case "speed":
                            speed = Double.parseDouble(value);
                            if (!(speed >= 1 && speed <= 100)) {
                                throw new IllegalArgumentException("speed must be 1 to 100, was " + value);
                            }
                            break;
                        case "deleted":
                            if (!value.equals("on") && !value.equals("off")) {
                                throw new IllegalArgumentException("deleted must be on or off, was " + value);
                            }
                            deleted = value.equals("on");
                            break;
                        default:
                            throw new IllegalArgumentException("unknown key \"" + key + "\"; " + USAGE);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad number in \"" + word + "\"; " + USAGE, e);
                }
            }
        }
        return new ChaosOptions(seed, faults, rounds, profile, db, speed, deleted);
    }

    /** The arguments that reproduce this run. */
    public String toArgs() {
        StringBuilder fs = new StringBuilder();
        for (Fault f : faults) {
            fs.append(fs.length() == 0 ? "" : ",").append(f.word);
        }
        return "seed=" + seed + " faults=" + fs + " rounds=" + rounds + " profile=" + profile.name() + " db=" + db
                + " speed=" + (speed == Math.rint(speed) ? Long.toString((long) speed) : Double.toString(speed))
                + " deleted=" + (deletedAtOnce ? "on" : "off");
    }
}
