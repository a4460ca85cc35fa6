package io.cronjobguardian.watcher.k8s;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code team=payments,env!=dev,tier in (a,b),!legacy}), parsed
 * and evaluated the way the API server does it ({@code k8s.io/apimachinery/pkg/labels}): equality ({@code =},
 * {@code ==}), inequality ({@code !=}, which also matches when the label is absent), set-based {@code in} and
 * {@code notin} ({@code notin} also matches when the label is absent), existence ({@code key}) and non-existence
 * ({@code !key}). Requirements are ANDed; an empty selector matches everything.
 */
final class LabelSelector {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            switch (op) {
                case EQUALS: case IN:
                    return v != null && values.contains(v);
                case NOT_EQUALS: case NOT_IN:
                    return v == null || !values.contains(v);
                case EXISTS:
                    return v != null;
                default:
                    return v == null;
            }
        }
    }

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    /**
     * Parses a selector.
     *
     * @throws IllegalArgumentException naming the offending part when the text is not a valid selector
     */
    static LabelSelector parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        List<Requirement> reqs = new ArrayList<>();
        if (t.isEmpty()) {
            return new LabelSelector(t, reqs);
        }
        for (String part : splitTopLevel(t)) {
            reqs.add(parseRequirement(part.trim()));
        }
        return new LabelSelector(t, reqs);
    }

    /** {@code true} when every requirement holds for these labels ({@code null} means no labels). */
    boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Collections.emptyMap() : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }

    List<Requirement> requirements() {
        return requirements;
    }

    @Override
    public String toString() {
        return text;
    }

    private static List<String> splitTopLevel(String t) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' at position " + i);
                }
            } else if (c == ',' && depth == 0) {
                parts.add(t.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in \"" + t + "\"");
        }
        parts.add(t.substring(start));
        return parts;
    }

    private static Requirement parseRequirement(String p) {
        if (p.isEmpty()) {
            throw new IllegalArgumentException("empty requirement (two commas in a row, or a trailing comma)");
        }
        if (p.startsWith("!")) {
            String key = p.substring(1).trim();
            checkKey(key);
            return new Requirement(key, Op.NOT_EXISTS, Set.of());
        }
        int ne = p.indexOf("!=");
        if (ne >= 0) {
            return equality(p.substring(0, ne), p.substring(ne + 2), Op.NOT_EQUALS);
        }
        int eq2 = p.indexOf("==");
        if (eq2 >= 0) {
            return equality(p.substring(0, eq2), p.substring(eq2 + 2), Op.EQUALS);
        }
        int eq = p.indexOf('=');
        if (eq >= 0) {
            return equality(p.substring(0, eq), p.substring(eq + 1), Op.EQUALS);
        }
        int paren = p.indexOf('(');
        if (paren >= 0) {
            if (!p.endsWith(")")) {
                throw new IllegalArgumentException("\"" + p + "\": expected ')' at the end");
            }
            String head = p.substring(0, paren).trim();
            String[] words = head.split("\\s+");
            if (words.length != 2 || !(words[1].equals("in") || words[1].equals("notin"))) {
                throw new IllegalArgumentException("\"" + p + "\": expected 'key in (v1,v2)' or 'key notin (v1,v2)'");
            }
            checkKey(words[0]);
            Set<String> values = new LinkedHashSet<>();
            String inner = p.substring(paren + 1, p.length() - 1);
            if (inner.isBlank()) {
                throw new IllegalArgumentException("\"" + p + "\": a set needs at least one value");
            }
            for (String v : inner.split(",", -1)) {
                String value = v.trim();
                checkValue(value);
                values.add(value);
            }
            return new Requirement(words[0], words[1].equals("in") ? Op.IN : Op.NOT_IN, Set.copyOf(values));
        }
        if (p.contains(">") || p.contains("<")) {
            throw new IllegalArgumentException("\"" + p + "\": '>' and '<' are not supported for namespace labels");
        }
        checkKey(p);
        return new Requirement(p, Op.EXISTS, Set.of());
    }

    private static Requirement equality(String key, String value, Op op) {
        String k = key.trim();
        String v = value.trim();
        checkKey(k);
        checkValue(v);
        return new Requirement(k, op, Set.of(v));
    }

    private static void checkKey(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty label key");
        }
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                throw new IllegalArgumentException("invalid label key prefix \"" + prefix + "\" in \"" + key + "\"");
            }
        }
        if (name.length() > 63 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid label key \"" + key + "\"");
        }
    }

    private static void checkValue(String value) {
        if (!value.isEmpty() && (value.length() > 63 || !NAME.matcher(value).matches())) {
            throw new IllegalArgumentException("invalid label value \"" + value + "\"");
        }
    }
}
