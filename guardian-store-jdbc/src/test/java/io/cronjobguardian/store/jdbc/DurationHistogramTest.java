package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    @Test
    void blocksAreAlignedAndNested() {
        assertThat(DurationHistogram.blockStart(2_917, 0)).isEqualTo(2_917);
        assertThat(DurationHistogram.blockStart(2_917, 3)).isEqualTo(2_912);
        assertThat(DurationHistogram.blockStart(2_917, 7)).isEqualTo(2_816);
        assertThat(DurationHistogram.blockStart(127, 7)).isZero();
    }

    @Test
    void coverIsExactAlignedAndShort() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            long from = random.nextInt(5_000);
            long to = from + (i % 3 == 0 ? random.nextInt(40) : random.nextInt(3_000));
            List<long[]> runs = DurationHistogram.cover(from, to);
            long next = from;
            Map<Long, Integer> perLevel = new HashMap<>();
            for (long[] run : runs) {
                int level = (int) run[0];
                long size = 1L << level;
                assertThat(run[1]).as("contiguous").isEqualTo(next);
                assertThat(run[1] % size).as("aligned").isZero();
                assertThat((run[2] - run[1]) % size).as("whole blocks").isZero();
                assertThat(run[2]).isGreaterThan(run[1]);
                if (level < DurationHistogram.MAX_LEVEL) {
                    assertThat(run[2] - run[1]).as("at most two blocks below the top level")
                            .isLessThanOrEqualTo(2 * size);
                }
                perLevel.merge((long) level, 1, Integer::sum);
                next = run[2];
            }
            assertThat(next).as("covers [%d, %d)", from, to).isEqualTo(to);
            assertThat(perLevel.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
            assertThat(runs.size()).isLessThanOrEqualTo(2 * (DurationHistogram.MAX_LEVEL + 1));
        }
        assertThat(DurationHistogram.cover(5, 5)).isEmpty();
        // a far-future frontier: the top level is one range, not thousands of blocks
        assertThat(DurationHistogram.cover(0, 418_985)).hasSizeLessThanOrEqualTo(9);
    }
}
