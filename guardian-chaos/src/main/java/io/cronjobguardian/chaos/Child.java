package io.cronjobguardian.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A JVM the harness started: its output (standard output and error) goes to a log file the harness tails; its
 * standard input is a pipe the harness holds (the child exits when it ends, so a harness that dies takes its children
 * with it). Signals are sent by process id: {@code kill -STOP/-CONT <pid>}, {@link ProcessHandle#destroy()} (TERM) and
 * {@link Process#destroyForcibly()} (KILL), each to the process and its descendants where it matters.
 */
final class Child {

    final String name;
    final Process process;
    final Path log;
    private final List<String> lines = new ArrayList<>();
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -cp <classpath> <main> <args>}.
     *
     * @throws IllegalStateException when the process cannot be started
     */
    static Child start(String name, String classpath, List<String> jvmArgs, String main, List<String> args,
            Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        try {
            return new Child(name, pb.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Writes one line to the child's standard input. */
    void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code kill -<signal> <pid>} ({@code STOP}, {@code CONT}). */
    void signal(String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid() + " did not return");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + pid() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code kill -9}: the process and its descendants, at once. Waits (bounded) for it to be gone. */
    void kill9() {
        List<ProcessHandle> tree = process.toHandle().descendants().collect(Collectors.toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(10));
    }

    /** A graceful stop (TERM: the shutdown hooks run), then KILL if it has not exited within {@code grace}. */
    boolean stop(Duration grace) {
        // TERM through the handle: Process.destroy() also closes the child's standard input, and a replica halts at
        // once when its input ends (the harness is gone) -- that would turn a graceful stop into a crash
        process.toHandle().destroy();
        if (awaitExit(grace)) {
            return true;
        }
        kill9();
        return false;
    }

    /** Makes sure nothing of it runs: CONT (a stopped process ignores TERM), then KILL of it and its descendants. */
    void destroy() {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (RuntimeException e) {
                // it may have exited meanwhile
            }
            kill9();
        }
    }

    /** Whether it, or any of its descendants, still runs. */
    boolean leftBehind() {
        return process.isAlive() || process.toHandle().descendants().anyMatch(ProcessHandle::isAlive);
    }

    boolean awaitExit(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every complete line written so far. */
    synchronized List<String> lines() {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len > offset) {
                byte[] buf = new byte[(int) (len - offset)];
                f.seek(offset);
                f.readFully(buf);
                offset = len;
                partial.append(new String(buf, StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    lines.add(partial.substring(0, nl));
                    partial.delete(0, nl + 1);
                }
            }
        } catch (IOException e) {
            // not created yet
        }
        return new ArrayList<>(lines);
    }

    /** The last line that matches, if any. */
    Optional<String> last(Predicate<String> p) {
        List<String> ls = lines();
        for (int i = ls.size() - 1; i >= 0; i--) {
            if (p.test(ls.get(i))) {
                return Optional.of(ls.get(i));
            }
        }
        return Optional.empty();
    }

    /** The end of its log, for error messages. */
    String tail(int n) {
        List<String> ls;
        try {
            ls = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        return String.join("\n", ls.subList(Math.max(0, ls.size() - n), ls.size()));
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
