package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** copy SQLite → PostgreSQL (the move of a team going HA), with the verification at the end. */
class CopyTest {

    private final Dbs dbs = new Dbs();

    @AfterEach
    void drop() {
        dbs.close();
    }

    @Test
    void copiesSqliteToPostgresAndVerifiesCountsAndStatistics() {
        JdbcHistoryStore source = dbs.store(dbs.fresh("sqlite"));
        Fixtures.fill(source);
        JdbcHistoryStore target = dbs.store(dbs.fresh("postgres"));
        List<long[]> seen = new ArrayList<>();
        boolean[] finished = {false};
        Progress progress = new Progress() {
            @Override
            public void update(String what, long done, long total) {
                seen.add(new long[] {done, total});
            }

            @Override
            public void finish() {
                finished[0] = true;
            }
        };
        Summary s = new HistoryTransfer(Clock.systemUTC()).batchSize(64).progress(progress).copy(source, target);
        assertThat(s.runs()).isEqualTo(720);
        assertThat(s.incidents()).isEqualTo(2);
        assertThat(Fixtures.content(target)).isEqualTo(Fixtures.content(source));
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(seen.size() - 1)).containsExactly(720, 720);
        assertThat(finished[0]).isTrue();
        HistoryTransfer.Verification v = new HistoryTransfer(Clock.systemUTC()).verify(source, target);
        assertThat(v.equal()).isTrue();
        assertThat(v.cronJobs()).isEqualTo(3);
    }

    @Test
    void theVerificationNamesWhatDiffers() {
        JdbcHistoryStore source = dbs.store(dbs.fresh("sqlite"));
        Fixtures.fill(source);
        JdbcHistoryStore target = dbs.store(dbs.fresh("postgres"));
        HistoryTransfer t = new HistoryTransfer(Clock.systemUTC());
        t.copy(source, target);
        // one run changes its outcome in the target: same counts, other statistics
        long epoch = target.highestEpoch();
        target.upsertExecution(Fixtures.run(Fixtures.REPORT, 1, JobState.FAILED, 5, false), epoch);
        assertThat(t.verify(source, target).differences()).singleElement().asString()
                .startsWith("statistics of " + CronJobRef.of("prod", "report"));
        // a run more in the target: counts differ
        target.upsertExecution(Fixtures.run(CronJobRef.of("prod", "extra"), 1, JobState.SUCCEEDED, 5, false), epoch);
        assertThat(t.verify(source, target).differences()).contains("runs: 720 vs 721",
                "runs of prod/extra: none vs 1");
        // and copy fails (after copying) when the target held something else already
        assertThatThrownBy(() -> t.copy(source, target)).isInstanceOf(TransferException.class)
                .hasMessageContaining("but the stores differ: runs: 720 vs 721");
    }
}
