package io.cronjobguardian.http;

import io.cronjobguardian.api.Nullable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as {@link GuardianHttpHandler} sees it, independent of any web framework.
 *
 * @param method     the method, e.g. {@code GET} (upper-cased)
 * @param path       the decoded path below the handler's base, starting with {@code /}, e.g. {@code /api/v1/cronjobs}
 * @param query      the decoded query parameters, each with its values in order
 * @param headers    the headers; names are matched case-insensitively (stored lower-case)
 * @param body       the body bytes read so far (at most {@link GuardianHttpHandler#MAX_BODY_BYTES} + 1; empty when
 *                   none)
 * @param principal  who the host already authenticated (e.g. Spring Security's principal name), or {@code null};
 *                   used by {@link ActionAuthenticator#hostPrincipal()}
 * @param remote     the client address for the audit log, or {@code null}
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> headers, byte[] body, @Nullable String principal, @Nullable String remote) {

    public HttpRequest {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        query = copy(query, false);
        headers = copy(headers, true);
        body = body == null ? new byte[0] : body;
    }

    /**
     * A request without body, principal or remote address; {@code pathAndQuery} like
     * {@code /api/v1/alerts?state=all}.
     */
    public static HttpRequest of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String rawPath = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        return new HttpRequest(method, decode(rawPath), parseQuery(q < 0 ? null : pathAndQuery.substring(q + 1)),
                Map.of(), new byte[0], null, null);
    }

    /** The same request with this body. */
    public HttpRequest withBody(byte[] newBody) {
        return new HttpRequest(method, path, query, headers, newBody, principal, remote);
    }

    /** The same request with this principal (who the host authenticated) and remote address. */
    public HttpRequest withPrincipal(@Nullable String newPrincipal, @Nullable String newRemote) {
        return new HttpRequest(method, path, query, headers, body, newPrincipal, newRemote);
    }

    /** The same request with one more header value. */
    public HttpRequest withHeader(String name, String value) {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        h.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
        List<String> values = new ArrayList<>(h.get(name.toLowerCase(Locale.ROOT)));
        values.add(value);
        h.put(name.toLowerCase(Locale.ROOT), values);
        return new HttpRequest(method, path, query, h, body, principal, remote);
    }

    /** The first value of a header, if present. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    /** Parses a raw ({@code application/x-www-form-urlencoded}) query string; {@code null} or empty gives none. */
    public static Map<String, List<String>> parseQuery(@Nullable String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decodeForm(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** Percent-decodes a raw path ({@code +} stays {@code +}). */
    public static String decode(String rawPath) {
        return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String decodeForm(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> in, boolean lowerKeys) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k != null) {
                String key = lowerKeys ? k.toLowerCase(Locale.ROOT) : k;
                List<String> values = out.computeIfAbsent(key, x -> new ArrayList<>());
                if (v != null) {
                    v.stream().filter(Objects::nonNull).forEach(values::add);
                }
            }
        });
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
}
