package io.cronjobguardian.it;

import io.cronjobguardian.api.HistoryStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@link HistoryStore} in front of a real one that records every write one replica makes (method, epoch, outcome):
 * the evidence for "a fenced ex-leader's first write is rejected and it records nothing". Reads are not recorded.
 */
final class StoreSpy implements InvocationHandler {

    /** Writes that carry the leader epoch (the store checks it first, see the JDBC store's fence). */
    static final Set<String> FENCED = Set.of("advanceEpoch", "claimEpoch", "upsertExecution", "upsertExecutions",
            "deleteExecutionsBefore", "deleteExecutions", "deleteDetailsBefore", "deleteResolvedIncidentsBefore",
            "openIncident", "updateIncident", "resolveIncident", "enqueueNotification", "claimNotification",
            "claimDueNotifications", "saveCronJobState", "deleteCronJobState");
    /** Writes guarded by a claim instead of the epoch. */
    static final Set<String> COMPLETIONS = Set.of("markNotificationSent", "markNotificationFailed",
            "recordChannelResult");

    /** One write: what, with which epoch (-1 for completions), and the exception it ended with (or null). */
    record Write(String method, long epoch, Throwable failure, long atNanos) {
        boolean succeeded() {
            return failure == null;
        }

        @Override
        public String toString() {
            return method + (epoch >= 0 ? "@" + epoch : "") + (failure == null ? " ok"
                    : " -> " + failure.getClass().getSimpleName());
        }
    }

    private final HistoryStore delegate;
    private final List<Write> writes = new ArrayList<>();

    private StoreSpy(HistoryStore delegate) {
        this.delegate = delegate;
    }

    /** The store to hand to the engine, and the spy that watches it. */
    static StoreSpy on(HistoryStore delegate) {
        return new StoreSpy(delegate);
    }

    HistoryStore store() {
        return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, this);
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            switch (m.getName()) {
                case "toString":
                    return "StoreSpy[" + delegate + "]";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    break;
            }
        }
        boolean fenced = FENCED.contains(m.getName());
        boolean write = fenced || COMPLETIONS.contains(m.getName());
        long epoch = fenced ? (Long) args[args.length - 1] : -1;
        try {
            Object r = m.invoke(delegate, args);
            if (write) {
                add(new Write(m.getName(), epoch, null, System.nanoTime()));
            }
            return r;
        } catch (InvocationTargetException e) {
            if (write) {
                add(new Write(m.getName(), epoch, e.getCause(), System.nanoTime()));
            }
            throw e.getCause();
        }
    }

    private synchronized void add(Write w) {
        writes.add(w);
    }

    /** How many writes were recorded so far (a mark for {@link #writesSince}). */
    synchronized int mark() {
        return writes.size();
    }

    /** The writes recorded after {@code mark}, in order. */
    synchronized List<Write> writesSince(int mark) {
        return new ArrayList<>(writes.subList(mark, writes.size()));
    }

    static String describe(List<Write> ws) {
        return ws.stream().map(Write::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
