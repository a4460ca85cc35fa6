package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Settings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Text helpers shared by the channels: truncation that keeps surrogate pairs whole, escaping, formatting. Public for
 * the channel artifacts of this project ({@code guardian-alert-email}); not a stable API.
 */
public final class Texts {

    /** What replaces cut text. */
    static final String ELLIPSIS = "…";

    private Texts() {
    }

    /** Shared text helper; see the channels that use it. */
    public static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** The first {@code max} characters, with {@code …} appended when something was cut; never splits an emoji. */
    /** Shared text helper; see the channels that use it. */
    public static String head(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        if (max <= 1) {
            return ELLIPSIS;
        }
        int end = max - 1;
        if (Character.isLowSurrogate(s.charAt(end)) && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + ELLIPSIS;
    }

    /**
     * The last {@code max} characters (the end of a log is what explains a failure), with {@code …} in front when
     * something was cut. When the cut falls inside a line and a line break follows soon, the partial line is dropped
     * too. Never splits an emoji.
     */
    /** Shared text helper; see the channels that use it. */
    public static String tail(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        if (max <= 1) {
            return ELLIPSIS;
        }
        int start = s.length() - (max - 1);
        if (Character.isLowSurrogate(s.charAt(start)) && Character.isHighSurrogate(s.charAt(start - 1))) {
            start++;
        }
        int nl = s.indexOf('\n', start);
        if (nl >= 0 && nl - start < Math.min(200, max / 5) && nl + 1 < s.length()) {
            start = nl + 1;
        }
        return ELLIPSIS + s.substring(start);
    }

    /** Text on one line: line breaks, tabs and other control characters become spaces; trimmed. */
    /** Shared text helper; see the channels that use it. */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                c = ' ';
            }
            if (c == ' ') {
                if (!space && sb.length() > 0) {
                    sb.append(' ');
                }
                space = true;
            } else {
                sb.append(c);
                space = false;
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }

    /** Escapes for HTML text and attribute values. */
    /** Shared text helper; see the channels that use it. */
    public static String html(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Escapes for Slack {@code mrkdwn}: {@code &}, {@code <} and {@code >} (so that a log line cannot mention
     * {@code <!channel>} or forge a link).
     */
    static String slack(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Text safe inside a Slack code block: mrkdwn-escaped, and {@code ```} cannot end the block early. */
    static String slackCode(String s) {
        return slack(s).replace("```", "`\u200B`\u200B`");
    }

    /** RFC 3339 in UTC, with milliseconds only when there are some: {@code 2026-03-01T12:00:00Z}. */
    /** Shared text helper; see the channels that use it. */
    public static String rfc3339(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** A number the way Go's {@code %v} prints a float64: {@code 95.5}, {@code 100}, {@code 1e+21}. */
    static String number(Double d) {
        if (d == null) {
            return "";
        }
        if (d.isNaN()) {
            return "NaN";
        }
        if (d.isInfinite()) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (Math.abs(d) >= 1e21 || (d != 0 && Math.abs(d) < 1e-4)) {
            return Double.toString(d).replace("E", "e+").replace("e+-", "e-");
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** A success rate: {@code 87.5%}. */
    /** Shared text helper; see the channels that use it. */
    public static String percent(Double d) {
        return d == null ? null : number(Math.round(d * 10.0) / 10.0) + "%";
    }

    /** The operator's {@code humanizeDuration}: whole seconds, minutes, hours or days ({@code 45s}, {@code 3h}). */
    /** Shared text helper; see the channels that use it. */
    public static String humanize(Duration d) {
        if (d == null) {
            return "";
        }
        long s = d.getSeconds();
        if (Math.abs(s) < 60) {
            return s + "s";
        }
        if (Math.abs(s) < 3600) {
            return s / 60 + "m";
        }
        if (Math.abs(s) < 86400) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    /** A duration the Go way: {@code 1h30m}, {@code 15s}. */
    /** Shared text helper; see the channels that use it. */
    public static String goDuration(Duration d) {
        return d == null ? "" : Settings.format(d);
    }

    /** The Slack emoji short code for a severity. */
    static String emoji(AlertMessage m) {
        if (m.kind() == NotificationKind.RESOLVED) {
            return ":white_check_mark:";
        }
        if (m.kind() == NotificationKind.TEST) {
            return ":large_blue_circle:";
        }
        switch (m.severity()) {
            case CRITICAL:
                return ":red_circle:";
            case WARNING:
                return ":warning:";
            default:
                return ":large_blue_circle:";
        }
    }

    /** {@code CRITICAL} for {@link Severity#CRITICAL}. */
    /** Shared text helper; see the channels that use it. */
    public static String upper(Severity s) {
        return s.name().toUpperCase(Locale.ROOT);
    }

    /** A title with the kind in front: {@code Resolved: …}, {@code Reminder: …}, {@code Test: …}. */
    static String kindTitle(AlertMessage m) {
        switch (m.kind()) {
            case RESOLVED:
                return "Resolved: " + m.title();
            case REMINDER:
                return "Reminder: " + m.title();
            case TEST:
                return m.title().toLowerCase(Locale.ROOT).contains("test") ? m.title() : "Test: " + m.title();
            default:
                return m.title();
        }
    }

    /** How long the incident was open, for a resolution; {@code null} otherwise. */
    /** Shared text helper; see the channels that use it. */
    public static Duration openFor(AlertMessage m) {
        if (m.resolvedAt() == null || m.resolvedAt().isBefore(m.openedAt())) {
            return null;
        }
        return Duration.between(m.openedAt(), m.resolvedAt());
    }

    /** Lower-case wire name of a notification kind: {@code opened}, {@code reminder}, {@code resolved}, {@code test}. */
    /** Shared text helper; see the channels that use it. */
    public static String kind(NotificationKind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
