package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.LeadershipListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records callbacks and every breach of the listener contract (concurrency, thread, order, epochs). */
final class RecordingListener implements LeadershipListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Long> epochs = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Thread thread;
    private boolean leading;
    private long lastEpoch = Long.MIN_VALUE;

    @Override
    public void onStartedLeading(long epoch) {
        enter();
        try {
            if (leading) {
                violations.add("onStartedLeading while leading");
            }
            if (epoch <= lastEpoch) {
                violations.add("epoch " + epoch + " not above " + lastEpoch);
            }
            leading = true;
            lastEpoch = epoch;
            epochs.add(epoch);
            events.add("started:" + epoch);
        } finally {
            exit();
        }
    }

    @Override
    public void onStoppedLeading() {
        enter();
        try {
            if (!leading) {
                violations.add("onStoppedLeading while not leading");
            }
            leading = false;
            events.add("stopped");
        } finally {
            exit();
        }
    }

    @Override
    public void onNewLeader(String identity) {
        enter();
        try {
            events.add("leader:" + identity);
        } finally {
            exit();
        }
    }

    long starts() {
        return events.stream().filter(e -> e.startsWith("started:")).count();
    }

    long stops() {
        return events.stream().filter(e -> e.equals("stopped")).count();
    }

    /** The last {@code started:<epoch>} or {@code stopped} event, or {@code ""}. */
    String lastTransition() {
        String last = "";
        for (String e : events) {
            if (!e.startsWith("leader:")) {
                last = e;
            }
        }
        return last;
    }

    List<Long> epochs() {
        return new ArrayList<>(epochs);
    }

    private void enter() {
        if (inFlight.incrementAndGet() != 1) {
            violations.add("concurrent callbacks");
        }
        Thread current = Thread.currentThread();
        if (thread == null) {
            thread = current;
        } else if (thread != current) {
            violations.add("callback on another thread: " + current.getName() + " after " + thread.getName());
        }
    }

    private void exit() {
        inFlight.decrementAndGet();
    }
}
