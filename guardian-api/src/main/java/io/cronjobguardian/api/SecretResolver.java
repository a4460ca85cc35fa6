package io.cronjobguardian.api;

import java.util.Optional;

/**
 * Resolves a secret reference (for example {@code secret:slack-webhook} or {@code env:PD_ROUTING_KEY}) to its value.
 * Hosts supply one through {@link ProviderContext} to keep secrets out of configuration files. Implementations must
 * not log the values.
 */
@FunctionalInterface
public interface SecretResolver {

    /** Resolves nothing. */
    SecretResolver NONE = reference -> Optional.empty();

    /** The secret's value, or empty when this resolver does not know the reference. */
    Optional<String> resolve(String reference);
}
