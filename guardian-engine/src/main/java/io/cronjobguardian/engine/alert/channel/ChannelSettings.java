package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads one channel's settings (keys relative to {@code channels.<name>.}) and reports every problem as a
 * {@link ConfigException} naming the full key ({@code channels.ops.webhookUrl}) and never a secret value. Keeps
 * track of the keys it read so that unknown keys (typos) can be rejected, and of the secrets it resolved so that
 * the channel can scrub them from anything it reports.
 *
 * <p>Public for the channel artifacts of this project ({@code guardian-alert-email}) that extend
 * {@link BuiltInAlertChannel} from another package; not a stable API for third-party channels, which implement
 * {@link io.cronjobguardian.api.AlertChannel} directly.
 */
public final class ChannelSettings {

    /** Default of {@code timeout}. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Keys the engine reads from a channel's settings; accepted by every channel. */
    static final List<String> ENGINE_KEYS = List.of("name", "type", "maxAlertsPerHour", "burstLimit", "enabled",
            "severities", "testOnSave", "description");
    private static final Pattern SHOWABLE_REFERENCE = Pattern.compile("[A-Za-z0-9_.\\-/]{1,128}");

    private final Settings settings;
    private final ProviderContext context;
    private final String type;
    private final String name;
    private final String prefix;
    private final Map<String, String> read = new LinkedHashMap<>();
    private final List<String> readPrefixes = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    /**
     * Reads the settings of one channel of {@code type}.
     *
     * @param settings the channel's settings, its {@code name} included
     * @param context the engine's context (clock, secret resolver)
     * @param type the channel type the provider creates
     */
    public ChannelSettings(Settings settings, ProviderContext context, String type) {
        this.settings = settings == null ? Settings.empty() : settings;
        this.context = context == null ? ProviderContext.defaults() : context;
        this.type = type;
        String n = this.settings.getString("name", null);
        if (n == null) {
            throw new ConfigException("name", "is required: the channel's name (channels.<name>), which "
                    + "GuardianConfig.channelSettings(name) adds");
        }
        this.name = n;
        this.prefix = "channels." + n + ".";
        ENGINE_KEYS.forEach(k -> read.put(Settings.canonical(k), k));
        String declared = this.settings.getString(AlertChannelProvider.TYPE_KEY, null);
        if (declared != null && !declared.equalsIgnoreCase(type)) {
            throw new ConfigException(key(AlertChannelProvider.TYPE_KEY), "\"" + declared + "\" was given to the "
                    + type + " channel provider; accepted: " + type);
        }
    }

    String name() {
        return name;
    }

    String type() {
        return type;
    }

    Clock clock() {
        return context.clock();
    }

    /** The full key: {@code channels.<name>.<relative>}. */
    /** The full key ({@code channels.<name>.<relative>}) of a relative key. */
    public String key(String relative) {
        return prefix + relative;
    }

    private <T> T rekeyed(String k, Supplier<T> read) {
        this.read.put(Settings.canonical(k), k);
        try {
            return read.get();
        } catch (ConfigException e) {
            String msg = e.getMessage();
            String tail = msg.startsWith(e.key() + ": ") ? msg.substring(e.key().length() + 2) : msg;
            throw new ConfigException(key(k), tail);
        }
    }

    /** A string value, or {@code defaultValue}. */
    public String string(String k, String defaultValue) {
        return rekeyed(k, () -> settings.getString(k, defaultValue));
    }

    /** The value exactly as given (templates: leading and trailing whitespace is significant), or the default. */
    String raw(String k, String defaultValue) {
        return rekeyed(k, () -> settings.get(k).filter(v -> !v.isBlank()).orElse(defaultValue));
    }

    /** A required string value. */
    public String require(String k) {
        return rekeyed(k, () -> settings.require(k));
    }

    /** An integer within {@code [min, max]}, or {@code defaultValue}. */
    public int integer(String k, int defaultValue, int min, int max) {
        return rekeyed(k, () -> settings.getInt(k, defaultValue, min, max));
    }

