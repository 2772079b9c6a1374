package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryLimitTest {

    @Test
    void parsesFluentBitSpellings() {
        assertThat(RetryLimit.parse("3")).isEqualTo(new RetryLimit(3, false));
        assertThat(RetryLimit.parse("False")).isEqualTo(RetryLimit.FOREVER);
        assertThat(RetryLimit.parse("no_limits")).isEqualTo(RetryLimit.FOREVER);
        assertThat(RetryLimit.parse("no_retries")).isEqualTo(RetryLimit.NONE);
        assertThat(RetryLimit.parse("-1")).isNull();
        assertThat(RetryLimit.parse("true")).isNull();
        assertThat(RetryLimit.parse("forever")).isNull();
    }

    @Test
    void allowsRetriesUpToTheLimit() {
        RetryLimit two = RetryLimit.parse("2");
        assertThat(two.allows(1)).isTrue();
        assertThat(two.allows(2)).isFalse();
        assertThat(RetryLimit.NONE.allows(0)).isFalse();
        assertThat(RetryLimit.FOREVER.allows(1_000_000)).isTrue();
    }
}
