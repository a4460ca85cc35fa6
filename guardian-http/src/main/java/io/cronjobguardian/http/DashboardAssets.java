package io.cronjobguardian.http;

import io.cronjobguardian.api.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files (class-path resources under {@value #RESOURCES}), served below a path of the
 * handler ({@code http.dashboard.path}, default {@value #DEFAULT_PATH}).
 *
 * <ul>
 *   <li>{@code <path>} redirects to {@code <path>/}, which serves {@code index.html}; the page finds the API by a
 *       relative URL written into it ({@code <meta name="guardian-api">}), so it works under any context path or base
 *       path the handler is mounted at.</li>
 *   <li>Only flat file names of a known type are served ({@code [a-z0-9][a-z0-9._-]*} with a listed extension): a
 *       {@code /}, {@code \}, {@code ..} or anything else is {@code 404}, so nothing outside the folder can be
 *       reached. Unknown files are {@code 404}; methods other than GET and HEAD {@code 405}.</li>
 *   <li>Every file carries an {@code ETag} (SHA-256 of its bytes) and {@code Cache-Control: no-cache}: the browser
 *       keeps it and revalidates it with {@code If-None-Match} ({@code 304}), so a new release is picked up at once.
 *       Pages carry a strict Content-Security-Policy (no inline scripts, nothing from other origins).</li>
 * </ul>
 * Files are read once and kept (the set is small and fixed). Thread-safe.
 */
final class DashboardAssets {

    /** Where the dashboard is served when {@code http.dashboard.path} is not set. */
    static final String DEFAULT_PATH = "/ui";
    /** The class-path folder of the files. */
    static final String RESOURCES = "/io/cronjobguardian/http/dashboard/";
    /** The placeholder in {@code index.html} replaced by the relative URL of the handler's root. */
    static final String API_BASE_PLACEHOLDER = "%GUARDIAN_API_BASE%";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Set<String> RESERVED = Set.of("api", "healthz", "readyz", "metrics");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String path;
    private final List<String> segments;
    private final String apiBase;
    /** File name → its response; a missing file is remembered as {@code null} only through {@link #MISSING}. */
    private final Map<String, HttpResponse> cache = new ConcurrentHashMap<>();
    private static final HttpResponse MISSING = new HttpResponse(404, Map.of(), new byte[0]);

    DashboardAssets(String path) {
        this.path = normalize(path);
        this.segments = List.of(this.path.substring(1).split("/"));
        // from <path>/index.html up to the handler's root: one ../ per segment
        this.apiBase = "../".repeat(segments.size());
    }

    /** The path, normalized: leading {@code /}, no trailing one. */
    String path() {
        return path;
    }

    /**
     * Checks and normalizes a dashboard path.
     *
     * @throws IllegalArgumentException when it is not {@code /segment[/segment...]} of unreserved characters, is a
     *                                  dot segment, or starts with the API's own paths
     */
    static String normalize(String raw) {
        String p = raw.trim();
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/") || p.length() < 2) {
            throw new IllegalArgumentException("the dashboard path must be an absolute URL path such as /ui; was \""
                    + raw + "\"");
        }
        String[] segs = p.substring(1).split("/", -1);
        for (String s : segs) {
            if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("the dashboard path may only have segments of letters, digits, "
                        + "- . _ ~; was \"" + raw + "\"");
            }
        }
        if (RESERVED.contains(segs[0])) {
            throw new IllegalArgumentException("the dashboard path must not be under /" + segs[0] + "; was \"" + raw
                    + "\"");
        }
        return p;
    }

    /**
     * The response for a request under the dashboard path, or {@code null} when the request is not for the
     * dashboard.
     */
    @Nullable HttpResponse serve(HttpRequest request) {
        String p = request.path();
        if (!p.equals(path) && !p.startsWith(path + "/")) {
            return null;
        }
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            HttpResponse r = GuardianHttpHandler.error(405, "method " + method + " is not allowed on the dashboard; "
                    + "allowed: GET, HEAD");
            Map<String, String> h = new LinkedHashMap<>(r.headers());
            h.put("Allow", "GET, HEAD");
            return new HttpResponse(405, h, r.body());
        }
        if (p.equals(path)) {
            // <path> → <path>/ relative to the last segment, so it works behind any prefix
            return redirect(segments.get(segments.size() - 1) + "/");
        }
        String name = p.substring(path.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        HttpResponse file = file(name);
        if (file == null) {
            return GuardianHttpHandler.error(404, "no dashboard file " + name);
        }
        String etag = file.headers().get("ETag");
        if (etag != null && request.header("If-None-Match").map(v -> matches(v, etag)).orElse(false)) {
            Map<String, String> h = new LinkedHashMap<>(file.headers());
            h.remove("Content-Type");
            return new HttpResponse(304, h, new byte[0]);
        }
        return file;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String v : ifNoneMatch.split(",")) {
            String t = v.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag) || t.equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse redirect(String location) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Location", location);
        h.put("Cache-Control", "no-cache");
        h.put("Content-Type", "text/plain; charset=utf-8");
        return new HttpResponse(302, h, ("See " + location + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The file's response, or {@code null} when the name is not allowed or there is no such file. */
    private @Nullable HttpResponse file(String name) {
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return null;
        }
        HttpResponse r = cache.computeIfAbsent(name, n -> load(n, type));
        return r == MISSING ? null : r;
    }

    private HttpResponse load(String name, String type) {
        byte[] bytes;
        try (InputStream in = DashboardAssets.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                return MISSING;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the dashboard file " + name, e);
        }
        if (name.equals("index.html")) {
            bytes = new String(bytes, StandardCharsets.UTF_8).replace(API_BASE_PLACEHOLDER, apiBase)
                    .getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", type);
        h.put("Cache-Control", "no-cache");
        h.put("ETag", "\"" + sha256(bytes) + "\"");
        h.put("X-Content-Type-Options", "nosniff");
        if (name.endsWith(".html")) {
            h.put("Content-Security-Policy", CSP);
            h.put("Referrer-Policy", "no-referrer");
            h.put("X-Frame-Options", "DENY");
        }
        return new HttpResponse(200, h, bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
