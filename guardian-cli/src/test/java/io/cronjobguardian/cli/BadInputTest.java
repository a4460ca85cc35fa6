package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damaged and foreign input: a clear error naming the line, everything before it imported whole, and a second import
 * of the good file completing the store without duplicates.
 */
class BadInputTest {

    private final Dbs dbs = new Dbs();
    private final HistoryTransfer transfer = new HistoryTransfer(Clock.systemUTC()).batchSize(50);
    private JdbcHistoryStore source;
    private byte[] file;
    private List<String> lines;

    @BeforeEach
    void export() throws IOException {
        source = dbs.store(dbs.fresh("sqlite"));
        Fixtures.fill(source);
        file = RoundTripTest.export(transfer, source, false);
        lines = new ArrayList<>(Arrays.asList(new String(file, StandardCharsets.UTF_8).split("\n")));
    }

    @AfterEach
    void drop() {
        dbs.close();
    }

    private static byte[] join(List<String> ls) {
        return (String.join("\n", ls) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** 1-based number of the n-th line of this type. */
    private int lineOf(String type, int n) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"type\":\"" + type + "\"") && ++seen == n) {
                return i + 1;
            }
        }
        throw new AssertionError("no " + n + "th " + type);
    }

    private JdbcHistoryStore target() {
        return dbs.store(dbs.fresh("sqlite"));
    }

    private void resumeAndCheck(JdbcHistoryStore target) {
        Summary s = transfer.importFrom(new ByteArrayInputStream(file), target);
        assertThat(s.runs()).isEqualTo(720);
        assertThat(Fixtures.content(target)).isEqualTo(Fixtures.content(source));
        assertThat(target.transfer().counts()).isEqualTo(source.transfer().counts());
    }

    @Test
    void aCorruptedLineIsNamedTheLinesBeforeItAreImportedAndAnImportOfTheGoodFileCompletesTheStore() {
        int bad = lineOf("run", 300);
        List<String> damaged = new ArrayList<>(lines);
        damaged.set(bad - 1, damaged.get(bad - 1).substring(0, 40) + "\u0000garbage");
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(damaged)), target))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("line " + bad + ": not valid JSON");
        assertThat(target.executionCount()).isEqualTo(299); // every run before the bad line, whole
        resumeAndCheck(target);
    }

    @Test
    void aRecordThatBreaksTheModelIsNamedByLine() {
        int bad = lineOf("run", 10);
        List<String> damaged = new ArrayList<>(lines);
        damaged.set(bad - 1, damaged.get(bad - 1).replace("\"state\":\"SUCCEEDED\"", "\"state\":\"EXPLODED\"")
                .replace("\"state\":\"FAILED\"", "\"state\":\"EXPLODED\""));
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(damaged)), target))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("line " + bad + ": field \"state\" has an unknown value \"EXPLODED\"");
        assertThat(target.executionCount()).isEqualTo(9);
    }

    @Test
    void aFileCutInsideALineIsNamedAndWhatCameBeforeIsKept() {
        int cut = lineOf("run", 500);
        List<String> head = new ArrayList<>(lines.subList(0, cut));
        head.set(cut - 1, head.get(cut - 1).substring(0, head.get(cut - 1).length() / 2));
        byte[] truncated = String.join("\n", head).getBytes(StandardCharsets.UTF_8); // no newline: cut mid-line
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(truncated), target))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("line " + cut + ": not valid JSON");
        assertThat(target.executionCount()).isEqualTo(499);
        resumeAndCheck(target);
    }

    @Test
    void aFileCutAtALineEndIsTruncatedBecauseItsEndRecordIsMissing() {
        int cut = lineOf("run", 500);
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(lines.subList(0, cut))),
                target))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("ends after line " + cut + " without its end record: it is truncated");
        assertThat(target.executionCount()).isEqualTo(500);
        resumeAndCheck(target);
    }

    @Test
    void aLostLineInTheMiddleIsFoundByTheEndRecordsCounts() {
        List<String> damaged = new ArrayList<>(lines);
        damaged.remove(lineOf("run", 100) - 1);
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(damaged)), target))
                .isInstanceOf(TransferException.class)
                .hasMessage("line " + damaged.size() + ": the end record counts 720 run records, the file has "
                        + "719: the export is damaged (lines lost or added)");
    }

    @Test
    void aTruncatedGzipFileIsNamedAsSuch() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(file);
        }
        byte[] gz = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(gz), target))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("the compressed input ends early (a truncated gzip file)");
        long partial = target.executionCount();
        assertThat(partial).isBetween(1L, 719L);
        resumeAndCheck(target);
    }

    @Test
    void anInterruptedReadIsResumedByImportingAgain() {
        JdbcHistoryStore target = target();
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(file)) {
            private long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > file.length / 2) {
                    throw new IOException("connection reset by peer");
                }
                int n = super.read(b, off, Math.min(len, 4096));
                read += Math.max(0, n);
                return n;
            }
        };
        assertThatThrownBy(() -> transfer.importFrom(failing, target))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("reading the export failed: java.io.IOException: connection reset by peer");
        long partial = target.executionCount();
        assertThat(partial).isBetween(1L, 719L);
        resumeAndCheck(target);
    }

    @Test
    void anExportOfANewerFormatVersionIsRefusedBeforeAnythingIsWritten() {
        List<String> newer = new ArrayList<>(lines);
        newer.set(0, newer.get(0).replace("\"version\":1,", "\"version\":2,"));
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(newer)), target))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("line 1: the export is in format version 2, newer than this guardian-cli "
                        + "reads (1)");
        assertThat(target.transfer().counts()).isEqualTo(new io.cronjobguardian.store.jdbc.StoreTransfer.Counts(
                0, 0, 0, 0, 0, 0));
    }

    @Test
    void somethingElseThanAnExportIsRefusedAtLineOne() {
        JdbcHistoryStore target = target();
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(
                "{\"id\":1,\"name\":\"x\"}\n".getBytes(StandardCharsets.UTF_8)), target))
                .isInstanceOf(TransferException.class)
                .hasMessageStartingWith("line 1: field \"type\" is missing");
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(new byte[0]), target))
                .isInstanceOf(TransferException.class).hasMessageContaining("the input is empty");
        assertThatThrownBy(() -> transfer.importFrom(new ByteArrayInputStream(join(List.of(lines.get(1)))),
                target))
                .isInstanceOf(TransferException.class).hasMessageStartingWith("line 1: not a guardian export header");
    }

    @Test
    void aTargetStoreOfANewerSchemaIsRefused() throws Exception {
        Dbs.Fresh f = dbs.fresh("sqlite");
        dbs.store(f).close(); // migrated to the current version
        try (Connection c = DriverManager.getConnection(f.url()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO guardian_schema_history (version, description, checksum, installed_at, "
                    + "execution_ms) VALUES (99, 'from the future', 'x', 0, 0)");
        }
        assertThatThrownBy(() -> StoreUrls.open(f.url(), null, null, StoreUrls.Role.TARGET, Clock.systemUTC()))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("cannot open " + f.url())
                .hasMessageContaining("99");
    }
}
