package io.cronjobguardian.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable set of flat configuration keys ({@code storage.postgres.host}) with typed, validated getters.
 *
 * <p>Keys are matched loosely: case, {@code '-'} and {@code '_'} are ignored inside each dotted segment, so
 * {@code storage.postgres.sslMode}, {@code storage.postgres.ssl-mode} and {@code storage.postgres.ssl_mode} are the
 * same key. Every getter that finds an invalid value throws {@link ConfigException} naming the key, the value
 * (redacted for secrets) and what is accepted. {@link #toString()} redacts secrets (see {@link #isSecretKey}).
 */
public final class Settings {

    private static final Settings EMPTY = new Settings(Map.of());
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");
    private static final String REDACTED = "******";

    /** canonical key → (original key, value), in insertion order of the original keys. */
    private final Map<String, Map.Entry<String, String>> values;

    private Settings(Map<String, Map.Entry<String, String>> values) {
        this.values = values;
    }

    /** No settings at all. */
    public static Settings empty() {
        return EMPTY;
    }

    /**
     * Settings from a map; later keys that are the same key loosely (see class doc) replace earlier ones.
     *
     * @throws NullPointerException for a null key or value
     */
    public static Settings of(Map<String, String> map) {
        Map<String, Map.Entry<String, String>> v = new LinkedHashMap<>();
        map.forEach((k, val) -> {
            Objects.requireNonNull(k, "key");
            Objects.requireNonNull(val, () -> "value of " + k);
            v.put(canonical(k), Map.entry(k.trim(), val));
        });
        return new Settings(Collections.unmodifiableMap(v));
    }

    /** Settings from alternating keys and values: {@code Settings.of("storage.type", "sqlite")}. */
    public static Settings of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected key/value pairs, got an odd number of arguments");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return of(m);
    }

    /** The canonical form of a key: lower case, without {@code '-'} and {@code '_'}. */
    public static String canonical(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /**
     * Key segments (canonical) whose values, and every value below them, are secrets: HTTP headers can carry
     * credentials under any name ({@code Authorization}, {@code Cookie}, {@code X-Api-Key}, a vendor's own), so all
     * of them are redacted.
     */
    private static final List<String> SECRET_SUBTREES = List.of("headers", "header", "httpheaders");

    /** Words that make a key segment a secret wherever the segment stands in the key. */
    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "passphrase", "secret", "token",
            "credential", "routingkey", "integrationkey", "apikey", "accesskey", "privatekey", "signingkey",
            "authorization", "cookie", "bearer");

    /**
     * {@code true} for keys whose values are secrets and are never printed:
     * <ul>
     *   <li>any segment of the key names a password, passphrase, secret, token, credential, private/signing/access
     *       key, routing/integration/API key, authorization or cookie (so
     *       {@code channels.x.auth.token.value} and {@code channels.x.secretRef.name} are secret, whichever segment
     *       says it);</li>
     *   <li>every key below a {@code headers} segment ({@code channels.<name>.headers.Authorization},
     *       {@code ...headers.X-Api-Key}, any custom header: header values are credentials often enough that none is
     *       printed);</li>
     *   <li>a URL, URI, DSN or JDBC URL under {@code channels.} or {@code storage.} (webhook URLs carry tokens, JDBC
     *       URLs may carry passwords), or a webhook URL anywhere.</li>
     * </ul>
     */
    public static boolean isSecretKey(String key) {
        String c = canonical(key);
        String[] segments = c.split("\\.", -1);
        String last = segments[segments.length - 1];
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (i < segments.length - 1 && SECRET_SUBTREES.contains(seg)) {
                return true;
            }
            for (String word : SECRET_WORDS) {
                if (seg.contains(word)) {
                    return true;
                }
            }
        }
        boolean urlLike = last.equals("url") || last.equals("uri") || last.endsWith("jdbcurl") || last.equals("dsn")
                || last.equals("connectionstring");
        return last.equals("webhookurl")
                || urlLike && (c.startsWith("channels.") || c.startsWith("storage.") || c.contains("webhook")
                        || c.contains("slack"));
    }

    /** The raw value of a key. */
    public Optional<String> get(String key) {
        Map.Entry<String, String> e = values.get(canonical(key));
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /** {@code true} when the key is set (to anything, even blank). */
    public boolean contains(String key) {
        return values.containsKey(canonical(key));
    }

    /** The trimmed value, or {@code defaultValue} when unset or blank. */
    public String getString(String key, @Nullable String defaultValue) {
        return get(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(defaultValue);
    }

    /**
     * The trimmed value.
     *
     * @throws ConfigException when unset or blank
     */
    public String require(String key) {
        String v = getString(key, null);
        if (v == null) {
            throw new ConfigException(key, "is required");
        }
        return v;
    }

    /** An integer in {@code [min, max]}, or {@code defaultValue} when unset. */
    public int getInt(String key, int defaultValue, int min, int max) {
        return (int) getLong(key, defaultValue, min, max);
    }

    /** A long in {@code [min, max]}, or {@code defaultValue} when unset. */
    public long getLong(String key, long defaultValue, long min, long max) {
        String v = getString(key, null);
        if (v == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "\"" + shown(key, v) + "\" is not a whole number; accepted: " + min
                    + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(key, shown(key, v) + " is out of range; accepted: " + min + " to " + max);
        }
        return parsed;
    }

    /** A double in {@code [min, max]}, or {@code defaultValue} when unset. */
    public double getDouble(String key, double defaultValue, double min, double max) {
        String v = getString(key, null);
        if (v == null) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "\"" + shown(key, v) + "\" is not a number; accepted: " + min + " to "
                    + max);
        }
        if (Double.isNaN(parsed) || parsed < min || parsed > max) {
            throw new ConfigException(key, shown(key, v) + " is out of range; accepted: " + min + " to " + max);
        }
        return parsed;
    }

    /** {@code true}/{@code false} (also {@code yes}/{@code no}, {@code on}/{@code off}), or the default when unset. */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = getString(key, null);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new ConfigException(key, "\"" + shown(key, v) + "\" is not a boolean; accepted: true or false");
        }
    }

    /**
     * A duration in {@code [min, max]}, or the default when unset. Accepted forms: Go-style ({@code 250ms},
     * {@code 15s}, {@code 2m}, {@code 1h30m}, {@code 7d}) and ISO-8601 ({@code PT15S}).
     */
    public Duration getDuration(String key, Duration defaultValue, Duration min, Duration max) {
        String v = getString(key, null);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        try {
            d = parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "\"" + shown(key, v) + "\" is not a duration; accepted: forms like 250ms,"
                    + " 15s, 2m, 1h30m, 7d or PT15S, from " + format(min) + " to " + format(max));
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(key, format(d) + " is out of range; accepted: " + format(min) + " to "
                    + format(max));
        }
        return d;
    }

    /** One of the given choices (case-insensitive, returned as spelled in {@code choices}), or the default. */
    public String getChoice(String key, String defaultValue, String... choices) {
        String v = getString(key, null);
        if (v == null) {
            return defaultValue;
        }
        for (String c : choices) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw new ConfigException(key, "\"" + shown(key, v) + "\" is not accepted; accepted: "
                + String.join(", ", choices));
    }

    /**
     * Parses a duration: Go-style ({@code 1h30m}, {@code 250ms}, {@code 7d}) or ISO-8601 ({@code PT15S}).
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static Duration parseDuration(String text) {
        String t = Objects.requireNonNull(text, "text").trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid ISO-8601 duration: " + t, e);
            }
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(t);
        int pos = 0;
        Duration total = Duration.ZERO;
        while (pos < t.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("invalid duration: " + t);
            }
            double amount = Double.parseDouble(m.group(1));
            long unitNanos;
            switch (m.group(2)) {
                case "ns": unitNanos = 1L; break;
                case "us": case "µs": unitNanos = 1_000L; break;
                case "ms": unitNanos = 1_000_000L; break;
                case "s": unitNanos = 1_000_000_000L; break;
                case "m": unitNanos = 60_000_000_000L; break;
                case "h": unitNanos = 3_600_000_000_000L; break;
                default: unitNanos = 86_400_000_000_000L; break;
            }
            total = total.plusNanos(Math.round(amount * unitNanos));
            pos = m.end();
        }
        return total;
    }

    /** Formats a duration the Go way: {@code 1h30m}, {@code 15s}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (d.isNegative()) {
            sb.append('-');
            d = d.negated();
        }
        long days = d.toDays();
        if (days > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0 && d.toNanosPart() == 0) {
            return sb.append(days).append('d').toString();
        }
        long hours = d.toHours();
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        if (d.toNanosPart() > 0) {
            int ms = d.toMillisPart();
            if (ms > 0 && d.toNanosPart() % 1_000_000 == 0) {
                sb.append(ms).append("ms");
            } else {
                sb.append(d.toNanosPart()).append("ns");
            }
        }
        return sb.toString();
    }

    /**
     * The settings under {@code prefix.}, with the prefix removed: {@code subset("storage.postgres")} turns
     * {@code storage.postgres.host} into {@code host}.
     */
    public Settings subset(String prefix) {
        String[] wanted = canonical(prefix).split("\\.");
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.values()) {
            String[] segments = e.getKey().split("\\.");
            if (segments.length <= wanted.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < wanted.length && match; i++) {
                match = canonical(segments[i]).equals(wanted[i]);
            }
            if (match) {
                m.put(String.join(".", java.util.Arrays.copyOfRange(segments, wanted.length, segments.length)),
                        e.getValue());
            }
        }
        return of(m);
    }

    /** These settings with {@code key} set to {@code value}. */
    public Settings with(String key, String value) {
        Map<String, String> m = asMap();
        m.keySet().removeIf(k -> canonical(k).equals(canonical(key)));
        m.put(key, value);
        return of(m);
    }

    /** These settings over {@code defaults}: keys set here win. */
    public Settings withDefaults(Settings defaults) {
        Map<String, String> m = defaults.asMap();
        values.values().forEach(e -> {
            m.keySet().removeIf(k -> canonical(k).equals(canonical(e.getKey())));
            m.put(e.getKey(), e.getValue());
        });
        return of(m);
    }

    /** The keys as originally spelled. */
    public Set<String> keys() {
        Set<String> keys = new java.util.LinkedHashSet<>();
        values.values().forEach(e -> keys.add(e.getKey()));
        return Collections.unmodifiableSet(keys);
    }

    /** A mutable copy with the original key spellings (secrets included). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        values.values().forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** A sorted copy with every secret value replaced by {@code ******}, safe to log. */
    public Map<String, String> redacted() {
        Map<String, String> m = new TreeMap<>();
        values.values().forEach(e -> m.put(e.getKey(), isSecretKey(e.getKey()) ? REDACTED : e.getValue()));
        return m;
    }

    /** {@code true} when no key is set. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    private static String shown(String key, String value) {
        return isSecretKey(key) ? REDACTED : value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings && ((Settings) o).asMap().equals(asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    /** The settings with secrets redacted. */
    @Override
    public String toString() {
        return "Settings" + redacted();
    }
}
