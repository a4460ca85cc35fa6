package io.cronjobguardian.testkit;

import io.cronjobguardian.api.HistoryStore;

/** Runs the store conformance suite against {@link InMemoryHistoryStore}. */
class InMemoryHistoryStoreContractTest extends HistoryStoreContract {

    private InMemoryHistoryStore current;

    @Override
    protected HistoryStore createStore() {
        current = new InMemoryHistoryStore(new ManualClock());
        return current;
    }

    @Override
    protected HistoryStore createPeerStore() {
        return current.createPeer();
    }
}
