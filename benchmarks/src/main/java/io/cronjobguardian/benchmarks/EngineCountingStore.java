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

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final HistoryStore proxy;

    EngineCountingStore(HistoryStore target) {
        this.proxy = (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, (p, m, args) -> {
                    if (m.getDeclaringClass() != Object.class) {
                        calls.computeIfAbsent(m.getName(), k -> new LongAdder()).increment();
                    }
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
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
