package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.ConfigException;
import java.util.List;

/**
 * Configuration or monitor specs were refused. Carries every problem found, not only the first, so that they can
 * all be fixed in one go; {@link #getMessage()} lists them one per line. {@link #key()} is the path of the first
 * problem. Messages never contain secret values.
 */
public class InvalidConfigException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final String summary;
    private final List<ConfigProblem> problems;

    /**
     * @param summary  what was being read, e.g. {@code "CronJob Guardian configuration"}
     * @param problems at least one problem
     */
    public InvalidConfigException(String summary, List<ConfigProblem> problems) {
        super(first(problems).path(), first(problems).message());
        this.summary = summary;
        this.problems = List.copyOf(problems);
    }

    private static ConfigProblem first(List<ConfigProblem> problems) {
        if (problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("problems must not be empty");
        }
        return problems.get(0);
    }

    /** Every problem, in the order found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** A header line followed by one line per problem. */
    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder(summary).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        return sb.toString();
    }
}
