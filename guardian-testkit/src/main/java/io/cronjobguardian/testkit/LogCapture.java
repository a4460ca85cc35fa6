package io.cronjobguardian.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple prints to {@code System.err} (it looks {@code System.err} up on every line) while
 * still printing it, for tests that check what was logged (secrets never appear, an action names who did it). A
 * channel logs under its own name ({@code <class>.<channel name>}), so {@link #trace} can turn one channel's logger
 * up to TRACE before the channel exists, without making every other test noisy. Not for tests run in parallel.
 */
public final class LogCapture implements AutoCloseable {

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

    /** Makes the logger of the channel {@code name} of this class log at TRACE, if created from now on. */
    public static void trace(Class<?> channelClass, String name) {
        System.setProperty("org.slf4j.simpleLogger.log." + channelClass.getName() + "." + name, "trace");
    }

    /** Starts capturing; {@link #close} restores {@code System.err}. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything printed to {@code System.err} since {@link #start}. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
