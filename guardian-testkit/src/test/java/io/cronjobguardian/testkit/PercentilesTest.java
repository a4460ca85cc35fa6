package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Expected values computed by hand with h = p * (n - 1). */
class PercentilesTest {

    private static final double[] ONE_TO_TEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @Test
    void oneToTen() {
        // p50: h = 4.5 -> 5 + 0.5 * (6 - 5) = 5.5
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 0.50)).isCloseTo(5.5, within(1e-12));
        // p95: h = 8.55 -> 9 + 0.55 * 1 = 9.55
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 0.95)).isCloseTo(9.55, within(1e-12));
        // p99: h = 8.91 -> 9.91
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 0.99)).isCloseTo(9.91, within(1e-12));
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 0.0)).isEqualTo(1.0);
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 1.0)).isEqualTo(10.0);
        // p25: h = 2.25 -> 3.25
        assertThat(Percentiles.interpolated(ONE_TO_TEN, 0.25)).isCloseTo(3.25, within(1e-12));
    }

    @Test
    void singleValueIsEveryPercentile() {
        double[] one = {7};
        assertThat(Percentiles.interpolated(one, 0.0)).isEqualTo(7.0);
        assertThat(Percentiles.interpolated(one, 0.5)).isEqualTo(7.0);
        assertThat(Percentiles.interpolated(one, 0.99)).isEqualTo(7.0);
    }

    @Test
    void twoValues() {
        double[] two = {1, 4};
        // h = p: 1 + p * 3
        assertThat(Percentiles.interpolated(two, 0.5)).isCloseTo(2.5, within(1e-12));
        assertThat(Percentiles.interpolated(two, 0.95)).isCloseTo(3.85, within(1e-12));
        assertThat(Percentiles.interpolated(two, 0.99)).isCloseTo(3.97, within(1e-12));
    }

    @Test
    void exactRankNeedsNoInterpolation() {
        double[] five = {100, 250, 1000, 1001, 3333};
        // p50: h = 2 -> 1000 exactly; p75: h = 3 -> 1001
        assertThat(Percentiles.interpolated(five, 0.5)).isEqualTo(1000.0);
        assertThat(Percentiles.interpolated(five, 0.75)).isEqualTo(1001.0);
        // p95: h = 3.8 -> 1001 + 0.8 * 2332 = 2866.6
        assertThat(Percentiles.interpolated(five, 0.95)).isCloseTo(2866.6, within(1e-9));
    }

    @Test
    void durationsAreSortedAndKeepFractionsOfAMillisecond() {
        List<Duration> unsorted = List.of(Duration.ofMillis(3333), Duration.ofMillis(100), Duration.ofMillis(1001),
                Duration.ofMillis(250), Duration.ofMillis(1000));

        assertThat(Percentiles.interpolated(unsorted, 0.95)).isEqualTo(Duration.ofNanos(2_866_600_000L));
        assertThat(Percentiles.mean(unsorted)).isEqualTo(Duration.ofNanos(1_136_800_000L));
        assertThat(Percentiles.sortedMillis(unsorted)).containsExactly(100, 250, 1000, 1001, 3333);
    }

    @Test
    void millisConversions() {
        assertThat(Percentiles.toMillis(Duration.ofNanos(1_500_000))).isEqualTo(1.5);
        assertThat(Percentiles.toMillis(Duration.ofSeconds(2))).isEqualTo(2000.0);
        assertThat(Percentiles.millisToDuration(9550.0)).isEqualTo(Duration.ofMillis(9550));
        assertThat(Percentiles.millisToDuration(0.0000004)).isEqualTo(Duration.ZERO);
        assertThat(Percentiles.millisToDuration(1.0000006)).isEqualTo(Duration.ofNanos(1_000_001));
        assertThatThrownBy(() -> Percentiles.millisToDuration(Double.NaN)).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void rejectsEmptyInputAndBadFractions() {
        assertThatThrownBy(() -> Percentiles.interpolated(new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.interpolated(ONE_TO_TEN, 1.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.interpolated(ONE_TO_TEN, -0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.interpolated(ONE_TO_TEN, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.mean(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
