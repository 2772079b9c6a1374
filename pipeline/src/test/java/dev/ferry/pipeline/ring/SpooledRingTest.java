package dev.ferry.pipeline.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.TestLogs;
import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.io.AtomicFile;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.spi.Output;
import dev.ferry.pipeline.spi.Parser;
import dev.ferry.pipeline.spi.PendingFlush;
import dev.ferry.pipeline.spool.Spool;
import dev.ferry.pipeline.spool.SpoolConfig;
import dev.ferry.pipeline.spool.SpoolSync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring with the disk spool (real Chronicle Queue files in a temp folder): inputs are acknowledged
 * once records are in the spool, the output reads them on its own thread, and a full spool pauses the
 * inputs without losing anything.
 */
class SpooledRingTest {

    @TempDir
    Path dir;

    /** Reads back the {"log":"..."} objects the ring spooled (a stand-in for the json parser of the parsers module). */
    private static final Parser LOG_ONLY = new Parser() {
        @Override
        public boolean parse(LogRecord r) {
            String s = new String(r.line(), 0, r.lineLength(), StandardCharsets.UTF_8);
            r.fields().append("log", s.substring("{\"log\":\"".length(), s.length() - 2));
            return true;
        }

        @Override
        public String name() {
            return "log-only";
        }
    };

    /** An output that keeps what it was given; it can be held so that it delivers nothing. */
    static class GatedOutput implements Output {
        final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        final List<String> pending = new ArrayList<>();
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public void write(LogRecord record) {
            pending.add(record.fields().text("log"));
        }

        @Override
        public void flush() {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.addAll(pending);
            pending.clear();
        }

        @Override
        public void close() {
        }
    }

    static final class CountingOrigin implements RecordOrigin {
        final AtomicLong acked = new AtomicLong();

        @Override
        public String path() {
            return "/a.log";
        }

        @Override
        public String id() {
            return "fp-test";
        }

        @Override
        public void acknowledge(long nextOffset) {
            acked.set(nextOffset);
        }
    }

    /** A started thread that publishes lines "line 0" to "line n-1" of {@code origin}, counting them. */
    private static Thread input(RecordRing ring, RecordOrigin origin, int n, AtomicLong published) {
        Thread input = new Thread(() -> {
            try {
                publish(ring, origin, n, 0, published);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        input.start();
        return input;
    }

    /**
     * Publishes the lines "line 0" to "line n-1" of {@code origin} in batches of one, {@code gapMillis} apart (a slow
     * file gives them so), counting them in {@code published}.
     */
    private static void publish(RecordRing ring, RecordOrigin origin, int n, long gapMillis, AtomicLong published)
            throws InterruptedException {
        LineBatch batch = new LineBatch(100);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            byte[] line = ("line " + i).getBytes(StandardCharsets.UTF_8);
            batch.begin(line, "t", new LineDecoder(null, null, null), origin, 0);
            batch.add(0, line.length, offset, offset + line.length + 1);
            offset += line.length + 1;
            ring.publish(batch);
            published.incrementAndGet();
            if (gapMillis > 0) {
                Thread.sleep(gapMillis);
            }
        }
    }

    /**
     * The output's position file cannot be written (a directory stands where its temporary file goes, as a
     * full disk fails the write): the consumer retries the save instead of stopping, its output waiting
     * after what it delivered before its first commit, and once the file can be written every record arrives once.
     */
    @Test
    void aSpoolPositionThatCannotBeSavedIsRetriedWhileTheOutputGoesOn() throws Exception {
        GatedOutput out = new GatedOutput();
        out.open.countDown();
        int n = 2_000;
        Path spoolDir = dir.resolve("spool");
        Path blocker = AtomicFile.temporaryFor(spoolDir.resolve("readers").resolve("out.position"));
        try (Spool spool = Spool.open(new SpoolConfig(spoolDir, SpoolSync.NORMAL, 0))) {
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            var reader = spool.reader("out", 0);
            Files.createDirectories(blocker);
            RecordRing ring = new RecordRing(64, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route), true,
                    spool.writer());
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, ring.counters(), 256);
            String log = TestLogs.of(() -> {
                ring.start();
                consumer.start();
                input(ring, new CountingOrigin(), n, new AtomicLong()).join(TimeUnit.SECONDS.toMillis(60));
                Thread.sleep(1000); // a few retries
                // What it had read when it first committed: a batch (256) or less if it had caught up with the ring.
                // The output's flush is answered when it returns, so the batch is committed at once.
                int before = out.delivered.size();
                assertThat(before).isBetween(1, 256);
                Thread.sleep(500);
                assertThat(out.delivered).as("the output waits for the save").hasSize(before);
                assertThat(consumer.failed()).as("the consumer goes on").isNotDone();
                assertThat(reader.committedEntries()).isZero();

                Files.delete(blocker);
                for (int i = 0; i < 200 && reader.committedEntries() < n; i++) {
                    Thread.sleep(50);
                }
            });
            assertThat(reader.committedEntries()).as("saved once it could be").isEqualTo(n);
            assertThat(log).contains("ERROR dev.ferry.pipeline.ring.SpoolConsumer - Saving the output's spool position failed; "
                            + "the output waits and retries (the records before it are delivered; the spool keeps them until it "
                            + "is saved). output=out attempt=1 retry_in=100ms error=java.nio.file.FileSystemException: " + blocker + ": Is a directory\n")
                    .contains("INFO dev.ferry.pipeline.ring.SpoolConsumer - The output's spool position is saved again. output=out attempts=")
                    .doesNotContain("Output stopped");
            assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            consumer.close();
            assertThat(out.delivered).as("each once").hasSize(n).doesNotHaveDuplicates();
            assertThat(route.counters().flushed()).as("records flushed to this output, for its metrics").isEqualTo(n);
        }
    }

