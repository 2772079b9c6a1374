package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.compress;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static dev.ferry.agent.source.tail.TailTestSupport.writeCompressed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rotation while the tail runs, on real files: rename (logrotate, OTP logger_std_h), rename then
 * compression into .gz/.zst, segments never seen, copytruncate with and without the copy, and files
 * reused in place as OTP disk_log wrap files are. Lines are numbered ({@code line-00001}, 11 bytes
 * each); every test asserts which numbers arrived, each once.
 */
class TailRotationTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @RegisterExtension
    final TailInputs inputs = new TailInputs("Read_from_Head", "On", "Rotate_Wait", "200ms", "Refresh_Interval", "60");

    @BeforeEach
    void watchAppLog() {
        inputs.addDefaults("Path", dir.resolve("app.log").toString());
    }

    private TailInput start(RecordingPublisher pub, String... keyValues) {
        return inputs.start(pub, keyValues);
    }

    /**
     * app.log with lines 1-100, read; then renamed to app.log.1 as logrotate does without a signal to its writer,
     * lines 101-150 in a new app.log, and read until app.log.1 is let go (Rotate_Wait, 200 ms) and done.
     */
    private TailInput rotatedAndLetGo(RecordingPublisher pub, String... keyValues) throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        TailInput in = start(pub, keyValues);
        await("the first lines", () -> pub.size() == 100);
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 101, 150));
        ackUntil(pub, in, 150);
        await("the rotated file remembered as done", () -> in.counters().rotations() == 1);
        return in;
    }

    /** Acknowledges as lines come until {@code count} arrived and only the live file is open. */
    private static void ackUntil(RecordingPublisher pub, TailInput in, int count) {
        try {
            ackUntil0(pub, in, count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + pub.size() + " lines, " + in.openFiles() + " open files", e);
        }
    }

    private static void ackUntil0(RecordingPublisher pub, TailInput in, int count) {
        await(count + " lines and the rotated files let go (seen: lines and open files)", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.size() >= count && in.openFiles() == 1;
        });
        pub.ackAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "zst"})
    void aFileRenamedThenCompressedBeforeItWasReadToItsEndIsReadWhole(String ext) throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 400));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Mem_Buf_Limit", "200", "Buffer_Chunk_Size", "256");
        await("the reader to pause part-way", in::paused);

        Files.move(live, dir.resolve("app.log.0"));  // OTP logger_std_h with compress_on_rotate:
        compress(dir.resolve("app.log.0"), ext);    // app.log -> app.log.0 -> app.log.0.gz, .0 deleted
        append(live, numbered("line", 401, 500));
        ackUntil(pub, in, 500);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 500));
        assertThat(in.counters().segmentsOpened()).isZero(); // read through the open file, not the segment
        assertThat(in.counters().lostBytes()).isZero();
    }

    /**
     * Issue 4, as OTP logger_std_h with compress_on_rotate at 200 KB a file did it: the new app.log is
     * opened while still empty (no fingerprint yet), and is written full, rotated and gzipped before the
     * tail reads any of it (here: held by Mem_Buf_Limit; there: waiting behind older segments). Its
     * app.log.0.gz is its own data, to be read once through the open file, not again as a segment
     * never seen.
     */
    @Test
    void aFileOpenedEmptyAndRotatedAndCompressedBeforeAnyReadIsNotReadAgainAsASegment() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 400));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Mem_Buf_Limit", "200", "Buffer_Chunk_Size", "256");
        await("the reader to pause part-way", in::paused);

        Files.move(live, dir.resolve("app.log.0"));      // first rotation, as OTP: rename, gzip, .0 deleted
        compress(dir.resolve("app.log.0"), "gz");
        Files.createFile(live);                           // the handler's new file, empty when opened
        await("the new, empty app.log opened", () -> in.counters().filesOpened() == 2);

        append(live, numbered("line", 401, 500));        // filled while the reader is held
        Files.move(dir.resolve("app.log.0.gz"), dir.resolve("app.log.1.gz"));
        // Second rotation: the end state of rename + gzip + delete .0, made before the tail can see a step of it.
        writeCompressed(dir.resolve("app.log.0.gz"), Files.readAllBytes(live));
        Files.delete(live);
        await("the second rotation seen", () -> in.counters().rotations() == 2);
        append(live, numbered("line", 501, 510));
        ackUntil(pub, in, 510);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 510));
        assertThat(in.counters().segmentsOpened()).isZero(); // both read through their open files
        assertThat(in.counters().lostBytes()).isZero();
    }

    @Test
    void logrotateRenamesAreFollowedAndRotatedFilesAreNotReadAgain() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first lines", () -> pub.size() == 100);

        Files.move(live, dir.resolve("app.log.1"));               // logrotate (delaycompress)
        append(dir.resolve("app.log.1"), numbered("line", 101, 150)); // the writer's old descriptor
        append(live, numbered("line", 151, 200));
        ackUntil(pub, in, 200);
        await("the rotated file remembered as done", () -> in.counters().rotations() == 1);

        compress(dir.resolve("app.log.1"), "gz");                 // the next run: .1 -> .1.gz -> .2.gz
        Files.move(dir.resolve("app.log.1.gz"), dir.resolve("app.log.2.gz"));
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 201, 250));
        ackUntil(pub, in, 250);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 250));
        assertThat(in.counters().segmentsOpened()).isZero();
        assertThat(in.counters().lateWrites()).isZero();
        assertThat(in.counters().rotations()).isEqualTo(2);
    }

    @Test
    void aRotatedFileItsWriterWritesOnAfterItWasLetGoIsReadOnFromWhereItWasLeft() throws Exception {
        Path live = dir.resolve("app.log");
        Path rotated = dir.resolve("app.log.1");
        RecordingPublisher pub = new RecordingPublisher(true);
        String log = dev.ferry.pipeline.TestLogs.of(() -> {
            TailInput in = rotatedAndLetGo(pub, "Refresh_Interval", "1");
            append(rotated, numbered("line", 151, 160));     // the writer writes on to the file it still holds
            ackUntil(pub, in, 160);

            assertThat(pub.texts()).containsExactlyInAnyOrderElementsOf(numberedList("line", 1, 160));
            assertThat(in.counters().lateWrites()).isEqualTo(1);
            assertThat(in.counters().lostBytes()).isZero();
        });
        assertThat(log).contains("WARN").contains("RotationHandler - A rotated file grew after it was "
                + "let go: its writer still writes to it, though Rotate_Wait (PT0.2S) passed without new data. Reading on "
                + "from where it was left; raise Rotate_Wait, or have the writer reopen its file at rotation. path="
                + rotated + " family=" + live + " offset=1100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "zst"})
    void aRotatedFileWrittenOnAndCompressedBeforeTheNextLookIsReadOnInItsCompressedCopy(String ext) throws Exception {
        Path live = dir.resolve("app.log");
        Path rotated = dir.resolve("app.log.1");
        Path copy = dir.resolve("app.log.2." + ext);
        RecordingPublisher pub = new RecordingPublisher(true);
        String log = dev.ferry.pipeline.TestLogs.of(() -> {
            TailInput in = rotatedAndLetGo(pub);              // logrotate with delaycompress
            append(rotated, numbered("line", 151, 160));     // the writer writes on to the file it still holds
            // logrotate's next run, before the tail looks again (Refresh_Interval 60): .1 -> .2 compressed, app.log -> .1
            Files.move(compress(rotated, ext), copy);
            Files.move(live, rotated);
            append(live, numbered("line", 161, 170));
            ackUntil(pub, in, 170);

            assertThat(pub.texts()).containsExactlyInAnyOrderElementsOf(numberedList("line", 1, 170));
            assertThat(in.counters().lateWrites()).isEqualTo(1);
            assertThat(in.counters().segmentsOpened()).isEqualTo(1);
            assertThat(in.counters().lostBytes()).isZero();
        });
        assertThat(log).contains("WARN").contains("RotationHandler - A rotated file grew after it was let go: its "
                + "writer still writes to it, though Rotate_Wait (PT0.2S) passed without new data. Reading on from where "
                + "it was left, in the compressed copy made since; raise Rotate_Wait, or have the writer reopen its file "
                + "at rotation. path=" + copy + " family=" + live + " offset=1100");
    }

    @Test
    void aRotatedFileCompressedWithItsPlainFileKeptIsStillReadOnWhenWrittenOn() throws Exception {
        Path rotated = dir.resolve("app.log.1");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = rotatedAndLetGo(pub, "Refresh_Interval", "1");
        writeCompressed(dir.resolve("app.log.1.gz"), Files.readAllBytes(rotated)); // gzip -k: the plain file stays
        Thread.sleep(1500); // a look at the siblings (Refresh_Interval 1) finds both
        append(rotated, numbered("line", 151, 160));     // the writer writes on to the plain file
        ackUntil(pub, in, 160);

        assertThat(pub.texts()).containsExactlyInAnyOrderElementsOf(numberedList("line", 1, 160));
        assertThat(in.counters().lateWrites()).isEqualTo(1);
        assertThat(in.counters().segmentsOpened()).isEqualTo(1);
    }

    @Test
    void aSegmentWrittenAndRotatedBetweenTwoLooksIsReadWholeInOrder() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first lines", () -> pub.size() == 10);

        // Two rotations before the tail looks: the generation 11-20 was never at app.log while watched.
        writeCompressed(dir.resolve("app.log.0.gz"), numbered("line", 11, 20).getBytes(StandardCharsets.UTF_8));
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 21, 30));
        ackUntil(pub, in, 30);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(in.counters().segmentsOpened()).isEqualTo(1);

        // One more OTP-style rotation: everything shifts and is compressed; nothing is read twice.
        compress(dir.resolve("app.log.1"), "gz");
        Files.move(dir.resolve("app.log.1.gz"), dir.resolve("app.log.2.gz"));
        Files.move(dir.resolve("app.log.0.gz"), dir.resolve("app.log.1.gz"));
        Files.move(live, dir.resolve("app.log.0"));
        append(live, numbered("line", 31, 40));
        compress(dir.resolve("app.log.0"), "gz");
        ackUntil(pub, in, 40);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 40));
        assertThat(in.counters().segmentsOpened()).isEqualTo(1);
    }

    @Test
    void copytruncateTakesTheUnreadPartFromTheCopy() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Mem_Buf_Limit", "200", "Buffer_Chunk_Size", "256");
        await("the reader to pause part-way", in::paused);
        int before = pub.size();

        Files.copy(live, dir.resolve("app.log.1")); // logrotate copytruncate: copy, then truncate in place
        truncateAndWrite(live, numbered("line", 101, 150));
        ackUntil(pub, in, 150);

        assertThat(before).isLessThan(100);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 150));
        assertThat(in.counters().truncations()).isEqualTo(1);
        assertThat(in.counters().segmentsOpened()).isEqualTo(1);
        assertThat(in.counters().lostBytes()).isZero();
    }

    @Test
    void copytruncateOfLinesWrittenSinceTheLastLookTakesThemFromTheCopy() throws IOException {
        // Everything the tail saw was read; the writer then adds lines, and logrotate copies and truncates before
        // the tail looks at the file again (here: held, as by a full spool; live: within one poll of a busy file).
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub);
        ackUntil(pub, in, 10);
        pub.hold = true;
        await("the reader to be held", in::paused);

        append(live, numbered("line", 11, 20));
        Files.copy(live, dir.resolve("app.log.1"));
        truncateAndWrite(live, numbered("line", 21, 30));
        pub.hold = false;
        ackUntil(pub, in, 30);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(in.counters().truncations()).isEqualTo(1);
        assertThat(in.counters().segmentsOpened()).isEqualTo(1);
        assertThat(in.counters().lostBytes()).isZero();
    }

    @Test
    void copytruncateWithoutTheCopyCountsTheUnreadBytesAsLostAndACopyMadeLaterIsNotReadOn() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Mem_Buf_Limit", "200", "Buffer_Chunk_Size", "256");
        await("the reader to pause part-way", in::paused);

        truncateAndWrite(live, numbered("line", 101, 150));
        await("the new lines", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-00150");
        });

        // the lines read (into the buffer) before the truncation, then the new ones; the rest counted
        int old = oldLines(pub, "line-00101");
        List<String> expected = new ArrayList<>(numberedList("line", 1, old));
        expected.addAll(numberedList("line", 101, 150));
        assertThat(old).isBetween(1, 99);
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(in.counters().truncations()).isEqualTo(1);
        assertThat(in.counters().lostBytes()).isEqualTo((100L - old) * 11);

        // logrotate copytruncate + compress, slower than the tail: the compressed copy shows up after the bytes were
        // counted lost; it is not read on, so no line counted lost is shipped after all.
        Path copy = dir.resolve("app.log.1.gz");
        writeCompressed(copy, numbered("line", 1, 100).getBytes(StandardCharsets.UTF_8));
        // dated as gzip dates it, from its source: not one still being written, so it is looked at at once
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.move(live, dir.resolve("app.log.1"));       // the next rotation makes the tail look at the family
        append(live, numbered("line", 151, 160));
        ackUntil(pub, in, old + 60);

        expected.addAll(numberedList("line", 151, 160));
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(in.counters().lostBytes()).isEqualTo((100L - old) * 11);
        assertThat(in.counters().lateWrites()).isZero();
        assertThat(in.counters().segmentsOpened()).isZero();
    }

    @Test
    void aWrapFileReusedInPlaceIsReadFromItsStartAndTheOverwrittenBytesAreCounted() throws IOException {
        // OTP disk_log wrap: application.log.1 is truncated and written again when the ring comes back to it
        Path wrap = dir.resolve("application.log.1");
        append(wrap, numbered("line", 1, 50));
        // the wrap log's bookkeeping, which application.log.* also matches and must not be read
        Files.write(dir.resolve("application.log.idx"), new byte[] {0, 0, 0, 0, 0, 2, 0, 0, 0, 1, '\n'});
        Files.write(dir.resolve("application.log.siz"), new byte[] {2, 0, 0, 0, 0, 0, 0, 4, 0, '\n', 0, 0, 4});
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Path", dir.resolve("application.log.*").toString(), "Mem_Buf_Limit", "100",
                "Buffer_Chunk_Size", "128");
        await("the reader to pause part-way", in::paused);
        Object inode = Files.getAttribute(wrap, "unix:ino");

        // new content, longer than the old: only the changed first bytes tell that it is new
        truncateAndWrite(wrap, numbered("line", 1001, 1100));
        await("the new content", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-01100");
        });

        assertThat(Files.getAttribute(wrap, "unix:ino")).isEqualTo(inode);
        int old = oldLines(pub, "line-01001");
        List<String> expected = new ArrayList<>(numberedList("line", 1, old));
        expected.addAll(numberedList("line", 1001, 1100));
        assertThat(old).isBetween(1, 49);
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(in.counters().truncations()).isEqualTo(1);
        assertThat(in.counters().lostBytes()).isEqualTo((50L - old) * 11);
        assertThat(pub.lines().get(old).offset()).isZero();
    }

    @Test
    void aSegmentStillBeingCompressedIsReadOnOnceItIsComplete() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first lines", () -> pub.size() == 10);

        // a never-seen generation whose .gz is only half written when the tail looks
        byte[] gz = gzip(numbered("line", 11, 2000));
        Path segment = dir.resolve("app.log.0.gz");
        Files.write(segment, Arrays.copyOf(gz, gz.length / 2));
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 2001, 2010));
        await("the segment to be opened or looked at", () -> in.counters().rotations() == 1);
        await("part of the segment", TEN_SECONDS, () -> pub.size() > 10);
        Files.write(segment, Arrays.copyOfRange(gz, gz.length / 2, gz.length), StandardOpenOption.APPEND);
        ackUntil(pub, in, 2010);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 2010));
        assertThat(in.counters().corruptSegments()).isZero();
    }

    @Test
    void aCorruptSegmentShipsWhatCanBeReadAndIsCounted() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first lines", () -> pub.size() == 10);

        byte[] gz = gzip(numbered("line", 11, 20));
        gz[gz.length - 5] ^= 0x55; // the CRC32 in the trailer
        Files.write(dir.resolve("app.log.0.gz"), gz);
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 21, 30));
        ackUntil(pub, in, 30);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(in.counters().corruptSegments()).isEqualTo(1);
    }

    @Test
    void theCutOffLastLineOfADamagedSegmentIsCountedAsLostNotShipped() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first lines", () -> pub.size() == 10);

        // One whole gzip member whose data ends in the first bytes of line 21, then bytes that are no
        // gzip member: the segment ends in damage right after "line-000", a fragment of "line-00021".
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.write(gzip(numbered("line", 11, 20) + "line-000"));
        damaged.write("not gzip".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("app.log.0.gz"), damaged.toByteArray());
        Files.move(live, dir.resolve("app.log.1"));
        append(live, numbered("line", 21, 30));
        ackUntil(pub, in, 30);

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(in.counters().corruptSegments()).isEqualTo(1);
        assertThat(in.counters().lostBytes()).isEqualTo("line-000".length());
    }

    @Test
    void aPartialLineLeftByCopytruncateGoesOutAloneNotJoinedToTheNewData() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 5) + "part");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the complete lines", () -> pub.size() == 5);

        Files.copy(live, dir.resolve("app.log.1"));
        truncateAndWrite(live, "rest\n" + numbered("line", 6, 7));
        ackUntil(pub, in, 9);

        assertThat(pub.texts()).containsExactlyInAnyOrder("line-00001", "line-00002", "line-00003", "line-00004",
                "line-00005", "part", "rest", "line-00006", "line-00007");
        assertThat(in.counters().lostBytes()).isZero();
    }

    @Test
    void aLineSplitAcrossARenameIsCompletedInTheRenamedFileNotJoinedToTheNewOne() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, "line-00001\nline-0");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        await("the first line", () -> pub.size() == 1);

        Files.move(live, dir.resolve("app.log.1"));
        append(live, "line-00003\n");
        append(dir.resolve("app.log.1"), "0002\n"); // the writer's old descriptor ends its line
        ackUntil(pub, in, 3);

        // the new file may go first: the old one was at its end (an unfinished line) when it was read
        assertThat(pub.texts()).containsExactlyInAnyOrder("line-00001", "line-00002", "line-00003");
    }

    @Test
    void ignoreOlderLeavesOldRotatedSiblingsUnread() throws IOException {
        writeCompressed(dir.resolve("app.log.1.gz"), numbered("line", 1, 10).getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(dir.resolve("app.log.1.gz"),
                FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        writeCompressed(dir.resolve("app.log.0.gz"), numbered("line", 11, 20).getBytes(StandardCharsets.UTF_8));
        append(dir.resolve("app.log"), numbered("line", 21, 30));
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Ignore_Older", "1h", "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 11, 30));
    }

    @Test
    void excludePathLeavesRotatedSiblingsUnreadToo() throws IOException {
        writeCompressed(dir.resolve("app.log.1.gz"), numbered("line", 1, 10).getBytes(StandardCharsets.UTF_8));
        append(dir.resolve("app.log.2"), numbered("line", 11, 20));
        append(dir.resolve("app.log.0"), numbered("line", 21, 25));
        append(dir.resolve("app.log"), numbered("line", 26, 30));
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Exclude_Path", "*.gz,*.2", "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 21, 30));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    /** How many lines came before {@code firstNew}. */
    private static int oldLines(RecordingPublisher pub, String firstNew) {
        int i = pub.texts().indexOf(firstNew);
        assertThat(i).as("index of " + firstNew).isNotNegative();
        return i;
    }

    /** Truncates {@code file} in place (same inode) and writes {@code text} from offset 0, at once. */
    private static void truncateAndWrite(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
        }
    }
}
