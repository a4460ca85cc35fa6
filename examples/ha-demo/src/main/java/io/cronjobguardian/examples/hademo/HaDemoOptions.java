package io.cronjobguardian.examples.hademo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Options of the HA demo.
 *
 * @param speed      simulated seconds per real second
 * @param phase      real time between two steps of the demo
 * @param freeze     also freeze a leader (its API server connection black-holed) after the graceful hand-over
 * @param schema     the PostgreSQL schema the engines share (dropped and created at start)
 * @param keepSchema keep the schema at the end (to look at it)
 * @param database   where PostgreSQL is, or {@code null} when none was found
 */
public record HaDemoOptions(double speed, Duration phase, boolean freeze, String schema, boolean keepSchema,
        Database database) {

    /**
     * A PostgreSQL database.
     *
     * @param url      JDBC URL
     * @param user     user name, or {@code null}
     * @param password password, or {@code null}
     * @param source   where it was found (for the output; never the password)
     */
    public record Database(String url, String user, String password, String source) {
        public Database {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("the PostgreSQL URL must start with jdbc:postgresql:, was " + url);
            }
        }

        @Override
        public String toString() {
            return url + (user == null ? "" : " as " + user) + " (from " + source + ")";
        }
    }

    /** The usage text. */
    public static final String USAGE = String.join("\n",
            "usage: HaDemo [options]",
            "  --speed=<factor>     simulated seconds per real second (default 60)",
            "  --phase=<seconds>    real seconds between the demo's steps (default 10)",
            "  --no-freeze          skip the frozen-leader step",
            "  --schema=<name>      PostgreSQL schema of the demo, dropped and recreated (default guardian_ha_demo)",
            "  --keep-schema        do not drop the schema at the end",
            "  --pg-url=<jdbc url>  PostgreSQL (default: env GUARDIAN_TEST_PG_URL, else GUARDIAN_STORAGE_POSTGRES_URL,",
            "                       else .ci/db.env as written by .ci/db-setup.sh)",
            "  --pg-user=<name>     (default: env GUARDIAN_TEST_PG_USER or GUARDIAN_STORAGE_POSTGRES_USERNAME)",
            "  --pg-password=<pw>   (default: env GUARDIAN_TEST_PG_PASSWORD or GUARDIAN_STORAGE_POSTGRES_PASSWORD)",
            "  --help               this text");

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern ENV_LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Z_][A-Z0-9_]*)=(.*)$");

    public HaDemoOptions {
        if (!(speed >= 1) || speed > 10_000) {
            throw new IllegalArgumentException("--speed must be between 1 and 10000, was " + speed);
        }
        Objects.requireNonNull(phase, "phase");
        if (phase.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--phase must be at least 1 second");
        }
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("--schema must be a lower-case SQL identifier, was " + schema);
        }
    }

    /** Thrown for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(USAGE, null, false, false);
        }
    }

    /**
     * Parses the arguments; the database comes from the options, the environment or {@code .ci/db.env} under
     * {@code workingDir}.
     */
    public static HaDemoOptions parse(String[] args, Map<String, String> env, Path workingDir) {
        double speed = 60;
        Duration phase = Duration.ofSeconds(10);
        boolean freeze = true;
        String schema = "guardian_ha_demo";
        boolean keep = false;
        String url = null;
        String user = null;
        String password = null;
        for (String arg : args) {
            if (arg == null || arg.isBlank()) {
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1).trim() : null;
            switch (name) {
                case "--help":
                case "-h":
                    throw new HelpRequested();
                case "--speed":
                    speed = number(name, value);
                    break;
                case "--phase":
                    phase = Duration.ofMillis(Math.round(number(name, value) * 1000));
                    break;
                case "--no-freeze":
                    freeze = false;
                    break;
                case "--schema":
                    schema = required(name, value);
                    break;
                case "--keep-schema":
                    keep = true;
                    break;
                case "--pg-url":
                    url = required(name, value);
                    break;
                case "--pg-user":
                    user = required(name, value);
                    break;
                case "--pg-password":
                    password = required(name, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        Database db;
        if (url != null) {
            db = new Database(url, user, password, "options");
        } else {
            db = fromEnvironment(env, "environment");
            if (db == null) {
                Path file = workingDir.resolve(".ci").resolve("db.env");
                if (Files.isRegularFile(file)) {
                    db = fromEnvironment(readEnvFile(file), file.toString());
                }
            }
            if (db != null && (user != null || password != null)) {
                db = new Database(db.url(), user != null ? user : db.user(), password != null ? password
                        : db.password(), db.source() + " and options");
            }
        }
        return new HaDemoOptions(speed, phase, freeze, schema, keep, db);
    }

    private static Database fromEnvironment(Map<String, String> env, String source) {
        String url = blankToNull(env.get("GUARDIAN_TEST_PG_URL"));
        if (url != null) {
            return new Database(url, blankToNull(env.get("GUARDIAN_TEST_PG_USER")),
                    blankToNull(env.get("GUARDIAN_TEST_PG_PASSWORD")), source + " GUARDIAN_TEST_PG_*");
        }
        url = blankToNull(env.get("GUARDIAN_STORAGE_POSTGRES_URL"));
        if (url != null) {
            return new Database(url, blankToNull(env.get("GUARDIAN_STORAGE_POSTGRES_USERNAME")),
                    blankToNull(env.get("GUARDIAN_STORAGE_POSTGRES_PASSWORD")), source + " GUARDIAN_STORAGE_POSTGRES_*");
        }
        return null;
    }

    /** Reads {@code export KEY='value'} lines (the format of {@code .ci/db.env}). */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = ENV_LINE.matcher(line);
                if (m.matches()) {
                    String v = m.group(2).trim();
                    if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'")
                            || v.startsWith("\"") && v.endsWith("\""))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.put(m.group(1), v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String required(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a value: " + option + "=<value>");
        }
        return value;
    }

    private static double number(String option, String value) {
        try {
            double d = Double.parseDouble(required(option, value));
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + value + "\" is not a number");
        }
    }
}
