package io.cronjobguardian.api;

import java.util.Objects;

/**
 * Identifies a CronJob by namespace and name. The UID is not part of the reference: a CronJob deleted and
 * recreated under the same name has the same {@code CronJobRef} and a new UID (see {@link CronJobSnapshot#uid()}).
 *
 * @param namespace the Kubernetes namespace, non-blank, at most 253 characters
 * @param name      the CronJob name, non-blank, at most 253 characters
 */
public record CronJobRef(String namespace, String name) implements Comparable<CronJobRef> {

    /** Longest namespace or name Kubernetes accepts (DNS subdomain). */
    public static final int MAX_NAME_LENGTH = 253;

    public CronJobRef {
        Checks.maxLength(Checks.notBlank(namespace, "namespace"), MAX_NAME_LENGTH, "namespace");
        Checks.maxLength(Checks.notBlank(name, "name"), MAX_NAME_LENGTH, "name");
        if (namespace.indexOf('/') >= 0) {
            throw new IllegalArgumentException("namespace must not contain '/': " + namespace);
        }
    }

    /** Creates a reference; same as the constructor. */
    public static CronJobRef of(String namespace, String name) {
        return new CronJobRef(namespace, name);
    }

    /**
     * Parses {@code "namespace/name"}, the form {@link #toString()} produces.
     *
     * @throws IllegalArgumentException if the text has no {@code '/'} or either part is blank
     */
    public static CronJobRef parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("expected \"namespace/name\", got \"" + text + "\"");
        }
        return new CronJobRef(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public int compareTo(CronJobRef o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    /** Returns {@code namespace/name}. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
