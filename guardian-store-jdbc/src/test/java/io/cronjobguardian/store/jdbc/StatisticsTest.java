package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.testkit.Percentiles;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void interpolationFromNeighbouringRanksEqualsThePercentilesDefinition() {
        Random r = new Random(7);
        for (int n = 1; n < 300; n++) {
            double[] v = new double[n];
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = r.nextInt(100_000);
            }
            Arrays.sort(l);
            for (int i = 0; i < n; i++) {
                v[i] = l[i];
            }
            for (double p : Statistics.FRACTIONS) {
                double h = p * (n - 1);
                long lo = l[(int) Math.floor(h)];
                long hi = l[(int) Math.ceil(h)];
                assertThat(Statistics.interpolate(lo, hi, p, n)).as("n=%d p=%s", n, p)
                        .isEqualTo(Percentiles.interpolated(v, p));
            }
        }
    }

    @Test
    void millisecondsToDurationLikeTheReference() {
        for (double ms : new double[] {0, 0.5, 1, 2866.6, 9549.999999999998, 1136.8, 1e12 + 0.25, 123.4567891}) {
            assertThat(Statistics.millis(ms)).as("%s ms", ms).isEqualTo(Percentiles.millisToDuration(ms));
        }
        assertThat(Statistics.millis(5500)).isEqualTo(Duration.ofMillis(5500));
    }
}
