package io.cronjobguardian.api;

/**
 * Creates {@link LeaderElector}s. Registered in
 * {@code META-INF/services/io.cronjobguardian.api.LeaderElectorProvider}. Selected by {@code leaderElection.type}.
 */
public interface LeaderElectorProvider extends GuardianProvider<LeaderElector> {
    /** Configuration key naming the provider to use. */
    String TYPE_KEY = "leaderElection.type";
    /** What to add when none is found. */
    String ARTIFACTS = "io.cronjobguardian:guardian-leader-k8s";
}
