package io.cronjobguardian.engine.alert.channel;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a channel's secrets from any text before it leaves the channel (delivery details, log lines): a receiver
 * may echo the URL or a key in an error body, and an exception message may name a URL. Each secret is removed
 * verbatim, URL-encoded and URL-decoded; for a URL secret also its path, query and user info (where the token of a
 * Slack or webhook URL lives). Immutable and thread-safe.
 */
final class Redactor {

    static final String MASK = "******";
    /** Shorter fragments are not masked (they would mask ordinary words). */
    private static final int MIN_FRAGMENT = 6;
    /** Values this short are not secrets worth masking (and masking them would garble every detail). */
    private static final int MIN_SECRET = 4;

    private final List<String> fragments;

    private Redactor(List<String> fragments) {
        this.fragments = fragments;
    }

    /** A redactor for these secret values ({@code null}s ignored). */
    static Redactor of(Iterable<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            add(all, s, true);
            add(all, URLEncoder.encode(s, StandardCharsets.UTF_8), true);
            try {
                add(all, URLDecoder.decode(s, StandardCharsets.UTF_8), true);
            } catch (IllegalArgumentException ignored) {
                // not URL-encoded text
            }
            if (s.contains("://")) {
                try {
                    URI u = URI.create(s.trim());
                    add(all, u.getRawPath(), false);
                    add(all, u.getPath(), false);
                    add(all, u.getRawQuery(), false);
                    add(all, u.getRawUserInfo(), false);
                    add(all, u.getRawFragment(), false);
                } catch (IllegalArgumentException ignored) {
                    // not a URI: the whole value is masked anyway
                }
            }
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(sorted));
    }

    private static void add(Set<String> into, String fragment, boolean whole) {
        if (fragment == null) {
            return;
        }
        String f = fragment.trim();
        if (f.length() < (whole ? MIN_SECRET : MIN_FRAGMENT) || f.equals("/")) {
            return;
        }
        into.add(f);
    }

    /** This redactor plus more secrets. */
    Redactor with(Iterable<String> more) {
        List<String> all = new ArrayList<>(fragments);
        more.forEach(all::add);
        return of(all);
    }

    /** {@code text} with every secret replaced by {@code ******}; {@code null} stays {@code null}. */
    String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String f : fragments) {
            if (out.contains(f)) {
                out = out.replace(f, MASK);
            }
        }
        return out;
    }

    /** A one-line, secret-free description of an exception and its causes, for details and logs. */
    String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        int depth = 0;
        while (t != null && depth < 4) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                sb.append(": ").append(Texts.head(Texts.oneLine(t.getMessage()), 200));
            }
            t = t.getCause() == t ? null : t.getCause();
            depth++;
        }
        return scrub(sb.toString());
    }
}
