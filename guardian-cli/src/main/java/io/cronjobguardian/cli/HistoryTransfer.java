package io.cronjobguardian.cli;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.store.jdbc.StoreTransfer;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a history store's content: {@link #export} to a versioned JSON Lines stream, {@link #importFrom} such a
 * stream, {@link #copy} from store to store with a {@link #verify verification}, and {@link #importOperator} from the
 * Go operator's database. For hosts that schedule their own backups; the {@code guardian-cli} commands wrap it.
 *
 * <p>Everything streams: runs are read in pages and written in batches ({@link #batchSize}), one transaction per
 * batch, so memory stays flat whatever the history's size. Writes go through the store: runs by
 * {@code upsertExecutions} (idempotent by Job UID; the duration histogram kept in step), CronJob states by
 * {@code saveCronJobStates}, incidents, notifications and channel statistics by {@link StoreTransfer}, which matches
 * them by identity — so importing the same data twice changes nothing, and an import interrupted anywhere is resumed
 * by running it again.
 *
 * <h2>Format (version 1)</h2>
 * UTF-8, one JSON object per line, optionally gzip-compressed (detected on import). Line 1 is the header
 * {@code {"type":"header","format":"cronjob-guardian-history","version":1,"sourceDialect":..,"schemaVersion":..,
 * "exportedAt":..}}; then {@code cronjob}, {@code channel}, {@code run}, {@code incident} (with its
 * {@code notifications}) and {@code notification} (test notifications) records; the last line is
 * {@code {"type":"end","counts":{..}}}, whose counts let an import tell a complete file from a truncated one. See the
 * module README for every field.
 */
public final class HistoryTransfer {

    /** The {@code format} of the header. */
    public static final String FORMAT = "cronjob-guardian-history";
    /** The format version this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(HistoryTransfer.class);
    private static final int PAGE = 2_000;

    private final Clock clock;
    private final int batchSize;
    private final Progress progress;

    /** A transfer with batches of 1,000 runs and no progress output. */
    public HistoryTransfer(Clock clock) {
        this(clock, 1_000, Progress.NONE);
    }

    private HistoryTransfer(Clock clock, int batchSize, Progress progress) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.batchSize = batchSize;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Runs per write transaction (1 to 10,000); other records go in batches of at most this many too. */
    public HistoryTransfer batchSize(int runs) {
        if (runs < 1 || runs > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1..10000, was " + runs);
        }
        return new HistoryTransfer(clock, runs, progress);
    }

    /** Where progress goes. */
    public HistoryTransfer progress(Progress value) {
        return new HistoryTransfer(clock, batchSize, value);
    }

    // ================================================================= export

    /**
     * Writes everything the store holds to {@code out} (not closed; flushed at the end), uncompressed: wrap the stream
     * in a {@link java.util.zip.GZIPOutputStream} for a compressed file.
     */
    public Summary export(JdbcHistoryStore source, OutputStream out) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(out, "out");
        StoreTransfer st = source.transfer();
        long totalRuns = st.counts().runs();
        long[] counts = new long[5]; // cronjob, channel, run, incident, notification
        try {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            Codec.LineWriter lines = new Codec.LineWriter(w);
            var g = lines.begin(Codec.T_HEADER);
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", FORMAT_VERSION);
            g.writeStringField("sourceDialect", st.dialect());
            g.writeNumberField("schemaVersion", st.schemaVersion());
            g.writeStringField("exportedAt", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
            g.writeStringField("tool", "guardian-cli " + version());
            lines.end();
            for (CronJobState s : source.cronJobStates()) {
                Codec.writeCronJob(lines, s);
                counts[0]++;
            }
            for (ChannelStats c : source.channelStats().values()) {
                Codec.writeChannel(lines, c);
                counts[1]++;
            }
            st.forEachExecution(PAGE, e -> {
                io(() -> Codec.writeRun(lines, e));
                if (++counts[2] % 10_000 == 0) {
                    progress.update("runs", counts[2], totalRuns);
                }
            });
            st.forEachIncident(PAGE / 4, (i, ns) -> {
                io(() -> Codec.writeIncident(lines, i, ns));
                counts[3]++;
                counts[4] += ns.size();
            });
            st.forEachStandaloneNotification(PAGE, n -> {
                io(() -> Codec.writeNotification(lines, n));
                counts[4]++;
            });
            g = lines.begin(Codec.T_END);
            g.writeObjectFieldStart("counts");
            g.writeNumberField(Codec.T_CRONJOB, counts[0]);
            g.writeNumberField(Codec.T_CHANNEL, counts[1]);
            g.writeNumberField(Codec.T_RUN, counts[2]);
            g.writeNumberField(Codec.T_INCIDENT, counts[3]);
            g.writeNumberField(Codec.T_NOTIFICATION, counts[4]);
            g.writeEndObject();
            lines.end();
            lines.flush();
        } catch (IOException e) {
            throw new TransferException("writing the export failed: " + e, e);
        } catch (UncheckedIOException e) {
            throw new TransferException("writing the export failed: " + e.getCause(), e.getCause());
        } finally {
            progress.finish();
        }
        return new Summary(counts[0], counts[1], counts[2], 0, counts[3], 0, counts[4], List.of());
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String version() {
        String v = HistoryTransfer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ================================================================= import

    /**
     * Reads an export (plain or gzip) and writes it into the store. Idempotent: importing the same file twice changes
     * nothing; an import stopped anywhere (a crash, a damaged line) is resumed by importing again.
     *
     * @throws TransferException naming the line, for a missing or unknown header, a newer format version, a line
     *                           that is not a valid record, text after the end record, or a file without its end
     *                           record (truncated); every record before that line has been written
     */
    public Summary importFrom(InputStream in, JdbcHistoryStore target) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(target, "target");
        Sink sink = new Sink(target, true);
        long lineNo = 0;
        boolean headerSeen = false;
        Map<String, Long> read = new LinkedHashMap<>();
        Map<String, Long> declared = null;
        try (BufferedReader r = reader(in)) {
            String line;
            while (true) {
                try {
                    line = r.readLine();
                } catch (EOFException e) {
                    throw new Codec.BadRecord("the compressed input ends early (a truncated gzip file)", e);
                } catch (CharacterCodingException e) {
                    throw new Codec.BadRecord("the line is not valid UTF-8", e);
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                if (declared != null) {
                    throw new Codec.BadRecord("text after the end record");
                }
                Map<String, Object> m = Codec.parse(line);
                String type = Codec.type(m);
                if (!headerSeen) {
                    checkHeader(m, type, target);
                    headerSeen = true;
                    continue;
                }
                switch (type) {
                    case Codec.T_CRONJOB -> sink.cronJob(Codec.readCronJob(m));
                    case Codec.T_CHANNEL -> sink.channel(Codec.readChannel(m));
                    case Codec.T_RUN -> sink.run(Codec.readRun(m));
                    case Codec.T_INCIDENT -> {
                        Codec.IncidentLine il = Codec.readIncident(m);
                        sink.incident(new StoreTransfer.IncidentRows(il.incident(), il.notifications()));
                        read.merge(Codec.T_NOTIFICATION, (long) il.notifications().size(), Long::sum);
                    }
                    case Codec.T_NOTIFICATION -> sink.notification(Codec.readNotification(m));
                    case Codec.T_END -> declared = endCounts(m);
                    case Codec.T_HEADER -> throw new Codec.BadRecord("a second header");
                    default -> throw new Codec.BadRecord("unknown record type \"" + type + "\"");
                }
                if (!type.equals(Codec.T_END)) {
                    read.merge(type, 1L, Long::sum);
                }
            }
            if (!headerSeen) {
                throw new TransferException("the input is empty: not a guardian export");
            }
            if (declared == null) {
                sink.flushAll();
                throw new TransferException("the export ends after line " + lineNo + " without its end record: it "
                        + "is truncated. The " + lineNo + " lines read were imported; import the complete file "
                        + "(again) to finish");
            }
            for (String k : List.of(Codec.T_CRONJOB, Codec.T_CHANNEL, Codec.T_RUN, Codec.T_INCIDENT,
                    Codec.T_NOTIFICATION)) {
                long want = declared.getOrDefault(k, 0L);
                long got = read.getOrDefault(k, 0L);
                if (want != got) {
                    sink.flushAll();
                    throw new TransferException("line " + lineNo + ": the end record counts " + want + " " + k
                            + " records, the file has " + got + ": the export is damaged (lines lost or added)");
                }
            }
            sink.flushAll();
        } catch (Codec.BadRecord | IllegalArgumentException | java.time.DateTimeException e) {
            sink.flushQuietly();
            String what = e instanceof Codec.BadRecord ? e.getMessage() : "not a valid record: " + e.getMessage();
            throw new TransferException("line " + (lineNo == 0 ? 1 : lineNo) + ": " + what
                    + (lineNo > 1 ? "; the " + (lineNo - 1) + " lines before it were imported" : ""), e);
        } catch (IOException e) {
            sink.flushQuietly();
            throw new TransferException("line " + (lineNo + 1) + ": reading the export failed: " + e, e);
        } finally {
            progress.finish();
        }
        return sink.summary();
    }

    private static BufferedReader reader(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(2);
        int b1 = b.read();
        int b2 = b.read();
        b.reset();
        InputStream body = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(b, 1 << 16) : b;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(body, decoder), 1 << 16);
    }

    private static void checkHeader(Map<String, Object> m, String type, JdbcHistoryStore target) {
        if (!type.equals(Codec.T_HEADER) || !FORMAT.equals(Codec.str(m, "format"))) {
            throw new Codec.BadRecord("not a guardian export header (expected {\"type\":\"header\",\"format\":\""
                    + FORMAT + "\",...})");
        }
        long version = Codec.reqLong(m, "version");
        if (version > FORMAT_VERSION) {
            throw new Codec.BadRecord("the export is in format version " + version + ", newer than this "
                    + "guardian-cli reads (" + FORMAT_VERSION + "); use the guardian-cli of the release that wrote it"
                    + " or a newer one");
        }
        if (version < 1) {
            throw new Codec.BadRecord("format version " + version + " does not exist");
        }
        LOG.info("importing an export of a {} store (schema version {}) made at {} into {} (schema version {})",
                Codec.str(m, "sourceDialect"), m.get("schemaVersion"), Codec.str(m, "exportedAt"),
                target.transfer().dialect(), target.transfer().schemaVersion());
    }

    private static Map<String, Long> endCounts(Map<String, Object> m) {
        Map<String, Object> c = Codec.obj(m, "counts");
        if (c == null) {
            throw new Codec.BadRecord("the end record has no counts");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : c.keySet()) {
            out.put(k, Codec.reqLong(c, k));
        }
        return out;
    }

    // ================================================================= copy and verification

    /**
     * Copies everything from {@code source} into {@code target} (streaming, batched), then {@link #verify verifies}.
     *
     * @throws TransferException when the verification finds differences (they are listed)
     */
    public Summary copy(JdbcHistoryStore source, JdbcHistoryStore target) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        StoreTransfer st = source.transfer();
        Sink sink = new Sink(target, true);
        long total = st.counts().runs();
        try {
            source.cronJobStates().forEach(sink::cronJob);
            source.channelStats().values().forEach(sink::channel);
            long[] done = {0};
            readAhead(st, e -> {
                sink.run(e);
                if (++done[0] % 10_000 == 0) {
                    progress.update("runs", done[0], total);
                }
            });
            progress.update("runs", done[0], total);
            st.forEachIncident(PAGE / 4, (i, ns) -> sink.incident(new StoreTransfer.IncidentRows(i, ns)));
            st.forEachStandaloneNotification(PAGE, sink::notification);
            sink.flushAll();
        } finally {
            progress.finish();
        }
        Verification v = verify(source, target);
        if (!v.equal()) {
            throw new TransferException("copied (" + sink.summary() + "), but the stores differ: "
                    + String.join("; ", v.differences()));
        }
        return sink.summary();
    }

    /**
     * Reads the source's runs on a second thread, a few pages ahead of the writer (at most {@code 4} pages wait), so
     * that reading the source and writing the target overlap. Ends the reader before returning, also on failure.
     */
    private static void readAhead(StoreTransfer source, Consumer<Execution> sink) {
        BlockingQueue<List<Execution>> pages = new ArrayBlockingQueue<>(4);
        List<Execution> end = new ArrayList<>(0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                List<List<Execution>> page = new ArrayList<>(List.of(new ArrayList<>(PAGE)));
                source.forEachExecution(PAGE, e -> {
                    page.get(0).add(e);
                    if (page.get(0).size() == PAGE) {
                        hand(pages, page.get(0), stop);
                        page.set(0, new ArrayList<>(PAGE));
                    }
                });
                if (!page.get(0).isEmpty()) {
                    hand(pages, page.get(0), stop);
                }
            } catch (RuntimeException | Error e) {
                failure.set(e);
            } finally {
                try {
                    hand(pages, end, stop);
                } catch (CancellationException ignored) {
                    // the writer stopped first
                }
            }
        }, "guardian-cli-read-ahead");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                List<Execution> page = pages.poll(100, TimeUnit.MILLISECONDS);
                if (page == null) {
                    if (!reader.isAlive() && pages.isEmpty()) {
                        break; // ended without its end marker: failure says why
                    }
                    continue;
                }
                if (page == end) {
                    break;
                }
                page.forEach(sink);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while copying", e);
        } finally {
            stop.set(true);
            pages.clear();
            try {
                reader.join(TimeUnit.MINUTES.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error err) {
            throw err;
        }
    }

    /** Puts a page for the writer, waiting while the queue is full, unless the writer stopped. */
    private static void hand(BlockingQueue<List<Execution>> pages, List<Execution> page, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                if (pages.offer(page, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new CancellationException("the writer stopped");
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param cronJobs    CronJobs whose statistics were compared
     * @param differences what differs, each named; empty when the stores hold the same
     */
    public record Verification(long cronJobs, List<String> differences) {
        public Verification {
            differences = List.copyOf(differences);
        }

        /** {@code true} when nothing differs. */
        public boolean equal() {
            return differences.isEmpty();
        }
    }

    /**
     * Compares two stores: the row count of every table, the runs per CronJob, and every CronJob's statistics over
     * all its runs (counts, success and failure, mean, p50/p95/p99, maximum, last success and failure), as each
     * store computes them.
     */
    public Verification verify(JdbcHistoryStore a, JdbcHistoryStore b) {
        List<String> diffs = new ArrayList<>();
        StoreTransfer.Counts ca = a.transfer().counts();
        StoreTransfer.Counts cb = b.transfer().counts();
        compare(diffs, "runs", ca.runs(), cb.runs());
        compare(diffs, "run details", ca.runDetails(), cb.runDetails());
        compare(diffs, "incidents", ca.incidents(), cb.incidents());
        compare(diffs, "notifications", ca.notifications(), cb.notifications());
        compare(diffs, "channels", ca.channels(), cb.channels());
        compare(diffs, "CronJob states", ca.cronJobStates(), cb.cronJobStates());
        Map<CronJobRef, Long> ra = a.transfer().runsPerCronJob();
        Map<CronJobRef, Long> rb = b.transfer().runsPerCronJob();
        if (!ra.equals(rb)) {
            int shown = 0;
            for (Map.Entry<CronJobRef, Long> e : ra.entrySet()) {
                if (!Objects.equals(e.getValue(), rb.get(e.getKey())) && shown++ < 5) {
                    diffs.add("runs of " + e.getKey() + ": " + e.getValue() + " vs " + rb.get(e.getKey()));
                }
            }
            for (CronJobRef k : rb.keySet()) {
                if (!ra.containsKey(k) && shown++ < 5) {
                    diffs.add("runs of " + k + ": none vs " + rb.get(k));
                }
            }
        }
        Optional<Instant[]> span = a.transfer().runSpan();
        if (span.isPresent() && diffs.isEmpty()) {
            StatsQuery window = new StatsQuery(span.get()[0], span.get()[1].plusMillis(1), true);
            List<CronJobRef> refs = new ArrayList<>(ra.keySet());
            int shown = 0;
            for (int i = 0; i < refs.size(); i += 1_000) {
                List<CronJobRef> chunk = refs.subList(i, Math.min(refs.size(), i + 1_000));
                Map<CronJobRef, ExecutionStats> sa = a.stats(chunk, window);
                Map<CronJobRef, ExecutionStats> sb = b.stats(chunk, window);
                for (CronJobRef ref : chunk) {
                    if (!Objects.equals(sa.get(ref), sb.get(ref)) && shown++ < 5) {
                        diffs.add("statistics of " + ref + ": " + sa.get(ref) + " vs " + sb.get(ref));
                    }
                }
            }
        }
        return new Verification(ra.size(), diffs);
    }

    private static void compare(List<String> diffs, String what, long a, long b) {
        if (a != b) {
            diffs.add(what + ": " + a + " vs " + b);
        }
    }

    // ================================================================= operator

    /**
     * Imports the Go operator's history from its database ({@code executions}, {@code alert_history},
     * {@code channel_stats}): runs, alerts as resolved incidents with their sent notifications, and channel statistics
     * the store does not have yet. Idempotent (run identities are derived from namespace and Job name, incidents from
     * their key and time). The mapping is in the module README.
     *
     * @throws TransferException naming the table and column when the database is not an operator database of a
     *                           known schema
     */
    public Summary importOperator(Connection operator, JdbcHistoryStore target) {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(target, "target");
        Sink sink = new Sink(target, false);
        try {
            new OperatorImport(operator, clock, progress).run(sink);
            sink.flushAll();
        } finally {
            progress.finish();
        }
        return sink.summary();
    }

    // ================================================================= writing in batches

    /** Buffers records and writes them in batches, each one transaction. */
    final class Sink {
        private final JdbcHistoryStore target;
        private final boolean replaceChannels;
        private final List<Execution> runs = new ArrayList<>();
        private final List<CronJobState> states = new ArrayList<>();
        private final List<ChannelStats> channels = new ArrayList<>();
        private final List<StoreTransfer.IncidentRows> incidents = new ArrayList<>();
        private final List<Notification> notifications = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, Integer> runIndex = new LinkedHashMap<>();
        private long nStates;
        private long nChannels;
        private long nRuns;
        private long nRunsWritten;
        private long nIncidents;
        private long nIncidentsNew;
        private long nNotifications;
        private long epoch = -1;

        Sink(JdbcHistoryStore target, boolean replaceChannels) {
            this.target = target;
            this.replaceChannels = replaceChannels;
        }

        void run(Execution e) {
            Integer at = runIndex.get(e.jobUid());
            if (at != null) {
                runs.set(at, e); // the same Job twice in one batch (operator duplicates): the later row wins
            } else {
                runIndex.put(e.jobUid(), runs.size());
                runs.add(e);
            }
            nRuns++;
            if (runs.size() >= batchSize) {
                flushRuns();
            }
        }

        void cronJob(CronJobState s) {
            states.add(s);
            nStates++;
            if (states.size() >= Math.min(batchSize, 500)) {
                flushStates();
            }
        }

        void channel(ChannelStats c) {
            channels.add(c);
            nChannels++;
            if (channels.size() >= Math.min(batchSize, 500)) {
                flushChannels();
            }
        }

        void incident(StoreTransfer.IncidentRows r) {
            incidents.add(r);
            nIncidents++;
            nNotifications += r.notifications().size();
            if (incidents.size() >= Math.min(batchSize, 200)) {
                flushIncidents();
            }
        }

        void notification(Notification n) {
            notifications.add(n);
            nNotifications++;
            if (notifications.size() >= Math.min(batchSize, 500)) {
                flushNotifications();
            }
        }

        void warn(String w) {
            LOG.warn(w);
            if (warnings.size() < 1_000) {
                warnings.add(w);
            }
        }

        private <T> T fenced(java.util.function.LongFunction<T> withEpoch) {
            for (int attempt = 0; ; attempt++) {
                if (epoch < 0) {
                    epoch = target.highestEpoch();
                }
                try {
                    return withEpoch.apply(epoch);
                } catch (StaleEpochException e) {
                    if (attempt >= 3) {
                        throw e;
                    }
                    epoch = -1; // a leader moved the fence on: write at its epoch (the import is not a leader)
                }
            }
        }

        void flushRuns() {
            if (runs.isEmpty()) {
                return;
            }
            List<UpsertResult> results = fenced(ep -> target.upsertExecutions(runs, ep));
            for (UpsertResult r : results) {
                if (r != UpsertResult.UNCHANGED) {
                    nRunsWritten++;
                }
            }
            runs.clear();
            runIndex.clear();
        }

        void flushStates() {
            if (states.isEmpty()) {
                return;
            }
            Map<CronJobRef, CronJobState> unique = new LinkedHashMap<>();
            states.forEach(s -> unique.put(s.ref(), s));
            fenced(ep -> {
                target.saveCronJobStates(unique.values(), ep);
                return null;
            });
            states.clear();
        }

        void flushChannels() {
            if (channels.isEmpty()) {
                return;
            }
            fenced(ep -> target.transfer().importChannelStats(channels, replaceChannels, ep));
            channels.clear();
        }

        void flushIncidents() {
            if (incidents.isEmpty()) {
                return;
            }
            StoreTransfer.IncidentImport r = fenced(ep -> target.transfer().importIncidents(incidents, ep));
            nIncidentsNew += r.inserted();
            r.conflicts().forEach(this::warn);
            incidents.clear();
        }

        void flushNotifications() {
            if (notifications.isEmpty()) {
                return;
            }
            fenced(ep -> target.transfer().importStandaloneNotifications(notifications, ep));
            notifications.clear();
        }

        void flushAll() {
            flushStates();
            flushChannels();
            flushRuns();
            flushIncidents();
            flushNotifications();
        }

        /** Writes what was read before a failure; a failure of that write is logged, the first one is thrown. */
        void flushQuietly() {
            try {
                flushAll();
            } catch (RuntimeException e) {
                LOG.warn("writing the records read before the failure failed too: {}", e.toString());
            }
        }

        Summary summary() {
            return new Summary(nStates, nChannels, nRuns, nRunsWritten, nIncidents, nIncidentsNew, nNotifications,
                    warnings);
        }
    }
}
