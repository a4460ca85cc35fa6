package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The validated settings of a {@link KubernetesLeaderElector}: where the Lease lives, who we are, and the timings.
 *
 * <p>Read from the {@code leaderElection.*} keys with {@link #from(Settings)}; see the module README for every key.
 * Timings must satisfy {@code leaseDuration > renewDeadline > retryPeriod + ceil(1.2 × retryPeriod)} (the last part is
 * what fabric8's {@code LeaderElectorBuilder} demands, checked here first so the error names our key), and
 * {@code leaseDuration} must be a whole number of seconds because {@code Lease.spec.leaseDurationSeconds} is an integer.
 */
public final class KubernetesLeaderElectionConfig {

    /** Namespace of the Lease. */
    public static final String NAMESPACE_KEY = "leaderElection.namespace";
    /** Name of the Lease. */
    public static final String LEASE_NAME_KEY = "leaderElection.leaseName";
    /** This replica's identity, used as is (no suffix). */
    public static final String IDENTITY_KEY = "leaderElection.identity";
    /** How long a Lease is valid after its last renewal, for the others. */
    public static final String LEASE_DURATION_KEY = "leaderElection.leaseDuration";
    /** How long the leader keeps leading without a successful renewal. */
    public static final String RENEW_DEADLINE_KEY = "leaderElection.renewDeadline";
    /** How often candidates try to acquire and the leader renews. */
    public static final String RETRY_PERIOD_KEY = "leaderElection.retryPeriod";
    /** Timeout of one request to the API server made for the Lease (default renewDeadline / 4). */
    public static final String REQUEST_TIMEOUT_KEY = "leaderElection.requestTimeout";

    /** Whether standbys watch the Lease (default true) instead of only polling every retryPeriod. */
    public static final String WATCH_LEASE_KEY = "leaderElection.watchLease";

    /** Default Lease name. */
    public static final String DEFAULT_LEASE_NAME = "cronjob-guardian-leader";
    /** Default lease duration (15s). */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    /** Default renew deadline (10s). */
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    /** Default retry period (2s). */
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

    /** The service-account namespace file of a pod. */
    static final Path IN_CLUSTER_NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    /** fabric8's {@code LeaderElector.JITTER_FACTOR}, used by its builder's validation. */
    private static final double FABRIC8_JITTER_FACTOR = 1.2;
    private static final Duration MAX_DURATION = Duration.ofHours(1);
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final Duration requestTimeout;
    private final boolean watchLease;

    private KubernetesLeaderElectionConfig(String namespace, String leaseName, String identity, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod, Duration requestTimeout, boolean watchLease) {
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.retryPeriod = retryPeriod;
        this.requestTimeout = requestTimeout;
        this.watchLease = watchLease;
    }

    /**
     * Reads and validates the {@code leaderElection.*} keys, falling back to the pod's environment
     * ({@code POD_NAMESPACE}, {@code POD_NAME}, {@code HOSTNAME}, the service-account namespace file).
     *
     * @throws ConfigException naming the key and the rule when a value is invalid
     */
    public static KubernetesLeaderElectionConfig from(Settings settings) {
        return from(settings, System::getenv, IN_CLUSTER_NAMESPACE_FILE);
    }

    /** As {@link #from(Settings)} with the environment and the namespace file given (for tests). */
    static KubernetesLeaderElectionConfig from(Settings settings, Function<String, String> env, Path namespaceFile) {
        Objects.requireNonNull(settings, "settings");
        String namespace = settings.getString(NAMESPACE_KEY, null);
        if (namespace == null) {
            namespace = blankToNull(env.apply("POD_NAMESPACE"));
        }
        if (namespace == null) {
            namespace = readNamespaceFile(namespaceFile);
        }
        if (namespace == null) {
            namespace = "default";
        }
        if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
            throw new ConfigException(NAMESPACE_KEY, "\"" + namespace + "\" is not a valid namespace; accepted: a DNS "
                    + "label (lower-case letters, digits and '-', at most 63 characters)");
        }
        String leaseName = settings.getString(LEASE_NAME_KEY, DEFAULT_LEASE_NAME);
        if (leaseName.length() > 253 || !DNS_SUBDOMAIN.matcher(leaseName).matches()) {
            throw new ConfigException(LEASE_NAME_KEY, "\"" + leaseName + "\" is not a valid Lease name; accepted: a DNS "
                    + "subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
        String identity = settings.getString(IDENTITY_KEY, null);
        if (identity == null) {
            identity = defaultIdentity(env);
        } else if (identity.length() > 253) {
            throw new ConfigException(IDENTITY_KEY, "is " + identity.length() + " characters long; accepted: at most 253");
        }

        Duration leaseDuration = settings.getDuration(LEASE_DURATION_KEY, DEFAULT_LEASE_DURATION, Duration.ofSeconds(1),
                MAX_DURATION);
        if (leaseDuration.toNanos() % 1_000_000_000L != 0) {
            throw new ConfigException(LEASE_DURATION_KEY, Settings.format(leaseDuration) + " is not a whole number of "
                    + "seconds; accepted: whole seconds (Lease.spec.leaseDurationSeconds is an integer), e.g. 15s");
        }
        Duration renewDeadline = settings.getDuration(RENEW_DEADLINE_KEY, DEFAULT_RENEW_DEADLINE, Duration.ofMillis(1),
                MAX_DURATION);
        Duration retryPeriod = settings.getDuration(RETRY_PERIOD_KEY, DEFAULT_RETRY_PERIOD, Duration.ofMillis(1),
                MAX_DURATION);
        String rule = "required: " + LEASE_DURATION_KEY + " > " + RENEW_DEADLINE_KEY + " > " + RETRY_PERIOD_KEY
                + " + ceil(1.2 x " + RETRY_PERIOD_KEY + ")";
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new ConfigException(RENEW_DEADLINE_KEY, Settings.format(renewDeadline) + " is not shorter than "
                    + LEASE_DURATION_KEY + " (" + Settings.format(leaseDuration) + "); " + rule + ", so that a leader "
                    + "that cannot renew steps down before the Lease expires for the others (defaults 15s/10s/2s)");
        }
        Duration maxRetry = maxJitteredRetry(retryPeriod);
        if (renewDeadline.compareTo(maxRetry) <= 0) {
            throw new ConfigException(RETRY_PERIOD_KEY, Settings.format(retryPeriod) + " is too long for "
                    + RENEW_DEADLINE_KEY + " (" + Settings.format(renewDeadline) + "): a jittered retry can take up to "
                    + Settings.format(maxRetry) + "; " + rule + " (defaults 15s/10s/2s)");
        }
        Duration defaultRequestTimeout = renewDeadline.dividedBy(4);
        if (defaultRequestTimeout.isZero()) {
            defaultRequestTimeout = Duration.ofMillis(1);
        }
        Duration requestTimeout = settings.getDuration(REQUEST_TIMEOUT_KEY, defaultRequestTimeout, Duration.ofMillis(1),
                renewDeadline);
        boolean watchLease = settings.getBoolean(WATCH_LEASE_KEY, true);
        return new KubernetesLeaderElectionConfig(namespace, leaseName, identity, leaseDuration, renewDeadline,
                retryPeriod, requestTimeout, watchLease);
    }

    /** {@code retryPeriod + ceil(1.2 × retryPeriod)} in milliseconds, as fabric8 computes it. */
    static Duration maxJitteredRetry(Duration retryPeriod) {
        return retryPeriod.plusMillis((long) Math.ceil(retryPeriod.toMillis() * FABRIC8_JITTER_FACTOR));
    }

    /** Pod name ({@code POD_NAME}, else {@code HOSTNAME}, else the host name) plus {@code -} and a random suffix. */
    static String defaultIdentity(Function<String, String> env) {
        String base = blankToNull(env.apply("POD_NAME"));
        if (base == null) {
            base = blankToNull(env.apply("HOSTNAME"));
        }
        if (base == null) {
            try {
                base = blankToNull(InetAddress.getLocalHost().getHostName());
            } catch (IOException | RuntimeException e) {
                base = null;
            }
        }
        if (base == null) {
            base = "cronjob-guardian";
        }
        StringBuilder sb = new StringBuilder(base).append('-');
        for (int i = 0; i < 5; i++) {
            sb.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
        }
        return sb.toString();
    }

    private static @Nullable String readNamespaceFile(Path file) {
        try {
            if (file != null && Files.isRegularFile(file)) {
                return blankToNull(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The namespace of the Lease. */
    public String namespace() {
        return namespace;
    }

    /** The name of the Lease. */
    public String leaseName() {
        return leaseName;
    }

    /** This replica's identity (holder identity written into the Lease). */
    public String identity() {
        return identity;
    }

    /** How long the Lease is valid after a renewal, for the other candidates. */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** How long the leader keeps leading without a successful renewal. */
    public Duration renewDeadline() {
        return renewDeadline;
    }

    /** The interval between acquisition attempts and renewals. */
    public Duration retryPeriod() {
        return retryPeriod;
    }

    /** Timeout of one Lease request to the API server (without retries). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Whether standbys watch the Lease and contend as soon as they see it released or expired (default), rather than
     * only at their next attempt every {@code retryPeriod}.
     */
    public boolean watchLease() {
        return watchLease;
    }

    /** A copy with another identity (tests, or several electors in one process). */
    public KubernetesLeaderElectionConfig withIdentity(String value) {
        return new KubernetesLeaderElectionConfig(namespace, leaseName, Objects.requireNonNull(value, "identity"),
                leaseDuration, renewDeadline, retryPeriod, requestTimeout, watchLease);
    }

    @Override
    public String toString() {
        return "KubernetesLeaderElectionConfig{lease=" + namespace + "/" + leaseName + ", identity=" + identity
                + ", leaseDuration=" + Settings.format(leaseDuration) + ", renewDeadline="
                + Settings.format(renewDeadline) + ", retryPeriod=" + Settings.format(retryPeriod)
                + ", requestTimeout=" + Settings.format(requestTimeout) + ", watchLease=" + watchLease + "}";
    }
}
