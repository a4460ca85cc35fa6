package io.cronjobguardian.chaos;

import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.StaleEpochException;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;

/**
 * A {@link HistoryStore} in front of the real one that prints every write a replica makes, one line each, to its
 * output (a file the harness reads): {@code W <wall millis> <method> <epoch> <ok|stale|err:<Exception>>} followed, for
 * executions, by {@code <namespace>/<job>=<STATE>} per execution. The harness derives from these lines who wrote in
 * which epoch (never two replicas in one), the last write of an old leader and the first of a new one, and when a
 * finished Job was recorded. Reads are not printed.
 */
final class WriteLog implements InvocationHandler {

    /** Writes that carry the leader epoch as their last argument (the store checks it first). */
    static final Set<String> FENCED = Set.of("advanceEpoch", "claimEpoch", "upsertExecution", "upsertExecutions",
            "deleteExecutionsBefore", "deleteExecutions", "deleteDetailsBefore", "deleteResolvedIncidentsBefore",
            "openIncident", "updateIncident", "resolveIncident", "enqueueNotification", "claimNotification",
            "claimDueNotifications", "saveCronJobState", "deleteCronJobState");
    /** Writes guarded by a notification claim instead of the epoch. */
    static final Set<String> COMPLETIONS = Set.of("markNotificationSent", "markNotificationFailed");

    private final HistoryStore delegate;
    private final PrintStream out;

    private WriteLog(HistoryStore delegate, PrintStream out) {
        this.delegate = delegate;
        this.out = out;
    }

    /** The store to hand to the engine: {@code delegate}, with every write printed to {@code out}. */
    static HistoryStore wrap(HistoryStore delegate, PrintStream out) {
        return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, new WriteLog(delegate, out));
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            switch (m.getName()) {
                case "toString":
                    return "WriteLog[" + delegate + "]";
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
        long epoch = fenced ? ((Number) args[args.length - 1]).longValue() : -1;
        long started = System.currentTimeMillis();
        try {
            Object r = m.invoke(delegate, args);
            if (write) {
                // advanceEpoch and claimEpoch return the epoch the replica now writes with (claimEpoch's argument is
                // only a lower bound)
                boolean begins = m.getName().equals("advanceEpoch") || m.getName().equals("claimEpoch");
                print(m.getName(), begins ? ((Number) r).longValue() : epoch, "ok", started, args);
            }
            return r;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (write) {
                print(m.getName(), epoch, cause instanceof StaleEpochException ? "stale"
                        : "err:" + cause.getClass().getSimpleName(), started, args);
            }
            throw cause;
        }
    }

    private void print(String method, long epoch, String outcome, long started, Object[] args) {
        StringBuilder sb = new StringBuilder("W ").append(System.currentTimeMillis()).append(' ').append(method)
                .append(' ').append(epoch).append(' ').append(outcome).append(' ').append(started);
        if (method.equals("upsertExecution")) {
            append(sb, (Execution) args[0]);
        } else if (method.equals("upsertExecutions")) {
            for (Object o : (List<?>) args[0]) {
                append(sb, (Execution) o);
            }
        }
        synchronized (out) {
            out.println(sb);
            out.flush();
        }
    }

    private static void append(StringBuilder sb, Execution e) {
        sb.append(' ').append(e.job().namespace()).append('/').append(e.job().name()).append('=').append(e.state());
    }
}
