package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Export → import on real SQLite, PostgreSQL and MariaDB: equal content, idempotent, and across databases. */
class RoundTripTest {

    private final Dbs dbs = new Dbs();
    private final HistoryTransfer transfer = new HistoryTransfer(Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"),
            ZoneOffset.UTC)).batchSize(97);

    @AfterEach
    void drop() {
        dbs.close();
    }

    static byte[] export(HistoryTransfer t, JdbcHistoryStore s, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (gzip) {
            try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
                t.export(s, z);
            }
        } else {
            t.export(s, bytes);
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres", "mariadb"})
    void exportThenImportGivesTheSameStoreAndImportingTwiceChangesNothing(String kind) throws IOException {
        JdbcHistoryStore source = dbs.store(dbs.fresh(kind));
        Fixtures.fill(source);
        byte[] file = export(transfer, source, true);

        JdbcHistoryStore target = dbs.store(dbs.fresh(kind));
        Summary first = transfer.importFrom(new ByteArrayInputStream(file), target);
        assertThat(first.runs()).isEqualTo(720);
        assertThat(first.runsWritten()).isEqualTo(720);
        assertThat(first.incidents()).isEqualTo(2);
        assertThat(first.incidentsNew()).isEqualTo(2);
        assertThat(first.notifications()).isEqualTo(5);
        assertThat(first.cronJobStates()).isEqualTo(3);
        assertThat(first.channels()).isEqualTo(2);
        assertThat(first.warnings()).isEmpty();
        Fixtures.Content expected = Fixtures.content(source);
        assertThat(Fixtures.content(target)).isEqualTo(expected);
        assertThat(transfer.verify(source, target).differences()).isEmpty();

        Summary second = transfer.importFrom(new ByteArrayInputStream(file), target);
        assertThat(second.runsWritten()).isZero();
        assertThat(second.incidentsNew()).isZero();
        assertThat(Fixtures.content(target)).isEqualTo(expected);
        assertThat(target.transfer().counts()).isEqualTo(source.transfer().counts());

        // the target exports the same lines (the header's time and dialect aside)
        assertThat(body(export(transfer, target, false))).isEqualTo(body(export(transfer, source, false)));
        // a store that goes on after the import opens incidents with new ids (the identity moved past the kept ones)
        long epoch = target.highestEpoch();
        String next = target.openIncident(new io.cronjobguardian.api.IncidentDraft(
                io.cronjobguardian.api.IncidentKey.of("m", Fixtures.REPORT,
                        io.cronjobguardian.api.AlertType.SLA_BREACHED), io.cronjobguardian.api.Severity.INFO, "t",
                "", "", null, Fixtures.T0), epoch).incident().id();
        assertThat(expected.incidents()).extracting(i -> i.id()).doesNotContain(next);
    }

    @Test
    void anExportOfOneDatabaseImportsIntoTheOthers() throws IOException {
        JdbcHistoryStore source = dbs.store(dbs.fresh("postgres"));
        Fixtures.fill(source);
        byte[] file = export(transfer, source, false);
        Fixtures.Content expected = Fixtures.content(source);
        for (String kind : List.of("mariadb", "sqlite")) {
            JdbcHistoryStore target = dbs.store(dbs.fresh(kind));
            transfer.importFrom(new ByteArrayInputStream(file), target);
            assertThat(Fixtures.content(target)).as(kind).isEqualTo(expected);
            assertThat(transfer.verify(source, target).differences()).as(kind).isEmpty();
        }
    }

    private static List<String> body(byte[] export) {
        List<String> lines = Arrays.asList(new String(export, StandardCharsets.UTF_8).split("\n"));
        assertThat(lines.get(0)).startsWith("{\"type\":\"header\",\"format\":\"cronjob-guardian-history\","
                + "\"version\":1,");
        return lines.subList(1, lines.size());
    }
}
