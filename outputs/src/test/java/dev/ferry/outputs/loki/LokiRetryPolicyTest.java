package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.loki.LokiRetryPolicy.Action;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LokiRetryPolicyTest {

    @Test
    void statusTable() {
        int[] statuses = {200, 204, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504};
        Action[] actions = {Action.DELIVERED, Action.DELIVERED, Action.REJECTED, Action.RETRY, Action.RETRY,
            Action.RETRY, Action.SPLIT, Action.RETRY, Action.RETRY, Action.RETRY, Action.RETRY, Action.RETRY};
        for (int i = 0; i < statuses.length; i++) {
            assertThat(LokiRetryPolicy.forStatus(statuses[i])).as("HTTP %d", statuses[i]).isEqualTo(actions[i]);
        }
    }

    @Test
    void retryAfterSecondsOrHttpDate() {
        long now = ZonedDateTime.parse("2015-10-21T07:28:00Z").toInstant().toEpochMilli();
        assertThat(LokiRetryPolicy.retryAfterMillis("3", now)).isEqualTo(3000);
        assertThat(LokiRetryPolicy.retryAfterMillis("Wed, 21 Oct 2015 07:28:10 GMT", now)).isEqualTo(10_000);
        assertThat(LokiRetryPolicy.retryAfterMillis("Wed, 21 Oct 2015 07:27:00 GMT", now)).isZero();
        assertThat(LokiRetryPolicy.retryAfterMillis("99999", now)).isEqualTo(LokiRetryPolicy.MAX_RETRY_AFTER_MILLIS);
        assertThat(LokiRetryPolicy.retryAfterMillis("soon", now)).isEqualTo(-1);
        assertThat(LokiRetryPolicy.retryAfterMillis(null, now)).isEqualTo(-1);
    }
}
