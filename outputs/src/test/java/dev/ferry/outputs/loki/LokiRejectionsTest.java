package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.loki.LokiRejections.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class LokiRejectionsTest {

    @Test
    void ingesterTooFarBehindNamesEntriesOfItsStream() {
        // As a Loki 3.x ingester answers (pkg/ingester/stream.go).
        String body = "entry with timestamp 2025-08-01 16:43:38.854444845 +0000 UTC ignored, reason: 'entry too far "
                + "behind, entry timestamp is: 2025-08-01T16:43:38Z, oldest acceptable timestamp is: "
                + "2025-08-03T10:18:03Z',\nentry with timestamp 2025-08-01 16:43:39 +0000 UTC ignored, reason: 'entry "
                + "out of order',\nuser 'fake', total ignored: 2 out of 5 for stream: {job=\"a\", pod=\"p\"}";
        assertThat(LokiRejections.parse(body)).containsExactly(
                new Rejection("{job=\"a\", pod=\"p\"}", 1_754_066_618_854_444_845L, -1, -1, "entry too far behind, "
                        + "entry timestamp is: 2025-08-01T16:43:38Z, oldest acceptable timestamp is: 2025-08-03T10:18:03Z"),
                new Rejection("{job=\"a\", pod=\"p\"}", 1_754_066_619_000_000_000L, -1, -1, "entry out of order"));
    }

    @Test
    void distributorValidationErrors() {
        String body = "entry for stream '{job=\"a\"}' has timestamp too old: 2024-01-01 10:00:00.5 +0000 UTC, oldest "
                + "acceptable timestamp is: 2024-01-08 10:00:00 +0000 UTC\nMax entry size '256' bytes exceeded for "
                + "stream '{job=\"b\"}' while adding an entry with length '300' bytes\nstream '{job=\"c\"}' has label "
                + "value too long: 'xxx'";
        List<Rejection> r = LokiRejections.parse(body);
        assertThat(r).containsExactly(
                new Rejection("{job=\"a\"}", 1_704_103_200_500_000_000L, -1, -1, "entry for stream '{job=\"a\"}' has "
                        + "timestamp too old: 2024-01-01 10:00:00.5 +0000 UTC, oldest acceptable timestamp is: "
                        + "2024-01-08 10:00:00 +0000 UTC"),
                new Rejection("{job=\"b\"}", Long.MIN_VALUE, 300, 256, "Max entry size '256' bytes exceeded for stream "
                        + "'{job=\"b\"}' while adding an entry with length '300' bytes"),
                new Rejection("{job=\"c\"}", Long.MIN_VALUE, -1, -1, "stream '{job=\"c\"}' has label value too long: "
                        + "'xxx'"));
    }

    @Test
    void everyErrorOfAOneLineDistributorAnswerIsRead() {
        // The distributor joins its validation errors with "; " on one line (util.GroupedErrors.Error()).
        String body = "1 errors like: entry for stream '{job=\"a\"}' has timestamp too old: 2024-01-01 10:00:00 +0000 "
                + "UTC, oldest acceptable timestamp is: 2024-01-08 10:00:00 +0000 UTC; 1 errors like: stream "
                + "'{job=\"b\"}' has label value too long: 'x'; 1 errors like: stream '{job=\"c\"}' has 16 label names; "
                + "limit 15";
        assertThat(LokiRejections.parse(body)).containsExactly(
                new Rejection("{job=\"a\"}", 1_704_103_200_000_000_000L, -1, -1, "entry for stream '{job=\"a\"}' has "
                        + "timestamp too old: 2024-01-01 10:00:00 +0000 UTC, oldest acceptable timestamp is: "
                        + "2024-01-08 10:00:00 +0000 UTC"),
                new Rejection("{job=\"b\"}", Long.MIN_VALUE, -1, -1, "stream '{job=\"b\"}' has label value too long: "
                        + "'x'"),
                new Rejection("{job=\"c\"}", Long.MIN_VALUE, -1, -1, "stream '{job=\"c\"}' has 16 label names; limit 15"));
    }

    @Test
    void attributionMatchesStreamAndTimeOrLength() {
        LokiBatch b = new LokiBatch(null, 64);
        LokiStream a = new LokiStream("{job=\"a\"}", new String[] {"job"}, new String[] {"a"});
        LokiStream c = new LokiStream("{job=\"c\"}", new String[] {"job"}, new String[] {"c"});
        add(b, a, 5, "x");
        add(b, c, 5, "x");
        add(b, c, 6, "yyy");
        boolean[] marked = new boolean[3];
        String[] reasons = new String[3];
        int n = LokiRejections.attribute(b, List.of(new Rejection("{job=\"c\"}", 5, -1, -1, "old"),
                new Rejection("{job=\"c\"}", Long.MIN_VALUE, 3, 2, "long")), marked, reasons);
        assertThat(n).isEqualTo(2);
        assertThat(marked).containsExactly(false, true, true);
        assertThat(reasons).containsExactly(null, "old", "long");
        assertThat(LokiRejections.attribute(b, LokiRejections.parse("some proxy said no"), new boolean[3],
                new String[3])).isZero();
    }

    @Test
    void theRestOfAStreamIsStoredOnlyWhenTheNamedEntriesAreAllItsIgnoredAndLokiReceivedEveryEntry() {
        LokiBatch b = new LokiBatch(null, 64);
        LokiStream a = new LokiStream("{job=\"a\"}", new String[] {"job"}, new String[] {"a"});
        LokiStream c = new LokiStream("{job=\"c\"}", new String[] {"job"}, new String[] {"c"});
        add(b, a, 1_000_000_000L, "x");
        add(b, a, 2_000_000_000L, "x");
        add(b, a, 3_000_000_000L, "x");
        add(b, c, 1_000_000_000L, "x");
        String entry = "entry with timestamp 1970-01-01 00:00:01 +0000 UTC ignored, reason: 'entry out of order',\n";
        // All ignored named, 3 of 3 received: the two others of {job="a"} were stored; {job="c"} is not mentioned.
        assertStored(b, entry + "user 'fake', total ignored: 1 out of 3 for stream: {job=\"a\"}",
                true, false, false, true, false, true, false, false);
        // Loki ignored 2 and named 1 (max_returned_stream_errors): the others go again.
        assertStored(b, entry + "user 'fake', total ignored: 2 out of 3 for stream: {job=\"a\"}",
                true, false, false, false, false, false, false, false);
        // The ingester received 2 of the 3: the distributor refused one it does not name here.
        assertStored(b, entry + "user 'fake', total ignored: 1 out of 2 for stream: {job=\"a\"}",
                true, false, false, false, false, false, false, false);
    }

    @Test
    void aStreamLoki3NamesWithTheServiceNameItAddedIsTheBatchsStreamAndNoOther() {
        // Loki 3 adds service_name to a stream without one (pkg/loghttp/push/push.go) and prints that set.
        LokiBatch b = new LokiBatch(null, 64);
        LokiStream a = LokiStream.of("job", "a");
        LokiStream c = LokiStream.of("job", "b");
        long t = 1_704_103_200_000_000_000L;
        add(b, a, t, "x");
        add(b, a, t + 1_000_000_000L, "y");
        add(b, c, t, "x");
        String body = "entry with timestamp 2024-01-01 10:00:00 +0000 UTC ignored, reason: 'entry too far behind, entry "
                + "timestamp is: 2024-01-01T10:00:00Z, oldest acceptable timestamp is: 2024-01-01T11:00:00Z',\nuser 'x', "
                + "total ignored: 1 out of 2 for stream: {job=\"a\", service_name=\"a\"}";
        boolean[] marked = new boolean[3];
        assertThat(LokiRejections.attribute(b, LokiRejections.parse(body), marked, new String[3])).isEqualTo(1);
        assertThat(marked).containsExactly(true, false, false);
        boolean[] stored = new boolean[3];
        assertThat(LokiRejections.markStored(b, body, marked, stored)).isEqualTo(1);
        assertThat(stored).containsExactly(false, true, false);
        // A stream the batch does not have names nothing, not the entries of another stream at that time.
        assertThat(LokiRejections.attribute(b, LokiRejections.parse(body.replace("job=\"a\"", "job=\"z\"")),
                new boolean[3], new String[3])).isZero();
        // service_name and __stream_shard__ are left out only where the batch's stream does not have them.
        assertThat(LokiPrintedLabels.names(LokiPrintedLabels.parse("{__stream_shard__=\"2\", job=\"a\", "
                + "service_name=\"a\"}"), a)).isTrue();
        assertThat(LokiPrintedLabels.names(LokiPrintedLabels.parse("{job=\"a\", service_name=\"x\"}"),
                LokiStream.of("job", "a", "service_name", "a"))).isFalse();
        assertThat(LokiPrintedLabels.names(LokiPrintedLabels.parse("{job=\"a\", pod=\"p\"}"), a)).isFalse();
    }

    /** @param expected per entry: named, stored */
    private static void assertStored(LokiBatch b, String body, boolean... expected) {
        boolean[] marked = new boolean[b.count];
        assertThat(LokiRejections.attribute(b, LokiRejections.parse(body), marked, new String[b.count])).isEqualTo(1);
        boolean[] stored = new boolean[b.count];
        int n = LokiRejections.markStored(b, body, marked, stored);
        boolean[] both = new boolean[b.count * 2];
        for (int i = 0; i < b.count; i++) {
            both[2 * i] = marked[i];
            both[2 * i + 1] = stored[i];
        }
        assertThat(both).containsExactly(expected);
        assertThat(n).isEqualTo((int) java.util.stream.IntStream.range(0, b.count).filter(i -> stored[i]).count());
    }

    private static void add(LokiBatch b, LokiStream s, long t, String line) {
        int start = b.lines.length();
        b.lines.writeUtf8(line);
        b.add(start, s, t, null, "t", null, -1, dev.ferry.pipeline.record.LogRecord.NO_LINE_HASH);
    }
}
