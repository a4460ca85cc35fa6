package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.Settings;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps secrets out of log lines and exception messages. */
final class Redaction {

    static final String MASK = "******";
    /** {@code password=...}, {@code sslpassword=...}, {@code secret...=...} in URL query strings and property lists. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;:(]\\s*[a-z_.-]*(?:password|secret|token|credential)[a-z_.-]*\\s*=)([^&;)]*)");
    /** {@code user:password@} in URLs. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?]+:)([^@/?]*)(@)");

    private Redaction() {
    }

    /** The URL with secret parameters and user-info passwords masked. */
    static String url(String url) {
        if (url == null) {
            return null;
        }
        String s = SECRET_PARAM.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return USER_INFO.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
    }

    /** Driver properties with secret values masked. */
    static Map<String, String> properties(Map<String, String> props) {
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> out.put(k, Settings.isSecretKey(k) ? MASK : v));
        return out;
    }

    /** The text with every occurrence of the secret masked (secrets shorter than 3 characters are left alone). */
    static String secret(String text, String secret) {
        if (text == null || secret == null || secret.length() < 3) {
            return text;
        }
        return text.replace(secret, MASK);
    }
}
