package dev.ferry.pipeline.spool;

import static dev.ferry.pipeline.spool.SpoolTest.add;
import static dev.ferry.pipeline.spool.SpoolTest.append;
import static dev.ferry.pipeline.spool.SpoolTest.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** storage.compress: zstd documents on disk, read back exactly, mixed with uncompressed ones, damage reported. */
class SpoolCompressionTest {

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(1_780_000_000_000L * 1_000_000L);

    private Spool open(SpoolCompression compression) {
        return Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0, compression), TestRollCycles.TEST_SECONDLY, clock);
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
        // Version 3, as the release before wrote it, is version 4 uncompressed but for its first byte.
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
                .as("version and compression of each document").containsExactly(40, 30, 41);
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
        try (Spool spool = Spool.open(new SpoolConfig(plain, SpoolSync.NORMAL, 0))) {
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
        try (Spool spool = Spool.open(new SpoolConfig(packed, SpoolSync.NORMAL, 0))) {
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
        try (Spool spool = Spool.open(new SpoolConfig(packed, SpoolSync.NORMAL, 0))) {
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
    void damagedAndMislabelledCompressedDocumentsAreReportedWithTheirIndex() {
        byte[] good = firstDocument(SpoolCompression.ZSTD, 20);
        // A copy of that document as the next one, with its checksum broken: its head and frame header
        // still read, its records do not.
        byte[] broken = good.clone();
        SpoolEntryFormat.putLong(broken, SpoolEntryFormat.FIRST_SEQUENCE_AT, 20);
        SpoolEntryFormat.putLong(broken, SpoolEntryFormat.BYTES_BEFORE_AT, SpoolDocumentUnpacker.recordsLength(good, good.length));
        broken[broken.length - 1] ^= 0x5A;
        long brokenIndex = appendRaw(broken);
        try (Spool spool = open(SpoolCompression.ZSTD)) {
            assertThat(spool.writer().nextSequence()).isEqualTo(40);
            SpoolReader reader = spool.reader("out", 0);
            List<String> read = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                read.add(reader.next().jsonString());
            }
            assertThat(read).containsExactlyElementsOf(lines(0, 20));
            assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("spool document at index 0x" + Long.toHexString(brokenIndex)
                            + " cannot be read: its zstd frame is damaged (")
                    .hasMessageEndingWith(" (" + dir.toAbsolutePath() + ")");
            assertThat(reader.next()).as("the reader moved past it").isNull();
        }

        byte[] noFrame = java.util.Arrays.copyOf(good, SpoolEntryFormat.DOCUMENT_HEAD + 8);
        java.util.Arrays.fill(noFrame, SpoolEntryFormat.DOCUMENT_HEAD, noFrame.length, (byte) 7); // no zstd magic
        long noFrameIndex = appendRaw(noFrame);
        assertThatThrownBy(() -> open(SpoolCompression.ZSTD)).isInstanceOf(IllegalStateException.class)
                .hasMessage("spool " + dir + ": the document at index 0x" + Long.toHexString(noFrameIndex) + " cannot be read: "
                        + "its zstd frame gives no record size from 1 to 1073741824 (-2); move the folder away or set another "
                        + "storage.path");

        byte[] version3 = good.clone();
        version3[0] = 3;
        appendRaw(version3);
        assertThatThrownBy(() -> open(SpoolCompression.OFF)).isInstanceOf(IllegalStateException.class)
                .hasMessage("spool " + dir + ": the document at index 0x" + Long.toHexString(noFrameIndex + 1)
                        + " is not a ferry spool document of version 2 to 4 (" + good.length + " bytes, version 3, "
                        + "compression 1); move the folder away or set another storage.path");
    }
}
