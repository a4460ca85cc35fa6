package io.cronjobguardian.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StoredTextTest {

    @Test
    @DisplayName("NUL and lone surrogates become U+FFFD; valid pairs, quotes and backslashes are kept")
    void cleansOnlyWhatDatabasesCannotStore() {
        assertThat(StoredText.clean("a\u0000b")).isEqualTo("a\uFFFDb");
        assertThat(StoredText.clean("\u0000")).isEqualTo("\uFFFD");
        assertThat(StoredText.clean("x\uD83D")).isEqualTo("x\uFFFD");            // high surrogate at the end
        assertThat(StoredText.clean("\uDE80y")).isEqualTo("\uFFFDy");            // low surrogate first
        assertThat(StoredText.clean("\uD83D\uD83D\uDE80")).isEqualTo("\uFFFD\uD83D\uDE80"); // lone high, then a pair
        assertThat(StoredText.clean("\uDE80\uD83D")).isEqualTo("\uFFFD\uFFFD");  // reversed pair
        assertThat(StoredText.clean("rocket 🚀 it's \"q\" back\\slash")).isEqualTo("rocket 🚀 it's \"q\" back\\slash");
        assertThat(StoredText.clean((String) null)).isNull();
    }

    @Test
    @DisplayName("clean text and lists come back as the same instances (no copy on the hot path)")
    void sameInstanceWhenClean() {
        String s = "plain 日本語 🚀";
        assertThat(StoredText.clean(s)).isSameAs(s);
        List<String> list = List.of("a", "b 🚀");
        assertThat(StoredText.clean(list)).isSameAs(list);
        assertThat(StoredText.clean(List.of("a", "b\u0000", "c"))).containsExactly("a", "b\uFFFD", "c");
    }
}
