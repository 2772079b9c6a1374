package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.compress;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static dev.ferry.agent.source.tail.TailTestSupport.writeCompressed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.source.FileKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rotation while ferry is stopped, between two runs with a position DB, on real files: the data a
 * saved position names is found in its rotated (and compressed) sibling by fingerprint and read on
 * at the saved uncompressed offset; segments never seen are read whole, oldest first, before the live
 * file; nothing read before is read again. Lines are numbered; each test asserts the exact lines.
 */
class TailRotationRestartTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final TailInputs inputs = new TailInputs("Exit_On_Eof", "On", "Rotate_Wait", "100ms");

    @BeforeEach
    void watchLogsWithADb() {
        inputs.addDefaults("Path", dir.resolve("*.log").toString(), "DB", dir.resolve("pos.db").toString());
    }

    private TailInput start(RecordingPublisher pub, String... keyValues) {
        return inputs.start(pub, keyValues);
    }

    /** A first run that reads app.log whole and acknowledges its first {@code acked} lines; its lines. */
    private RecordingPublisher firstRunAcknowledging(int lines, int acked) {
        RecordingPublisher first = new RecordingPublisher(false);
        TailInput in = start(first, "Read_from_Head", "On");
        await("every line", () -> first.size() == lines);
        first.ackFirst(acked);
        in.close();
        return first;
    }

    /** A run that reads everything there is, acknowledges it and stops. */
    private List<String> runToTheEnd(String... extra) {
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, extra);
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        in.close();
        return pub.texts();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "zst"})
    void aFileRotatedAndCompressedWhileStoppedIsReadOnInsideTheSegment(String ext) throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        RecordingPublisher first = firstRunAcknowledging(100, 40);

        Files.move(live, dir.resolve("app.log.0")); // OTP compress_on_rotate while ferry is down
        Path segment = compress(dir.resolve("app.log.0"), ext);
        append(live, numbered("line", 101, 150));

        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second);
        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);

        assertThat(second.texts()).containsExactlyElementsOf(numberedList("line", 41, 150));
        RecordingPublisher.Line resumed = second.lines().get(0);
        assertThat(resumed.origin().id()).isEqualTo(first.lines().get(0).origin().id());
        assertThat(resumed.origin().path()).isEqualTo(segment.toString());
        assertThat(resumed.offset()).isEqualTo(40 * 11);
        assertThat(again.counters().segmentsOpened()).isEqualTo(1);
        again.close();

        assertThat(runToTheEnd()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "zst"})
    void linesWrittenOnToARotatedFileThatWasCompressedWhileStoppedAreReadFromTheCopy(String ext) throws IOException {
        Path rotated = dir.resolve("app.log.1");
        append(rotated, numbered("line", 1, 10));
        append(dir.resolve("app.log"), numbered("line", 11, 20));
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput running = start(first, "Read_from_Head", "On", "Exit_On_Eof", "Off");
        await("app.log.1 read, let go and done in the DB", () -> first.size() == 20 && dbHolds("\t110\tdone\t"));
        running.close();
        assertThat(first.texts()).containsExactlyElementsOf(numberedList("line", 1, 20));

        append(rotated, numbered("line", 21, 25)); // its writer wrote on, then logrotate compressed it, ferry down
        Path copy = compress(rotated, ext);
        // a while ago: a copy changed within Rotate_Wait may still be being compressed, and is looked at later
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() - 60_000));

        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 21, 25));
        assertThat(pub.lines().get(0).offset()).isEqualTo(10 * 11);
        assertThat(in.counters().lateWrites()).isEqualTo(1);
        in.close();

        assertThat(runToTheEnd()).isEmpty();
    }

    @Test
    void aCopyIsComparedAlsoWhenTheInodeOfItsDoneFileNowBelongsToAFileBeingRead() throws IOException {
        // ext4 gives a freed inode to a file made later (at once or after a while): once the compression deletes the
        // rotated file, the live file ferry reads may have its inode. Made certain here: the DB's done entry is given
        // the live file's key.
        Path rotated = dir.resolve("app.log.1");
        Path live = dir.resolve("app.log");
        append(rotated, numbered("line", 1, 10));
        append(live, numbered("line", 11, 20));
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput running = start(first, "Read_from_Head", "On", "Exit_On_Eof", "Off");
        await("app.log.1 read, let go and done in the DB", () -> first.size() == 20 && dbHolds("\t110\tdone\t"));
        running.close();
        String liveKey = FileKey.of(live).value();
        editDoneEntries(f -> f[2] = liveKey);
        assertThat(Files.readString(dir.resolve("pos.db"))).contains("\t" + liveKey + "\t110\tdone\t");

        append(rotated, numbered("line", 21, 25)); // its writer wrote on, then logrotate compressed it
        Path copy = compress(rotated, "gz");
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() - 60_000));

        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub);
        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 21, 25));
        assertThat(in.counters().lateWrites()).isEqualTo(1);
        in.close();
    }

    @Test
    void segmentsNeverSeenAreReadWholeOldestFirstBeforeTheLiveFileAndNeverAgain() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        assertThat(runToTheEnd("Read_from_Head", "On")).containsExactlyElementsOf(numberedList("line", 1, 10));

        // while stopped, three rotations: 1-10 goes to .2.gz; 11-20 and 21-30 were never seen
        Files.move(live, dir.resolve("app.log.2"));
        compress(dir.resolve("app.log.2"), "gz");
        writeCompressed(dir.resolve("app.log.1.zst"), numbered("line", 11, 20).getBytes(StandardCharsets.UTF_8));
        append(dir.resolve("app.log.0"), numbered("line", 21, 30)); // logrotate delaycompress: newest plain
        append(live, numbered("line", 31, 40));

        assertThat(runToTheEnd()).containsExactlyElementsOf(numberedList("line", 11, 40));
        assertThat(Files.readString(dir.resolve("pos.db"))).contains("\tdone\t" + live);

        assertThat(runToTheEnd()).isEmpty();
        append(live, numbered("line", 41, 42));
        assertThat(runToTheEnd()).containsExactlyElementsOf(numberedList("line", 41, 42));
    }

    @Test
    void onTheVeryFirstStartRotatedHistoryIsReadOldestFirstWithReadFromHead() throws IOException {
        writeHistory();

        assertThat(runToTheEnd("Read_from_Head", "On")).containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(runToTheEnd("Read_from_Head", "On")).isEmpty();
    }

    @Test
    void onTheVeryFirstStartRotatedHistoryIsLeftUnreadWithoutReadFromHead() throws IOException {
        writeHistory();

        assertThat(runToTheEnd()).isEmpty();
        append(dir.resolve("app.log"), numbered("line", 31, 31));
        assertThat(runToTheEnd()).containsExactly("line-00031");
    }

    @Test
    void historyAnEarlierReleaseLeftUnreadAtItsFirstStartStaysUnread() throws IOException {
        writeHistory();
        assertThat(runToTheEnd()).isEmpty();
        // Releases before 1f47272 recorded history left unread as done at offset 0, not at the size it had.
        editDoneEntries(f -> f[3] = "0");
        assertThat(Files.readString(dir.resolve("pos.db"))).contains("\t0\tdone\t");

        assertThat(runToTheEnd()).isEmpty();
        append(dir.resolve("app.log"), numbered("line", 31, 31));
        assertThat(runToTheEnd()).containsExactly("line-00031");
    }

    @Test
    void copytruncateWhileStoppedTakesTheUnreadPartFromTheCopy() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        firstRunAcknowledging(100, 40);

        Files.copy(live, dir.resolve("app.log.1"));
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(live, numbered("line", 101, 120));

        assertThat(runToTheEnd()).containsExactlyElementsOf(numberedList("line", 41, 120));
        assertThat(runToTheEnd()).isEmpty();
    }

    @Test
    void dataCountedLostAtACopytruncateIsNotShippedAfterARestartFromACopyMadeLater() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        RecordingPublisher first = new RecordingPublisher(false);
        TailInput in = start(first, "Read_from_Head", "On", "Exit_On_Eof", "Off", "Mem_Buf_Limit", "200",
                "Buffer_Chunk_Size", "256");
        await("the reader to pause part-way", in::paused);
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE)) {
            ch.truncate(0); // copytruncate without a copy: what was not read is counted lost
        }
        append(live, numbered("line", 101, 110));
        // every line acknowledged, so that the old data is done (not still awaiting acknowledgements) in the DB
        await("the new lines acknowledged and the old data's done entry in the DB", () -> {
            first.ackAll();
            return first.texts().contains("line-00110") && dbHolds("\toverwritten:");
        });
        long lost = in.counters().lostBytes();
        in.close();
        assertThat(lost).isPositive();

        // logrotate's compressed copy shows up while ferry is down: those bytes stay counted lost, not shipped
        Path copy = dir.resolve("app.log.1.gz");
        writeCompressed(copy, numbered("line", 1, 100).getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(runToTheEnd()).isEmpty();
    }

    @Test
    void aCopytruncateCopyOfDataReadWholeIsNotReadAgainAfterARestart() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 10));
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput in = start(first, "Read_from_Head", "On", "Exit_On_Eof", "Off");
        await("the first lines", () -> first.size() == 10);
        Files.copy(live, dir.resolve("app.log.1"));
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(live, numbered("line", 11, 20));
        await("the new lines", () -> first.size() == 20);
        in.close();

        assertThat(first.texts()).containsExactlyElementsOf(numberedList("line", 1, 20));
        assertThat(runToTheEnd()).isEmpty();
    }

    @Test
    void aPartialLastLineAtShutdownIsReadWholeAfterTheFileRotatedAndWasCompressed() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 5) + "line-000");
        RecordingPublisher first = new RecordingPublisher(true);
        TailInput in = start(first, "Read_from_Head", "On");
        await("the complete lines", () -> first.size() == 5);
        in.close();

        append(live, "06\n");
        Files.move(live, dir.resolve("app.log.0"));
        compress(dir.resolve("app.log.0"), "gz");
        append(live, "next-1\n");

        assertThat(runToTheEnd()).containsExactly("line-00006", "next-1");
    }

    @Test
    void aPathThatAlsoMatchesTheCompressedSegmentsReadsThemAsSegmentsNotAsText() throws IOException {
        writeCompressed(dir.resolve("app.log.1.gz"), numbered("line", 1, 10).getBytes(StandardCharsets.UTF_8));
        writeCompressed(dir.resolve("app.log.0.zst"), numbered("line", 11, 20).getBytes(StandardCharsets.UTF_8));
        append(dir.resolve("app.log"), numbered("line", 21, 30));
        String path = dir.resolve("app.log*").toString();

        assertThat(runToTheEnd("Path", path, "Read_from_Head", "On"))
                .containsExactlyElementsOf(numberedList("line", 1, 30));
        assertThat(runToTheEnd("Path", path)).isEmpty();
    }

    @Test
    void aSavedPositionWhoseDataIsGoneIsCountedAndTheNewFileReadWhole() throws IOException {
        Path live = dir.resolve("app.log");
        append(live, numbered("line", 1, 100));
        firstRunAcknowledging(100, 40);

        Files.delete(live); // rotated out beyond max_no_files while ferry was down
        append(live, numbered("line", 101, 110));
        RecordingPublisher second = new RecordingPublisher(true);
        TailInput again = start(second);

        assertThat(again.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(second.texts()).containsExactlyElementsOf(numberedList("line", 101, 110));
        assertThat(again.counters().positionsNotFound()).isEqualTo(1);
    }

    /** app.log.2.gz (1-10), app.log.1 (11-20, plain), app.log (21-30). */
    private boolean dbHolds(String text) {
        try {
            return Files.readString(dir.resolve("pos.db")).contains(text);
        } catch (IOException e) {
            return false; // not written yet
        }
    }

    /** Changes the fields (id, fingerprint, key, offset, state, path) of every done entry in the DB. */
    private void editDoneEntries(java.util.function.Consumer<String[]> edit) throws IOException {
        Path db = dir.resolve("pos.db");
        List<String> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(db)) {
            String[] f = line.split("\t", -1);
            if (f.length == 6 && f[4].equals("done")) {
                edit.accept(f);
            }
            lines.add(String.join("\t", f));
        }
        Files.write(db, lines);
    }

    private void writeHistory() throws IOException {
        writeCompressed(dir.resolve("app.log.2.gz"), numbered("line", 1, 10).getBytes(StandardCharsets.UTF_8));
        append(dir.resolve("app.log.1"), numbered("line", 11, 20));
        append(dir.resolve("app.log"), numbered("line", 21, 30));
    }
}
