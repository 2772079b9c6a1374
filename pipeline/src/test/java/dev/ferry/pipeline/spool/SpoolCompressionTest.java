package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.WriteThrough.writeThrough;
import static dev.ferry.pipeline.spool.SpoolTest.add;
import static dev.ferry.pipeline.spool.SpoolTest.append;
import static dev.ferry.pipeline.spool.SpoolTest.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.TestLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** storage.compress: zstd documents on disk, read back exactly, mixed with uncompressed ones, damage reported. */
class SpoolCompressionTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_780_000_000_000L * 1_000_000L);

    private Spool open(SpoolCompression compression) {
        return writeThrough(Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0, compression), TestRollCycles.TEST_SECONDLY, clock));
    }

    private SingleChronicleQueue rawQueue() {
        return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock).build();
    }

    /** Every document in the queue as Chronicle holds it (ferry's head and records, compressed or not). */
    private List<byte[]> rawDocuments() {
        List<byte[]> docs = new ArrayList<>();
        try (SingleChronicleQueue q = rawQueue(); ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return docs;
                    }
                    Bytes<?> in = dc.wire().bytes();
                    byte[] doc = new byte[(int) in.readRemaining()];
                    in.read(doc);
                    docs.add(doc);
                }
            }
        }
    }

    /** Appends a document as it is, bypassing the spool's writer; returns its Chronicle index. */
    private long appendRaw(byte[] doc) {
        try (SingleChronicleQueue q = rawQueue(); ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(doc);
            }
            return a.lastIndexAppended();
        }
    }

    private static String erlmcpLine(int seq) {
        return "{\"timestamp\":\"2026-12-03T12:00:" + (seq % 60) + ".123Z\",\"level\":\"info\",\"logger\":\"erlmcp_server\","
                + "\"message\":\"request handled\",\"metadata\":{\"module\":\"erlmcp_server\",\"function\":\"handle_call\","
                + "\"line\":412,\"pid\":\"<0.1234.0>\",\"trace_id\":\"" + Integer.toHexString(seq * 7919) + "\"},"
                + "\"fields\":{\"seq\":" + seq + ",\"method\":\"tools/call\",\"duration_ms\":" + (seq % 97) + "}}";
    }

    private static List<String> lines(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(erlmcpLine(i));
        }
        return out;
    }

    /** Spools lines 0 to n-1 as one document, with the reader "out" registered; returns the document as stored. */
    private byte[] firstDocument(SpoolCompression compression, int n) {
        try (Spool spool = open(compression)) {
            spool.reader("out", 0);
            addAll(spool.writer(), lines(0, n));
        }
        return rawDocuments().get(0);
    }

    private static void addAll(SpoolWriter w, List<String> lines) {
        for (String l : lines) {
            add(w, l);
        }
        w.flush();
    }

    @Test
    void zstdDocumentsTakeAFractionOfTheRecordsBytesAndReadBackExactly() {
        long bytesEnd;
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            SpoolReader reader = spool.reader("es", 0);
            for (int from = 0; from < 3_000; from += 250) {
                addAll(spool.writer(), lines(from, from + 250));
            }
            List<String> read = new ArrayList<>();
            long sizes = 0;
            for (SpoolEntry e = reader.next(); e != null; e = reader.next()) {
                read.add(e.jsonString());
                sizes += e.size();
            }
            assertThat(read).containsExactlyElementsOf(lines(0, 3_000));
            bytesEnd = spool.writer().bytesEnd();
            assertThat(sizes).as("record sizes are counted before compression").isEqualTo(bytesEnd);
            assertThat(spool.diskBytes()).isEqualTo(bytesEnd);
        }
        List<byte[]> docs = rawDocuments();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(12)
                .allSatisfy(d -> assertThat(d[SpoolEntryFormat.COMPRESSION_AT]).isEqualTo((byte) SpoolEntryFormat.COMPRESSION_ZSTD));
        long onDisk = docs.stream().mapToLong(d -> d.length).sum();
        assertThat(onDisk).as("bytes written of %s record bytes", bytesEnd).isLessThan(bytesEnd / 4);
    }

    @Test
    void changingStorageCompressBetweenRunsKeepsEveryRecordInOrderAndTheCounters() {
        long[] ends = new long[3];
        try (Spool spool = open(SpoolCompression.OFF)) {
            spool.reader("out", 0);
            addAll(spool.writer(), lines(0, 10));
            addAll(spool.writer(), lines(10, 20));
            ends[0] = spool.writer().bytesEnd();
        }
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            assertThat(spool.writer().nextSequence()).isEqualTo(20);
            assertThat(spool.writer().bytesEnd()).isEqualTo(ends[0]);
            addAll(spool.writer(), lines(20, 30));
            addAll(spool.writer(), lines(30, 40));
            ends[1] = spool.writer().bytesEnd();
        }
        try (Spool spool = open(SpoolCompression.OFF)) {
            assertThat(spool.writer().nextSequence()).as("resumed from a compressed last document").isEqualTo(40);
            assertThat(spool.writer().bytesEnd()).isEqualTo(ends[1]);
            SpoolReader reader = spool.reader("out", 0);
            addAll(spool.writer(), lines(40, 50));
            assertThat(drain(reader)).containsExactlyElementsOf(lines(0, 50));
            ends[2] = spool.writer().bytesEnd();
            assertThat(reader.pendingBytes()).isEqualTo(ends[2]);
        }
        assertThat(rawDocuments()).extracting(d -> (int) d[SpoolEntryFormat.COMPRESSION_AT]).containsExactly(0, 0, 1, 1, 0);
    }

    @Test
    void aVersion3DocumentFromTheReleaseBeforeIsReadAndResumedFromThenFollowedByCompressedOnes() {
        // Version 3, as an earlier release wrote it, is an uncompressed document of today's but for its first byte
        // (these records have no origin, so no line hash either, and no reader asked for member tables).
        byte[] version3 = firstDocument(SpoolCompression.OFF, 10);
        version3[0] = 3;
        SpoolEntryFormat.putLong(version3, SpoolEntryFormat.FIRST_SEQUENCE_AT, 10);
        SpoolEntryFormat.putLong(version3, SpoolEntryFormat.BYTES_BEFORE_AT, version3.length - SpoolEntryFormat.DOCUMENT_HEAD);
        appendRaw(version3);
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            assertThat(spool.writer().nextSequence()).as("counters resume from the version 3 document").isEqualTo(20);
            assertThat(spool.writer().bytesEnd()).isEqualTo(2L * (version3.length - SpoolEntryFormat.DOCUMENT_HEAD));
            SpoolReader reader = spool.reader("out", 0);
            addAll(spool.writer(), lines(20, 30));
            List<String> expected = new ArrayList<>(lines(0, 10));
            expected.addAll(lines(0, 10));
            expected.addAll(lines(20, 30));
            assertThat(drain(reader)).containsExactlyElementsOf(expected);
        }
        assertThat(rawDocuments()).extracting(d -> (int) d[0] * 10 + d[SpoolEntryFormat.COMPRESSION_AT])
                .as("version and compression of each document (no member tables: version 5)").containsExactly(50, 30, 51);
    }

    @Test
    void aDocumentThatCompressionWouldNotShrinkIsWrittenAsItIs() {
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            SpoolReader reader = spool.reader("out", 0);
            append(spool.writer(), "{}");
            assertThat(drain(reader)).containsExactly("{}");
        }
        assertThat(rawDocuments()).extracting(d -> (int) d[SpoolEntryFormat.COMPRESSION_AT]).containsExactly(0);
    }

    @Test
    void withoutZstdsNativeLibraryTheSpoolIsWrittenUncompressedAndCompressedDocumentsAreRefusedClearly() throws Exception {
        // zstd-jni unpacks its library into java.io.tmpdir: a child JVM whose tmpdir does not exist cannot load it.
        List<String> noTmp = List.of("-Dchronicle.analytics.disable=true", "-Djava.io.tmpdir=" + dir.resolve("no-such-folder"));
        String noLibrary = "zstd's native library did not load: Cannot unpack libzstd-jni-";
        String fix = "; zstd-jni unpacks its native library into java.io.tmpdir (" + dir.resolve("no-such-folder")
                + ") first: make that folder writable (under systemd: PrivateTmp=true) or point -DZstdTempFolder at one that is";
        Path plain = dir.resolve("plain");
        try (ChildJvm child = ChildJvm.start(noTmp, e -> true, SpoolChildMain.class, "append", plain.toString(), "200")) {
            assertThat(child.awaitLine(l -> l.equals("done"), 60, TimeUnit.SECONDS)).as("child stderr: %s", child.stderr()).isNotNull();
            assertThat(child.stderr()).contains("WARN dev.ferry.pipeline.spool.Spool - The spool is written uncompressed: zstd's native "
                    + "library did not load. path=" + plain + " error=\"Cannot unpack libzstd-jni-").contains(fix + "\"\n")
                    .contains("Spool opened. path=" + plain + " sync=normal compress=off ");
        }
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(plain, SpoolSync.NORMAL, 0)))) {
            SpoolReader reader = spool.reader("out", 0);
            int n = 0;
            for (SpoolEntry e = reader.next(); e != null; e = reader.next()) {
                assertThat(e.jsonString()).startsWith("{\"seq\":" + n + ",");
                n++;
            }
            assertThat(n).isEqualTo(200);
        }

        // Compressed documents, first the last one, then an earlier one, in a JVM without the library.
        Path packed = dir.resolve("packed");
        long firstIndex;
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(packed, SpoolSync.NORMAL, 0)))) {
            spool.reader("out", 0);
            addAll(spool.writer(), lines(0, 20));
            firstIndex = spool.writer().lastIndex();
        }
        try (ChildJvm child = ChildJvm.start(noTmp, e -> true, SpoolChildMain.class, "read", packed.toString())) {
            assertThat(child.awaitLine(l -> l.startsWith("error: "), 60, TimeUnit.SECONDS)).as("child stderr: %s", child.stderr())
                    .startsWith("error: spool " + packed + ": the last document (index 0x" + Long.toHexString(firstIndex)
                            + ") is zstd-compressed and " + noLibrary)
                    .endsWith(fix);
        }
        try (Spool spool = writeThrough(Spool.open(new SpoolConfig(packed, SpoolSync.NORMAL, 0)))) {
            append(spool.writer(), "{}"); // too small to compress: the last document is a plain one
        }
        try (ChildJvm child = ChildJvm.start(noTmp, e -> true, SpoolChildMain.class, "read", packed.toString())) {
            String line = child.awaitLine(l -> l.startsWith("error: "), 60, TimeUnit.SECONDS);
            assertThat(line).as("child stderr: %s", child.stderr())
                    .startsWith("error: spool document at index 0x" + Long.toHexString(firstIndex) + " is zstd-compressed and "
                            + noLibrary)
                    .endsWith(fix + " (" + packed.toAbsolutePath() + ")");
        }
    }

    @Test
    void aDamagedDocumentIsKeptAsideAndPassedItsLostRecordsCountedAndEveryOtherRecordRead() throws Exception {
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            spool.reader("out", 0);
            spool.reader("other", 0);
            addAll(spool.writer(), lines(0, 20));
            addAll(spool.writer(), lines(20, 40));
        }
        try (Spool spool = open(SpoolCompression.OFF)) {
            for (int from = 40; from < 100; from += 20) {
                addAll(spool.writer(), lines(from, from + 20));
            }
        }
        List<byte[]> stored = rawDocuments();
        assertThat(stored).extracting(d -> (int) d[SpoolEntryFormat.COMPRESSION_AT]).containsExactly(1, 1, 0, 0, 0);
        // Document 1 (records 20-39, zstd): a flipped bit in its last byte breaks the frame's checksum.
        corrupt(1, stored.get(1).length - 1, 0x5A);
        // Document 2 (records 40-59, plain): record 45 declares a length past the document's end.
        int at = SpoolEntryFormat.DOCUMENT_HEAD;
        for (int i = 0; i < 5; i++) {
            at += 4 + SpoolEntryFormat.getInt(stored.get(2), at);
        }
        corrupt(2, at + 3, 0x5A);
        // Document 3 (records 60-79): its head no longer reads (format version 0).
        corrupt(3, 0, SpoolEntryFormat.VERSION_WITHOUT_MEMBERS);
        List<byte[]> damaged = rawDocuments();
        assertThat(damaged.get(1)).isNotEqualTo(stored.get(1));

        List<Long> indexes = documentIndexes();
        String hex1 = Long.toHexString(indexes.get(1));
        String log = TestLogs.of(() -> {
            try (Spool spool = open(SpoolCompression.ZSTD)) {
                readPastTheDamage(spool);
            }
        });
        String kept = dir.resolve("damaged").resolve("0x").toString();
        assertThat(log).contains("ERROR dev.ferry.pipeline.spool.SpoolReader - A damaged spool document was passed: its records "
                + "that were not read yet are not delivered to this output. reader=out index=0x" + hex1 + " reason=\"its zstd "
                + "frame is damaged (Restored data doesn't match checksum)\" head=\"its head says 20 records from sequence 20\" "
                + "kept=" + kept + hex1 + ".doc spool=" + dir.toAbsolutePath() + "\n");
        assertThat(log).contains("ERROR dev.ferry.pipeline.spool.SpoolReader - Records lost to damaged spool documents: they are "
                + "not delivered to this output. reader=out lost=20 sequences=20-39 damaged=0x" + hex1 + " next=0x"
                + Long.toHexString(indexes.get(2)) + "\n");
        assertThat(log).contains("reader=out index=0x" + Long.toHexString(indexes.get(2)) + " reason=\"spool document at index 0x"
                + Long.toHexString(indexes.get(2)) + " is damaged: record 45 declares a record of ")
                .contains(" head=\"15 records from sequence 45 on, after 5 read\"");
        assertThat(log).contains("reader=out index=0x" + Long.toHexString(indexes.get(3)) + " reason=\"it has format version 0, "
                + "compression 0, 20 records and " + stored.get(3).length + " bytes; expected version 2 to 6\"");
        assertThat(log).as("the two damaged documents in a row leave one gap")
                .contains("reader=out lost=35 sequences=45-79 damaged=0x" + Long.toHexString(indexes.get(2)) + " next=0x"
                        + Long.toHexString(indexes.get(4)) + "\n");
        try (var copies = java.nio.file.Files.list(dir.resolve("damaged"))) {
            assertThat(copies.count()).as("one copy of each, whichever reader found it first").isEqualTo(3);
        }
        for (int d = 1; d <= 3; d++) {
            assertThat(dir.resolve("damaged").resolve("0x" + Long.toHexString(indexes.get(d)) + ".doc"))
                    .as("document %s kept as it was stored", d).hasBinaryContent(damaged.get(d));
        }
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            SpoolReader reader = spool.reader("out", 0);
            assertThat(reader.next()).as("the commit moved past the damage").isNull();
            assertThat(reader.damagedDocuments()).isZero();
        }
    }

    // Reads the spool of the test above with two readers: both pass documents 1 to 3.
    private static void readPastTheDamage(Spool spool) {
        SpoolReader reader = spool.reader("out", 0);
        SpoolReader other = spool.reader("other", 0);
        List<String> read = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            read.add(reader.next().jsonString());
        }
        assertThat(read.get(24)).isEqualTo(erlmcpLine(44));
        reader.commit(42); // across the gap the first damaged document left
        read.addAll(drain(reader));
        List<String> expected = new ArrayList<>(lines(0, 20));
        expected.addAll(lines(40, 45));
        expected.addAll(lines(80, 100));
        assertThat(read).containsExactlyElementsOf(expected);
        assertThat(reader.damagedDocuments()).isEqualTo(3);
        assertThat(reader.lostEntries()).as("records 20-39, 45-59 and 60-79").isEqualTo(20 + 15 + 20);
        reader.commit(99);
        assertThat(reader.pendingEntries()).isZero();
        assertThat(drain(other)).as("each output passes the damage for itself").containsExactlyElementsOf(expected);
        assertThat(other.damagedDocuments()).isEqualTo(3);
        assertThat(other.lostEntries()).isEqualTo(55);
    }

    /** XORs the byte at {@code offset} of the {@code n}th document (0 = first) with {@code bits}, in place, in its cycle file. */
    private void corrupt(int n, int offset, int bits) throws java.io.IOException {
        long position;
        try (SingleChronicleQueue q = rawQueue(); ExcerptTailer t = q.createTailer()) {
            for (int i = 0; i < n; i++) {
                try (DocumentContext dc = t.readingDocument()) {
                    assertThat(dc.isPresent()).isTrue();
                }
            }
            try (DocumentContext dc = t.readingDocument()) {
                position = dc.wire().bytes().readPosition() + offset;
            }
        }
        List<Path> cycles;
        try (var files = java.nio.file.Files.list(dir)) {
            cycles = files.filter(f -> f.toString().endsWith(Spool.CYCLE_SUFFIX)).toList();
        }
        assertThat(cycles).hasSize(1);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(cycles.get(0).toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ bits);
        }
    }

    private List<Long> documentIndexes() {
        List<Long> indexes = new ArrayList<>();
        try (SingleChronicleQueue q = rawQueue(); ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return indexes;
                    }
                    indexes.add(dc.index());
                }
            }
        }
    }

    @Test
    void aDocumentOfANewerFormatStopsTheReaderBeforeItInsteadOfBeingPassedAsDamage() throws Exception {
        try (Spool spool = open(SpoolCompression.OFF)) {
            spool.reader("out", 0);
            addAll(spool.writer(), lines(0, 10));
            addAll(spool.writer(), lines(10, 20));
            addAll(spool.writer(), lines(20, 30));
        }
        long index = documentIndexes().get(1);
        corrupt(1, 0, 5 ^ 7); // version 7, as a later release might write
        try (Spool spool = open(SpoolCompression.OFF)) {
            SpoolReader reader = spool.reader("out", 0);
            for (int i = 0; i < 10; i++) {
                assertThat(reader.next().jsonString()).isEqualTo(erlmcpLine(i));
            }
            String newer = "spool document at index 0x" + Long.toHexString(index) + " has format version 7, newer than this "
                    + "ferry reads (2 to 6): run the ferry release that wrote it, or move the folder away (" + dir.toAbsolutePath() + ")";
            assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class).hasMessage(newer);
            assertThatThrownBy(reader::next).as("it stays before the document").hasMessage(newer);
            assertThat(reader.damagedDocuments()).isZero();
            assertThat(dir.resolve("damaged")).doesNotExist();
        }
        corrupt(0, 0, 5 ^ 7);
        assertThatThrownBy(() -> open(SpoolCompression.OFF)).isInstanceOf(IllegalStateException.class)
                .hasMessage("spool " + dir + ": the document at index 0x" + Long.toHexString(index - 1) + " has format version 7, "
                        + "newer than this ferry reads (2 to 6): run the ferry release that wrote it, or move the folder away or "
                        + "set another storage.path");
        corrupt(2, 0, 5 ^ 7);
        assertThatThrownBy(() -> open(SpoolCompression.OFF)).as("the last document, found first").isInstanceOf(IllegalStateException.class)
                .hasMessage("spool " + dir + ": the document at index 0x" + Long.toHexString(index + 1) + " has format version 7, "
                        + "newer than this ferry reads (2 to 6): run the ferry release that wrote it, or move the folder away or "
                        + "set another storage.path");
    }

    @Test
    void aFirstDocumentWhoseHeadIsDamagedIsLeftToTheReadersAndTheSpoolOpens() throws Exception {
        try (Spool spool = open(SpoolCompression.OFF)) {
            spool.reader("out", 0);
            addAll(spool.writer(), lines(0, 10));
            addAll(spool.writer(), lines(10, 20));
        }
        corrupt(0, 0, SpoolEntryFormat.VERSION_WITHOUT_MEMBERS); // version 0
        // The copy cannot be kept (a file where the folder should be, as a full disk would fail it): the
        // document is still passed, counted and logged, with why there is no copy.
        java.nio.file.Files.writeString(dir.resolve(Spool.DAMAGED_DIR), "in the way");
        String log = TestLogs.of(() -> {
            try (Spool spool = open(SpoolCompression.OFF)) {
                SpoolReader reader = spool.reader("out", 0);
                assertThat(drain(reader)).containsExactlyElementsOf(lines(10, 20));
                assertThat(reader.damagedDocuments()).isEqualTo(1);
                assertThat(reader.lostEntries()).isEqualTo(10);
                long secondBefore = SpoolEntryFormat.getLong(rawDocuments().get(1), SpoolEntryFormat.BYTES_BEFORE_AT);
                assertThat(secondBefore).isPositive();
                assertThat(spool.diskBytes()).as("counted from the first head that reads")
                        .isEqualTo(spool.writer().bytesEnd() - secondBefore);
            }
        });
        assertThat(log).contains(" kept=nowhere (java.nio.file.FileAlreadyExistsException: " + dir.resolve(Spool.DAMAGED_DIR) + ") ")
                .contains("reader=out lost=10 sequences=0-9 ");
    }

    @ParameterizedTest(name = "flag {0}")
    @ValueSource(ints = {SpoolEntryFormat.FLAG_KEY_MASK, SpoolEntryFormat.FLAG_LINE_HASH, SpoolEntryFormat.FLAG_MEMBERS})
    void aRecordWhoseKeyMaskLineHashOrJsonLengthRunsPastItsEndIsDamagePassedCountedAndLogged(int flag) throws Exception {
        // A document of one record whose flags say a key mask (8 bytes), a line hash or the JSON's length (4 bytes)
        // follows, but the record ends 2 bytes after its fixed part.
        String what = flag == SpoolEntryFormat.FLAG_KEY_MASK ? "a key mask"
                : flag == SpoolEntryFormat.FLAG_LINE_HASH ? "a line hash" : "a JSON length";
        int recordSize = SpoolEntryFormat.RECORD_HEAD + 2;
        byte[] doc = new byte[SpoolEntryFormat.DOCUMENT_HEAD + recordSize];
        doc[0] = (byte) SpoolEntryFormat.VERSION;
        SpoolEntryFormat.putInt(doc, SpoolEntryFormat.COUNT_AT, 1);
        int at = SpoolEntryFormat.DOCUMENT_HEAD;
        SpoolEntryFormat.putInt(doc, at, recordSize - 4);
        doc[at + 4] = (byte) (SpoolEntryFormat.FLAG_NO_ORIGIN | SpoolEntryFormat.FLAG_SAME_TAG | flag);
        long index = appendRaw(doc);
        String log = TestLogs.of(() -> {
            try (Spool spool = open(SpoolCompression.OFF)) {
                SpoolReader reader = spool.reader("out", 0);
                addAll(spool.writer(), lines(0, 10));
                assertThat(drain(reader)).as("every record after it").containsExactlyElementsOf(lines(0, 10));
                assertThat(reader.damagedDocuments()).isEqualTo(1);
                assertThat(reader.lostEntries()).isEqualTo(1);
            }
        });
        assertThat(log).contains("reader=out index=0x" + Long.toHexString(index) + " reason=\"spool document at index 0x"
                + Long.toHexString(index) + " is damaged: record 0 declares " + what + " past the record's end\"");
    }

    @Test
    void damagedLastDocumentsArePassedAndTheCountersGoOnAfterWhatTheirHeadsSay() throws Exception {
        byte[] good = firstDocument(SpoolCompression.ZSTD, 20);
        long goodBytes = SpoolDocumentUnpacker.recordsLength(good, good.length);
        // Records 20-39: the head reads, the zstd frame has no magic.
        byte[] noFrame = java.util.Arrays.copyOf(good, SpoolEntryFormat.DOCUMENT_HEAD + 8);
        java.util.Arrays.fill(noFrame, SpoolEntryFormat.DOCUMENT_HEAD, noFrame.length, (byte) 7);
        SpoolEntryFormat.putLong(noFrame, SpoolEntryFormat.FIRST_SEQUENCE_AT, 20);
        SpoolEntryFormat.putLong(noFrame, SpoolEntryFormat.BYTES_BEFORE_AT, goodBytes);
        long noFrameIndex = appendRaw(noFrame);
        // Records 40-59: version 3 marked compressed, which no release wrote.
        byte[] mislabelled = good.clone();
        mislabelled[0] = 3;
        SpoolEntryFormat.putLong(mislabelled, SpoolEntryFormat.FIRST_SEQUENCE_AT, 40);
        appendRaw(mislabelled);

        String log = TestLogs.of(() -> {
            try (Spool spool = open(SpoolCompression.ZSTD)) {
                assertThat(spool.writer().nextSequence()).as("after what the damaged heads say").isEqualTo(60);
                assertThat(spool.writer().bytesEnd()).as("after the last document that reads").isEqualTo(goodBytes);
                SpoolReader reader = spool.reader("out", 0);
                addAll(spool.writer(), lines(60, 70));
                List<String> expected = new ArrayList<>(lines(0, 20));
                expected.addAll(lines(60, 70));
                assertThat(drain(reader)).containsExactlyElementsOf(expected);
                assertThat(reader.damagedDocuments()).isEqualTo(2);
                assertThat(reader.lostEntries()).isEqualTo(40);
            }
        });
        assertThat(log).contains("WARN dev.ferry.pipeline.spool.Spool - The spool ends with 2 document(s) that do not read (a crash "
                + "or a bad disk): the spool goes on after them, and each output passes them and counts the records it loses. "
                + "path=" + dir + " problem=\"the document at index 0x" + Long.toHexString(noFrameIndex) + " cannot be read: its "
                + "zstd frame gives no record size from 1 to 1073741824 (-2)\" nextSequence=60\n");

        // A reader's position further on than the heads say moves the counters too: no sequence is handed out twice.
        byte[] noHead = java.util.Arrays.copyOf(good, 10);
        appendRaw(noHead);
        new ReaderPosition(-1, 500, 1_000_000).write(dir.resolve(Spool.READERS_DIR).resolve("ahead.position"), false);
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            assertThat(spool.writer().nextSequence()).isEqualTo(500);
            assertThat(spool.writer().bytesEnd()).isEqualTo(1_000_000);
        }
    }
}
