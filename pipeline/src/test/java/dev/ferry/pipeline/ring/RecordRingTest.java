package dev.ferry.pipeline.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spi.Parser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class RecordRingTest {

    /** An output that keeps the JSON of every record and counts flushes; can be told to fail. */
    static final class ListOutput implements Output {
        final List<String> pending = new ArrayList<>();
        final List<String> flushed = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failFlushes = new AtomicInteger();

        @Override
        public void write(LogRecord record) {
            pending.add(record.fields().toString());
        }

        @Override
        public void flush() throws IOException {
            if (failFlushes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("disk on fire");
            }
            flushed.addAll(pending);
            pending.clear();
        }

        @Override
        public void close() {
        }
    }

    /** An origin that records acknowledgements and checks they only move forward. */
    static final class TestOrigin implements RecordOrigin {
        final AtomicLong acked = new AtomicLong();
        final List<Long> acks = new CopyOnWriteArrayList<>();
        final ListOutput output;

        TestOrigin(ListOutput output) {
            this.output = output;
        }

        @Override
        public String path() {
            return "/var/log/a.log";
        }

        @Override
        public String id() {
            return "a";
        }

        @Override
        public void acknowledge(long nextOffset) {
            assertThat(nextOffset).isGreaterThan(acked.get());
            // Everything up to here must already have been flushed by the output.
            assertThat(output == null || output.pending.isEmpty()).isTrue();
            acked.set(nextOffset);
            acks.add(nextOffset);
        }
    }

    /** Publishes "line 0" .. "line n-1" in batches of 7 lines (so batches end mid-way, too). */
    private static void publishLines(RecordRing ring, String tag, RecordOrigin origin, LineDecoder decoder, int n)
            throws InterruptedException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("line ").append(i).append('\n');
        }
        byte[] buf = text.toString().getBytes(StandardCharsets.UTF_8);
        LineBatch batch = new LineBatch(7);
        batch.begin(buf, tag, decoder, origin, 0);
        int start = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                if (batch.add(start, i - start, start, i + 1)) {
                    ring.publish(batch);
                    batch.clear();
                }
                start = i + 1;
            }
        }
        ring.publish(batch);
    }

    @Test
    void deliversEveryRecordOnceInOrderWithTwoWorkersAndAcknowledgesTheEnd() throws Exception {
        ListOutput out = new ListOutput();
        TestOrigin origin = new TestOrigin(out);
        RecordRing ring = new RecordRing(64, 2, RecordRing.Wait.BLOCKING, List.of(),
                List.of(new OutputRoute("list", TagPattern.wildcard("app.*"), out)));
        ring.start();
        int n = 10_000;
        publishLines(ring, "app.a", origin, new LineDecoder(null, null, null), n);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();

        assertThat(out.flushed).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(out.flushed.get(i)).isEqualTo("{\"log\":\"line " + i + "\"}");
        }
        long expectedEnd = 0;
        for (int i = 0; i < n; i++) {
            expectedEnd += ("line " + i).length() + 1;
        }
        assertThat(origin.acked.get()).isEqualTo(expectedEnd);
        assertThat(ring.counters().published()).isEqualTo(n);
        assertThat(ring.counters().delivered()).isEqualTo(n);
    }

    @Test
    void filtersRunInOrderOnlyForMatchingTagsAndDroppedRecordsAreCountedAndAcknowledged() throws Exception {
        ListOutput out = new ListOutput();
        TestOrigin origin = new TestOrigin(out);
        FilterRoute addA = new FilterRoute("add.0", TagPattern.wildcard("app.*"), r -> {
            r.fields().put("a", "1");
            return true;
        });
        FilterRoute dropOdd = new FilterRoute("grep.0", TagPattern.wildcard("*"),
                r -> !r.fields().text("log").matches("line \\d*[13579]"));
        FilterRoute otherTag = new FilterRoute("modify.1", TagPattern.wildcard("other.*"), r -> {
            r.fields().put("never", "x");
            return true;
        });
        RecordRing ring = new RecordRing(16, 3, RecordRing.Wait.BLOCKING, List.of(addA, dropOdd, otherTag),
                List.of(new OutputRoute("list", TagPattern.wildcard("*"), out)));
        ring.start();
        publishLines(ring, "app.a", origin, new LineDecoder(null, null, null), 100);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();

        assertThat(out.flushed).hasSize(50);
        assertThat(out.flushed.get(0)).isEqualTo("{\"log\":\"line 0\",\"a\":\"1\"}");
        assertThat(out.flushed.get(49)).isEqualTo("{\"log\":\"line 98\",\"a\":\"1\"}");
        assertThat(ring.counters().dropped()).isEqualTo(50);
        // The last line (99) was dropped, yet its position is acknowledged: it was handled.
        assertThat(origin.acks.get(origin.acks.size() - 1)).isEqualTo(
                publishedEnd(100));
    }

    @Test
    void recordsNoOutputMatchesAreCountedAsUnrouted() throws Exception {
        ListOutput out = new ListOutput();
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(),
                List.of(new OutputRoute("list", TagPattern.wildcard("app.*"), out)));
        ring.start();
        publishLines(ring, "nginx.access", new TestOrigin(out), new LineDecoder(null, null, null), 7);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
        assertThat(out.flushed).isEmpty();
        assertThat(ring.counters().unrouted()).isEqualTo(7);
    }

    @Test
    void aFailingFlushIsRetriedAndNothingIsAcknowledgedBeforeItSucceeds() throws Exception {
        ListOutput out = new ListOutput();
        out.failFlushes.set(2);
        TestOrigin origin = new TestOrigin(out);
        OutputRoute route = new OutputRoute("list", TagPattern.wildcard("*"), out);
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route));
        ring.start();
        publishLines(ring, "t", origin, new LineDecoder(null, null, null), 40);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
        assertThat(out.flushed).hasSize(40).doesNotHaveDuplicates();
        assertThat(origin.acked.get()).isEqualTo(publishedEnd(40));
        // what the monitoring server reports for this output: records flushed, and the failed flushes
        assertThat(route.counters().flushed()).isEqualTo(40);
        assertThat(route.counters().failures()).isEqualTo(2);
    }

    @Test
    void underReplayAFailingOutputSaysTheReplayWaitsAndWhatStoppingMeansForAReplay() throws Exception {
        ListOutput out = new ListOutput();
        out.failFlushes.set(Integer.MAX_VALUE);
        TestOrigin origin = new TestOrigin(out);
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(),
                List.of(new OutputRoute("file.0", TagPattern.wildcard("*"), out)), true, null, true);
        String givenUp = "Output failed while the replay was stopping; the records not yet handed on are counted as not"
                + " handed on and the replay exits 1. A replay keeps no positions: run it again to ship them."
                + " output=file.0 action=flush error=java.io.IOException: disk on fire";
        // slf4j-simple prints to the System.err of the moment; the ring's thread gives up after the halt.
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String logs;
        try {
            ring.start();
            publishLines(ring, "t", origin, new LineDecoder(null, null, null), 3);
            assertThat(ring.drainAndStop(Duration.ofMillis(500))).isFalse();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!captured.toString(StandardCharsets.UTF_8).contains(givenUp) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000);
            }
        } finally {
            System.setErr(stderr);
            logs = captured.toString(StandardCharsets.UTF_8);
            stderr.print(logs);
        }
        assertThat(logs).contains("Output failed; retrying, the replay reads no further meanwhile. output=file.0"
                + " action=flush attempt=1 retry_in=100ms error=java.io.IOException: disk on fire").contains(givenUp)
                .doesNotContain("inputs are paused").doesNotContain("next start");
        assertThat(origin.acks).isEmpty();
    }

    @Test
    void aFilterThatThrowsDoesNotLoseTheRecord() throws Exception {
        ListOutput out = new ListOutput();
        FilterRoute broken = new FilterRoute("broken", TagPattern.wildcard("*"), r -> {
            throw new IllegalStateException("bug");
        });
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(broken),
                List.of(new OutputRoute("list", TagPattern.wildcard("*"), out)));
        ring.start();
        publishLines(ring, "t", new TestOrigin(out), new LineDecoder(null, null, null), 5);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
        assertThat(out.flushed).hasSize(5);
        assertThat(ring.counters().stageErrors()).isEqualTo(5);
    }

    @Test
    void aLineTheParserRejectsIsKeptWholeWithTheReasonAndCounted() throws Exception {
        ListOutput out = new ListOutput();
        Parser evenOnly = new Parser() {
            @Override
            public boolean parse(LogRecord record) {
                int last = record.line()[record.lineLength() - 1] - '0';
                if (last % 2 == 1) {
                    record.parseError("odd at byte " + (record.lineLength() - 1));
                    return false;
                }
                record.fields().append("n", (long) last);
                return true;
            }

            @Override
            public String name() {
                return "even";
            }
        };
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(),
                List.of(new OutputRoute("list", TagPattern.wildcard("*"), out)));
        ring.start();
        publishLines(ring, "t", new TestOrigin(out), new LineDecoder(evenOnly, null, null), 4);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
        assertThat(out.flushed).containsExactly("{\"n\":0}",
                "{\"log\":\"line 1\",\"ferry_parse_error\":\"odd at byte 5\"}", "{\"n\":2}",
                "{\"log\":\"line 3\",\"ferry_parse_error\":\"odd at byte 5\"}");
        assertThat(ring.counters().parseErrors()).isEqualTo(2);
        assertThat(ring.counters().delivered()).isEqualTo(4);
    }

    @Test
    void aRecordWhoseInvalidUtf8TheOutputsReplacedIsCountedOnceHoweverManyOutputsWroteIt() throws Exception {
        ListOutput a = new ListOutput();
        ListOutput b = new ListOutput();
        RecordRing ring = new RecordRing(16, 1, RecordRing.Wait.BLOCKING, List.of(),
                List.of(new OutputRoute("a", TagPattern.wildcard("*"), a), new OutputRoute("b", TagPattern.wildcard("*"), b)));
        ring.start();
        byte[] buf = {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', (byte) 0xFF, (byte) 0xFF, '\n'};
        LineBatch batch = new LineBatch(7);
        batch.begin(buf, "t", new LineDecoder(null, null, null), new TestOrigin(null), 0);
        batch.add(0, 2, 0, 3);
        batch.add(3, 4, 3, 8);
        batch.add(8, 2, 8, 11);
        ring.publish(batch);
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
        assertThat(a.flushed).containsExactly("{\"log\":\"ok\"}", "{\"log\":\"caf\uFFFD\"}", "{\"log\":\"\uFFFD\uFFFD\"}");
        assertThat(b.flushed).isEqualTo(a.flushed);
        assertThat(ring.counters().invalidUtf8Repaired()).isEqualTo(2);
        assertThat(ring.counters().delivered()).isEqualTo(3);
    }

    private static long publishedEnd(int n) {
        long end = 0;
        for (int i = 0; i < n; i++) {
            end += ("line " + i).length() + 1;
        }
        return end;
    }
}
