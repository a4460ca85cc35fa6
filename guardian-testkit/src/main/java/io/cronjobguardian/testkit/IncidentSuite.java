package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.MONITOR;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.Severity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of incidents: opened once per key (also concurrently, across instances), updated and resolved
 * by compare-and-set, re-opened after resolution, queried. Part of {@link HistoryStoreContract}.
 */
abstract class IncidentSuite extends StoreSuite {

    IncidentSuite(HistoryStoreContract contract) {
        super(contract);
    }

    @Test
    @DisplayName("openIncident opens once per key and returns the open one afterwards")
    void openIncidentIdempotent() {
        IncidentDraft d = draft(key(CJ, AlertType.JOB_FAILED), T0);

        OpenIncidentResult first = store.openIncident(d, EPOCH);
        OpenIncidentResult again = store.openIncident(draft(d.key(), T0.plusSeconds(60)), EPOCH);

        assertThat(first.created()).isTrue();
        Incident i = first.incident();
        assertThat(i.id()).isNotBlank();
        assertThat(i.key()).isEqualTo(d.key());
        assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(i.title()).isEqualTo(d.title());
        assertThat(i.message()).isEqualTo(d.message());
        assertThat(i.signature()).isEqualTo(d.signature());
        assertThat(i.context()).isEqualTo(d.context());
        assertThat(i.openedAt()).isEqualTo(T0);
        assertThat(i.lastNotifiedAt()).isNull();
        assertThat(i.notificationCount()).isZero();
        assertThat(i.isOpen()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.incident()).isEqualTo(i);
        assertThat(store.findIncident(i.id())).contains(i);
        assertThat(store.incidents(IncidentQuery.all()).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("8 threads on two store instances open one incident per key: one created=true, same id")
    void concurrentOpenIncident() throws Exception {
        HistoryStore other = peer();
        IncidentKey k = key(CJ, AlertType.DEAD_MAN_TRIGGERED);

        List<OpenIncidentResult> results = concurrently(8, t -> () ->
                (t % 2 == 0 ? store : other).openIncident(draft(k, T0.plusMillis(t)), EPOCH));

        assertThat(results).filteredOn(OpenIncidentResult::created).hasSize(1);
        assertThat(results.stream().map(r -> r.incident().id()).distinct()).hasSize(1);
        assertThat(store.incidents(IncidentQuery.open()).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("findOpenIncident matches the whole key (monitor, CronJob, type, subject)")
    void findOpenIncidentByKey() {
        IncidentKey rate = new IncidentKey(MONITOR, CJ, AlertType.SLA_BREACHED, "successRate");
        IncidentKey duration = new IncidentKey(MONITOR, CJ, AlertType.SLA_BREACHED, "maxDuration");
        Incident a = store.openIncident(draft(rate, T0), EPOCH).incident();

        assertThat(store.findOpenIncident(rate)).contains(a);
        assertThat(store.findOpenIncident(duration)).isEmpty();
        assertThat(store.findOpenIncident(new IncidentKey("other-monitor", CJ, AlertType.SLA_BREACHED,
                "successRate"))).isEmpty();
        assertThat(store.findOpenIncident(new IncidentKey(MONITOR, CJ_OTHER_NS, AlertType.SLA_BREACHED,
                "successRate"))).isEmpty();
        Incident b = store.openIncident(draft(duration, T0), EPOCH).incident();
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(peer().findOpenIncident(duration)).contains(b);
        assertThat(store.findIncident("no-such-incident")).isEmpty();
    }

    @Test
    @DisplayName("updateIncident is a CAS on the version: the stale version loses")
    void updateIncidentCas() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        AlertContext ctx = new AlertContext("job-2", 2, "Error", "m", null, List.of(), null, null, null, null,
                Map.of());
        Incident changed = i.withContent(Severity.WARNING, "new title", "new message", "exit:2", ctx)
                .notifiedAt(T0.plusSeconds(30));

        Incident stored = store.updateIncident(changed, EPOCH).orElseThrow();

        assertThat(stored.version()).isEqualTo(i.version() + 1);
        assertThat(stored.severity()).isEqualTo(Severity.WARNING);
        assertThat(stored.title()).isEqualTo("new title");
        assertThat(stored.message()).isEqualTo("new message");
        assertThat(stored.signature()).isEqualTo("exit:2");
        assertThat(stored.context()).isEqualTo(ctx);
        assertThat(stored.lastNotifiedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(stored.notificationCount()).isEqualTo(1);
        assertThat(stored.key()).isEqualTo(i.key());
        assertThat(stored.openedAt()).isEqualTo(i.openedAt());
        assertThat(store.findIncident(i.id())).contains(stored);

        assertThat(peer().updateIncident(i.withContent(Severity.INFO, "lost", "", "", null), EPOCH)).isEmpty();
        assertThat(store.findIncident(i.id())).contains(stored);
        assertThat(store.updateIncident(stored.notifiedAt(T0.plusSeconds(60)), EPOCH).orElseThrow().version())
                .isEqualTo(i.version() + 2);
    }

    @Test
    @DisplayName("acknowledge and silence: kept outside the version, kept by updates and resolution, refused when "
            + "resolved or unknown, seen by a peer")
    void acknowledgeAndSilence() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        assertThat(i.isAcknowledged()).isFalse();
        assertThat(i.silencedUntil()).isNull();

        Incident acked = store.acknowledgeIncident(i.id(), "alice 'o\"", T0.plusSeconds(10), EPOCH).orElseThrow();
        assertThat(acked.acknowledgedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(acked.acknowledgedBy()).isEqualTo("alice 'o\"");
        assertThat(acked.version()).as("outside the optimistic lock").isEqualTo(i.version());
        Incident silenced = peer().silenceIncident(i.id(), T0.plusSeconds(3600), "bob", EPOCH).orElseThrow();
        assertThat(silenced.silencedUntil()).isEqualTo(T0.plusSeconds(3600));
        assertThat(silenced.silencedBy()).isEqualTo("bob");
        assertThat(silenced.acknowledgedBy()).isEqualTo("alice 'o\"");
        assertThat(silenced.isSilencedAt(T0.plusSeconds(3599))).isTrue();
        assertThat(silenced.isSilencedAt(T0.plusSeconds(3600))).isFalse();
        assertThat(store.findIncident(i.id())).contains(silenced);

        // the engine's update of the version it read (before the acknowledgement) still applies and keeps both
        Incident updated = store.updateIncident(i.withContent(Severity.WARNING, "t2", "m2", "s2", null)
                .notifiedAt(T0.plusSeconds(20)), EPOCH).orElseThrow();
        assertThat(updated.acknowledgedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(updated.silencedUntil()).isEqualTo(T0.plusSeconds(3600));
        assertThat(updated.title()).isEqualTo("t2");

        Incident lifted = store.silenceIncident(i.id(), null, "carol", EPOCH).orElseThrow();
        assertThat(lifted.silencedUntil()).isNull();
        assertThat(lifted.silencedBy()).isNull();
        assertThat(lifted.acknowledgedAt()).isEqualTo(T0.plusSeconds(10));

        Incident resolved = store.resolveIncident(i.id(), T0.plusSeconds(60), EPOCH).orElseThrow();
        assertThat(resolved.acknowledgedBy()).isEqualTo("alice 'o\"");
        assertThat(store.acknowledgeIncident(i.id(), "dave", T0.plusSeconds(70), EPOCH)).isEmpty();
        assertThat(store.silenceIncident(i.id(), T0.plusSeconds(999), "dave", EPOCH)).isEmpty();
        assertThat(store.findIncident(i.id())).contains(resolved);
        assertThat(store.acknowledgeIncident("424242", "dave", T0, EPOCH)).isEmpty();
        assertThat(store.silenceIncident("no-such-incident", T0, "dave", EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("8 concurrent updates of one version: exactly one wins")
    void concurrentUpdateIncident() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        List<Optional<Incident>> results = concurrently(8, t -> () -> (t % 2 == 0 ? store : other)
                .updateIncident(i.withContent(Severity.WARNING, "title " + t, "", "", null), EPOCH));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        Incident winner = results.stream().flatMap(Optional::stream).findFirst().orElseThrow();
        assertThat(store.findIncident(i.id())).contains(winner);
    }

    @Test
    @DisplayName("resolveIncident is a CAS: the second resolve and unknown ids return empty")
    void resolveIncidentCas() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        Incident resolved = store.resolveIncident(i.id(), T0.plusSeconds(600), EPOCH).orElseThrow();

        assertThat(resolved.id()).isEqualTo(i.id());
        assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(resolved.isOpen()).isFalse();
        assertThat(store.findIncident(i.id())).contains(resolved);
        assertThat(store.findOpenIncident(i.key())).isEmpty();
        assertThat(store.resolveIncident(i.id(), T0.plusSeconds(700), EPOCH)).isEmpty();
        assertThat(peer().resolveIncident(i.id(), T0.plusSeconds(700), EPOCH)).isEmpty();
        assertThat(store.findIncident(i.id()).orElseThrow().resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(store.resolveIncident("no-such-incident", T0, EPOCH)).isEmpty();
        assertThat(store.updateIncident(resolved.notifiedAt(T0.plusSeconds(800)), EPOCH)).as("update resolved")
                .isEmpty();
    }

    @Test
    @DisplayName("8 concurrent resolves: exactly one resolves")
    void concurrentResolve() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        List<Optional<Incident>> results = concurrently(8, t -> () -> (t % 2 == 0 ? store : other)
                .resolveIncident(i.id(), T0.plusSeconds(t + 1), EPOCH));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        assertThat(store.findIncident(i.id()).orElseThrow().isOpen()).isFalse();
    }

    @Test
    @DisplayName("after resolve, the same key opens a new incident with a new id")
    void reopenAfterResolve() {
        IncidentKey k = key(CJ, AlertType.JOB_FAILED);
        Incident first = openIncident(k, T0);
        store.resolveIncident(first.id(), T0.plusSeconds(60), EPOCH);

        OpenIncidentResult second = store.openIncident(draft(k, T0.plusSeconds(120)), EPOCH);

        assertThat(second.created()).isTrue();
        assertThat(second.incident().id()).isNotEqualTo(first.id());
        assertThat(second.incident().openedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(store.findOpenIncident(k)).contains(second.incident());
        assertThat(store.findIncident(first.id()).orElseThrow().isOpen()).isFalse();
        assertThat(store.incidents(IncidentQuery.all().cronJob(CJ)).total()).isEqualTo(2);
    }

    @Test
    @DisplayName("incident queries: newest first, every filter, paging")
    void incidentQueries() {
        Incident a = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Incident b = openIncident(key(CJ, AlertType.MISSED_SCHEDULE), T0.plusSeconds(10));
        Incident c = store.openIncident(draft(new IncidentKey("other-monitor", CJ2, AlertType.JOB_FAILED, ""),
                T0.plusSeconds(20)), EPOCH).incident();
        Incident d = openIncident(key(CJ_OTHER_NS, AlertType.SLA_BREACHED), T0.plusSeconds(30));
        Incident aResolved = store.resolveIncident(a.id(), T0.plusSeconds(40), EPOCH).orElseThrow();

        assertThat(store.incidents(IncidentQuery.all()).items()).containsExactly(d, c, b, aResolved);
        assertThat(store.incidents(IncidentQuery.open()).items()).containsExactly(d, c, b);
        assertThat(store.incidents(IncidentQuery.all().cronJob(CJ)).items()).containsExactly(b, aResolved);
        assertThat(store.incidents(IncidentQuery.all().monitor("other-monitor")).items()).containsExactly(c);
        assertThat(store.incidents(IncidentQuery.all().type(AlertType.JOB_FAILED)).items())
                .containsExactly(c, aResolved);
        assertThat(store.incidents(IncidentQuery.all().openedFrom(T0.plusSeconds(10))).items())
                .containsExactly(d, c, b);
        assertThat(store.incidents(IncidentQuery.open().cronJob(CJ).type(AlertType.JOB_FAILED)).items()).isEmpty();
        assertThat(store.incidents(IncidentQuery.all().resolvedFrom(T0.plusSeconds(40))).items())
                .as("resolved at or after").containsExactly(aResolved);
        assertThat(store.incidents(IncidentQuery.all().resolvedFrom(T0.plusSeconds(41))).items()).isEmpty();

        Page<Incident> p0 = store.incidents(IncidentQuery.all().page(0, 3));
        Page<Incident> p1 = store.incidents(IncidentQuery.all().page(3, 3));
        assertThat(p0.items()).containsExactly(d, c, b);
        assertThat(p0.total()).isEqualTo(4);
        assertThat(p0.hasMore()).isTrue();
        assertThat(p1.items()).containsExactly(aResolved);
        assertThat(p1.hasMore()).isFalse();
    }
}
