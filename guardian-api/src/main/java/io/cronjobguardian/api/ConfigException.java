package io.cronjobguardian.api;

/**
 * A configuration value is missing or invalid. The message names the key, the value (unless it is a secret) and
 * what is accepted.
 */
public class ConfigException extends GuardianException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the offending key, e.g. {@code leaderElection.leaseDuration}
     * @param message what is wrong and what is accepted
     */
    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The offending key. */
    public String key() {
        return key;
    }
}