    /**
     * A record the spool cannot take (a tag over its 64 KiB limit) is counted as a stage error and logged with
     * its file and offset; the records around it arrive, and the input's position goes to the end.
     */
    @Test
    void aRecordTheSpoolCannotTakeIsCountedAndLoggedAndTheOthersArrive() throws Exception {
        GatedOutput out = new GatedOutput();
        out.open.countDown();
        CountingOrigin origin = new CountingOrigin();
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            var reader = spool.reader("out", 0);
            RecordRing ring = new RecordRing(64, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route), true,
                    spool.writer());
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, ring.counters(), 256);
            String hugeTag = "t".repeat(70_000);
            String log = TestLogs.of(() -> {
                ring.start();
                consumer.start();
                LineBatch batch = new LineBatch(100);
                long offset = 0;
                for (int i = 0; i < 10; i++) {
                    byte[] line = ("line " + i).getBytes(StandardCharsets.UTF_8);
                    batch.begin(line, i == 5 ? hugeTag : "t", new LineDecoder(null, null, null), origin, 0);
                    batch.add(0, line.length, offset, offset + line.length + 1);
                    offset += line.length + 1;
                    ring.publish(batch);
                }
                assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
                assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
                consumer.close();
            });
            assertThat(out.delivered).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4", "line 6", "line 7",
                    "line 8", "line 9");
            assertThat(ring.counters().stageErrors()).isEqualTo(1);
            assertThat(origin.acked.get()).as("the input's position reaches the end").isEqualTo(70);
            assertThat(log).contains("ERROR dev.ferry.pipeline.ring.SpoolStageHandler - A record could not be written to "
                    + "the spool; it is not delivered (counted in stage_errors). file=/a.log offset=35 tag=" + "t".repeat(200)
                    + "... error=");
        }
    }

    /** A ring spooling into {@code out}, whose spool consumer holds records for a flush interval; started. */
    private record Holding(RecordRing ring, SpoolConsumer consumer) {
        static Holding start(Spool spool, Output out, Duration interval, long maxBytes, BooleanSupplier nothingMoreComing) {
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            var reader = spool.reader("out", 0);
            RecordRing ring = new RecordRing(64, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route), true,
                    spool.writer());
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, ring.counters(), 256);
            consumer.holdForFlushInterval(interval, maxBytes, nothingMoreComing);
            ring.start();
            consumer.start();
            return new Holding(ring, consumer);
        }

        void stop() {
            assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
            consumer.close();
        }
    }

    /** An open {@link GatedOutput} that counts its flushes (each one a request, for an output that batches over time). */
    static final class FlushCountingOutput extends GatedOutput {
        final AtomicInteger flushes = new AtomicInteger();

        FlushCountingOutput() {
            open.countDown();
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
            super.flush();
        }

        @Override
        public long requestBytes() {
            return 1 << 20;
        }
    }

    /** Polls {@code done} every 5 ms until it holds or System.nanoTime() passes {@code end}; the caller asserts. */
    private static void waitUntil(BooleanSupplier done, long end) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
    }

    private static List<String> lines(int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add("line " + i);
        }
        return all;
    }

    /**
     * A slow trickle (a line every 20 ms for 1.2 s) to an output that batches over time, held for a flush interval of
     * 500 ms: a flush (a request) every interval, not one per line, and the last held records go when their interval
     * ends, with no drain and no more lines. Without the hold: 60 flushes.
     */
    @Test
    void aCaughtUpConsumerHoldsATrickleForTheFlushInterval() throws Exception {
        FlushCountingOutput out = new FlushCountingOutput();
        CountingOrigin origin = new CountingOrigin();
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            spool.writer().holdInMemoryAtMost(Duration.ofMillis(1_500));
            Holding h = Holding.start(spool, out, Duration.ofMillis(500), Long.MAX_VALUE, () -> false);
            try {
                publish(h.ring(), origin, 60, 20, new AtomicLong());
                waitUntil(() -> out.delivered.size() == 60, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                assertThat(out.delivered).containsExactlyElementsOf(lines(60));
                assertThat(out.flushes.get()).as("flushes").isBetween(2, 4);
                assertThat(spool.diskBytes()).as("held in memory, never written").isZero();
            } finally {
                h.stop();
            }
        }
    }

    /**
     * A held batch goes once its records reach the byte cap (their JSON, {@code {"log":"line N"}}, 16-17 bytes each),
     * long before the interval: no more than that waits in the spool's memory with its input positions.
     */
    @Test
    void aHeldBatchGoesOnceItHoldsTheByteCap() throws Exception {
        FlushCountingOutput out = new FlushCountingOutput();
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            AtomicBoolean atEnd = new AtomicBoolean();
            Holding h = Holding.start(spool, out, Duration.ofMinutes(10), 80, atEnd::get);
            publish(h.ring(), new CountingOrigin(), 20, 10, new AtomicLong());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            waitUntil(() -> out.flushes.get() >= 3, end);
            // 20 records of 16-17 bytes: 3 or 4 batches reached 80 bytes, each a flush (at most 4, whatever the timing)
            assertThat(out.flushes.get()).as("a flush per 80 bytes of records").isBetween(3, 4);
            assertThat(out.delivered).hasSizeGreaterThanOrEqualTo(15).isSubsetOf(lines(20));
            atEnd.set(true); // the rest, under the cap, goes now
            waitUntil(() -> out.delivered.size() == 20, end);
            assertThat(out.delivered).containsExactlyElementsOf(lines(20));
            h.stop();
        }
    }

    /**
     * A held batch goes when the spool's memory is half full (here 4 KiB, a small document per line), long before the
     * interval or the byte cap: its documents can then leave memory unwritten, and the inputs' positions move on.
     */
    @Test
    void aHeldBatchGoesWhenTheSpoolsMemoryIsHalfFull() throws Exception {
        FlushCountingOutput out = new FlushCountingOutput();
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            spool.writer().holdInMemory(4 * 1024);
            spool.writer().holdInMemoryAtMost(Duration.ofMinutes(11));
            AtomicBoolean atEnd = new AtomicBoolean();
            Holding h = Holding.start(spool, out, Duration.ofMinutes(10), Long.MAX_VALUE, atEnd::get);
            publish(h.ring(), new CountingOrigin(), 200, 2, new AtomicLong());
            assertThat(out.flushes.get()).as("flushes before the end").isGreaterThanOrEqualTo(2);
            atEnd.set(true);
            waitUntil(() -> out.delivered.size() == 200, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            assertThat(out.delivered).containsExactlyElementsOf(lines(200));
            h.stop();
        }
    }

    /** A held batch goes at once when a drain asks for it, and when no more records are coming. */
    @Test
    void aHeldBatchGoesAtOnceOnADrainOrWhenNoMoreRecordsAreComing() throws Exception {
        for (boolean byDrain : new boolean[] {true, false}) {
            FlushCountingOutput out = new FlushCountingOutput();
            AtomicBoolean atEnd = new AtomicBoolean();
            try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool-" + byDrain), SpoolSync.NORMAL, 0))) {
                Holding h = Holding.start(spool, out, Duration.ofMinutes(10), Long.MAX_VALUE, atEnd::get);
                publish(h.ring(), new CountingOrigin(), 5, 0, new AtomicLong());
                Thread.sleep(300);
                assertThat(out.delivered).as("held").isEmpty();
                long asked = System.nanoTime();
                if (byDrain) {
                    assertThat(h.consumer().drain(Duration.ofSeconds(10), () -> false)).isTrue();
                } else {
                    atEnd.set(true);
                    waitUntil(() -> out.delivered.size() == 5, asked + TimeUnit.SECONDS.toNanos(10));
                }
                assertThat(out.delivered).as("by drain: " + byDrain).containsExactlyElementsOf(lines(5));
                assertThat(out.flushes.get()).isEqualTo(1);
                h.stop();
            }
        }
    }

    @Test
    void aFullSpoolPausesTheInputsAndEveryRecordArrivesOnceInOrderWhenTheOutputRecovers() throws Exception {
        GatedOutput out = new GatedOutput();
        CountingOrigin origin = new CountingOrigin();
        int n = 20_000;
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            OutputRoute route = new OutputRoute("gated", TagPattern.wildcard("*"), out);
            // About 30 bytes an entry: the output may hold ~100 KB undelivered before the inputs pause.
            var reader = spool.reader("gated", 100_000);
            RecordRing ring = new RecordRing(64, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route), true,
                    spool.writer());
            assertThat(ring.holdsInputs()).isFalse();
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, ring.counters(), 256);
            ring.start();
            consumer.start();

            AtomicLong publishedLines = new AtomicLong();
            Thread input = input(ring, origin, n, publishedLines);

            // The output delivers nothing: the spool fills to its limit, then the ring, then the input stops.
            long seen = -1;
            while (publishedLines.get() != seen) {
                seen = publishedLines.get();
                Thread.sleep(300); // the pause itself is what is measured: no progress over a whole interval
            }
            assertThat(seen).isLessThan(n);
            assertThat(out.delivered).isEmpty();
            assertThat(ring.holdsInputs()).as("the ring asks its inputs to stop reading").isTrue();
            // What is acknowledged to the input is on disk, nothing beyond: the spool writes what it held in memory
            // once it is a second old (nothing is delivered), and only then are the positions acknowledged.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (origin.acked.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(origin.acked.get()).isPositive();
            assertThat(ring.counters().spooled()).isLessThan(n);

            out.open.countDown();
            input.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(input.isAlive()).isFalse();
            assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            consumer.close();

            assertThat(out.delivered).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(out.delivered.get(i)).isEqualTo("line " + i);
            }
            assertThat(ring.counters().spooled()).isEqualTo(n);
            assertThat(ring.counters().delivered()).isEqualTo(n);
            assertThat(ring.holdsInputs()).as("room again: the inputs may read").isFalse();
        }
    }

    /**
     * An output whose started flushes are answered when the test says so ({@link #answer}): it records what was
     * written, how many flushes were started, and the whole flushes the consumer asks for after a failed answer.
     */
    static final class HeldAnswersOutput implements Output {
        final List<String> written = Collections.synchronizedList(new ArrayList<>());
        final List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
        final AtomicInteger wholeFlushes = new AtomicInteger();

        @Override
        public void write(LogRecord record) {
            written.add(record.fields().text("log"));
        }

        @Override
        public PendingFlush startFlush() {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return () -> {
                try {
                    answer.get();
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            };
        }

        @Override
        public void flush() {
            wholeFlushes.incrementAndGet();
        }

        /** Waits until {@code n} flushes were started. */
        CompletableFuture<Void> answer(int n) throws InterruptedException {
            for (int i = 0; i < 500 && answers.size() < n; i++) {
                Thread.sleep(10);
            }
            assertThat(answers).hasSizeGreaterThanOrEqualTo(n);
            return answers.get(n - 1);
        }

        @Override
        public void close() {
        }
    }

    /** Spools "line 0" to "line n-1" through a ring, which is then stopped: they are all in the spool. */
    /** An output that reads the fields of the records {@code reads} picks (by their number), keeping what it read. */
    static final class FieldReadingOutput implements Output {
        final List<Object> seen = new CopyOnWriteArrayList<>();
        private final java.util.function.IntPredicate reads;
        private int n;

        FieldReadingOutput(java.util.function.IntPredicate reads) {
            this.reads = reads;
        }

        @Override
        public void write(LogRecord r) {
            if (reads.test(n++)) {
                seen.add(r.fields().toMap());
                seen.add(r.fields().rawPrefix());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** {@link #LOG_ONLY}, counting its parses. */
    static final class CountingParser implements Parser {
        final AtomicInteger parsed = new AtomicInteger();

        @Override
        public boolean parse(LogRecord r) {
            parsed.incrementAndGet();
            return LOG_ONLY.parse(r);
        }

        @Override
        public String name() {
            return "counting";
        }
    }

    private static void appendLogRecords(Spool spool, int n) {
        for (int i = 0; i < n; i++) {
            spool.writer().append(TestRecords.json("{\"log\":\"r" + i + "\"}"));
        }
        spool.writer().flush();
    }

    /**
     * Records are spooled without member spans until an output reads the fields of most records (half of 1,024 in a
     * row): those are parsed. The records spooled after that are cut into the fields they were spooled with at the
     * spans they carry, the parser not asked. A record appended as bytes has no spans and is parsed.
     */
    @Test
    void onceAnOutputReadsTheFieldsOfMostRecordsTheRecordsSpooledAfterAreCutAtTheirSpans() throws Exception {
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            var reader = spool.reader("out", 0);
            appendLogRecords(spool, 1024);
            LogRecord record = TestRecords.json("{ \"level\" : \"info\",\"m\":{\"a\":[1,\"}\"]}, \"say \\\"hi\\\"\":-1.5e3 }");
            record.fields().put("host", "node \"1\"");
            record.fields().append("n", 7L);
            byte[] plain = "{\"log\":\"as bytes\"}".getBytes(StandardCharsets.UTF_8);
            FieldReadingOutput out = new FieldReadingOutput(i -> true);
            CountingParser counting = new CountingParser();
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            SpoolConsumer consumer = new SpoolConsumer(route, reader, counting, new RingCounters(), 256);
            consumer.start();
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            assertThat(out.seen).hasSize(2 * 1024).contains(java.util.Map.of("log", "r1023"));
            assertThat(counting.parsed).as("spooled before the output's reads asked for spans").hasValue(1024);
            out.seen.clear();
            spool.writer().append(record);
            spool.writer().append(plain, 0, plain.length, "t", 1, false, null, 0, 0);
            spool.writer().flush();
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            consumer.close();
            assertThat(out.seen).containsExactly(record.fields().toMap(), 5, java.util.Map.of("log", "as bytes"), 0);
            assertThat(out.seen.get(0).toString())
                    .isEqualTo("{level=info, m={a=[1, }]}, say \"hi\"=-1500.0, host=node \"1\", n=7}");
            assertThat(counting.parsed).as("only the record without spans").hasValue(1025);
        }
    }

    /**
     * An output that reads the fields of a record now and then (a quarter of them here) has only those records
     * parsed, each when it reads, and the spool's writer is not asked for spans: a record spooled after 2,048 such
     * is parsed too.
     */
    @Test
    void anOutputThatReadsFieldsNowAndThenHasOnlyThoseRecordsParsedAndAsksForNoSpans() throws Exception {
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            var reader = spool.reader("out", 0);
            appendLogRecords(spool, 2048);
            FieldReadingOutput out = new FieldReadingOutput(i -> i % 4 == 0);
            CountingParser counting = new CountingParser();
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            SpoolConsumer consumer = new SpoolConsumer(route, reader, counting, new RingCounters(), 256);
            consumer.start();
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            assertThat(counting.parsed).hasValue(512);
            appendLogRecords(spool, 1); // record 2048, read by the output
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            consumer.close();
            assertThat(out.seen).hasSize(2 * 513).endsWith(java.util.Map.of("log", "r0"), 0);
            assertThat(counting.parsed).as("no spans: parsed").hasValue(513);
        }
    }

    private static void spoolLines(Spool spool, OutputRoute route, int n) throws Exception {
        RecordRing ring = new RecordRing(64, 1, RecordRing.Wait.BLOCKING, List.of(), List.of(route), true,
                spool.writer());
        ring.start();
        input(ring, new CountingOrigin(), n, new AtomicLong()).join(TimeUnit.SECONDS.toMillis(60));
        assertThat(ring.drainAndStop(Duration.ofSeconds(30))).isTrue();
    }

    /**
     * While the flush of one batch is answered the consumer reads and writes the next batch, and no further; a
     * batch's position is committed only once its flush is answered, and in order.
     */
    @Test
    void theNextBatchIsWrittenWhileAFlushIsAnsweredAndCommittedOnlyAfterItsAnswer() throws Exception {
        HeldAnswersOutput out = new HeldAnswersOutput();
        int n = 1_000;
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            var reader = spool.reader("out", 0);
            spoolLines(spool, route, n);
            RingCounters counters = new RingCounters();
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, counters, 256);
            consumer.start();

            CompletableFuture<Void> first = out.answer(2);
            Thread.sleep(300); // it would read on here if it did not wait
            assertThat(out.written).as("two batches: the one answered and the next").hasSize(512);
            assertThat(out.answers).hasSize(2);
            assertThat(reader.committedEntries()).isZero();

            out.answers.get(0).complete(null);
            out.answer(3);
            for (int i = 0; i < 100 && reader.committedEntries() < 256; i++) {
                Thread.sleep(10);
            }
            assertThat(reader.committedEntries()).as("the first batch, once answered").isEqualTo(256);
            assertThat(out.written).hasSize(768);

            out.answers.get(2).complete(null); // the third batch's answer comes before the second's
            Thread.sleep(300);
            assertThat(reader.committedEntries()).as("in order: the second batch is not answered").isEqualTo(256);

            out.answers.get(1).complete(null);
            out.answer(4).complete(null); // the last 232 records: it has caught up, and waits for both
            assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
            consumer.close();
            assertThat(reader.committedEntries()).isEqualTo(n);
            assertThat(out.written).hasSize(n).doesNotHaveDuplicates();
            assertThat(out.written.get(n - 1)).isEqualTo("line " + (n - 1));
            assertThat(route.counters().flushed()).isEqualTo(n);
            assertThat(counters.delivered()).isEqualTo(n);
            assertThat(out.wholeFlushes).as("every answer succeeded").hasValue(0);
            assertThat(first).isDone();
        }
    }

    /**
     * A started flush whose answer fails (records without a final answer) is followed by whole flushes, with the
     * outputs' backoff, until one succeeds; only then is its batch committed, and the failure is counted and logged.
     */
    @Test
    void aFlushWhoseAnswerFailsIsFlushedWholeBeforeItsBatchIsCommitted() throws Exception {
        HeldAnswersOutput out = new HeldAnswersOutput();
        int n = 300;
        try (Spool spool = Spool.open(new SpoolConfig(dir.resolve("spool"), SpoolSync.NORMAL, 0))) {
            OutputRoute route = new OutputRoute("out", TagPattern.wildcard("*"), out);
            var reader = spool.reader("out", 0);
            spoolLines(spool, route, n);
            SpoolConsumer consumer = new SpoolConsumer(route, reader, LOG_ONLY, new RingCounters(), 256);
            String log = TestLogs.of(() -> {
                consumer.start();
                out.answer(1).completeExceptionally(new IOException("records have no final answer yet and are sent "
                        + "again (dead-letter file /dl/out.ndjson): disk full"));
                out.answer(2).complete(null);
                assertThat(consumer.drain(Duration.ofSeconds(30), () -> false)).isTrue();
                consumer.close();
            });
            assertThat(out.wholeFlushes).hasValue(1);
            assertThat(reader.committedEntries()).isEqualTo(n);
            assertThat(route.counters().failures()).isEqualTo(1);
            assertThat(log).contains("ERROR dev.ferry.pipeline.ring.OutputRetry - Output failed; retrying, the spool keeps "
                    + "the records meanwhile. output=out action=flush attempt=1 retry_in=100ms error=java.io.IOException: "
                    + "records have no final answer yet and are sent again (dead-letter file /dl/out.ndjson): disk full\n");
        }
    }
}