    /** A boolean value, or {@code defaultValue}. */
    public boolean bool(String k, boolean defaultValue) {
        return rekeyed(k, () -> settings.getBoolean(k, defaultValue));
    }

    Duration duration(String k, Duration defaultValue, Duration min, Duration max) {
        return rekeyed(k, () -> settings.getDuration(k, defaultValue, min, max));
    }

    /** One of {@code choices} (case-insensitive, answered in lower case), or {@code defaultValue}. */
    public String choice(String k, String defaultValue, String... choices) {
        return rekeyed(k, () -> settings.getChoice(k, defaultValue, choices));
    }

    /** {@code timeout}: bounds one delivery attempt (default 10s, 100ms to 5m). */
    Duration timeout() {
        return duration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    /** {@code maxAlertsPerHour}: default 100, 1 to 1,000,000 (the engine's per-channel token bucket). */
    int maxAlertsPerHour() {
        return integer("maxAlertsPerHour", 100, 1, 1_000_000);
    }

    /** {@code burstLimit}: default 10, 1 to 100,000. */
    int burstLimit() {
        return integer("burstLimit", 10, 1, 100_000);
    }

    /**
     * A secret: the value itself, or a reference resolved through the host's
     * {@link io.cronjobguardian.api.SecretResolver}: {@code secret:<name>} (resolver only) or {@code env:<VAR>}
     * (resolver first, then the process environment). A reference that does not resolve is a
     * {@link ConfigException} naming the key; the value is never shown.
     *
     * @return the secret, or {@code null} when not set and not required
     */
    /** A secret value: literal or {@code secret:<name>} resolved through the host's resolver; scrubbed from every report. */
    public String secret(String k, boolean required) {
        read.put(Settings.canonical(k), k);
        String raw = settings.get(k).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        if (raw == null) {
            if (required) {
                throw new ConfigException(key(k), "is required (a secret: the value itself, or a reference "
                        + "secret:<name> or env:<VARIABLE> resolved when the channel is created)");
            }
            return null;
        }
        String value = resolve(key(k), raw);
        secrets.add(value);
        return value;
    }

    /** Resolves a value that may be a secret reference; see {@link #secret}. */
    /** Resolves a secret reference of the full key {@code fullKey}; the value is remembered for scrubbing. */
    public String resolve(String fullKey, String raw) {
        boolean secretRef = raw.regionMatches(true, 0, "secret:", 0, 7);
        boolean envRef = raw.regionMatches(true, 0, "env:", 0, 4);
        if (!secretRef && !envRef) {
            return raw;
        }
        String ref = raw.substring(raw.indexOf(':') + 1).trim();
        String shown = SHOWABLE_REFERENCE.matcher(ref).matches()
                ? raw.substring(0, raw.indexOf(':') + 1).toLowerCase(Locale.ROOT) + ref : "(reference not shown)";
        if (ref.isEmpty()) {
            throw new ConfigException(fullKey, "a secret reference needs a name; accepted: secret:<name> or "
                    + "env:<VARIABLE>");
        }
        Optional<String> resolved;
        try {
            resolved = context.secretResolver().resolve(raw);
        } catch (RuntimeException e) {
            throw new ConfigException(fullKey, "the host's SecretResolver failed for " + shown + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if ((resolved == null || resolved.isEmpty()) && envRef) {
            resolved = Optional.ofNullable(System.getenv(ref));
        }
        if (resolved == null || resolved.isEmpty()) {
            throw new ConfigException(fullKey, "the secret reference " + shown + " did not resolve: the host's "
                    + "SecretResolver does not know it" + (envRef ? " and no such environment variable is set" : ""));
        }
        String value = resolved.get().trim();
        if (value.isEmpty()) {
            throw new ConfigException(fullKey, "the secret reference " + shown + " resolved to an empty value");
        }
        return value;
    }

    /**
     * The keys under {@code group.} with the group removed, in the order given (header names keep their spelling);
     * values may be secret references and are resolved, and are treated as secrets.
     */
    Map<String, String> secretGroup(String group) {
        String canonicalGroup = Settings.canonical(group) + ".";
        readPrefixes.add(canonicalGroup);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : settings.keys()) {
            if (Settings.canonical(k).startsWith(canonicalGroup)) {
                String sub = k.trim().substring(k.trim().indexOf('.') + 1);
                String v = settings.get(k).map(String::trim).orElse("");
                String value = v.isEmpty() ? "" : resolve(key(k), v);
                if (!value.isEmpty()) {
                    secrets.add(value);
                }
                out.put(sub, value);
            }
        }
        return out;
    }

    /**
     * An absolute {@code http}/{@code https} URL with a host.
     *
     * @param secret whether the value is a secret (then it is never shown in the error)
     */
    URI httpUrl(String k, String value, boolean secret) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(key(k), (secret ? "the value" : "\"" + value + "\"") + " is not a valid URL"
                    + (secret ? "" : " (" + e.getReason() + ")") + "; accepted: an absolute http:// or https:// URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(key(k), (secret ? "the value" : "\"" + value + "\"") + " is not an absolute "
                    + "http:// or https:// URL with a host");
        }
        try {
            java.net.http.HttpRequest.newBuilder(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key(k), (secret ? "the value" : "\"" + value + "\"") + " is not accepted by the "
                    + "HTTP client");
        }
        return uri;
    }

    /**
     * Parses a template under {@code k} and validates it now, with the helpers, by rendering sample alerts; a
     * template that fails, or (for JSON) renders invalid JSON, is a {@link ConfigException} naming the key and
     * the position.
     *
     * @return the template, or {@code null} when the key is not set
     */
    /** A user template of key {@code k} (or {@code null} when unset), parsed with {@code escaping}. */
    public Template template(String k, Template.Escaping escaping) {
        String source = raw(k, null);
        if (source == null) {
            return null;
        }
        Template t;
        try {
            t = Template.parse(source, escaping);
        } catch (TemplateException e) {
            throw new ConfigException(key(k), "invalid template: " + e.getMessage());
        }
        for (AlertMessage sample : TemplateData.samples()) {
            String out;
            try {
                out = t.render(TemplateData.of(sample, name));
            } catch (TemplateException e) {
                throw new ConfigException(key(k), "template fails for a sample " + Texts.kind(sample.kind())
                        + " alert: " + e.getMessage());
            }
            if (escaping == Template.Escaping.JSON) {
                String problem = Json.describeError(out);
                if (problem != null) {
                    throw new ConfigException(key(k), "template renders invalid JSON for a sample "
                            + Texts.kind(sample.kind()) + " alert (" + problem + " of the output). Inserted values "
                            + "are escaped for you (inside \"...\" as string content, elsewhere as JSON values, "
                            + "absent ones as null); check the template's own text: quotes, commas, braces");
                }
            }
        }
        return t;
    }

    /** The secrets resolved so far (for the channel's {@link Redactor}). */
    List<String> secrets() {
        return List.copyOf(secrets);
    }

    /**
     * Rejects keys this channel did not read (typos must not silently fall back to defaults), naming the key, the
     * accepted keys and the closest one.
     */
    void rejectUnknown() {
        for (String k : settings.keys()) {
            String c = Settings.canonical(k);
            if (read.containsKey(c) || readPrefixes.stream().anyMatch(c::startsWith)) {
                continue;
            }
            Set<String> accepted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            accepted.addAll(read.values());
            String suggestion = Template.closest(k.trim(), accepted);
            List<String> groups = new ArrayList<>();
            readPrefixes.forEach(p -> groups.add(p + "<name>"));
            throw new ConfigException(key(k.trim()), "is not a key of a " + type + " channel"
                    + (suggestion == null ? "" : " (did you mean " + suggestion + "?)") + "; accepted (case, '-' and "
                    + "'_' ignored): " + String.join(", ", accepted) + (groups.isEmpty() ? "" : ", "
                    + String.join(", ", groups)));
        }
    }
}
