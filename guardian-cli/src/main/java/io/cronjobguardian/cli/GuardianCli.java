package io.cronjobguardian.cli;

import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar guardian-cli.jar <command>}: {@code export}, {@code import}, {@code copy},
 * {@code import-operator}. Data goes to standard output (export) or comes from standard input (import) unless a file
 * is named; messages, progress and the summary go to standard error. Exit status 0 on success, 1 when the transfer
 * failed (the message says why and where), 2 for a usage error.
 */
@Command(name = "guardian-cli", mixinStandardHelpOptions = true, versionProvider = GuardianCli.Version.class,
        description = "Backs up, restores, copies and imports CronJob Guardian history stores.",
        subcommands = {GuardianCli.Export.class, GuardianCli.Import.class, GuardianCli.Copy.class,
            GuardianCli.ImportOperator.class})
public final class GuardianCli implements Runnable {

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final Map<String, String> env;
    private final Clock clock;
    private final boolean console;

    GuardianCli(InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> env, Clock clock,
            boolean console) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.env = env;
        this.clock = clock;
        this.console = console;
    }

    public static void main(String[] args) {
        // this process's own logging: warnings only, to stderr (stdout carries the export); no jOOQ banner
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        System.exit(run(args, System.in, System.out, System.err, System.getenv(), Clock.systemUTC(),
                System.console() != null));
    }

    /** Runs one command line; returns the exit status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
            Clock clock, boolean console) {
        GuardianCli root = new GuardianCli(in, out, err, env, clock, console);
        CommandLine cl = new CommandLine(root, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Export.class) {
                    return cls.cast(new Export(root));
                } else if (cls == Import.class) {
                    return cls.cast(new Import(root));
                } else if (cls == Copy.class) {
                    return cls.cast(new Copy(root));
                } else if (cls == ImportOperator.class) {
                    return cls.cast(new ImportOperator(root));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cl.setOut(new java.io.PrintWriter(err, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof TransferException) {
                err.println("guardian-cli: " + e.getMessage());
                return 1;
            }
            err.println("guardian-cli: failed: " + e);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a command: export, import, copy or "
                + "import-operator (--help lists them)");
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"guardian-cli " + HistoryTransfer.version()};
        }
    }

    String credential(String option, String... envNames) {
        if (option != null) {
            return option;
        }
        for (String n : envNames) {
            String v = env.get(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    Progress progress(boolean quiet) {
        return console && !quiet ? new ConsoleProgress(stderr, clock) : Progress.NONE;
    }

    static String pw(char[] value) {
        return value == null ? null : new String(value);
    }

    // ================================================================= commands

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes everything a store holds as JSON Lines (to standard output unless --out).")
    static final class Export implements Callable<Integer> {
        private final GuardianCli root;

        @Option(names = "--from", required = true, paramLabel = "<jdbc-url>", description = "the store to export")
        String from;
        @Option(names = "--user", description = "database user (else $GUARDIAN_CLI_USER)")
        String user;
        @Option(names = "--password", interactive = true, arity = "0..1",
                description = "database password (else $GUARDIAN_CLI_PASSWORD; without a value: asked for)")
        char[] password;
        @Option(names = "--out", paramLabel = "<file>", description = "write here (atomically) instead of stdout")
        Path out;
        @Option(names = "--gzip", description = "compress the output with gzip")
        boolean gzip;
        @Option(names = "--quiet", description = "no progress on the terminal")
        boolean quiet;

        Export(GuardianCli root) {
            this.root = root;
        }

        @Override
        public Integer call() throws IOException {
            HistoryTransfer t = new HistoryTransfer(root.clock).progress(root.progress(quiet || out == null));
            try (JdbcHistoryStore store = StoreUrls.open(from, root.credential(user, "GUARDIAN_CLI_USER"),
                    root.credential(pw(password), "GUARDIAN_CLI_PASSWORD"), StoreUrls.Role.SOURCE, root.clock)) {
                Summary s;
                if (out == null) {
                    OutputStream o = new BufferedOutputStream(root.stdout, 1 << 16);
                    if (gzip) {
                        GZIPOutputStream z = new GZIPOutputStream(o, 1 << 16);
                        s = t.export(store, z);
                        z.finish();
                    } else {
                        s = t.export(store, o);
                    }
                    o.flush();
                } else {
                    Path dir = out.toAbsolutePath().getParent();
                    Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
                    try {
                        try (OutputStream f = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                                OutputStream o = gzip ? new GZIPOutputStream(f, 1 << 16) : f) {
                            s = t.export(store, o);
                        }
                        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                root.stderr.println("exported " + s.counts() + " from " + StoreUrls.redact(from)
                        + (out == null ? "" : " to " + out));
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Reads an export (plain or gzip; standard input unless --in) into a store. Idempotent: "
                    + "run it again after an interruption.")
    static final class Import implements Callable<Integer> {
        private final GuardianCli root;

        @Option(names = "--to", required = true, paramLabel = "<jdbc-url>", description = "the store to write")
        String to;
        @Option(names = "--user", description = "database user (else $GUARDIAN_CLI_USER)")
        String user;
        @Option(names = "--password", interactive = true, arity = "0..1",
                description = "database password (else $GUARDIAN_CLI_PASSWORD; without a value: asked for)")
        char[] password;
        @Option(names = "--in", paramLabel = "<file>", description = "read this file instead of stdin")
        Path in;
        @Option(names = "--batch-size", defaultValue = "1000", description = "runs per transaction (default 1000)")
        int batchSize;

        Import(GuardianCli root) {
            this.root = root;
        }

        @Override
        public Integer call() throws IOException {
            HistoryTransfer t = new HistoryTransfer(root.clock).batchSize(batchSize);
            try (JdbcHistoryStore store = StoreUrls.open(to, root.credential(user, "GUARDIAN_CLI_USER"),
                    root.credential(pw(password), "GUARDIAN_CLI_PASSWORD"), StoreUrls.Role.TARGET, root.clock);
                    InputStream input = in == null ? root.stdin : Files.newInputStream(in)) {
                Summary s = t.importFrom(input, store);
                root.stderr.println("imported " + s + " into " + StoreUrls.redact(to));
                s.warnings().forEach(w -> root.stderr.println("warning: " + w));
            }
            return 0;
        }
    }

    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = "Copies one store into another (streaming, batched), then verifies that counts and "
                    + "per-CronJob statistics are equal on both sides.")
    static final class Copy implements Callable<Integer> {
        private final GuardianCli root;

        @Option(names = "--from", required = true, paramLabel = "<jdbc-url>")
        String from;
        @Option(names = "--to", required = true, paramLabel = "<jdbc-url>")
        String to;
        @Option(names = "--from-user", description = "else $GUARDIAN_CLI_FROM_USER, $GUARDIAN_CLI_USER")
        String fromUser;
        @Option(names = "--from-password", interactive = true, arity = "0..1",
                description = "else $GUARDIAN_CLI_FROM_PASSWORD, $GUARDIAN_CLI_PASSWORD")
        char[] fromPassword;
        @Option(names = "--to-user", description = "else $GUARDIAN_CLI_TO_USER, $GUARDIAN_CLI_USER")
        String toUser;
        @Option(names = "--to-password", interactive = true, arity = "0..1",
                description = "else $GUARDIAN_CLI_TO_PASSWORD, $GUARDIAN_CLI_PASSWORD")
        char[] toPassword;
        @Option(names = "--batch-size", defaultValue = "1000", description = "runs per transaction (default 1000)")
        int batchSize;
        @Option(names = "--quiet", description = "no progress on the terminal")
        boolean quiet;

        Copy(GuardianCli root) {
            this.root = root;
        }

        @Override
        public Integer call() {
            HistoryTransfer t = new HistoryTransfer(root.clock).batchSize(batchSize).progress(root.progress(quiet));
            try (JdbcHistoryStore source = StoreUrls.open(from, root.credential(fromUser, "GUARDIAN_CLI_FROM_USER",
                    "GUARDIAN_CLI_USER"), root.credential(pw(fromPassword), "GUARDIAN_CLI_FROM_PASSWORD",
                            "GUARDIAN_CLI_PASSWORD"), StoreUrls.Role.SOURCE, root.clock);
                    JdbcHistoryStore target = StoreUrls.open(to, root.credential(toUser, "GUARDIAN_CLI_TO_USER",
                            "GUARDIAN_CLI_USER"), root.credential(pw(toPassword), "GUARDIAN_CLI_TO_PASSWORD",
                                    "GUARDIAN_CLI_PASSWORD"), StoreUrls.Role.TARGET, root.clock)) {
                long t0 = System.nanoTime();
                Summary s = t.copy(source, target);
                root.stderr.printf(Locale.ROOT, "copied %s from %s to %s in %.1f s; verified: counts and per-CronJob "
                        + "statistics are equal%n", s, StoreUrls.redact(from), StoreUrls.redact(to),
                        (System.nanoTime() - t0) / 1e9);
                s.warnings().forEach(w -> root.stderr.println("warning: " + w));
            }
            return 0;
        }
    }

    @Command(name = "import-operator", mixinStandardHelpOptions = true,
            description = "Imports the cronjob-guardian operator's history (executions, alert_history, channel_stats) "
                    + "into a store. Idempotent.")
    static final class ImportOperator implements Callable<Integer> {
        private final GuardianCli root;

        @Option(names = "--from", required = true, paramLabel = "<operator-jdbc-url>")
        String from;
        @Option(names = "--to", required = true, paramLabel = "<jdbc-url>")
        String to;
        @Option(names = "--from-user", description = "else $GUARDIAN_CLI_FROM_USER, $GUARDIAN_CLI_USER")
        String fromUser;
        @Option(names = "--from-password", interactive = true, arity = "0..1",
                description = "else $GUARDIAN_CLI_FROM_PASSWORD, $GUARDIAN_CLI_PASSWORD")
        char[] fromPassword;
        @Option(names = "--to-user", description = "else $GUARDIAN_CLI_TO_USER, $GUARDIAN_CLI_USER")
        String toUser;
        @Option(names = "--to-password", interactive = true, arity = "0..1",
                description = "else $GUARDIAN_CLI_TO_PASSWORD, $GUARDIAN_CLI_PASSWORD")
        char[] toPassword;
        @Option(names = "--quiet", description = "no progress on the terminal")
        boolean quiet;

        ImportOperator(GuardianCli root) {
            this.root = root;
        }

        @Override
        public Integer call() throws SQLException {
            HistoryTransfer t = new HistoryTransfer(root.clock).progress(root.progress(quiet));
            try (Connection operator = StoreUrls.connect(from, root.credential(fromUser, "GUARDIAN_CLI_FROM_USER",
                    "GUARDIAN_CLI_USER"), root.credential(pw(fromPassword), "GUARDIAN_CLI_FROM_PASSWORD",
                            "GUARDIAN_CLI_PASSWORD"));
                    JdbcHistoryStore target = StoreUrls.open(to, root.credential(toUser, "GUARDIAN_CLI_TO_USER",
                            "GUARDIAN_CLI_USER"), root.credential(pw(toPassword), "GUARDIAN_CLI_TO_PASSWORD",
                                    "GUARDIAN_CLI_PASSWORD"), StoreUrls.Role.TARGET, root.clock)) {
                Summary s = t.importOperator(operator, target);
                root.stderr.println("imported from the operator's database " + StoreUrls.redact(from) + ": " + s);
                s.warnings().forEach(w -> root.stderr.println("warning: " + w));
            }
            return 0;
        }
    }

    /** Progress on a terminal: one line on standard error, rewritten in place. */
    static final class ConsoleProgress implements Progress {
        private final PrintStream err;
        private final Clock clock;
        private final long startMs;
        private boolean printed;

        ConsoleProgress(PrintStream err, Clock clock) {
            this.err = err;
            this.clock = clock;
            this.startMs = clock.millis();
        }

        @Override
        public void update(String what, long done, long total) {
            double secs = Math.max(0.001, (clock.millis() - startMs) / 1000.0);
            String bar = "";
            if (total > 0) {
                int width = 30;
                int filled = (int) Math.min(width, done * width / total);
                bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                        + String.format(Locale.ROOT, "%3d%% ", done * 100 / total);
            }
            err.printf(Locale.ROOT, "\r%s%,d%s %s, %,.0f/s   ", bar, done, total > 0 ? String.format(Locale.ROOT,
                    " of %,d", total) : "", what, done / secs);
            err.flush();
            printed = true;
        }

        @Override
        public void finish() {
            if (printed) {
                err.println();
                printed = false;
            }
        }
    }
}
