package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.testkit.RecordingLeadershipListener.Event;
import io.cronjobguardian.testkit.RecordingLeadershipListener.Kind;

import org.junit.jupiter.api.Test;

class ManualElectionTest {

    private final ManualElection election = ManualElection.manual();
    private final ManualLeaderElector a = election.candidate("a");
    private final ManualLeaderElector b = election.candidate("b");
    private final RecordingLeadershipListener la = new RecordingLeadershipListener();
    private final RecordingLeadershipListener lb = new RecordingLeadershipListener();

    @Test
    void nobodyLeadsUntilElected() {
        a.start(la);
        b.start(lb);
        assertThat(a.isLeader()).isFalse();
        assertThat(election.leader()).isEmpty();

        long epoch = election.elect("a");

        assertThat(epoch).isEqualTo(1);
        assertThat(a.isLeader()).isTrue();
        assertThat(a.currentEpoch()).hasValue(1);
        assertThat(b.currentLeader()).contains("a");
        assertThat(la.events()).containsExactly(new Event(Kind.STARTED, 1, null), new Event(Kind.NEW_LEADER, -1,
                "a"));
        assertThat(lb.events()).containsExactly(new Event(Kind.NEW_LEADER, -1, "a"));
        assertThat(election.elect("a")).as("re-electing the leader is a no-op").isEqualTo(1);
        assertThat(la.count(Kind.STARTED)).isEqualTo(1);
    }

    @Test
    void electingAnotherStopsTheOldLeaderFirst() {
        a.start(la);
        b.start(lb);
        election.elect("a");

        long epoch = election.elect("b");

        assertThat(epoch).isEqualTo(2);
        assertThat(a.isLeader()).isFalse();
        assertThat(a.currentEpoch()).isEmpty();
        assertThat(b.currentEpoch()).hasValue(2);
        assertThat(la.events()).containsSubsequence(new Event(Kind.STOPPED, -1, null), new Event(Kind.NEW_LEADER, -1,
                "b"));
        assertThat(lb.events()).containsSubsequence(new Event(Kind.STARTED, 2, null), new Event(Kind.NEW_LEADER, -1,
                "b"));
        assertThat(la.violations()).isEmpty();
        assertThat(lb.violations()).isEmpty();
    }

    @Test
    void revokeLeavesNobodyAndTheLoserCanWinAgainWithANewEpoch() {
        a.start(la);
        election.elect("a");

        assertThat(election.revoke()).contains("a");
        assertThat(a.isLeader()).isFalse();
        assertThat(election.leader()).isEmpty();
        assertThat(la.lastAnnouncedLeader()).isEmpty();
        assertThat(election.revoke()).isEmpty();

        assertThat(election.elect("a")).isEqualTo(2);
        assertThat(la.epochs()).containsExactly(1L, 2L);
        assertThat(la.violations()).isEmpty();
    }

    @Test
    void closeWithoutAutoFailoverLeavesNobody() {
        a.start(la);
        b.start(lb);
        election.elect("a");

        a.close();

        assertThat(election.leader()).isEmpty();
        assertThat(b.isLeader()).isFalse();
        assertThat(lb.lastAnnouncedLeader()).isEmpty();
        assertThat(election.contenders()).containsExactly("b");
        assertThatThrownBy(() -> election.elect("a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoFailoverHandsOverToTheLongestWaitingCandidate() {
        ManualElection auto = ManualElection.automatic().startEpochAfter(41);
        ManualLeaderElector x = auto.candidate("x");
        ManualLeaderElector y = auto.candidate("y");
        ManualLeaderElector z = auto.candidate("z");
        RecordingLeadershipListener lz = new RecordingLeadershipListener();
        x.start(new RecordingLeadershipListener());
        z.start(lz);
        y.start(new RecordingLeadershipListener());

        assertThat(x.currentEpoch()).hasValue(42);
        x.close();

        assertThat(z.isLeader()).isTrue();
        assertThat(z.currentEpoch()).hasValue(43);
        assertThat(lz.epochs()).containsExactly(43L);
        assertThat(y.currentLeader()).contains("z");
        assertThat(auto.lastEpoch()).isEqualTo(43);
        assertThatThrownBy(() -> auto.startEpochAfter(10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callbacksMayCallBackIntoTheElection() {
        ManualLeaderElector c = election.candidate("c");
        a.start(new io.cronjobguardian.api.LeadershipListener() {
            @Override
            public void onStartedLeading(long epoch) {
                election.revoke();
            }

            @Override
            public void onStoppedLeading() {
            }

            @Override
            public void onNewLeader(String identity) {
            }
        });
        c.start(la);

        election.elect("a");

        assertThat(a.isLeader()).isFalse();
        assertThat(la.events()).extracting(Event::identity).containsExactly("a", null);
    }

    @Test
    void electingAnUnknownCandidateFails() {
        assertThatThrownBy(() -> election.elect("ghost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ghost");
        assertThat(a.isStarted()).isFalse();
        a.close();
        assertThat(a.isClosed()).isTrue();
    }
}
