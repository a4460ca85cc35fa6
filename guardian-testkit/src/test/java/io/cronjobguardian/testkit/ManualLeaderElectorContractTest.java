package io.cronjobguardian.testkit;

import io.cronjobguardian.api.LeaderElector;

import java.time.Duration;

/** Runs the elector conformance suite against {@link ManualLeaderElector} on an automatic {@link ManualElection}. */
class ManualLeaderElectorContractTest extends LeaderElectorContract {

    private final ManualElection election = ManualElection.automatic();

    @Override
    protected LeaderElector createCandidate(String identity) {
        return election.candidate(identity);
    }

    @Override
    protected Duration handoverTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    protected Duration samplingPeriod() {
        return Duration.ofMillis(500);
    }
}
