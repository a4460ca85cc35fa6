package io.cronjobguardian.watcher.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a stream while keeping only its last {@code maxBytes} bytes (a ring buffer), so memory stays bounded
 * however long the log is, and turns the result into text cut at a UTF-8 character boundary and to the last
 * {@code maxLines} lines.
 */
final class LogTail {

    /** What a capped read saw. */
    record Read(byte[] tail, long totalBytes, long newlines, boolean hitLimit) {
    }

    private LogTail() {
    }

    /**
     * Reads at most {@code readLimit} bytes from {@code in} and keeps the last {@code keepBytes} of them.
     *
     * @param hitLimitAt the byte count at which the producer stopped on its own (the server's {@code limitBytes});
     *                   {@code hitLimit} is set when that many bytes arrived
     */
    static Read read(InputStream in, int keepBytes, long readLimit, long hitLimitAt) throws IOException {
        byte[] ring = new byte[keepBytes];
        byte[] buf = new byte[8192];
        long total = 0;
        long newlines = 0;
        int pos = 0; // next write position in ring
        while (total < readLimit) {
            int want = (int) Math.min(buf.length, readLimit - total);
            int n = in.read(buf, 0, want);
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    newlines++;
                }
            }
            // copy into the ring
            int off = 0;
            int len = n;
            if (len >= keepBytes) {
                off = n - keepBytes;
                len = keepBytes;
            }
            int first = Math.min(len, keepBytes - pos);
            System.arraycopy(buf, off, ring, pos, first);
            System.arraycopy(buf, off + first, ring, 0, len - first);
            pos = (pos + len) % keepBytes;
            total += n;
        }
        int size = (int) Math.min(total, keepBytes);
        byte[] out = new byte[size];
        if (total <= keepBytes) {
            System.arraycopy(ring, 0, out, 0, size);
        } else {
            int tailLen = keepBytes - pos;
            System.arraycopy(ring, pos, out, 0, tailLen);
            System.arraycopy(ring, 0, out, tailLen, pos);
        }
        return new Read(out, total, newlines, total >= hitLimitAt);
    }

    /**
     * The text of the last {@code maxLines} lines within the last {@code maxBytes} bytes: starts on a character
     * boundary (never inside a UTF-8 sequence); a trailing newline does not count as a line.
     */
    static String text(byte[] bytes, int maxLines, int maxBytes) {
        int start = Math.max(0, bytes.length - maxBytes);
        // skip UTF-8 continuation bytes (10xxxxxx) so the text starts on a character
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++;
        }
        int end = bytes.length;
        // count lines backwards from the end, ignoring one trailing newline
        int scanEnd = end;
        if (scanEnd > start && bytes[scanEnd - 1] == '\n') {
            scanEnd--;
        }
        int lines = 0;
        for (int i = scanEnd - 1; i >= start; i--) {
            if (bytes[i] == '\n') {
                lines++;
                if (lines == maxLines) {
                    start = i + 1;
                    break;
                }
            }
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** {@link #text(byte[], int, int)} for a string. */
    static String text(String s, int maxLines, int maxBytes) {
        return text(s.getBytes(StandardCharsets.UTF_8), maxLines, maxBytes);
    }
}
