package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.WriteThrough.writeThrough;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.filter.TestRecords;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.MemberSpans;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.record.RecordOrigin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_780_000_000_000L * 1_000_000L);

    private Spool open(SpoolSync sync, long diskLimit) {
        return writeThrough(Spool.open(new SpoolConfig(dir, sync, diskLimit), TestRollCycles.TEST_SECONDLY, clock));
    }

    /** Appends one record as a document of its own. */
    static long append(SpoolWriter w, String json) {
        long sequence = add(w, json);
        w.flush();
        return sequence;
    }

    /** Adds one record to the writer's batch (not written until a flush). */
    static long add(SpoolWriter w, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return w.append(b, 0, b.length, "app.log", 42L, false, "fp-1", 0, b.length + 1);
    }

    static List<String> drain(SpoolReader r) {
        List<String> out = new ArrayList<>();
        for (SpoolEntry e = r.next(); e != null; e = r.next()) {
            out.add(e.jsonString());
        }
        return out;
    }

    @Test
    void anEntryReadsBackExactlyAsAppended() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("es.0", 0);
            SpoolWriter w = spool.writer();
            byte[] json = "{\"msg\":\"h\u00e9llo \u2603\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[json.length + 6];
            System.arraycopy(json, 0, padded, 3, json.length);
            assertThat(w.append(padded, 3, json.length, "kube.var.log", 1_700_000_000_123_456_789L, true,
                    "fp-6fc6ca04320260b8-1024", 100, 180)).isZero();
            assertThat(w.append(json, 0, 0, "t\u00e4g", -1, false, null, 0, 0)).isEqualTo(1);
            assertThat(reader.next()).as("nothing is visible before the flush").isNull();
            w.flush();

            SpoolEntry e = reader.next();
            assertThat(e.sequence()).isZero();
            assertThat(e.tag()).isEqualTo("kube.var.log");
            assertThat(e.timeNanos()).isEqualTo(1_700_000_000_123_456_789L);
            assertThat(e.timeFromLog()).isTrue();
            assertThat(e.originId()).isEqualTo("fp-6fc6ca04320260b8-1024");
            assertThat(e.offset()).isEqualTo(100);
            assertThat(e.nextOffset()).isEqualTo(180);
            assertThat(java.util.Arrays.copyOfRange(e.json(), e.jsonOffset(), e.jsonOffset() + e.jsonLength()))
                    .isEqualTo(json);
            ByteSink sink = new ByteSink(4);
            e.writeJson(sink);
            assertThat(sink.toString()).isEqualTo("{\"msg\":\"h\u00e9llo \u2603\",\"n\":1}");
            int expectedSize = SpoolEntryFormat.RECORD_HEAD + 2 + "kube.var.log".length()
                    + 2 + "fp-6fc6ca04320260b8-1024".length() + json.length;
            assertThat(e.size()).isEqualTo(expectedSize);
            long index = e.index();

            e = reader.next();
            assertThat(e.sequence()).isEqualTo(1);
            assertThat(e.tag()).isEqualTo("t\u00e4g");
            assertThat(e.originId()).isNull();
            assertThat(e.timeFromLog()).isFalse();
            assertThat(e.jsonLength()).isZero();
            assertThat(e.size()).isEqualTo(SpoolEntryFormat.RECORD_HEAD + 2 + 4);
            assertThat(e.index()).as("one document for the batch").isEqualTo(index);
            assertThat(reader.next()).isNull();
            assertThat(w.appendedEntries()).isEqualTo(2);
            assertThat(w.appendedBytes()).isEqualTo(w.bytesEnd()).isEqualTo(spool.diskBytes());
        }
    }

    @Test
    void aLogRecordIsSpooledAsItsJsonTagTimeAndOrigin() {
        try (Spool spool = open(SpoolSync.FULL, 0)) {
            SpoolReader reader = spool.reader("out", 0);
            LogRecord record = TestRecords.json("{\"level\":\"info\",\"msg\":\"started\"}");
            record.fields().put("host", "node-1");
            record.tag("erlmcp");
            record.logTime(1234);
            record.origin(new FixedOrigin("fp-abc-0"), 10, 55);
            ByteSink expected = new ByteSink(64);
            record.fields().writeJson(expected);

            reader.keepMemberSpans(); // as a reader whose output reads fields does
            spool.writer().holdInMemory(1 << 20); // read from memory: a document this small is stored uncompressed,
            spool.writer().append(record);        // with no checksum, and its spans would not be trusted from disk
            spool.writer().flush();

            SpoolEntry e = reader.next();
            assertThat(e.jsonString()).isEqualTo(expected.toString());
            assertThat(e.tag()).isEqualTo("erlmcp");
            assertThat(e.timeNanos()).isEqualTo(1234);
            assertThat(e.timeFromLog()).isTrue();
            assertThat(e.originId()).isEqualTo("fp-abc-0");
            assertThat(e.offset()).isEqualTo(10);
            assertThat(e.nextOffset()).isEqualTo(55);
            assertThat(e.keyMask()).as("the fields' key mask travels with the record")
                    .isEqualTo(record.fields().keyMask())
                    .isEqualTo(RecordFields.keyBit("level") | RecordFields.keyBit("msg") | RecordFields.keyBit("host"));
            MemberSpans spans = new MemberSpans();
            assertThat(e.members(spans)).as("where each value lies in the JSON travels with the record").isTrue();
            assertThat(spansOf(spans)).containsExactly(9, 15, 22, 31, 39, 47); // "info", "started", "node-1"
            assertThat(e.size()).as("the entry's size counts the mask, the JSON's length and the member table")
                    .isEqualTo(SpoolEntryFormat.RECORD_HEAD + SpoolEntryFormat.KEY_MASK_BYTES
                    + SpoolEntryFormat.JSON_LENGTH_BYTES + 2 + "erlmcp".length() + 2 + "fp-abc-0".length()
                    + expected.length() + 7); // table: count + 1, then gap and length per member, a byte each
        }
    }

    @Test
    void aMemberTableThatDoesNotReadWithinItsJsonGivesNoSpans() {
        String json = "{\"a\":1,\"b\":\"x\"}";
        MemberSpans spans = new MemberSpans();
        spans.add(5, 6);
        spans.add(11, 14);
        SpoolBatchEncoder encoder = new SpoolBatchEncoder();
        encoder.begin(0, 0);
        int at = encoder.beginRecord("t", 1, false, null, 0, 0, RecordFields.UNKNOWN_KEYS, LogRecord.NO_LINE_HASH, true);
        encoder.sink().write(json.getBytes(StandardCharsets.UTF_8));
        int size = encoder.endRecord(at, spans);
        byte[] doc = java.util.Arrays.copyOf(encoder.array(), encoder.length());
        assertThat(doc[0]).as("a document with a member table is version 6").isEqualTo((byte) 6);
        int table = at + size - 5; // count + 1, then gap and length of each member: a byte each here
        SpoolEntry e = new SpoolEntry();
        MemberSpans read = new MemberSpans();

        e.decode(doc, at, doc.length, 0, 0, 0, true);
        assertThat(e.jsonString()).isEqualTo(json);
        assertThat(e.members(read)).isTrue();
        assertThat(spansOf(read)).containsExactly(5, 6, 11, 14);
        e.decode(doc, at, doc.length, 0, 0, 0, false);
        assertThat(e.members(read)).as("bytes not known to be intact (stored without a checksum) are parsed").isFalse();
        byte[][] damaged = new byte[4][];
        for (int i = 0; i < damaged.length; i++) {
            damaged[i] = doc.clone();
        }
        damaged[0][table] = 0; // "not known"
        damaged[1][table] = 4; // three members, where the table holds two
        damaged[2][table + 4] = 5; // the last value would end past the JSON (15 bytes)
        damaged[3][table] = 2; // one member: the table goes on after it
        for (byte[] d : damaged) {
            e.decode(d, at, d.length, 0, 0, 0, true);
            assertThat(e.jsonString()).isEqualTo(json);
            assertThat(e.members(read)).isFalse();
            assertThat(read.count()).isZero();
        }
        encoder.begin(1, size);
        at = encoder.beginRecord("t", 1, false, null, 0, 0, RecordFields.UNKNOWN_KEYS, LogRecord.NO_LINE_HASH, true);
        encoder.abortRecord(at); // a record with a table whose JSON could not be written leaves no trace
        at = encoder.beginRecord("t", 1, false, null, 0, 0, RecordFields.UNKNOWN_KEYS, LogRecord.NO_LINE_HASH, false);
        encoder.sink().write(json.getBytes(StandardCharsets.UTF_8));
        encoder.endRecord(at, null);
        assertThat(encoder.array()[0]).as("without one, version 5: the releases before 6 read it").isEqualTo((byte) 5);
    }

    @Test
    void aLineHashIsSpooledWithItsRecordAndOnlyWithIt() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("out", 0);
            LogRecord hashed = TestRecords.json("{\"m\":1}");
            hashed.origin(new FixedOrigin("fp-abc-0"), 0, 8);
            hashed.lineHash(0xF00DBEEFL);
            LogRecord plain = TestRecords.json("{\"m\":2}");
            plain.origin(new FixedOrigin("fp-abc-0"), 8, 16);
            spool.writer().append(hashed);
            spool.writer().append(plain);
            spool.writer().flush();

            SpoolEntry e = reader.next();
            assertThat(e.lineHash()).as("all 32 bits, unsigned").isEqualTo(0xF00DBEEFL);
            assertThat(e.jsonString()).isEqualTo("{\"m\":1}");
            assertThat(e.size()).as("no member table: no reader asked for one")
                    .isEqualTo(SpoolEntryFormat.RECORD_HEAD + SpoolEntryFormat.KEY_MASK_BYTES
                    + SpoolEntryFormat.LINE_HASH_BYTES + 2 + 0 + 2 + "fp-abc-0".length() + "{\"m\":1}".length());
            assertThat(e.members(new MemberSpans())).isFalse();
            e = reader.next();
            assertThat(e.lineHash()).isEqualTo(LogRecord.NO_LINE_HASH);
            assertThat(e.originId()).isEqualTo("fp-abc-0");
            assertThat(e.jsonString()).isEqualTo("{\"m\":2}");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aVersion2DocumentFromTheReleaseBeforeIsReadAndAppendedTo() {
        // Version 2 as the previous release wrote it: no key mask bit, no mask bytes.
        byte[] json = "{\"i\":7}".getBytes(StandardCharsets.UTF_8);
        byte[] tag = "app.log".getBytes(StandardCharsets.UTF_8);
        int recordSize = SpoolEntryFormat.RECORD_HEAD + 2 + tag.length + json.length;
        byte[] doc = new byte[SpoolEntryFormat.DOCUMENT_HEAD + recordSize];
        doc[0] = 2;
        SpoolEntryFormat.putInt(doc, SpoolEntryFormat.COUNT_AT, 1);
        int at = SpoolEntryFormat.DOCUMENT_HEAD;
        SpoolEntryFormat.putInt(doc, at, recordSize - 4);
        doc[at + 4] = SpoolEntryFormat.FLAG_NO_ORIGIN;
        SpoolEntryFormat.putLong(doc, at + 5, 99L);
        SpoolEntryFormat.putShort(doc, at + SpoolEntryFormat.RECORD_HEAD, tag.length);
        System.arraycopy(tag, 0, doc, at + SpoolEntryFormat.RECORD_HEAD + 2, tag.length);
        System.arraycopy(json, 0, doc, doc.length - json.length, json.length);
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            spool.reader("out", 0);
        }
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.single(dir.toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock).build();
                ExcerptAppender a = q.createAppender();
                DocumentContext dc = a.writingDocument()) {
            dc.wire().bytes().write(doc);
        }
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            assertThat(spool.writer().nextSequence()).as("counters resume from the version 2 document").isEqualTo(1);
            SpoolReader reader = spool.reader("out", 0);
            append(spool.writer(), "{\"i\":8}");
            SpoolEntry e = reader.next();
            assertThat(e.jsonString()).isEqualTo("{\"i\":7}");
            assertThat(e.tag()).isEqualTo("app.log");
            assertThat(e.timeNanos()).isEqualTo(99L);
            assertThat(e.keyMask()).isEqualTo(RecordFields.UNKNOWN_KEYS);
            assertThat(reader.next().jsonString()).isEqualTo("{\"i\":8}");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void recordsAppendedFromBytesCarryNoKeyMask() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("out", 0);
            append(spool.writer(), "{\"i\":1}");
            SpoolEntry e = reader.next();
            assertThat(e.jsonString()).isEqualTo("{\"i\":1}");
            assertThat(e.keyMask()).isEqualTo(RecordFields.UNKNOWN_KEYS);
        }
    }

    @Test
    void twoReadersMoveAtTheirOwnPace() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader fast = spool.reader("fast", 0);
            SpoolReader slow = spool.reader("slow", 0);
            for (int i = 0; i < 10; i++) {
                append(spool.writer(), "{\"i\":" + i + "}");
            }
            List<String> all = drain(fast);
            assertThat(all).hasSize(10).startsWith("{\"i\":0}").endsWith("{\"i\":9}");
            SpoolEntry last = null;
            for (int i = 0; i < 4; i++) {
                last = slow.next();
            }
            assertThat(last.jsonString()).isEqualTo("{\"i\":3}");
            slow.commit(last.sequence());

            assertThat(fast.pendingEntries()).isEqualTo(10);
            assertThat(slow.pendingEntries()).isEqualTo(6);
            assertThat(slow.committedEntries()).isEqualTo(4);
            assertThat(slow.pendingBytes()).isEqualTo(spool.writer().bytesEnd() - slow.committedBytes());

            append(spool.writer(), "{\"i\":10}");
            assertThat(drain(fast)).containsExactly("{\"i\":10}");
            assertThat(drain(slow)).hasSize(7).startsWith("{\"i\":4}").endsWith("{\"i\":10}");
        }
    }

    @Test
    void aRestartResumesAfterTheLastCommitAndKeepsCounting() {
        try (Spool spool = open(SpoolSync.FULL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            for (int i = 0; i < 10; i++) {
                append(spool.writer(), "{\"i\":" + i + "}");
            }
            long sixth = 0;
            for (int i = 0; i < 8; i++) {
                SpoolEntry e = reader.next();
                if (i == 5) {
                    sixth = e.sequence();
                }
            }
            reader.commit(sixth);
        }
        try (Spool spool = open(SpoolSync.FULL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            assertThat(spool.writer().nextSequence()).isEqualTo(10);
            assertThat(reader.pendingEntries()).isEqualTo(4);
            SpoolEntry e = reader.next();
            assertThat(e.sequence()).isEqualTo(6);
            assertThat(e.jsonString()).isEqualTo("{\"i\":6}");
            assertThat(append(spool.writer(), "{\"i\":10}")).isEqualTo(10);
            assertThat(drain(reader)).containsExactly("{\"i\":7}", "{\"i\":8}", "{\"i\":9}", "{\"i\":10}");
            assertThat(reader.pendingBytes()).isEqualTo(spool.writer().bytesEnd() - reader.committedBytes());
        }
    }

    @Test
    void rewindReadsTheUncommittedEntriesAgain() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            for (int i = 0; i < 5; i++) {
                append(spool.writer(), "{\"i\":" + i + "}");
            }
            reader.commit(reader.next().sequence());
            assertThat(drain(reader)).hasSize(4);
            reader.rewind();
            assertThat(drain(reader)).containsExactly("{\"i\":1}", "{\"i\":2}", "{\"i\":3}", "{\"i\":4}");
        }
    }

    @Test
    void aNewReaderStartsAtTheOldestEntryKeptAndKeepsThatPlaceAcrossACrashBeforeItsFirstCommit() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            spool.reader("old", 0);
            append(spool.writer(), "{\"i\":0}");
        }
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            spool.reader("old", 0);
            spool.reader("new", 0);
            append(spool.writer(), "{\"i\":1}");
        }
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            assertThat(drain(spool.reader("old", 0))).containsExactly("{\"i\":0}", "{\"i\":1}");
            assertThat(drain(spool.reader("new", 0))).containsExactly("{\"i\":0}", "{\"i\":1}");
        }
    }

    /**
     * An output without Alias is named by its place among the outputs: removing the one before it renames
     * it (es.1 becomes es.0). What it had not delivered under its old name is delivered under the new one,
     * and the old name's position is reported, not silently left behind.
     */
    @Test
    void anOutputRenamedWhileItsRecordsWaitGetsThemUnderItsNewName() throws Exception {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader stdout = spool.reader("stdout.0", 0);
            spool.reader("es.1", 0);
            for (int i = 0; i < 3; i++) {
                append(spool.writer(), "{\"i\":" + i + "}");
            }
            stdout.commit(lastSequence(stdout));
        }
        String log = dev.ferry.pipeline.TestLogs.of(() -> {
            try (Spool spool = open(SpoolSync.NORMAL, 0)) {
                SpoolReader es = spool.reader("es.0", 0);
                spool.warnOfUnregisteredReaders();
                assertThat(drain(es)).containsExactly("{\"i\":0}", "{\"i\":1}", "{\"i\":2}");
            }
        });
        assertThat(log).contains("INFO dev.ferry.pipeline.spool.Spool - Spool reader registered: a new output (or one "
                + "with a new name) starts at the oldest entry still in the spool. name=es.0 committedSequence=0 "
                + "pendingEntries=3");
        assertThat(log).contains("WARN dev.ferry.pipeline.spool.Spool - The spool has the position of an output that is "
                + "not in the configuration").contains("reader=es.1 entriesItHadNotCommitted=3 file=")
                .contains("reader=stdout.0 entriesItHadNotCommitted=0 file=");
    }

    @Test
    void cleanupDeletesOnlyCyclesEveryReaderCommittedPast() throws Exception {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader a = spool.reader("a", 0);
            SpoolReader b = spool.reader("b", 0);
            List<Integer> cycles = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                for (int i = 0; i < 3; i++) {
                    append(spool.writer(), "{\"c\":" + c + ",\"i\":" + i + "}");
                }
                cycles.add(spool.cycleOf(spool.writer().lastIndex()));
                clock.advanceMillis(1000);
            }
            assertThat(cycles).doesNotHaveDuplicates();
            assertThat(cycleFiles()).containsExactlyElementsOf(cycles.stream().map(spool::cycleFileName).toList());
            long bytesBefore = spool.diskBytes();

            long lastOfA = 0;
            for (SpoolEntry e = a.next(); e != null; e = a.next()) {
                lastOfA = e.sequence();
            }
            a.commit(lastOfA);
            assertThat(cycleFiles()).as("b has committed nothing").hasSize(4);

            SpoolEntry e = null;
            for (int i = 0; i < 7; i++) {
                e = b.next();
            }
            assertThat(e.jsonString()).isEqualTo("{\"c\":2,\"i\":0}");
            b.commit(e.sequence());
            assertThat(cycleFiles()).containsExactly(spool.cycleFileName(cycles.get(2)),
                    spool.cycleFileName(cycles.get(3)));
            assertThat(spool.deletedFiles()).isEqualTo(2);
            assertThat(spool.diskBytes()).isLessThan(bytesBefore);

            // the last entry of cycle 2 committed: cycle 2 stays, it holds the committed entry
            b.next();
            e = b.next();
            b.commit(e.sequence());
            assertThat(cycleFiles()).hasSize(2);
            e = b.next();
            b.commit(e.sequence());
            assertThat(cycleFiles()).containsExactly(spool.cycleFileName(cycles.get(3)));
            assertThat(drain(b)).containsExactly("{\"c\":3,\"i\":1}", "{\"c\":3,\"i\":2}");
        }
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            assertThat(drain(spool.reader("b", 0))).containsExactly("{\"c\":3,\"i\":1}", "{\"c\":3,\"i\":2}");
            assertThat(drain(spool.reader("a", 0))).isEmpty();
            assertThat(spool.writer().nextSequence()).isEqualTo(12);
        }
    }

    @Test
    void aReaderLeftOutWhileItsCycleWasDeletedResumesAtTheOldestEntryKept() throws Exception {
        assertThat(leaveBOutWhileACommits(1)).as("b is not registered, so c=0 goes").isEqualTo(1);
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader b = spool.reader("b", 0);
            assertThat(drain(b)).containsExactly("{\"c\":1}", "{\"c\":2}");
            assertThat(b.lostEntries()).as("b had committed c=0, which is all that went").isZero();
        }
    }

    @Test
    void entriesDeletedWhileAReaderWasLeftOutAreCountedAsLostToIt() throws Exception {
        assertThat(leaveBOutWhileACommits(2)).as("b is not registered, so c=0 and c=1 go").isEqualTo(2);
        String log = dev.ferry.pipeline.TestLogs.of(() -> {
            try (Spool spool = open(SpoolSync.NORMAL, 0)) {
                SpoolReader b = spool.reader("b", 0);
                assertThat(drain(b)).containsExactly("{\"c\":2}");
                assertThat(b.lostEntries()).isEqualTo(1);
            }
        });
        assertThat(log).contains("ERROR dev.ferry.pipeline.spool.SpoolReader - Records were deleted from the spool before "
                + "this output read them: they are not delivered to it. The output was not in the configuration while "
                + "the other outputs went on. reader=b lost=1 sequences=1-1 next=0x");
    }

    @Test
    void appendingAndReadingAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        LogRecord record = TestRecords.json("{\"level\":\"info\",\"msg\":\"" + "x".repeat(380) + "\"}");
        record.tag("erlmcp");
        record.origin(new FixedOrigin("fp-6fc6ca04320260b8-1024"), 0, 426);
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            for (int i = 0; i < 20_000; i++) {
                spool.writer().append(record);
                spool.writer().flush();
                reader.next();
            }
            for (int i = 0; i < 200; i++) { // and a full document (its buffer is pooled)
                spool.writer().append(record);
            }
            spool.writer().flush();
            while (reader.next() != null) {
            }
            long t = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(t);
            for (int i = 0; i < 10_000; i++) {
                spool.writer().append(record);
            }
            spool.writer().flush();
            long appendBytes = threads.getThreadAllocatedBytes(t) - before;
            before = threads.getThreadAllocatedBytes(t);
            for (int i = 0; i < 10_000; i++) {
                reader.next();
            }
            long readBytes = threads.getThreadAllocatedBytes(t) - before;
            // less than a byte per entry on average: nothing per entry (Chronicle allocates now and then)
            assertThat(appendBytes / 10_000).as("bytes allocated per append").isLessThan(8);
            assertThat(readBytes / 10_000).as("bytes allocated per read").isLessThan(8);
        }
    }

    // the record head + "app.log" and "fp-1" with their lengths + {"i":N} with one digit
    private static final long SMALL_ENTRY = SpoolEntryFormat.RECORD_HEAD + 2 + 7 + 2 + 4 + 7;

    @Test
    void anOutputLimitTurnsHasRoomOffUntilItsReaderCommits() throws Exception {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolWriter w = spool.writer();
            SpoolReader unlimited = spool.reader("unlimited", 0);
            SpoolReader limited = spool.reader("limited", 3 * SMALL_ENTRY);
            int appended = 0;
            while (w.hasRoom()) {
                append(w, "{\"i\":" + appended++ + "}");
            }
            assertThat(appended).isEqualTo(3);
            assertThat(limited.pendingBytes()).isEqualTo(3 * SMALL_ENTRY);
            assertThat(w.awaitRoom(5, TimeUnit.MILLISECONDS)).isFalse();
            append(w, "{\"i\":3}");
            assertThat(unlimited.pendingEntries()).isEqualTo(4);

            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return w.awaitRoom(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            SpoolEntry first = limited.next();
            limited.commit(first.sequence());
            assertThat(w.hasRoom()).as("3 entries still pending").isFalse();
            limited.next();
            SpoolEntry third = limited.next();
            limited.commit(third.sequence());
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(w.hasRoom()).isTrue();
            assertThat(limited.pendingEntries()).isEqualTo(1);
            assertThat(limited.committedEntries()).isEqualTo(3);
        }
    }

    @Test
    void theDiskCapTurnsHasRoomOffUntilConsumedCyclesAreDeleted() throws Exception {
        try (Spool spool = open(SpoolSync.NORMAL, 10 * SMALL_ENTRY)) {
            SpoolWriter w = spool.writer();
            SpoolReader r = spool.reader("es", 0);
            int appended = 0;
            while (w.hasRoom()) {
                append(w, "{\"i\":" + appended++ + "}");
            }
            assertThat(appended).isEqualTo(10);
            assertThat(spool.diskBytes()).isEqualTo(10 * SMALL_ENTRY);
            long last = 0;
            for (SpoolEntry e = r.next(); e != null; e = r.next()) {
                last = e.sequence();
            }
            r.commit(last);
            assertThat(w.hasRoom()).as("the current cycle file holds the committed entries").isFalse();

            clock.advanceMillis(1000);
            append(w, "{\"i\":10}");
            r.commit(r.next().sequence());
            assertThat(cycleFiles()).hasSize(1);
            assertThat(spool.diskBytes()).isEqualTo(SMALL_ENTRY + 1);
            assertThat(w.hasRoom()).isTrue();
        }
    }

    /**
     * storage.min_free against this machine's real filesystem: a reserve larger than the free space makes
     * every document one that would leave too little.
     */
    @Test
    void belowMinFreeAFlushHoldsTheBatchWriteNothingAndHasRoomIsOff() throws Exception {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) { // a spool made while the disk had room
            spool.reader("es", 0);
            append(spool.writer(), "{\"i\":0}");
        }
        long beyondFree = Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0, SpoolCompression.ZSTD, beyondFree),
                TestRollCycles.TEST_SECONDLY, clock))) {
            SpoolReader r = spool.reader("es", 0);
            SpoolWriter w = spool.writer();
            assertThat(drain(r)).containsExactly("{\"i\":0}");
            assertThat(w.hasRoom()).as("not asked yet: no document held").isTrue();
            assertThat(w.diskProblem()).isNull();
            add(w, "{\"i\":1}");
            add(w, "{\"i\":2}");
            assertThat(w.flush()).as("held, not written").isFalse();
            assertThat(spool.writer().tail().written()).as("nothing reached the disk").isZero();
            assertThat(r.next().jsonString()).as("held in memory, the outputs can still deliver it").isEqualTo("{\"i\":1}");
            assertThat(w.hasRoom()).isFalse();
            assertThat(w.diskProblem()).matches(java.util.regex.Pattern.quote("path=" + dir + " free=") + "\\d+"
                    + java.util.regex.Pattern.quote(" min_free=" + beyondFree + " held=") + "[1-9]\\d*");
            assertThat(w.flush()).as("still held").isFalse();
        }
    }

    @Test
    void aNewSpoolIsNotCreatedBelowMinFreeAndSaysWhy() throws Exception {
        Path fresh = dir.resolve("fresh");
        long beyondFree = Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        assertThatThrownBy(() -> writeThrough(Spool.open(new SpoolConfig(fresh, SpoolSync.NORMAL, 0, SpoolCompression.ZSTD, beyondFree))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot create the spool in " + fresh + ": its filesystem has ")
                .hasMessageEndingWith(" bytes free, less than storage.min_free (" + beyondFree
                        + "); free some space there or lower storage.min_free");
        assertThat(fresh.resolve(Spool.METADATA_FILE)).as("Chronicle was not asked to write on that disk").doesNotExist();
    }

    @Test
    void aBatchIsOneDocumentAndACommitInsideItResumesAtTheNextRecord() {
        try (Spool spool = open(SpoolSync.FULL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            for (int i = 0; i < 5; i++) {
                add(spool.writer(), "{\"i\":" + i + "}");
            }
            spool.writer().flush();
            add(spool.writer(), "{\"i\":5}");
            spool.writer().flush();
            List<Long> documents = new ArrayList<>();
            SpoolEntry e = null;
            for (int i = 0; i < 3; i++) {
                e = reader.next();
                documents.add(e.index());
            }
            assertThat(e.jsonString()).isEqualTo("{\"i\":2}");
            assertThat(documents).containsOnly(documents.get(0));
            reader.commit(e.sequence());
            assertThat(reader.committedIndex()).isEqualTo(documents.get(0));
            SpoolEntry fourth = reader.next();
            assertThat(fourth.sequence()).isEqualTo(3);
            assertThat(fourth.tag()).isEqualTo("app.log");
            assertThat(fourth.originId()).isEqualTo("fp-1");
            assertThat(reader.next().jsonString()).isEqualTo("{\"i\":4}");
            assertThat(reader.next().index()).as("the second batch is another document").isNotEqualTo(documents.get(0));
            reader.rewind();
            assertThat(drain(reader)).containsExactly("{\"i\":3}", "{\"i\":4}", "{\"i\":5}");
        }
        try (Spool spool = open(SpoolSync.FULL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            assertThat(reader.committedSequence()).isEqualTo(3);
            assertThat(drain(reader)).containsExactly("{\"i\":3}", "{\"i\":4}", "{\"i\":5}");
            assertThat(spool.writer().nextSequence()).isEqualTo(6);
            assertThat(reader.pendingBytes()).isEqualTo(spool.writer().bytesEnd() - reader.committedBytes())
                    .isEqualTo(3 * SMALL_ENTRY - 2 * (2 + 7 + 2 + 4)); // 3 and 4 share 0's tag and origin
        }
    }

    @Test
    void aBatchIsWrittenOnceItReachesAbout64KiB() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader reader = spool.reader("es", 0);
            String big = "{\"pad\":\"" + "x".repeat(1000) + "\"}";
            int n = 0;
            while (reader.next() == null) {
                add(spool.writer(), big);
                n++;
                assertThat(n).isLessThan(100);
            }
            assertThat(n).isEqualTo(SpoolEntryFormat.TARGET_DOCUMENT_BYTES / (1010 + SpoolEntryFormat.RECORD_HEAD) + 1);
            assertThat(drain(reader)).hasSize(n - 1);
        }
    }

    @Test
    void misuseIsRefusedWithAClearMessage() {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            assertThatThrownBy(() -> spool.reader("a/b", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("spool reader name 'a/b' must be 1 to 100 characters of A-Z a-z 0-9 . _ -");
            SpoolReader r = spool.reader("es", 0);
            assertThatThrownBy(() -> spool.reader("es", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("spool reader es is already registered");
            append(spool.writer(), "{}");
            assertThatThrownBy(() -> spool.reader("late", 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("spool reader late must be registered before the first append");
            assertThatThrownBy(() -> r.commit(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("spool reader es did not hand out sequence 9223372036854775807");
            String longTag = "t".repeat(70_000);
            assertThatThrownBy(() -> spool.writer().append(new byte[0], 0, 0, longTag, 0, false, null, 0, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("spool entry tag is 70000 bytes, more than 65535");
            assertThat(drain(r)).containsExactly("{}");
            assertThat(spool.writer().nextSequence()).isEqualTo(1);
        }
        assertThatThrownBy(() -> SpoolSync.parse("always")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("storage.sync must be normal or full, not 'always'");
        assertThat(SpoolSync.parse(" Full ")).isEqualTo(SpoolSync.FULL);
    }

    @Test
    void theDefaultRollCycleNamesFilesAsChronicleDoes() throws Exception {
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0)))) {
            append(spool.writer(), "{}");
            assertThat(cycleFiles()).containsExactly(spool.cycleFileName(spool.cycleOf(spool.writer().lastIndex())));
            assertThat(RollCycles.FIVE_MINUTELY.lengthInMillis()).isEqualTo(300_000);
        }
    }

    private List<String> cycleFiles() throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    private record FixedOrigin(String id) implements RecordOrigin {
        @Override
        public String path() {
            return "/var/log/x.log";
        }

        @Override
        public void acknowledge(long nextOffset) {
        }
    }

    /**
     * Readers a and b over c=0, c=1, c=2 in three cycles, each having committed c=0; then a session without b in
     * which a commits {@code more} entries more.
     *
     * @return the cycle files deleted in that session
     */
    private long leaveBOutWhileACommits(int more) {
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader a = spool.reader("a", 0);
            SpoolReader b = spool.reader("b", 0);
            for (int c = 0; c < 3; c++) {
                append(spool.writer(), "{\"c\":" + c + "}");
                clock.advanceMillis(1000);
            }
            b.commit(b.next().sequence());
            a.commit(a.next().sequence());
        }
        try (Spool spool = open(SpoolSync.NORMAL, 0)) {
            SpoolReader a = spool.reader("a", 0);
            long last = -1;
            for (int i = 0; i < more; i++) {
                last = a.next().sequence();
            }
            a.commit(last);
            return spool.deletedFiles();
        }
    }

    /** The spans as start, end, start, end... */
    private static List<Integer> spansOf(MemberSpans spans) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < spans.count(); i++) {
            out.add(spans.start(i));
            out.add(spans.end(i));
        }
        return out;
    }

    /** Reads every entry the reader has now; the last one's sequence. */
    private static long lastSequence(SpoolReader reader) {
        long last = -1;
        for (SpoolEntry e = reader.next(); e != null; e = reader.next()) {
            last = e.sequence();
        }
        return last;
    }
}
