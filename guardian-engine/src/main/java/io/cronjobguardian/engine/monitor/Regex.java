package io.cronjobguardian.engine.monitor;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled regular expression that compares by its source text, so that records holding one have value equality.
 *
 * <p>The operator's patterns are Go RE2 expressions; the common subset is the same in Java. Go's named group syntax
 * {@code (?P<name>...)} is translated to Java's {@code (?<name>...)}. Matching is unanchored ({@link #find}), as
 * with Go's {@code MatchString}.
 */
public final class Regex {

    private final String source;
    private final Pattern pattern;

    private Regex(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException with a one-line description of the syntax error and its position
     */
    public static Regex compile(String source) {
        Objects.requireNonNull(source, "source");
        try {
            return new Regex(source, Pattern.compile(source.replace("(?P<", "(?<")));
        } catch (PatternSyntaxException e) {
            String where = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
            throw new IllegalArgumentException("\"" + source + "\" is not a valid regular expression: "
                    + e.getDescription() + where, e);
        }
    }

    /** The pattern as written. */
    public String source() {
        return source;
    }

    /** The compiled Java pattern. */
    public Pattern pattern() {
        return pattern;
    }

    /** {@code true} when the pattern matches anywhere in {@code text}. */
    public boolean find(CharSequence text) {
        return text != null && pattern.matcher(text).find();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Regex && ((Regex) o).source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    /** The source text. */
    @Override
    public String toString() {
        return source;
    }
}
