package io.cronjobguardian.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's {@code time.ParseDuration} as used by {@code @every}: accepted forms and their values in nanoseconds. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource(delimiter = '|', textBlock = """
            0                      | 0
            +0                     | 0
            -0                     | 0
            5s                     | 5000000000
            +5s                    | 5000000000
            -5m                    | -300000000000
            90m                    | 5400000000000
            1h30m                  | 5400000000000
            1h30m0s                | 5400000000000
            1.5h                   | 5400000000000
            .5s                    | 500000000
            1.s                    | 1000000000
            1500ms                 | 1500000000
            10us                   | 10000
            10µs                   | 10000
            10μs                   | 10000
            7ns                    | 7
            1h1m1s1ms1us1ns        | 3661001001001
            0.000000001s           | 1
            2562047h               | 9223369200000000000
            9223372036854775807ns  | 9223372036854775807
            -9223372036854775808ns | -9223372036854775808
            """)
    void accepted(String text, long nanos) {
        assertThat(GoDuration.parseNanos(text)).isEqualTo(nanos);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            ''                    | it is empty
            '-'                   | it is empty
            '5'                   | a unit is missing
            '1h5'                 | a unit is missing
            '.s'                  | a number has no digits
            's'                   | expected a number
            ' 5s'                 | expected a number
            '5s '                 | unknown unit "s "
            '5 s'                 | unknown unit " s"
            '1d'                  | unknown unit "d"
            '5S'                  | unknown unit "S"
            '5sec'                | unknown unit "sec"
            '1e3s'                | unknown unit "e"
            '--5s'                | expected a number
            '2562048h'            | it is too large
            '9223372036854775808ns' | it is too large
            '99999999999999999999s' | it is too large
            """)
    void rejected(String text, String why) {
        assertThatThrownBy(() -> GoDuration.parseNanos(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid Go duration \"" + text + "\"").hasMessageContaining(why);
    }
}
