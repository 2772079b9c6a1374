package dev.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Fluent Bit's health rule: more errors (or retry failures) than the limit within the last HC_Period samples. */
class HealthCheckTest {

    private static MetricsSnapshot totals(long errors, long retriesFailed) {
        return new MetricsSnapshot(List.of(), List.of(new MetricsSnapshot.OutputMetrics("es.0", 0, errors, 0, retriesFailed, 0, 0)),
                MetricsSnapshot.EMPTY.ring());
    }

    @Test
    void moreErrorsThanTheLimitWithinThePeriodIsUnhealthyUntilTheyAreOlderThanThePeriod() {
        HealthCheck check = new HealthCheck(2, 5, 3);
        assertThat(check.healthy(totals(100, 0))).as("no sample yet").isTrue();
        check.sample(totals(0, 0));
        assertThat(check.healthy(totals(2, 0))).as("2 errors: not more than 2").isTrue();
        assertThat(check.healthy(totals(3, 0))).as("3 errors within the period").isFalse();
        check.sample(totals(3, 0)); // second 1
        check.sample(totals(3, 0)); // second 2
        assertThat(check.healthy(totals(3, 0))).as("the sample before the errors is still in the window").isFalse();
        check.sample(totals(3, 0)); // second 3: the window holds 3 samples, all after the errors
        assertThat(check.healthy(totals(3, 0))).isTrue();
        assertThat(check.healthy(totals(6, 0))).as("3 new errors").isFalse();
    }

    @Test
    void moreRetryFailuresThanTheirLimitIsUnhealthyOnItsOwn() {
        HealthCheck check = new HealthCheck(5, 1, 60);
        check.sample(totals(0, 0));
        assertThat(check.healthy(totals(0, 1))).isTrue();
        assertThat(check.healthy(totals(0, 2))).isFalse();
    }
}
