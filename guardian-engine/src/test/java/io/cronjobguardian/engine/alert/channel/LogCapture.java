package io.cronjobguardian.engine.alert.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple prints to {@code System.err} (it looks {@code System.err} up on every line), with the
 * channel loggers at TRACE. The level is set before any channel logger exists: every channel logs under its own
 * name ({@code <class>.<channel name>}), so a channel created after {@link #enableTrace()} gets TRACE.
 */
final class LogCapture implements AutoCloseable {

    static {
        System.setProperty("org.slf4j.simpleLogger.log.io.cronjobguardian.engine.alert.channel", "trace");
    }

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Makes channel loggers created from now on log at TRACE. */
    static void enableTrace() {
        // the static initializer does it
    }

    static LogCapture start() {
        return new LogCapture();
    }

    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
