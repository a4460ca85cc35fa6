package io.cronjobguardian.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Free text as every {@link HistoryStore} keeps it. Log tails, events, termination and condition messages, incident
 * texts and delivery errors come from pods, the API server and remote peers, and may hold characters some databases
 * cannot store: PostgreSQL rejects NUL ({@code U+0000}) in text, and a lone UTF-16 surrogate has no UTF-8 form (the
 * drivers turn it into {@code ?}). One such value must not fail a whole batch, so stores write free text through
 * {@link #clean(String)}: NUL and lone surrogates become {@link #REPLACEMENT}, everything else (valid surrogate pairs
 * such as emoji included) is kept. Every store then reads back the same text.
 *
 * <p>Identifiers (names, namespaces, UIDs, incident keys, channel names) are not changed: Kubernetes and the
 * configuration do not allow these characters in them.
 */
public final class StoredText {

    /** What a NUL or a lone surrogate is replaced with: {@code U+FFFD REPLACEMENT CHARACTER}. */
    public static final char REPLACEMENT = '\uFFFD';

    private StoredText() {
    }

    /**
     * The text with NUL and lone surrogates replaced by {@link #REPLACEMENT}; the same instance when there is
     * nothing to replace (and {@code null} for {@code null}).
     */
    public static @Nullable String clean(@Nullable String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        int i = 0;
        while (i < n && !needsCleaning(text, i)) {
            i += Character.isHighSurrogate(text.charAt(i)) ? 2 : 1;
        }
        if (i >= n) {
            return text;
        }
        StringBuilder sb = new StringBuilder(n).append(text, 0, i);
        while (i < n) {
            char c = text.charAt(i);
            if (needsCleaning(text, i)) {
                sb.append(REPLACEMENT);
                i++;
            } else if (Character.isHighSurrogate(c)) {
                sb.append(c).append(text.charAt(i + 1));
                i += 2;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** Whether the char at {@code i} is NUL or a surrogate that is not part of a valid pair starting at {@code i}. */
    private static boolean needsCleaning(String s, int i) {
        char c = s.charAt(i);
        if (c == '\0') {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c); // a low surrogate not consumed as the second half of a pair
    }

    /** Each element cleaned; the same list when nothing changes. */
    public static List<String> clean(List<String> texts) {
        List<String> out = null;
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            String c = clean(t);
            if (c != t && out == null) {
                out = new ArrayList<>(texts.subList(0, i));
            }
            if (out != null) {
                out.add(c);
            }
        }
        return out == null ? texts : List.copyOf(out);
    }

    /**
     * The execution with its free text cleaned: the Job's condition reason and message, the termination's
     * container, reason and message, the log tail, events and suggested fix. The same instance when nothing changes.
     */
    public static Execution clean(Execution e) {
        JobSnapshot j = e.job();
        Termination t = j.lastTermination();
        Termination ct = t == null ? null : clean(t);
        String reason = clean(j.conditionReason());
        String message = clean(j.conditionMessage());
        JobSnapshot job = ct == t && reason == j.conditionReason() && message == j.conditionMessage() ? j
                : new JobSnapshot(j.namespace(), j.name(), j.uid(), j.owner(), j.ownerUid(), j.scheduledTime(),
                        j.manual(), j.createdAt(), j.startedAt(), j.finishedAt(), j.state(), j.attempts(), reason,
                        message, ct, j.suspendedSince(), j.podStarted());
        String log = clean(e.logTail());
        List<String> events = clean(e.events());
        String fix = clean(e.suggestedFix());
        if (job == j && log == e.logTail() && events == e.events() && fix == e.suggestedFix()) {
            return e;
        }
        return new Execution(job, log, events, fix);
    }

    private static Termination clean(Termination t) {
        String container = clean(t.container());
        String reason = clean(t.reason());
        String message = clean(t.message());
        if (container == t.container() && reason == t.reason() && message == t.message()) {
            return t;
        }
        return new Termination(container, t.exitCode(), reason, t.signal(), message);
    }

    /** The alert context with every text cleaned (attribute names and values included). */
    public static AlertContext clean(AlertContext c) {
        Map<String, String> attributes = c.attributes();
        boolean attributesChanged = false;
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (clean(a.getKey()) != a.getKey() || clean(a.getValue()) != a.getValue()) {
                attributesChanged = true;
                break;
            }
        }
        if (attributesChanged) {
            Map<String, String> m = new LinkedHashMap<>();
            attributes.forEach((k, v) -> m.put(clean(k), clean(v)));
            attributes = m;
        }
        String jobName = clean(c.jobName());
        String reason = clean(c.reason());
        String message = clean(c.message());
        String logTail = clean(c.logTail());
        List<String> events = clean(c.events());
        String podStatus = clean(c.podStatus());
        String fix = clean(c.suggestedFix());
        if (!attributesChanged && jobName == c.jobName() && reason == c.reason() && message == c.message()
                && logTail == c.logTail() && events == c.events() && podStatus == c.podStatus()
                && fix == c.suggestedFix()) {
            return c;
        }
        return new AlertContext(jobName, c.exitCode(), reason, message, logTail, events, podStatus, fix,
                c.successRate(), c.lastDuration(), attributes);
    }

    /** The draft with title, message, signature and context cleaned; its key is kept as given. */
    public static IncidentDraft clean(IncidentDraft d) {
        String title = clean(d.title());
        String message = clean(d.message());
        String signature = clean(d.signature());
        AlertContext context = clean(d.context());
        if (title == d.title() && message == d.message() && signature == d.signature() && context == d.context()) {
            return d;
        }
        return new IncidentDraft(d.key(), d.severity(), title, message, signature, context, d.openedAt());
    }

    /** The incident with title, message, signature and context cleaned; its key is kept as given. */
    public static Incident clean(Incident i) {
        String title = clean(i.title());
        String message = clean(i.message());
        String signature = clean(i.signature());
        AlertContext context = clean(i.context());
        if (title == i.title() && message == i.message() && signature == i.signature() && context == i.context()) {
            return i;
        }
        return new Incident(i.id(), i.key(), i.severity(), title, message, signature, context, i.openedAt(),
                i.lastNotifiedAt(), i.notificationCount(), i.resolvedAt(), i.version(), i.acknowledgedAt(),
                clean(i.acknowledgedBy()), i.silencedUntil(), clean(i.silencedBy()));
    }
}
