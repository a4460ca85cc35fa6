package io.cronjobguardian.engine.alert.channel;

/**
 * A template does not parse, uses an unknown field or function, or fails while rendering. The message starts with
 * the position in the template: {@code line 2, column 14: unknown function "trunc"}.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String problem;

    TemplateException(String source, int offset, String problem) {
        this(lineOf(source, offset), columnOf(source, offset), problem);
    }

    private TemplateException(int line, int column, String problem) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** 1-based line in the template. */
    public int line() {
        return line;
    }

    /** 1-based column in the template. */
    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    private static int lineOf(String s, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int columnOf(String s, int offset) {
        int col = 1;
        for (int i = Math.min(offset, s.length()) - 1; i >= 0 && s.charAt(i) != '\n'; i--) {
            col++;
        }
        return col;
    }
}
