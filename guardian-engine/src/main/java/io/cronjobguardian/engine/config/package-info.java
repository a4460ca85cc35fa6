/**
 * Engine configuration: {@link io.cronjobguardian.engine.config.GuardianConfig} reads the builder, {@code GUARDIAN_*}
 * environment variables, properties or YAML files and defaults, validates every value, reports all problems at
 * once ({@link io.cronjobguardian.engine.config.InvalidConfigException}) and never prints secrets.
 */
package io.cronjobguardian.engine.config;
