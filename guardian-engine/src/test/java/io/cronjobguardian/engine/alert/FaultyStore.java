package io.cronjobguardian.engine.alert;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.StoreUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link HistoryStore} in front of a real one that fails chosen calls with {@link StoreUnavailableException}
 * before they reach the store (a connection lost before the statement), as a database outage would.
 */
final class FaultyStore {

    private final HistoryStore delegate;
    private final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private final Map<String, Boolean> down = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    FaultyStore(HistoryStore delegate) {
        this.delegate = delegate;
    }

    /** The next {@code times} calls of {@code method} fail. */
    FaultyStore failNext(String method, int times) {
        failNext.computeIfAbsent(method, m -> new AtomicInteger()).addAndGet(times);
        return this;
    }

    /** Every call of {@code method} fails while {@code value} is {@code true}. */
    FaultyStore down(String method, boolean value) {
        down.put(method, value);
        return this;
    }

    /** How many calls of {@code method} failed so far. */
    int failed(String method) {
        AtomicInteger n = failed.get(method);
        return n == null ? 0 : n.get();
    }

    /** How many calls of {@code method} were made so far (failed or not). */
    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    HistoryStore store() {
        return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.getName().equals("equals") ? proxy == args[0]
                                : m.getName().equals("hashCode") ? System.identityHashCode(proxy) : "FaultyStore";
                    }
                    calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
                    AtomicInteger left = failNext.get(m.getName());
                    boolean fail = Boolean.TRUE.equals(down.get(m.getName()))
                            || (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
                    if (fail) {
                        failed.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
                        throw new StoreUnavailableException("simulated: " + m.getName() + " failed");
                    }
                    try {
                        return m.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
