/**
 * Leader election on a Kubernetes {@code coordination.k8s.io/v1} Lease with fabric8's kubernetes-client:
 * {@link io.cronjobguardian.leader.k8s.KubernetesLeaderElector}, found through
 * {@link io.cronjobguardian.leader.k8s.KubernetesLeaderElectorProvider} ({@code leaderElection.type=kubernetes}).
 */
package io.cronjobguardian.leader.k8s;
