package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.HistoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link HistoryStore} that counts the calls made to it, by method, and passes them on. Counts calls, not SQL
 * statements (a page of executions or incidents is a count and a select; a write also checks the fence).
 */
final class EngineCountingStore {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> cpuNanos = new ConcurrentHashMap<>();
    private final HistoryStore proxy;

    EngineCountingStore(HistoryStore target) {
        this.proxy = (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, (p, m, args) -> {
                    if (m.getDeclaringClass() != Object.class) {
                        calls.computeIfAbsent(m.getName(), k -> new LongAdder()).increment();
                    }
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (m.getDeclaringClass() != Object.class) {
                            cpuNanos.computeIfAbsent(m.getName(), k -> new LongAdder())
                                    .add(THREADS.getCurrentThreadCpuTime() - cpu);
                        }
                    }
                });
    }

    HistoryStore store() {
        return proxy;
    }

    /** The calls so far, by method name. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * CPU time spent in the calls so far (of the calling threads, in the store and its driver: SQLite runs in this
     * process), by method name, in nanoseconds. Unlike wall time it barely moves with the machine's load.
     */
    Map<String, Long> cpuSnapshot() {
        Map<String, Long> out = new TreeMap<>();
        cpuNanos.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** {@code after - before}, by method, zeros left out. */
    static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
