package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.InvalidConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a refused Guardian configuration at startup: every problem Guardian found (not only the first), each
 * with the property, what is accepted and where the value was set. Never prints a secret value (Guardian's messages
 * do not contain them).
 */
public class GuardianConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
        StringBuilder d = new StringBuilder("CronJob Guardian could not start: ");
        if (cause instanceof InvalidConfigException invalid) {
            int n = invalid.problems().size();
            d.append(n).append(n == 1 ? " configuration problem" : " configuration problems").append(':');
            for (ConfigProblem p : invalid.problems()) {
                d.append(System.lineSeparator()).append("  - ").append(p);
            }
        } else {
            d.append(cause.getMessage());
        }
        String action = "Fix the guardian.* properties listed above (all problems are listed at once). Every key, "
                + "its default and accepted values are in the README's configuration table; your IDE completes "
                + "them from the starter's configuration metadata.";
        return new FailureAnalysis(d.toString(), action, cause);
    }
}
