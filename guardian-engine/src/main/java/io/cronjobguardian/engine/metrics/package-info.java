/**
 * Micrometer meters of the engine, bound to the host's {@code MeterRegistry}. Names use Micrometer's dot
 * convention and render in Prometheus as {@code cronjob_guardian_*}.
 */
package io.cronjobguardian.engine.metrics;
