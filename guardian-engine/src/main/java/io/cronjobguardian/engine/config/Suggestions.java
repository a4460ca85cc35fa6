package io.cronjobguardian.engine.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean ...?" for misspelt keys and fields. Used by {@link GuardianConfig} and the monitor spec loader;
 * not meant for use outside this library.
 */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code input} by edit distance, ignoring case, {@code '-'} and {@code '_'}; empty
     * when none is close enough (at most a third of the longer word's length, and at most 3 edits).
     */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String in = squash(input);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String sc = squash(c);
            int d = distance(in, sc);
            int allowed = Math.min(3, Math.max(1, Math.max(in.length(), sc.length()) / 3));
            if (d <= allowed && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "; did you mean X?"} or the empty string. */
    public static String didYouMean(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> "; did you mean " + s + "?").orElse("");
    }

    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
