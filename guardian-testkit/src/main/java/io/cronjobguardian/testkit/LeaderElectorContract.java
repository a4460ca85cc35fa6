package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.testkit.RecordingLeadershipListener.Kind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link LeaderElector} must pass. Extend it and implement
 * {@link #createCandidate(String)} and {@link #handoverTimeout()}; all candidates of one test share one lock, fresh
 * for each test.
 *
 * <p>The suite checks safety by sampling {@link LeaderElector#isLeader()} of every candidate every 50 ms for
 * {@link #samplingPeriod()}, and liveness with {@link #electionTimeout()}, {@link #handoverTimeout()} and
 * {@link #recontendTimeout()}. Epochs must be non-negative and strictly increase from term to term.
 */
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class LeaderElectorContract {

    private final Map<LeaderElector, RecordingLeadershipListener> candidates = new LinkedHashMap<>();

    /** A new, not started candidate; all candidates created within one test share one lock, which is fresh for each test. */
    protected abstract LeaderElector createCandidate(String identity);

    /** Upper bound for a standby to lead after the leader's close(). */
    protected abstract Duration handoverTimeout();

    /** Upper bound for someone to lead after start. */
    protected Duration electionTimeout() {
        return handoverTimeout();
    }

    /**
     * Upper bound for a candidate that relinquished its term to lead again when no other candidate contends (it
     * may wait to give standbys a chance first; default {@link #handoverTimeout()}).
     */
    protected Duration recontendTimeout() {
        return handoverTimeout();
    }

    /** How long the suite samples candidates to check that no two lead at once (default 2 s). */
    protected Duration samplingPeriod() {
        return Duration.ofSeconds(2);
    }

    @AfterEach
    void closeCandidates() {
        for (LeaderElector e : candidates.keySet()) {
            e.close();
        }
        candidates.clear();
    }

    // =====================================================================================================
    // helpers
    // =====================================================================================================

    private LeaderElector candidate(String identity) {
        LeaderElector e = createCandidate(identity);
        assertThat(e).as("createCandidate result").isNotNull();
        candidates.put(e, new RecordingLeadershipListener());
        return e;
    }

    private RecordingLeadershipListener listener(LeaderElector e) {
        return candidates.get(e);
    }

    private List<LeaderElector> startCandidates(String... identities) {
        List<LeaderElector> list = new ArrayList<>();
        for (String id : identities) {
            LeaderElector e = candidate(id);
            e.start(listener(e));
            list.add(e);
        }
        return list;
    }

    private static List<LeaderElector> leaders(List<LeaderElector> electors) {
        return electors.stream().filter(LeaderElector::isLeader).collect(Collectors.toList());
    }

    /** Waits for exactly one leader among {@code electors} and for its onStartedLeading; returns it. */
    private LeaderElector awaitSingleLeader(List<LeaderElector> electors, Duration timeout) {
        Await.until(timeout, () -> "a leader among " + identities(electors),
                () -> leaders(electors).size() == 1);
        LeaderElector leader = leaders(electors).get(0);
        Await.until(timeout, () -> "onStartedLeading of " + leader.identity(),
                () -> listener(leader).leadingPerCallbacks());
        assertThat(leaders(electors)).as("leaders").hasSize(1);
        return leader;
    }

    private static List<String> identities(List<LeaderElector> electors) {
        return electors.stream().map(LeaderElector::identity).collect(Collectors.toList());
    }

    /** Samples every 50 ms for {@link #samplingPeriod()}: never two leaders. Returns the number of samples. */
    private int assertNeverTwoLeaders(List<LeaderElector> electors) {
        long end = System.nanoTime() + samplingPeriod().toNanos();
        int samples = 0;
        do {
            List<String> now = identities(leaders(electors));
            assertThat(now).as("leaders at sample %d", samples).hasSizeLessThanOrEqualTo(1);
            samples++;
            Await.sleep(50);
        } while (System.nanoTime() - end < 0);
        return samples;
    }

    private void assertProtocolKept() {
        candidates.forEach((e, l) -> {
            assertThat(l.violations()).as("callback protocol of %s", e.identity()).isEmpty();
            List<Kind> startStop = l.events().stream().map(RecordingLeadershipListener.Event::kind)
                    .filter(k -> k != Kind.NEW_LEADER).collect(Collectors.toList());
            for (int i = 0; i < startStop.size(); i++) {
                assertThat(startStop.get(i)).as("callback %d of %s: %s", i, e.identity(), startStop)
                        .isEqualTo(i % 2 == 0 ? Kind.STARTED : Kind.STOPPED);
            }
        });
    }

    // =====================================================================================================
    // tests
    // =====================================================================================================

    @Test
    @DisplayName("a single candidate leads within electionTimeout with a consistent epoch")
    void singleCandidateLeads() {
        LeaderElector solo = startCandidates("solo").get(0);

        LeaderElector leader = awaitSingleLeader(List.of(solo), electionTimeout());

        assertThat(leader.identity()).isEqualTo("solo");
        RecordingLeadershipListener l = listener(solo);
        assertThat(l.epochs()).hasSize(1);
        long epoch = l.epochs().get(0);
        assertThat(epoch).as("epoch").isNotNegative();
        assertThat(solo.currentEpoch()).hasValue(epoch);
        Await.until(electionTimeout(), () -> "currentLeader() of solo", () -> solo.currentLeader()
                .equals(Optional.of("solo")));
        assertProtocolKept();
    }

    @Test
    @DisplayName("3 candidates: exactly one leader, and never two at any sampled instant")
    void threeCandidatesExactlyOneLeader() {
        List<LeaderElector> all = startCandidates("a", "b", "c");

        LeaderElector leader = awaitSingleLeader(all, electionTimeout());
        int samples = assertNeverTwoLeaders(all);

        assertThat(samples).isGreaterThan(5);
        assertThat(leaders(all)).containsExactly(leader);
        for (LeaderElector e : all) {
            Await.until(electionTimeout(), () -> e.identity() + " sees " + leader.identity() + " as leader",
                    () -> e.currentLeader().equals(Optional.of(leader.identity())));
            if (e != leader) {
                assertThat(listener(e).count(Kind.STARTED)).as("starts of standby %s", e.identity()).isZero();
                assertThat(e.currentEpoch()).as("epoch of standby %s", e.identity()).isEmpty();
            }
        }
        assertProtocolKept();
    }

    @Test
    @DisplayName("when the leader closes, it gets onStoppedLeading and a standby leads within handoverTimeout")
    void leaderCloseHandsOver() {
        List<LeaderElector> all = startCandidates("a", "b", "c");
        LeaderElector first = awaitSingleLeader(all, electionTimeout());
        long firstEpoch = first.currentEpoch().orElseThrow();

        first.close();

        listener(first).await(Kind.STOPPED, 1, handoverTimeout());
        assertThat(first.isLeader()).isFalse();
        assertThat(first.currentEpoch()).isEmpty();
        List<LeaderElector> rest = all.stream().filter(e -> e != first).collect(Collectors.toList());
        LeaderElector second = awaitSingleLeader(rest, handoverTimeout());
        assertThat(second.currentEpoch()).isPresent();
        assertThat(second.currentEpoch().getAsLong()).as("epoch after handover").isGreaterThan(firstEpoch);
        assertThat(listener(second).epochs()).containsExactly(second.currentEpoch().getAsLong());
        assertThat(first.isLeader()).as("a closed elector never leads again").isFalse();
        assertProtocolKept();
    }

    @Test
    @DisplayName("epochs strictly increase across 3 handovers")
    void epochsStrictlyIncreaseAcrossHandovers() {
        List<LeaderElector> live = new ArrayList<>(startCandidates("a", "b", "c", "d"));
        List<Long> epochs = new ArrayList<>();
        List<String> leaderIds = new ArrayList<>();

        for (int term = 0; term < 4; term++) {
            LeaderElector leader = awaitSingleLeader(live, term == 0 ? electionTimeout() : handoverTimeout());
            epochs.add(leader.currentEpoch().orElseThrow());
            leaderIds.add(leader.identity());
            assertThat(listener(leader).epochs()).last().isEqualTo(leader.currentEpoch().getAsLong());
            if (term < 3) {
                leader.close();
                listener(leader).await(Kind.STOPPED, 1, handoverTimeout());
                live.remove(leader);
            }
        }

        assertThat(epochs).as("epochs of successive terms").isSorted().doesNotHaveDuplicates();
        assertThat(leaderIds).doesNotHaveDuplicates();
        assertProtocolKept();
    }

    @Test
    @DisplayName("callbacks alternate started/stopped per elector, starting with started, never concurrently")
    void callbacksAlternate() {
        List<LeaderElector> all = startCandidates("a", "b");
        LeaderElector first = awaitSingleLeader(all, electionTimeout());
        LeaderElector other = all.get(0) == first ? all.get(1) : all.get(0);

        first.close();
        awaitSingleLeader(List.of(other), handoverTimeout());
        LeaderElector late = candidate("late");
        late.start(listener(late));
        assertNeverTwoLeaders(List.of(other, late));
        other.close();
        listener(other).await(Kind.STOPPED, 1, handoverTimeout());
        awaitSingleLeader(List.of(late), handoverTimeout());
        late.close();
        listener(late).await(Kind.STOPPED, 1, handoverTimeout());

        for (LeaderElector e : List.of(first, other, late)) {
            assertThat(listener(e).count(Kind.STARTED)).as("starts of %s", e.identity()).isEqualTo(1);
            assertThat(listener(e).count(Kind.STOPPED)).as("stops of %s", e.identity()).isEqualTo(1);
        }
        assertProtocolKept();
    }

    @Test
    @DisplayName("start twice throws IllegalStateException, and so does start after close")
    void startTwiceThrows() {
        LeaderElector e = startCandidates("a").get(0);
        assertThatThrownBy(() -> e.start(new RecordingLeadershipListener()))
                .isInstanceOf(IllegalStateException.class);

        LeaderElector closed = candidate("b");
        closed.close();
        assertThatThrownBy(() -> closed.start(listener(closed))).isInstanceOf(IllegalStateException.class);
        assertThat(closed.isLeader()).isFalse();
    }

    @Test
    @DisplayName("close is idempotent: onStoppedLeading once; closing a standby or an unstarted one is harmless")
    void closeIdempotent() {
        List<LeaderElector> all = startCandidates("a", "b");
        LeaderElector leader = awaitSingleLeader(all, electionTimeout());
        LeaderElector standby = all.get(0) == leader ? all.get(1) : all.get(0);
        long epoch = leader.currentEpoch().orElseThrow();
        LeaderElector neverStarted = candidate("never-started");

        neverStarted.close();
        neverStarted.close();
        standby.close();
        standby.close();
        assertNeverTwoLeaders(List.of(leader, standby));
        assertThat(leader.isLeader()).as("closing a standby leaves the leader alone").isTrue();
        assertThat(leader.currentEpoch()).hasValue(epoch);

        leader.close();
        leader.close();
        listener(leader).await(Kind.STOPPED, 1, handoverTimeout());
        assertThat(leader.isLeader()).isFalse();
        assertThat(listener(leader).count(Kind.STOPPED)).isEqualTo(1);
        assertThat(listener(standby).count(Kind.STARTED)).as("a closed standby never leads").isZero();
        assertThat(listener(neverStarted).events()).isEmpty();
        assertProtocolKept();
    }

    @Test
    @DisplayName("currentEpoch is present exactly while leading")
    void currentEpochIffLeading() {
        LeaderElector a = candidate("a");
        assertThat(a.currentEpoch()).as("before start").isEmpty();
        assertThat(a.isLeader()).isFalse();
        assertThat(a.identity()).isEqualTo("a");
        a.start(listener(a));
        LeaderElector b = startCandidates("b").get(0);
        LeaderElector leader = awaitSingleLeader(List.of(a, b), electionTimeout());
        LeaderElector standby = leader == a ? b : a;

        assertThat(leader.currentEpoch()).isPresent();
        assertThat(standby.currentEpoch()).isEmpty();
        leader.close();
        listener(leader).await(Kind.STOPPED, 1, handoverTimeout());
        assertThat(leader.currentEpoch()).isEmpty();
        awaitSingleLeader(List.of(standby), handoverTimeout());
        assertThat(standby.currentEpoch()).isPresent();
        assertThat(standby.currentEpoch().getAsLong()).isEqualTo(listener(standby).epochs().get(0));
    }

    @Test
    @DisplayName("relinquish: the leader stops at once, a standby leads within handoverTimeout, and the one that "
            + "relinquished keeps contending")
    void relinquishHandsOverToAStandbyAndKeepsContending() {
        List<LeaderElector> all = startCandidates("a", "b");
        LeaderElector first = awaitSingleLeader(all, electionTimeout());
        LeaderElector other = all.get(0) == first ? all.get(1) : all.get(0);
        long firstEpoch = first.currentEpoch().orElseThrow();

        assertThat(first.relinquish(firstEpoch)).as("relinquish of the current term").isTrue();

        assertThat(first.isLeader()).as("stops leading at once").isFalse();
        assertThat(first.currentEpoch()).isEmpty();
        listener(first).await(Kind.STOPPED, 1, handoverTimeout());
        LeaderElector second = awaitSingleLeader(all, handoverTimeout());
        assertThat(second).as("a contending standby gets the first chance").isSameAs(other);
        long secondEpoch = second.currentEpoch().orElseThrow();
        assertThat(secondEpoch).as("epoch after relinquish").isGreaterThan(firstEpoch);
        assertNeverTwoLeaders(all);
        assertThat(leaders(all)).as("the standby keeps leading").containsExactly(other);
        assertThat(listener(first).count(Kind.STARTED)).as("starts of the one that relinquished").isEqualTo(1);

        other.close();
        LeaderElector again = awaitSingleLeader(List.of(first), recontendTimeout().plus(handoverTimeout()));
        assertThat(again.currentEpoch().orElseThrow()).isGreaterThan(secondEpoch);
        assertThat(listener(first).epochs()).as("terms of the one that relinquished").hasSize(2);
        assertProtocolKept();
    }

    @Test
    @DisplayName("a lone candidate that relinquishes leads again in a new term within recontendTimeout")
    void loneCandidateLeadsAgainAfterRelinquish() {
        LeaderElector solo = startCandidates("solo").get(0);
        awaitSingleLeader(List.of(solo), electionTimeout());
        long firstEpoch = solo.currentEpoch().orElseThrow();

        assertThat(solo.relinquish(firstEpoch)).isTrue();

        listener(solo).await(Kind.STOPPED, 1, handoverTimeout());
        Await.until(recontendTimeout(), () -> "solo leads again", () -> listener(solo).count(Kind.STARTED) == 2
                && solo.isLeader());
        List<Long> epochs = listener(solo).epochs();
        assertThat(epochs).hasSize(2);
        assertThat(epochs.get(1)).as("a new term").isGreaterThan(firstEpoch);
        assertThat(solo.currentEpoch()).hasValue(epochs.get(1));
        assertProtocolKept();
    }

    @Test
    @DisplayName("relinquish of a term that is not the current one (stale, on a standby, unstarted, closed) does "
            + "nothing")
    void relinquishOfAnotherTermDoesNothing() {
        LeaderElector unstarted = candidate("unstarted");
        assertThat(unstarted.relinquish(0)).isFalse();
        List<LeaderElector> all = startCandidates("a", "b");
        LeaderElector leader = awaitSingleLeader(all, electionTimeout());
        LeaderElector standby = all.get(0) == leader ? all.get(1) : all.get(0);
        long epoch = leader.currentEpoch().orElseThrow();

        assertThat(leader.relinquish(epoch - 1)).as("a stale term").isFalse();
        assertThat(leader.relinquish(epoch + 1)).as("a term not started").isFalse();
        assertThat(standby.relinquish(epoch)).as("a standby").isFalse();
        assertNeverTwoLeaders(all);
        assertThat(leaders(all)).containsExactly(leader);
        assertThat(leader.currentEpoch()).hasValue(epoch);
        assertThat(listener(leader).count(Kind.STOPPED)).isZero();

        leader.close();
        listener(leader).await(Kind.STOPPED, 1, handoverTimeout());
        assertThat(leader.relinquish(epoch)).as("after close").isFalse();
        assertThat(listener(leader).count(Kind.STOPPED)).isEqualTo(1);
        assertProtocolKept();
    }
}
