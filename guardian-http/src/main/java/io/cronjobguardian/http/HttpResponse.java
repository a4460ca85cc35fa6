package io.cronjobguardian.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response of {@link GuardianHttpHandler}: status, headers (including {@code Content-Type}) and body.
 *
 * @param status  the HTTP status code
 * @param headers response headers, in order
 * @param body    the body (JSON unless {@code Content-Type} says otherwise)
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

    /** {@code application/json; charset=utf-8}. */
    public static final String JSON = "application/json; charset=utf-8";

    public HttpResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
        body = body == null ? new byte[0] : body;
    }

    /** The {@code Content-Type} header, or {@code null}. */
    public String contentType() {
        return headers.get("Content-Type");
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
