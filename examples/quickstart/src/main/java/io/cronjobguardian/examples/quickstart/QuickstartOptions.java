package io.cronjobguardian.examples.quickstart;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Command-line options of the quickstart, each also settable through an environment variable (the option wins).
 *
 * @param mode     where the CronJobs come from
 * @param duration stop by itself after this much real time, or {@code null} to run until Ctrl-C
 * @param speed    simulated seconds per real second (simulated cluster only)
 * @param refresh  real time between two status tables
 * @param seed     the simulation's seed
 * @param database the SQLite file, or {@code null} for the mode's default
 * @param clear    clear the screen before each table (only on a terminal)
 */
public record QuickstartOptions(Mode mode, Duration duration, double speed, Duration refresh, long seed,
        String database, boolean clear) {

    /** Where the CronJobs come from. */
    public enum Mode {
        /** A real cluster when a kubeconfig is found, else the simulated one. */
        AUTO,
        /** Always the simulated cluster. */
        SIMULATED,
        /** The cluster of the kubeconfig (or in-cluster configuration). */
        CLUSTER
    }

    /** The usage text. */
    public static final String USAGE = String.join("\n",
            "usage: Quickstart [options]",
            "  --simulate            always use the simulated cluster (env QUICKSTART_MODE=simulated)",
            "  --cluster             always use the kubeconfig's cluster (env QUICKSTART_MODE=cluster);",
            "                        default: the cluster when ~/.kube/config or KUBECONFIG exists, else simulated",
            "  --duration=<seconds>  stop by itself after this many real seconds (env QUICKSTART_DURATION);",
            "                        default: run until Ctrl-C",
            "  --speed=<factor>      simulated seconds per real second (env QUICKSTART_SPEED, default 60)",
            "  --refresh=<seconds>   seconds between two status tables (env QUICKSTART_REFRESH, default 5)",
            "  --seed=<number>       seed of the simulated runs (env QUICKSTART_SEED, default 42)",
            "  --db=<path>           SQLite file (env QUICKSTART_DB; default ./guardian-data/guardian.db with a real",
            "                        cluster, ./guardian-data/quickstart-simulated.db, recreated, when simulated)",
            "  --no-clear            never clear the screen between tables",
            "  --help                this text");

    public QuickstartOptions {
        Objects.requireNonNull(mode, "mode");
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (!(speed >= 1) || speed > 100_000) {
            throw new IllegalArgumentException("--speed must be between 1 and 100000, was " + speed);
        }
        Objects.requireNonNull(refresh, "refresh");
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("--refresh must be positive");
        }
    }

    /** The defaults: auto mode, run until Ctrl-C, 60×, a table every 5 seconds, seed 42. */
    public static QuickstartOptions defaults() {
        return new QuickstartOptions(Mode.AUTO, null, 60, Duration.ofSeconds(5), 42, null, true);
    }

    /** Thrown for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(USAGE, null, false, false);
        }
    }

    /**
     * Parses the arguments over the environment over the defaults.
     *
     * @throws IllegalArgumentException naming the bad option
     * @throws HelpRequested            for {@code --help}
     */
    public static QuickstartOptions parse(String[] args, Map<String, String> env) {
        QuickstartOptions d = defaults();
        Mode mode = env(env, "QUICKSTART_MODE") == null ? d.mode : mode(env(env, "QUICKSTART_MODE"));
        String duration = env(env, "QUICKSTART_DURATION");
        String speed = env(env, "QUICKSTART_SPEED");
        String refresh = env(env, "QUICKSTART_REFRESH");
        String seed = env(env, "QUICKSTART_SEED");
        String db = env(env, "QUICKSTART_DB");
        boolean clear = true;
        for (String arg : args) {
            if (arg == null || arg.isBlank()) {
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (name) {
                case "--help":
                case "-h":
                    throw new HelpRequested();
                case "--simulate":
                case "--simulated":
                    mode = Mode.SIMULATED;
                    break;
                case "--cluster":
                    mode = Mode.CLUSTER;
                    break;
                case "--mode":
                    mode = mode(required(name, value));
                    break;
                case "--duration":
                    duration = required(name, value);
                    break;
                case "--speed":
                    speed = required(name, value);
                    break;
                case "--refresh":
                    refresh = required(name, value);
                    break;
                case "--seed":
                    seed = required(name, value);
                    break;
                case "--db":
                    db = required(name, value);
                    break;
                case "--no-clear":
                    clear = false;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        return new QuickstartOptions(mode,
                duration == null ? null : Duration.ofMillis(Math.round(number("--duration", duration) * 1000)),
                speed == null ? d.speed : number("--speed", speed),
                refresh == null ? d.refresh : Duration.ofMillis(Math.round(number("--refresh", refresh) * 1000)),
                seed == null ? d.seed : (long) number("--seed", seed),
                db, clear);
    }

    private static String env(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String required(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a value: " + option + "=<value>");
        }
        return value.trim();
    }

    private static double number(String option, String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + value + "\" is not a number");
        }
    }

    private static Mode mode(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "auto":
                return Mode.AUTO;
            case "simulate":
            case "simulated":
                return Mode.SIMULATED;
            case "cluster":
            case "real":
                return Mode.CLUSTER;
            default:
                throw new IllegalArgumentException("mode \"" + value + "\" is not known; accepted: auto, simulated, "
                        + "cluster");
        }
    }

    /**
     * The kubeconfig that fabric8 would read: the first existing file of {@code KUBECONFIG}, else
     * {@code ~/.kube/config}; {@code null} when there is none.
     */
    public static Path findKubeconfig(Map<String, String> env, String userHome) {
        String kc = env.get("KUBECONFIG");
        if (kc != null && !kc.isBlank()) {
            for (String part : kc.split(File.pathSeparator)) {
                if (!part.isBlank() && Files.isRegularFile(Path.of(part.trim()))) {
                    return Path.of(part.trim());
                }
            }
        }
        Path home = Path.of(userHome, ".kube", "config");
        return Files.isRegularFile(home) ? home : null;
    }
}
