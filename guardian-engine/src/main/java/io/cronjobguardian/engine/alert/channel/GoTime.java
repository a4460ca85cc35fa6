package io.cronjobguardian.engine.alert.channel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;

/**
 * Formats a time with a Go reference layout ({@code 2006-01-02 15:04:05 MST}), as Go's {@code time.Format} does,
 * so that the operator's {@code formatTime} templates work unchanged. The layout names {@code RFC3339},
 * {@code RFC3339Nano}, {@code RFC1123}, {@code RFC1123Z}, {@code RFC822}, {@code RFC822Z}, {@code RFC850},
 * {@code ANSIC}, {@code UnixDate}, {@code Kitchen}, {@code Stamp}, {@code DateTime}, {@code DateOnly} and
 * {@code TimeOnly} stand for Go's constants.
 */
final class GoTime {

    static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"),
            Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
            Map.entry("RFC822", "02 Jan 06 15:04 MST"),
            Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"),
            Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
            Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
            Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
            Map.entry("RFC3339", "2006-01-02T15:04:05Z07:00"),
            Map.entry("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"),
            Map.entry("Kitchen", "3:04PM"),
            Map.entry("Stamp", "Jan _2 15:04:05"),
            Map.entry("DateTime", "2006-01-02 15:04:05"),
            Map.entry("DateOnly", "2006-01-02"),
            Map.entry("TimeOnly", "15:04:05"));

    private GoTime() {
    }

    /** Formats {@code t} in {@code zone} with a Go layout or layout name. */
    static String format(Instant t, String layout, ZoneId zone) {
        String l = NAMED.getOrDefault(layout, layout);
        ZonedDateTime z = t.atZone(zone);
        StringBuilder out = new StringBuilder(l.length() + 8);
        int i = 0;
        int n = l.length();
        while (i < n) {
            char c = l.charAt(i);
            switch (c) {
                case 'J':
                    if (l.startsWith("January", i)) {
                        out.append(z.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                        i += 7;
                        continue;
                    }
                    if (l.startsWith("Jan", i)) {
                        out.append(z.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                        i += 3;
                        continue;
                    }
                    break;
                case 'M':
                    if (l.startsWith("Monday", i)) {
                        out.append(z.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                        i += 6;
                        continue;
                    }
                    if (l.startsWith("Mon", i)) {
                        out.append(z.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                        i += 3;
                        continue;
                    }
                    if (l.startsWith("MST", i)) {
                        out.append(abbreviation(z));
                        i += 3;
                        continue;
                    }
                    break;
                case '0':
                    if (i + 1 < n && l.charAt(i + 1) >= '1' && l.charAt(i + 1) <= '6') {
                        switch (l.charAt(i + 1)) {
                            case '1':
                                pad(out, z.getMonthValue(), 2);
                                break;
                            case '2':
                                pad(out, z.getDayOfMonth(), 2);
                                break;
                            case '3':
                                pad(out, hour12(z), 2);
                                break;
                            case '4':
                                pad(out, z.getMinute(), 2);
                                break;
                            case '5':
                                pad(out, z.getSecond(), 2);
                                break;
                            default:
                                pad(out, Math.floorMod(z.getYear(), 100), 2);
                        }
                        i += 2;
                        continue;
                    }
                    if (l.startsWith("002", i)) {
                        pad(out, z.getDayOfYear(), 3);
                        i += 3;
                        continue;
                    }
                    break;
                case '1':
                    if (l.startsWith("15", i)) {
                        pad(out, z.getHour(), 2);
                        i += 2;
                    } else {
                        out.append(z.getMonthValue());
                        i++;
                    }
                    continue;
                case '2':
                    if (l.startsWith("2006", i)) {
                        pad(out, z.getYear(), 4);
                        i += 4;
                    } else {
                        out.append(z.getDayOfMonth());
                        i++;
                    }
                    continue;
                case '_':
                    if (l.startsWith("_2006", i)) {
                        out.append('_');
                        pad(out, z.getYear(), 4);
                        i += 5;
                        continue;
                    }
                    if (l.startsWith("_2", i)) {
                        String d = Integer.toString(z.getDayOfMonth());
                        out.append(d.length() < 2 ? " " + d : d);
                        i += 2;
                        continue;
                    }
                    if (l.startsWith("__2", i)) {
                        String d = Integer.toString(z.getDayOfYear());
                        out.append(" ".repeat(3 - d.length())).append(d);
                        i += 3;
                        continue;
                    }
                    break;
                case '3':
                    out.append(hour12(z));
                    i++;
                    continue;
                case '4':
                    out.append(z.getMinute());
                    i++;
                    continue;
                case '5':
                    out.append(z.getSecond());
                    i++;
                    continue;
                case 'P':
                    if (l.startsWith("PM", i)) {
                        out.append(z.getHour() >= 12 ? "PM" : "AM");
                        i += 2;
                        continue;
                    }
                    break;
                case 'p':
                    if (l.startsWith("pm", i)) {
                        out.append(z.getHour() >= 12 ? "pm" : "am");
                        i += 2;
                        continue;
                    }
                    break;
                case '-':
                case 'Z': {
                    int used = zone(out, l, i, z.getOffset());
                    if (used > 0) {
                        i += used;
                        continue;
                    }
                    break;
                }
                case '.':
                case ',':
                    if (i + 1 < n && (l.charAt(i + 1) == '0' || l.charAt(i + 1) == '9')) {
                        char d = l.charAt(i + 1);
                        int j = i + 1;
                        while (j < n && l.charAt(j) == d) {
                            j++;
                        }
                        if (j >= n || !Character.isDigit(l.charAt(j))) {
                            fraction(out, c, z.getNano(), j - i - 1, d == '9');
                            i = j;
                            continue;
                        }
                    }
                    break;
                default:
                    break;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static int hour12(ZonedDateTime z) {
        int h = z.getHour() % 12;
        return h == 0 ? 12 : h;
    }

    private static void pad(StringBuilder out, int value, int width) {
        String s = Integer.toString(Math.abs(value));
        if (value < 0) {
            out.append('-');
        }
        for (int k = s.length(); k < width; k++) {
            out.append('0');
        }
        out.append(s);
    }

    private static String abbreviation(ZonedDateTime z) {
        ZoneId id = z.getZone();
        if (id.equals(ZoneOffset.UTC) || id.getId().equals("UTC") || id.getId().equals("Z")) {
            return "UTC";
        }
        String a = id.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        if (id instanceof ZoneOffset || a.startsWith("GMT+") || a.startsWith("GMT-")) {
            StringBuilder sb = new StringBuilder();
            zone(sb, "-0700", 0, z.getOffset());
            return sb.toString();
        }
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);
        return f.format(z);
    }

    /** Writes a numeric zone if one starts at {@code i}; returns the layout characters used, 0 if none. */
    private static int zone(StringBuilder out, String l, int i, ZoneOffset offset) {
        String[] forms = {"Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07", "-070000", "-07:00:00", "-0700",
            "-07:00", "-07"};
        for (String f : forms) {
            if (!l.startsWith(f, i)) {
                continue;
            }
            int secs = offset.getTotalSeconds();
            if (f.charAt(0) == 'Z' && secs == 0) {
                out.append('Z');
                return f.length();
            }
            out.append(secs < 0 ? '-' : '+');
            int abs = Math.abs(secs);
            pad(out, abs / 3600, 2);
            boolean colon = f.contains(":");
            int fields = f.replace(":", "").length() - 1;
            if (fields >= 4) {
                if (colon) {
                    out.append(':');
                }
                pad(out, abs % 3600 / 60, 2);
            }
            if (fields >= 6) {
                if (colon) {
                    out.append(':');
                }
                pad(out, abs % 60, 2);
            }
            return f.length();
        }
        return 0;
    }

    private static void fraction(StringBuilder out, char sep, int nanos, int digits, boolean trim) {
        String all = String.format("%09d", nanos);
        String f = all.substring(0, Math.min(9, digits));
        if (trim) {
            int end = f.length();
            while (end > 0 && f.charAt(end - 1) == '0') {
                end--;
            }
            f = f.substring(0, end);
            if (f.isEmpty()) {
                return;
            }
        }
        out.append(sep).append(f);
    }
}
