package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void ceilingsDoubleUpToTheCap() {
        RetrySchedule s = new RetrySchedule(RetryLimit.FOREVER, 1_000, 60_000);
        assertThat(s.ceilingMillis(1)).isEqualTo(1_000);
        assertThat(s.ceilingMillis(2)).isEqualTo(2_000);
        assertThat(s.ceilingMillis(6)).isEqualTo(32_000);
        assertThat(s.ceilingMillis(7)).isEqualTo(60_000);
        assertThat(s.ceilingMillis(1_000_000)).isEqualTo(60_000);
    }

    @Test
    void delaysAreFullJitterWithinTheCeiling() {
        RetrySchedule s = new RetrySchedule(RetryLimit.FOREVER, 100, 800);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            long d = s.delayMillis(3);
            assertThat(d).isBetween(0L, 400L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // Full jitter uses the whole range, not just the top.
        assertThat(min).isLessThan(40);
        assertThat(max).isGreaterThan(360);
    }

    @Test
    void retryLimitBoundsTheRetries() {
        RetrySchedule three = RetrySchedule.of(RetryLimit.parse("3"));
        assertThat(three.allows(1)).isTrue();
        assertThat(three.allows(3)).isTrue();
        assertThat(three.allows(4)).isFalse();
        assertThat(RetrySchedule.of(RetryLimit.parse("no_retries")).allows(1)).isFalse();
        assertThat(RetrySchedule.of(RetryLimit.parse("False")).allows(1_000_000)).isTrue();
        assertThat(RetrySchedule.of(RetryLimit.parse("no_limits")).allows(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void badBoundsAreRefused() {
        assertThatThrownBy(() -> new RetrySchedule(RetryLimit.NONE, 0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 1 <= baseMillis <= capMillis, got 0, 10");
    }
}
