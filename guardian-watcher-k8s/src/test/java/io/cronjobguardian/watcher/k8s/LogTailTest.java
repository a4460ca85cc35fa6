package io.cronjobguardian.watcher.k8s;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    private static LogTail.Read read(String text, int keep, long limit) throws IOException {
        return LogTail.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), keep, limit, limit);
    }

    @Test
    void keepsTheTailInBoundedMemory() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        LogTail.Read r = read(sb.toString(), 20, Long.MAX_VALUE);
        assertThat(r.tail()).hasSize(20);
        assertThat(new String(r.tail(), StandardCharsets.UTF_8)).endsWith("line 9998\nline 9999\n");
        assertThat(r.totalBytes()).isEqualTo(sb.length());
        assertThat(r.newlines()).isEqualTo(10_000);
        assertThat(r.hitLimit()).isFalse();
    }

    @Test
    void stopsAtTheReadLimit() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        LogTail.Read r = LogTail.read(endless, 1024, 1 << 20, 1 << 20);
        assertThat(r.totalBytes()).isEqualTo(1 << 20);
        assertThat(r.hitLimit()).isTrue();
        assertThat(r.tail()).hasSize(1024);
    }

    @Test
    void shortInputIsKeptWhole() throws IOException {
        assertThat(read("a\nb\n", 1024, 100).tail()).isEqualTo("a\nb\n".getBytes(StandardCharsets.UTF_8));
        assertThat(read("", 1024, 100).tail()).isEmpty();
    }

    @Test
    void textKeepsTheLastLinesAndStartsOnACharacter() {
        assertThat(LogTail.text("a\nb\nc\nd\n", 2, 1024)).isEqualTo("c\nd\n");
        assertThat(LogTail.text("a\nb\nc\nd", 2, 1024)).isEqualTo("c\nd");
        assertThat(LogTail.text("a\nb\n", 5, 1024)).isEqualTo("a\nb\n");
        // "ä" is 2 bytes, "€" 3 bytes: a cut inside a sequence moves forward to the next character
        String s = "\u00e4\u00e4\u20ac\u20ac"; // 2+2+3+3 = 10 bytes
        assertThat(LogTail.text(s, 10, 10)).isEqualTo(s);
        assertThat(LogTail.text(s, 10, 9)).isEqualTo("\u00e4\u20ac\u20ac");
        assertThat(LogTail.text(s, 10, 8)).isEqualTo("\u00e4\u20ac\u20ac");
        assertThat(LogTail.text(s, 10, 7)).isEqualTo("\u20ac\u20ac");
        assertThat(LogTail.text(s, 10, 3)).isEqualTo("\u20ac");
        assertThat(LogTail.text(s, 10, 2)).isEmpty();
        // never a replacement character from a cut sequence
        for (int max = 1; max <= 10; max++) {
            assertThat(LogTail.text(s, 10, max)).doesNotContain("\uFFFD");
            assertThat(LogTail.text(s, 10, max).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max);
        }
    }
}
