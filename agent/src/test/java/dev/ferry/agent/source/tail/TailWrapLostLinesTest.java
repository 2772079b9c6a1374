package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines lost when an OTP disk_log wrap file is reused before ferry read it, counted from the item
 * counts disk_log keeps in {@code NAME.idx}: real files laid out as disk_log lays them out
 * ({@code application.log.1}, {@code .2}, the {@code .idx} in version 2 and the {@code .siz}). When
 * disk_log moves on it truncates the next file, writes {@code CurFileNo} and the count of the file it
 * left, and only then writes to the new file: here the index is written first, then the file's new
 * content at once (a file truncated and still empty is never taken for new data). Reading is held back by {@code Mem_Buf_Limit} with nothing
 * acknowledged, as when the output cannot deliver. Lines are numbered, 11 bytes each.
 */
class TailWrapLostLinesTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @RegisterExtension
    final TailInputs inputs = new TailInputs("Read_from_Head", "On", "Rotate_Wait", "200ms", "Refresh_Interval", "60");

    private Path one;

    @BeforeEach
    void ringOfTwoFiles() throws IOException {
        one = dir.resolve("application.log.1");
        // a ring of 2 files of 550 bytes; disk_log has just opened it: file 1 is current, its count 0
        Files.write(dir.resolve("application.log.siz"), new byte[] {2, 0, 0, 0, 0, 0, 0, 2, 0x26, 0, 0, 0, 2});
        index(1, 0);
        append(one, numbered("line", 1, 50));
    }

    private TailInput startPaused(RecordingPublisher pub) {
        TailInput in = inputs.start(pub, "Path", dir.resolve("application.log.*").toString(), "Mem_Buf_Limit", "100",
                "Buffer_Chunk_Size", "128");
        await("the reader to pause part-way", in::paused);
        return in;
    }

    @Test
    void aWrapFileReusedBeforeItWasReadCountsTheLinesDiskLogRecordedAndFerryDidNotRead() throws IOException {
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = startPaused(pub);

        // disk_log moves on to file 2 (10 lines): file 1's count, 50, is written
        append(dir.resolve("application.log.2"), numbered("line", 51, 60));
        index(2, 50, 0);
        await("file 1's count learnt", TEN_SECONDS, () -> in.counters().wrapCountsRecorded() == 1);
        // and back to file 1, reused in place
        index(1, 50, 10);
        truncateAndWrite(one, numbered("line", 1001, 1100));
        await("the reuse seen", TEN_SECONDS, () -> in.counters().truncations() == 1);
        long lostLines = in.counters().lostLines();

        await("the new content", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-01100");
        });
        int old = pub.texts().indexOf("line-01001");
        List<String> expected = new ArrayList<>(numberedList("line", 1, old));
        expected.addAll(numberedList("line", 1001, 1100));
        assertThat(old).isBetween(1, 49);
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(lostLines).isEqualTo(50L - old);
        assertThat(in.counters().lostLines()).isEqualTo(50L - old);
        assertThat(in.counters().lostBytes()).isEqualTo((50L - old) * 11);
    }

    @Test
    void aGenerationOverwrittenBeforeFerryReadAnyOfItIsCountedWhole() throws IOException {
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = startPaused(pub);

        append(dir.resolve("application.log.2"), numbered("line", 51, 60));
        index(2, 50, 0);
        await("file 1's count learnt", TEN_SECONDS, () -> in.counters().wrapCountsRecorded() == 1);
        index(1, 50, 10);
        truncateAndWrite(one, numbered("line", 1001, 1100));
        await("the first reuse seen", TEN_SECONDS, () -> in.counters().truncations() == 1);
        // still held back: nothing of 1001..1100 is read before disk_log comes round again
        index(2, 100, 10);
        await("the second generation's count learnt", TEN_SECONDS, () -> in.counters().wrapCountsRecorded() == 2);
        index(1, 100, 10);
        truncateAndWrite(one, numbered("line", 2001, 2020));
        await("the second reuse seen", TEN_SECONDS, () -> in.counters().truncations() == 2);

        await("the third generation", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-02020");
        });
        int old = pub.texts().indexOf("line-02001");
        List<String> expected = new ArrayList<>(numberedList("line", 1, old));
        expected.addAll(numberedList("line", 2001, 2020));
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(in.counters().lostLines()).isEqualTo(50L - old + 100);
        // the 1,100 bytes of the second generation were never seen: only lines tell of them
        assertThat(in.counters().lostBytes()).isEqualTo((50L - old) * 11);
    }

    @Test
    void aFileReusedBeforeDiskLogMovedPastItInTheIndexLeavesTheLinesLostUnknown() throws IOException {
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = startPaused(pub);

        // the index still names file 1 as current: its slot is not this generation's count
        int old = reuseFileOne(in, pub);
        assertThat(in.counters().wrapCountsRecorded()).isZero();
        assertThat(in.counters().lostLines()).isZero();
        assertThat(in.counters().lostBytes()).isEqualTo((50L - old) * 11);
    }

    @Test
    void aWrapFileResumedFromTheDbCountsTheLinesBeforeItsSavedOffsetAsRead() throws IOException {
        Path db = dir.resolve("tail.db");
        RecordingPublisher first = new RecordingPublisher(false);
        TailInput in = inputs.start(first, "Path", dir.resolve("application.log.*").toString(), "DB", db.toString());
        await("the first 50 lines", TEN_SECONDS, () -> {
            first.ackAll();
            return first.size() == 50;
        });
        in.close();
        append(one, numbered("line", 51, 55));

        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput again = inputs.start(pub, "Path", dir.resolve("application.log.*").toString(), "DB", db.toString(),
                "Mem_Buf_Limit", "10", "Buffer_Chunk_Size", "128");
        await("the reader to pause part-way", again::paused);
        append(dir.resolve("application.log.2"), numbered("line", 56, 60));
        index(2, 55, 0);
        await("file 1's count learnt", TEN_SECONDS, () -> again.counters().wrapCountsRecorded() == 1);
        index(1, 55, 5);
        truncateAndWrite(one, numbered("line", 1001, 1010));
        await("the new content", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-01010");
        });

        int old = pub.texts().indexOf("line-01001");
        List<String> expected = new ArrayList<>(numberedList("line", 51, 50 + old));
        expected.addAll(numberedList("line", 1001, 1010));
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
        assertThat(again.counters().lostLines()).isEqualTo(5L - old);
    }

    /**
     * disk_log writes {@code CurFileNo} and the count of the file it left in two writes; a node that stalls between
     * them shows every look the count of the file's generation before. Two agreeing looks took it (OtpRotationIT in
     * CI: lost_lines 2 too high; here 42 for 40). Now the count is taken once disk_log is two files on.
     */
    @Test
    void aCountReadBetweenDiskLogsTwoIndexWritesIsNotTakenForTheGenerations() throws Exception {
        // a ring of 3 files; file 1's previous generation had 52 items, still in its slot while disk_log writes the
        // new one (50 lines)
        Files.write(dir.resolve("application.log.siz"), new byte[] {2, 0, 0, 0, 0, 0, 0, 2, 0x26, 0, 0, 0, 3});
        index(1, 52, 10, 10);
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = startPaused(pub);

        // disk_log moves on to file 2: CurFileNo is written, and disk_log stalls before it writes file 1's count
        append(dir.resolve("application.log.2"), numbered("line", 51, 60));
        index(2, 52, 10, 10);
        Thread.sleep(1_500); // several looks see the slot still holding the generation before's count
        index(2, 50, 10, 10); // the second write: file 1's count
        index(3, 50, 10, 10);
        await("file 1's count learnt", TEN_SECONDS, () -> in.counters().wrapCountsRecorded() == 1);
        // round to file 1 again, reused in place
        index(1, 50, 10, 10);
        int old = reuseFileOne(in, pub);
        assertThat(in.counters().lostLines()).isEqualTo(50L - old);
    }

    /**
     * disk_log reuses file 1 in place (lines 1001-1100) while reading is held back, then reading goes on: how many of
     * its 50 old lines had been read (at least one, not all).
     */
    private int reuseFileOne(TailInput in, RecordingPublisher pub) throws IOException {
        truncateAndWrite(one, numbered("line", 1001, 1100));
        await("the reuse seen", TEN_SECONDS, () -> in.counters().truncations() == 1);
        await("the new content", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.texts().contains("line-01100");
        });
        int old = pub.texts().indexOf("line-01001");
        assertThat(old).isBetween(1, 49);
        return old;
    }

    /** Writes {@code application.log.idx} in disk_log's version 2: CurFileNo, then 8 bytes per file. */
    private void index(int current, long... counts) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(10 + 8 * counts.length);
        b.put((byte) 0).putInt(0).put((byte) 2).putInt(current);
        for (long c : counts) {
            b.putLong(c);
        }
        Files.write(dir.resolve("application.log.idx"), b.array());
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
