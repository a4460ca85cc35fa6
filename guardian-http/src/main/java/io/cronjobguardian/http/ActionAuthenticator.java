package io.cronjobguardian.http;

import io.cronjobguardian.api.Nullable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides who may run an action (a write) of {@link GuardianHttpHandler}: returns the caller's name for the audit
 * log, or empty to answer {@code 401}. Reads never ask it.
 */
@FunctionalInterface
public interface ActionAuthenticator {

    /** The name of the authenticated caller, or empty when the request is not authenticated. */
    Optional<String> authenticate(HttpRequest request);

    /**
     * {@code Authorization: Bearer <token>}, compared in constant time (both sides hashed first, so neither the
     * content nor the length leaks through timing). The caller is logged as {@code bearer}.
     */
    static ActionAuthenticator bearerToken(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the token must not be empty");
        }
        byte[] expected = sha256(token);
        return request -> {
            String h = request.header("Authorization").orElse(null);
            if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.empty();
            }
            byte[] given = sha256(h.substring(7).trim());
            return MessageDigest.isEqual(expected, given) ? Optional.of("bearer") : Optional.empty();
        };
    }

    /**
     * The principal the host's own security put on the request ({@link HttpRequest#principal()}), e.g. Spring
     * Security's authenticated user; empty when the host did not authenticate it.
     */
    static ActionAuthenticator hostPrincipal() {
        return request -> Optional.ofNullable(request.principal()).filter(p -> !p.isBlank());
    }

    /** Refuses every request (actions are answered 401). */
    static ActionAuthenticator denyAll() {
        return request -> Optional.empty();
    }

    private static byte[] sha256(@Nullable String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
