package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.config;
import static dev.ferry.agent.source.tail.TailTestSupport.numbered;
import static dev.ferry.agent.source.tail.TailTestSupport.numberedList;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.ring.LineDecoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailInputTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void closeInputs() {
        inputs.forEach(TailInput::close);
    }

    private TailInput start(RecordingPublisher pub, String... keyValues) {
        TailInput in = new TailInput(config(keyValues), "tail.0", new LineDecoder(null, null, null));
        inputs.add(in);
        in.start(pub);
        return in;
    }

    private String glob(String relative) {
        return dir.resolve(relative).toString();
    }

    @Test
    void globsInDirectoryPartsFindFilesIncludingOnesCreatedWhileRunning() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        append(dir.resolve("a/app1.log"), "a1\n");
        append(dir.resolve("b/app2.log"), "b2\n");
        append(dir.resolve("b/other.txt"), "no\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", glob("*/app*.log"), "Refresh_Interval", "100ms", "Tag", "t.*");
        await("the files present at start to be opened", () -> in.counters().filesOpened() == 2);
        append(dir.resolve("a/app1.log"), "a1-later\n");
        Files.createDirectories(dir.resolve("c"));
        append(dir.resolve("c/app3.log"), "c3-first\nc3-second\n");

        await("the new file's lines", () -> pub.size() == 3);
        assertThat(pub.texts()).containsExactlyInAnyOrder("a1-later", "c3-first", "c3-second");
        String c3 = dir.resolve("c/app3.log").toString();
        assertThat(pub.lines()).filteredOn(l -> l.text().equals("c3-first")).singleElement()
                .satisfies(l -> {
                    assertThat(l.tag()).isEqualTo(TailTag.expand("t.*", c3));
                    assertThat(l.origin().path()).isEqualTo(c3);
                    assertThat(l.offset()).isZero();
                    assertThat(l.nextOffset()).isEqualTo(9);
                });
    }

    @Test
    void tagRegexTagsEachFileFromItsPathAndAFileItIsNotFoundInIsNotRead() throws Exception {
        String id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        Files.createDirectories(dir.resolve("containers"));
        append(dir.resolve("containers/web-1_shop_nginx-" + id + ".log"), "GET /\nGET /cart\n");
        append(dir.resolve("containers/notes.log"), "not a container\n");
        RecordingPublisher pub = new RecordingPublisher(true);
        String logs = dev.ferry.pipeline.TestLogs.of(() -> {
            TailInput in = start(pub, "Path", glob("containers/*.log"), "Read_from_Head", "on", "Exit_On_Eof", "on",
                    "Tag", "kube.<namespace_name>.<pod_name>.<container_name>",
                    "Tag_Regex", "(?<pod_name>[a-z0-9-]+)_(?<namespace_name>[^_]+)_(?<container_name>.+)-"
                            + "(?<docker_id>[a-z0-9]{64})\\.log$");
            assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
            assertThat(in.counters().filesOpened()).isEqualTo(1);
        });
        assertThat(pub.texts()).containsExactly("GET /", "GET /cart");
        assertThat(pub.lines()).extracting(l -> l.tag()).containsOnly("kube.shop.web-1.nginx");
        assertThat(logs).contains("Tag_Regex is not found in the path of a matched file, so its records would have "
                + "no tag; the file is not read (as in Fluent Bit). path=" + dir.resolve("containers/notes.log"));
    }

    @Test
    void excludePathLeavesMatchingFilesAlone() throws IOException {
        append(dir.resolve("app.log"), "keep\n");
        append(dir.resolve("app.log.gz"), "drop\n");
        append(dir.resolve("skip.log"), "drop too\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", glob("*"), "Exclude_Path", "*.gz, */skip.*", "Read_from_Head", "on",
                "Exit_On_Eof", "on");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("keep");
        assertThat(in.counters().filesOpened()).isEqualTo(1);
    }

    @Test
    void aRelativePathKeepsItsFilesRelativeForTagPathKeyAndExcludePathAsFluentBit() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        append(dir.resolve("logs/app.log"), "app\n");
        append(dir.resolve("logs/debug.log"), "dbg\n");
        String rel = Path.of("").toAbsolutePath().relativize(dir).toString();
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", rel + "/logs/*.log", "Exclude_Path", rel + "/logs/debug.log", "Tag", "app.*",
                "Read_from_Head", "on", "Exit_On_Eof", "on", "DB", dir.resolve("pos.db").toString());

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("app");
        assertThat(pub.lines().get(0).origin().path()).isEqualTo(rel + "/logs/app.log");
        assertThat(pub.lines().get(0).tag()).isEqualTo(TailTag.expand("app.*", rel + "/logs/app.log"));
        in.close();
        assertThat(Files.readString(dir.resolve("pos.db"))).as("the DB keeps the absolute path")
                .contains("\t" + dir.resolve("logs/app.log") + "\n");
    }

    @Test
    void aStarDoesNotMatchDotFilesAsInGlob3() throws IOException {
        append(dir.resolve("app.log"), "app\n");
        append(dir.resolve(".hidden.log"), "hidden\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", glob("*.log"), "Read_from_Head", "on", "Exit_On_Eof", "on");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("app");
    }

    @Test
    void withoutReadFromHeadFilesPresentAtStartAreReadFromTheirEnd() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "old-1\nold-2\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", f.toString());
        await("the file to be opened", () -> in.counters().filesOpened() == 1);
        append(f, "new-1\n");

        await("the new line", () -> pub.size() == 1);
        assertThat(pub.lines().get(0).text()).isEqualTo("new-1");
        assertThat(pub.lines().get(0).offset()).isEqualTo(12);
    }

    @Test
    void readingFromTheEndStartsAtTheLineTheWriterIsInTheMiddleOf() throws IOException {
        // OTP's file handler writes in chunks (delayed_write), so a file often ends in part of a line; starting at
        // its size would publish the rest of that line as a line of its own.
        Path f = dir.resolve("app.log");
        append(f, "old-1\nold-2\nnew-1 first");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", f.toString());
        await("the file to be opened", () -> in.counters().filesOpened() == 1);
        append(f, " half\nnew-2\n");

        await("the new lines", () -> pub.size() == 2);
        assertThat(pub.texts()).containsExactly("new-1 first half", "new-2");
        assertThat(pub.lines().get(0).offset()).isEqualTo(12);
    }

    @Test
    void withReadFromHeadFilesPresentAtStartAreReadWhole() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "old-1\nold-2\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        start(pub, "Path", f.toString(), "Read_from_Head", "On");

        await("both lines", () -> pub.size() == 2);
        assertThat(pub.texts()).containsExactly("old-1", "old-2");
    }

    @Test
    void aPartialLastLineWaitsForItsNewline() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "first\nsec");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On");
        await("the first line", () -> pub.size() == 1);
        await("the partial line to be read", () -> in.counters().bytesRead() == 9);
        assertThat(pub.size()).isEqualTo(1);
        append(f, "ond\nthird\n");

        await("the rest", () -> pub.size() == 3);
        assertThat(pub.texts()).containsExactly("first", "second", "third");
        assertThat(pub.lines().get(1).offset()).isEqualTo(6);
        assertThat(pub.lines().get(1).nextOffset()).isEqualTo(13);
    }

    @Test
    void crlfLineEndsAreStripped() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "one\r\ntwo\r\n\r\nfour\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        start(pub, "Path", f.toString(), "Read_from_Head", "On");

        await("four lines", () -> pub.size() == 4);
        assertThat(pub.texts()).containsExactly("one", "two", "", "four");
        assertThat(pub.lines().get(1).offset()).isEqualTo(5);
        assertThat(pub.lines().get(1).nextOffset()).isEqualTo(10);
    }

    @Test
    void skipEmptyLinesDropsThem() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "one\n\r\n\ntwo\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Skip_Empty_Lines", "On",
                "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("one", "two");
    }

    @Test
    void aFileRenamedWhileBeingReadIsReadToItsEndAndTheNewFileFromItsHead() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("line", 1, 400));
        RecordingPublisher pub = new RecordingPublisher(false);
        // A small Mem_Buf_Limit stops the reader part-way through the file, so the rename happens mid-read.
        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Mem_Buf_Limit", "200",
                "Rotate_Wait", "200ms", "Buffer_Chunk_Size", "256", "Refresh_Interval", "60");
        await("the reader to pause", in::paused);

        Files.move(f, dir.resolve("app.log.1"));
        append(dir.resolve("app.log.1"), numbered("line", 401, 500)); // the writer's old descriptor
        append(f, numbered("line", 501, 700));                       // the writer's new file
        await("every line", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.size() >= 700 && in.openFiles() == 1;
        });
        pub.ackAll();

        assertThat(pub.texts()).containsExactlyInAnyOrderElementsOf(numberedList("line", 1, 700));
        assertThat(pub.texts().stream().filter(t -> t.compareTo("line-00501") < 0).toList())
                .containsExactlyElementsOf(numberedList("line", 1, 500));
        assertThat(in.counters().rotations()).isEqualTo(1);
        assertThat(in.counters().filesOpened()).isEqualTo(2);
        assertThat(pub.lines()).filteredOn(l -> l.text().equals("line-00501")).singleElement()
                .satisfies(l -> assertThat(l.offset()).isZero());
    }

    @Test
    void aFileDeletedWhileOpenIsReadToItsEndThenLetGo() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("line", 1, 300));
        RecordingPublisher pub = new RecordingPublisher(false);
        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Mem_Buf_Limit", "100",
                "Rotate_Wait", "100ms", "Buffer_Chunk_Size", "128");
        await("the reader to pause", in::paused);

        Files.delete(f);
        await("every line and the file let go", TEN_SECONDS, () -> {
            pub.ackAll();
            return pub.size() == 300 && in.openFiles() == 0;
        });

        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 300));
        assertThat(in.counters().rotations()).isEqualTo(1);
    }

    @Test
    void aRotatedFilesUnfinishedLastLineIsPublishedWhenItIsLetGo() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "done\nunfinished");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Rotate_Wait", "100ms");
        await("the first line", () -> pub.size() == 1);

        Files.move(f, dir.resolve("app.log.1"));

        await("the file let go", () -> in.counters().rotations() == 1 && in.openFiles() == 0);
        assertThat(pub.texts()).containsExactly("done", "unfinished");
        assertThat(pub.lines().get(1).nextOffset()).isEqualTo(15);
    }

    @Test
    void longLinesAreSkippedAndCountedWithSkipLongLinesOn() throws IOException {
        longLines("On");
    }

    @Test
    void longLinesAreSkippedAndCountedWithSkipLongLinesOff() throws IOException {
        longLines("Off");
    }

    private void longLines(String skipLongLines) throws IOException {
        Path f = dir.resolve("app.log");
        String exactly32 = "x".repeat(32);
        append(f, "short-1\n" + "y".repeat(100) + "\nshort-2\n" + "z".repeat(33) + "\n" + exactly32 + "\nshort-3\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Buffer_Chunk_Size", "16",
                "Buffer_Max_Size", "32", "Skip_Long_Lines", skipLongLines, "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("short-1", "short-2", exactly32, "short-3");
        assertThat(in.counters().longLinesSkipped()).isEqualTo(2);
        assertThat(pub.lines().get(1).offset()).isEqualTo(8 + 101);
    }

    @Test
    void memBufLimitPausesReadingUntilAcknowledgementsComeIn() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("l", 1, 20)); // 8 bytes per line
        RecordingPublisher pub = new RecordingPublisher(false);

        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Mem_Buf_Limit", "40");
        await("the reader to pause", in::paused);

        // 5 lines are 40 bytes, not above the limit; the 6th goes above it and reading stops there.
        assertThat(pub.size()).isEqualTo(6);
        assertThat(in.inFlightBytes()).isEqualTo(48);
        pub.ackFirst(3);
        await("reading to resume and pause again", () -> pub.size() == 9 && in.paused());
        assertThat(in.inFlightBytes()).isEqualTo(48);
        await("every line", () -> {
            pub.ackAll();
            return pub.size() == 20;
        });
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("l", 1, 20));
    }

    @Test
    void aPipelineThatHoldsItsInputsStopsReadingUntilItLetsGo() throws Exception {
        Path f = dir.resolve("app.log");
        append(f, numbered("a", 1, 5));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On", "Refresh_Interval", "100ms");
        await("the first lines", () -> pub.size() == 5);

        pub.hold = true; // the spool is full
        await("the reader to pause", in::paused);
        append(f, numbered("b", 1, 5));
        Thread.sleep(500); // several rounds of the reading loop, each looking and not reading
        assertThat(pub.size()).as("nothing read while the pipeline holds its inputs").isEqualTo(5);
        assertThat(in.paused()).isTrue();

        pub.hold = false;
        await("the rest once the pipeline lets go", () -> pub.size() == 10);
        assertThat(in.paused()).isFalse();
        List<String> expected = new ArrayList<>(numberedList("a", 1, 5));
        expected.addAll(numberedList("b", 1, 5));
        assertThat(pub.texts()).containsExactlyElementsOf(expected);
    }

    @Test
    void drainedCompletesOnceEverythingIsReadAndAcknowledged() throws IOException {
        append(dir.resolve("a.log"), numbered("a", 1, 50));
        append(dir.resolve("b.log"), numbered("b", 1, 50) + "partial");
        RecordingPublisher pub = new RecordingPublisher(false);

        TailInput in = start(pub, "Path", glob("*.log"), "Read_from_Head", "On", "Exit_On_Eof", "On");
        await("every line", () -> pub.size() == 100);
        pub.ackFirst(99);
        await("the reader to look again", () -> in.inFlightBytes() == 8);
        assertThat(in.drained()).isNotDone();

        pub.ackAll();

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(in.inFlightBytes()).isZero();
    }

    @Test
    void aTruncatedFileIsReadAgainFromTheStart() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, numbered("old", 1, 10));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "Path", f.toString(), "Read_from_Head", "On");
        await("the old lines", () -> pub.size() == 10);

        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        await("the truncation to be seen", () -> in.counters().truncations() == 1);
        append(f, "new-1\n");

        await("the new line", () -> pub.size() == 11);
        assertThat(pub.lines().get(10).text()).isEqualTo("new-1");
        assertThat(pub.lines().get(10).offset()).isZero();
    }

    @Test
    void aFileRenamedToAnotherMatchedNameGoesOnUnderThatName() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, numbered("line", 1, 5));
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "Path", glob("*.log"), "Read_from_Head", "On", "Rotate_Wait", "100ms");
        await("the first lines", () -> pub.size() == 5);

        Files.move(a, dir.resolve("b.log"));
        await("the rename to be seen", () -> in.counters().rotations() == 1);
        append(dir.resolve("b.log"), numbered("line", 6, 8));

        await("the new lines", () -> pub.size() == 8);
        assertThat(pub.texts()).containsExactlyElementsOf(numberedList("line", 1, 8));
        assertThat(pub.lines().get(7).origin().path()).isEqualTo(dir.resolve("b.log").toString());
        assertThat(in.counters().filesOpened()).isEqualTo(1);
        assertThat(in.openFiles()).isEqualTo(1);
    }

    @Test
    void ignoreOlderLeavesFilesNotModifiedRecently() throws IOException {
        append(dir.resolve("old.log"), "old\n");
        Files.setLastModifiedTime(dir.resolve("old.log"),
                FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        append(dir.resolve("new.log"), "new\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", glob("*.log"), "Read_from_Head", "On", "Ignore_Older", "1h",
                "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly("new");
    }

    @Test
    void ignoreOlderZeroIsNoLimitAsInFluentBit() throws IOException {
        append(dir.resolve("old.log"), "old\n");
        Files.setLastModifiedTime(dir.resolve("old.log"),
                FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        append(dir.resolve("new.log"), "new\n");
        RecordingPublisher pub = new RecordingPublisher(true);

        TailInput in = start(pub, "Path", glob("*.log"), "Read_from_Head", "On", "Ignore_Older", "0",
                "Exit_On_Eof", "On");

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactlyInAnyOrder("new", "old");
        assertThat(in.config().ignoreOlder()).isNull();
    }
}
