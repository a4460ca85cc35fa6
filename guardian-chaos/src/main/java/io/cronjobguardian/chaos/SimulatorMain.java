package io.cronjobguardian.chaos;

import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.SimulatedRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's JVM: the mock API server ({@link MockApiServer}, CRUD mode) and the {@link ClusterSimulator} playing
 * the CronJob and Job controllers on a {@link ChaosClock}, so that the cluster survives every replica fault.
 *
 * <p>Arguments: {@code <workdir> <seed> <origin> <startWall> <factor> [<deletedAtOnce: true|false>]}. Prints
 * {@code API <host> <port>} once the
 * server listens. Commands on standard input, one a line: {@code stop} stops creating Jobs and writes every run to
 * {@code <workdir>/runs.tsv} and every slot that got no Job to {@code <workdir>/skipped.tsv} (then prints {@code STOPPED}); {@code exit} or the end of the input (the harness died)
 * closes the server and exits.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    /**
     * Runs the cluster until told to exit.
     *
     * @param args {@code <workdir> <seed> <origin> <startWall> <factor>}
     * @throws IOException when the runs cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path workdir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        ChaosClock clock = new ChaosClock(Instant.parse(args[2]), Instant.parse(args[3]), Double.parseDouble(args[4]));
        MockApiServer api = MockApiServer.start(clock);
        boolean deletedAtOnce = args.length <= 5 || Boolean.parseBoolean(args[5]);
        ClusterSimulator simulator = ClusterSimulator.builder(api, clock).seed(seed)
                .cronJobs(ChaosScenario.cronJobs(deletedAtOnce)).pollInterval(Duration.ofMillis(20)).build();
        simulator.start();
        System.out.println("API " + api.host() + " " + api.port());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (line.equals("stop")) {
                    simulator.close();
                    writeRuns(workdir.resolve("runs.tsv"), simulator.runs(), clock);
                    writeSkipped(workdir.resolve("skipped.tsv"), simulator, clock);
                    // the earliest slot (or step) the simulation did not process: no Job exists from there on
                    System.out.println("STOPPED " + simulator.nextStepAt().map(Instant::toString).orElse("-"));
                    System.out.flush();
                } else if (line.equals("exit")) {
                    break;
                }
            }
        } finally {
            simulator.close();
            api.close();
        }
        System.exit(0);
    }

    /** One line per slot that got no Job: CronJob ({@code namespace/name}), slot (simulated), slot (wall). */
    private static void writeSkipped(Path file, ClusterSimulator simulator, ChaosClock clock) throws IOException {
        List<String> lines = new ArrayList<>();
        for (var cj : simulator.cronJobs()) {
            for (Instant slot : simulator.skippedSlots(cj.namespace(), cj.name())) {
                lines.add(String.join("\t", cj.key(), slot.toString(),
                        Long.toString(clock.toWall(slot).toEpochMilli())));
            }
        }
        write(file, lines);
    }

    /** One line per run: job, namespace, CronJob, outcome, attempts, finished (simulated), finished (wall). */
    private static void writeRuns(Path file, List<SimulatedRun> runs, ChaosClock clock) throws IOException {
        List<String> lines = new ArrayList<>();
        for (SimulatedRun r : runs) {
            Instant finished = r.finishedAt();
            lines.add(String.join("\t", r.jobName(), r.namespace(), r.cronJob(), r.outcome().name(),
                    Integer.toString(r.attempts()), finished == null ? "-" : finished.toString(),
                    finished == null ? "-" : Long.toString(clock.toWall(finished).toEpochMilli())));
        }
        write(file, lines);
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
