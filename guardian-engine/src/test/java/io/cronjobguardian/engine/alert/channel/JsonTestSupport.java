package io.cronjobguardian.engine.alert.channel;

/** Expected values after a JSON round trip. */
final class JsonTestSupport {

    private JsonTestSupport() {
    }

    /** What a string looks like after our JSON writer and a parser: lone surrogates become U+FFFD. */
    static String sanitized(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
