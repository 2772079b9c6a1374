package dev.ferry.agent.source.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.agent.TarMembers;
import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.SegmentReaderFactory;
import dev.ferry.agent.source.tail.TailConfig;
import dev.ferry.agent.source.tail.TailInput;
import dev.ferry.agent.source.tail.TailTag;
import dev.ferry.parsers.multiline.MultilineParserConfig;
import dev.ferry.parsers.multiline.MultilineParserList;
import dev.ferry.pipeline.TestLogs;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.pipeline.ring.LinePublisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplayInput} on real files (plain, .gz, .zst, tar, truncated .gz): exact records, offsets, ids
 * and counters, and the same records as a live {@link TailInput} gives for the same bytes.
 */
class ReplayInputTest {

    @TempDir
    Path dir;

    /** One record as published: its bytes (ISO-8859-1, so that any byte compares), tag, origin and offsets. */
    record Rec(String bytes, String tag, String path, String id, long offset, long next) {
    }

    /** Records every line and acknowledges it at once. */
    static final class Recorder implements LinePublisher {
        final List<Rec> records = new ArrayList<>();

        @Override
        public synchronized void publish(LineBatch b) {
            for (int i = 0; i < b.size(); i++) {
                records.add(new Rec(new String(b.buffer(), b.start(i), b.length(i), StandardCharsets.ISO_8859_1),
                        b.tag(), b.origin().path(), b.origin().id(), b.offset(i), b.nextOffset(i)));
                b.origin().acknowledge(b.nextOffset(i));
            }
        }

        synchronized List<Rec> records() {
            return new ArrayList<>(records);
        }

        synchronized List<String> texts() {
            return records.stream().map(Rec::bytes).toList();
        }
    }

    private static TailConfig config(String... keyValues) {
        SourceLocation at = new SourceLocation("test.conf", 1);
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(new ConfigEntry("Name", "tail", at));
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(new ConfigEntry(keyValues[i], keyValues[i + 1], at));
        }
        return TailConfig.from(TailConfig.OPTIONS.bind(new ConfigSection("INPUT", at, entries)));
    }

    private static final String[] BASE = {"Path", "/nonexistent/app.log", "Tag", "app.*", "Buffer_Chunk_Size", "4k",
            "Buffer_Max_Size", "32k"};

    /** The base keys with {@code more} over them. */
    private static String[] with(String... more) {
        java.util.Map<String, String> kv = new java.util.LinkedHashMap<>();
        for (String[] a : List.of(BASE, more)) {
            for (int i = 0; i < a.length; i += 2) {
                kv.put(a[i], a[i + 1]);
            }
        }
        return kv.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }

    /** Replays {@code sources} to their end; returns the input, for its counters, and fills {@code out}. */
    private static ReplayInput replay(Recorder out, TailConfig config, Path... sources) throws Exception {
        ReplayInput in = new ReplayInput(List.of(sources), config, "tail.0", new LineDecoder(null, null, null), null,
                new ReplayProgress(new PrintStream(OutputStream.nullOutputStream()), false, 3_600_000));
        in.start(out);
        in.drained().get(30, TimeUnit.SECONDS);
        in.stopReading();
        in.close();
        return in;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(b, 3)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    // A rotated segment: CRLF, an empty line, a 150,000-byte line (over 64 KiB), invalid UTF-8, a
    // 40,000-byte line (over Buffer_Max_Size 32k, under 64 KiB), and a last line ending in \r without newline.
    private static final String LONG = "L" + repeat('x', 149_980) + "TAIL-OF-LONG-LINE";
    private static final String MID = "M" + repeat('y', 39_999);
    private static final String SEGMENT = "first\r\n\nsecond\n" + LONG + "\nafter-long\nbad \u00ff\u00fe utf8\n" + MID
            + "\nafter-mid\nlast\r";
    private static final String ACTIVE = "active-1\nactive-2\n";

    @Test
    void aMultilineRecordSplitAtMaxRecordSizeIsCountedAndNothingIsLost() throws Exception {
        SourceLocation at = new SourceLocation("parsers.conf", 1);
        MultilineParserList traces = MultilineParserList.of(MultilineParserConfig.from(new ConfigSection(
                "MULTILINE_PARSER", at, List.of(new ConfigEntry("Name", "traces", at),
                        new ConfigEntry("Type", "regex", at), new ConfigEntry("max_record_size", "60", at),
                        new ConfigEntry("Rule", "\"start_state\" \"/Exception/\" \"cont\"", at),
                        new ConfigEntry("Rule", "\"cont\" \"/^\\s+at /\" \"cont\"", at)))));
        String first = "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n";
        String second = "\tat a.B.d(B.java:2)\n";
        Path f = Files.writeString(dir.resolve("app.log"), first + second);
        Recorder out = new Recorder();
        ReplayInput in = new ReplayInput(List.of(f), config(BASE), "tail.0", new LineDecoder(null, null, null), traces,
                new ReplayProgress(new PrintStream(OutputStream.nullOutputStream()), false, 3_600_000));
        in.start(out);
        in.drained().get(30, TimeUnit.SECONDS);
        in.stopReading();
        in.close();

        // 60 bytes: the first two lines (57 bytes joined) fit, the third goes on in a record of its own
        assertThat(out.texts()).containsExactly(first.substring(0, first.length() - 1), second.substring(0,
                second.length() - 1));
        assertThat(in.counters().multilineRecordsSplit()).isEqualTo(1);
    }

    @Test
    void linesOffsetsSkipsAndCountersAreExactlyTheTails() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.write(logs.resolve("app.log.1.gz"), gzip(latin1(SEGMENT)));
        Files.write(logs.resolve("app.log"), latin1(ACTIVE));

        Recorder replayed = new Recorder();
        ReplayInput in = replay(replayed, config(with()), logs);

        int afterLong = SEGMENT.indexOf("after-long");
        int bad = SEGMENT.indexOf("bad ");
        int afterMid = SEGMENT.indexOf("after-mid");
        int last = SEGMENT.indexOf("last\r");
        String id = FileIdentity.originId(latin1("first\r\n"), 7);
        String tag = "app.app.log";
        assertThat(replayed.records()).containsExactly(
                new Rec("first", tag, "/app.log.1.gz", id, 0, 7),
                new Rec("", tag, "/app.log.1.gz", id, 7, 8),
                new Rec("second", tag, "/app.log.1.gz", id, 8, 15),
                new Rec("after-long", tag, "/app.log.1.gz", id, afterLong, afterLong + 11),
                new Rec("bad \u00ff\u00fe utf8", tag, "/app.log.1.gz", id, bad, bad + 12),
                new Rec("after-mid", tag, "/app.log.1.gz", id, afterMid, afterMid + 10),
                new Rec("last", tag, "/app.log.1.gz", id, last, last + 5),
                new Rec("active-1", tag, "/app.log", FileIdentity.originId(latin1("active-1\n"), 9), 0, 9),
                new Rec("active-2", tag, "/app.log", FileIdentity.originId(latin1("active-1\n"), 9), 9, 18));
        assertThat(in.counters().longLinesSkipped()).isEqualTo(2);
        assertThat(in.counters().records()).isEqualTo(9);
        assertThat(in.counters().files()).isEqualTo(2);
        assertThat(in.counters().bytesRead()).isEqualTo(SEGMENT.length() + ACTIVE.length());
        assertThat(in.counters().corruptSegments()).isZero();
        assertThat(in.counters().cutLinesDropped()).isZero();

        // The live tail of the same files: the same lines, offsets, ids and skips (its tag and path are
        // the absolute ones; a capture of / replays with the same).
        Recorder tailed = new Recorder();
        TailInput tail = new TailInput(config(with("Path", logs.resolve("app.log").toString(), "Read_from_Head", "On",
                "Exit_On_Eof", "On", "Rotate_Wait", "1s")), "tail.0", new LineDecoder(null, null, null));
        try {
            tail.start(tailed);
            tail.drained().get(30, TimeUnit.SECONDS);
        } finally {
            tail.close();
        }
        assertThat(tailed.records()).hasSameSizeAs(replayed.records());
        for (int i = 0; i < tailed.records().size(); i++) {
            Rec t = tailed.records().get(i);
            Rec r = replayed.records().get(i);
            assertThat(new Rec(t.bytes(), t.tag(), t.path().substring(logs.toString().length()), t.id(), t.offset(),
                    t.next())).isEqualTo(new Rec(r.bytes(), TailTag.expand("app.*", logs + "/app.log"), r.path(),
                    r.id(), r.offset(), r.next()));
        }
        assertThat(tail.counters().longLinesSkipped()).isEqualTo(in.counters().longLinesSkipped());
    }

    @Test
    void plainGzipAndZstdGiveTheSameRecords() throws Exception {
        byte[] data = latin1(SEGMENT);
        Path plain = Files.write(dir.resolve("a.log"), data);
        Path gz = Files.write(dir.resolve("b.log.gz"), gzip(data));
        Path zst = Files.write(dir.resolve("c.log.zst"), zstd(data));
        List<List<Rec>> got = new ArrayList<>();
        for (Path p : List.of(plain, gz, zst)) {
            Recorder r = new Recorder();
            replay(r, config(with("Tag", "app")), p);
            got.add(r.records().stream().map(x -> new Rec(x.bytes(), x.tag(), "", x.id(), x.offset(), x.next())).toList());
        }
        assertThat(got.get(0)).hasSize(7);
        assertThat(got.get(1)).isEqualTo(got.get(0));
        assertThat(got.get(2)).isEqualTo(got.get(0));
    }

    @Test
    void aRotatedMemberOfATarIsTaggedWithItsFamilysActivePath() throws Exception {
        Path tar = dir.resolve("capture.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarMembers.add(out, "var/log/app.log.2.gz", gzip(latin1("two\n")));
            TarMembers.add(out, "var/log/app.log.1", latin1("one\n"));
            TarMembers.add(out, "var/log/app.log", latin1("zero\n"));
        }
        Recorder r = new Recorder();
        replay(r, config(with()), tar);
        String tag = TailTag.expand("app.*", "/var/log/app.log");
        assertThat(tag).isEqualTo("app.var.log.app.log");
        assertThat(r.records()).extracting(Rec::bytes, Rec::tag, Rec::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("two", tag, "/var/log/app.log.2.gz"),
                org.assertj.core.groups.Tuple.tuple("one", tag, "/var/log/app.log.1"),
                org.assertj.core.groups.Tuple.tuple("zero", tag, "/var/log/app.log"));
    }

    @Test
    void withTagRegexAMemberIsTaggedFromItsPathAndOneItIsNotFoundInIsSkippedAndCounted() throws Exception {
        Path tar = dir.resolve("pods.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarMembers.add(out, "var/log/containers/web-1_shop_nginx.log", latin1("GET /\n"));
            TarMembers.add(out, "var/log/containers/notes.txt", latin1("not a container\n"));
        }
        Recorder r = new Recorder();
        ReplayInput in = replay(r, config(with("Tag", "kube.<namespace_name>.<pod_name>.<container_name>",
                "Tag_Regex", "(?<pod_name>[^_/]+)_(?<namespace_name>[^_]+)_(?<container_name>[^_]+)\\.log$")), tar);
        assertThat(r.records()).extracting(Rec::bytes, Rec::tag).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET /", "kube.shop.web-1.nginx"));
        assertThat(in.counters().failedFiles()).isEqualTo(1);
    }

    @Test
    void anEmptyTarArchiveIsReportedAsHoldingNoLogFileNotShippedAsALineOfZeroBytes() throws Exception {
        // What `tar cf empty.tar --files-from /dev/null` writes: 10,240 zero bytes and no header.
        byte[] emptyTar = new byte[10_240];
        Path tar = Files.write(dir.resolve("empty.tar"), emptyTar);
        Path tgz = Files.write(dir.resolve("empty.tar.gz"), gzip(emptyTar));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.write(logs.resolve("old.tar"), emptyTar);
        Files.writeString(logs.resolve("app.log"), "one\n");
        // A log that only starts with zero bytes (a crash can leave them) is read as the tail reads it.
        Files.write(logs.resolve("crashed.log"), latin1("\0".repeat(1024) + "after\n"));
        Recorder r = new Recorder();

        ReplayInput in = replay(r, config(with()), tar, tgz, logs);

        assertThat(r.texts()).containsExactly("one", "\0".repeat(1024) + "after");
        assertThat(in.counters().files()).isEqualTo(2);
        assertThat(in.counters().failedFiles()).isEqualTo(3); // the two PATHs and the member of logs
    }

    @Test
    void aFileOrArchiveGivenTwiceAsAPathOrInsideADirectoryPathIsReplayedOnce() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("a.log"), "a1\na2\n");
        Files.writeString(logs.resolve("b.log"), "b1\n");
        Path single = Files.writeString(dir.resolve("single.log"), "s1\n");
        Path tar = dir.resolve("capture.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarMembers.add(out, "t.log", latin1("t1\n"));
        }
        Recorder r = new Recorder();

        // As a shell gives them for `ferry replay logs/a.log logs single.log ./single.log capture.tar capture.tar
        // logs/`: a file before its directory, a file twice, an archive twice, a directory twice.
        ReplayInput in = replay(r, config(with()), logs.resolve("a.log"), logs, single, dir.resolve("./single.log"),
                tar, tar, dir.resolve("logs/"));

        assertThat(r.texts()).containsExactly("a1", "a2", "b1", "s1", "t1");
        assertThat(in.counters().files()).isEqualTo(4);
        assertThat(in.counters().failedFiles()).isZero();
    }

    @Test
    void progressNamesTheFileBeingReadAndEndsAtAHundredPercentWhenAFileIsUnreadable() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("a.log"), "a1\n");
        // xz data: refused and counted, its size in the total all the same.
        Files.write(logs.resolve("b.log.xz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        ReplayInput in = new ReplayInput(List.of(logs), config(with()), "tail.0", new LineDecoder(null, null, null), null,
                new ReplayProgress(new PrintStream(shown, true, StandardCharsets.UTF_8), false, 0));
        in.start(new Recorder());
        in.drained().get(30, TimeUnit.SECONDS);
        in.stopReading();
        in.close();

        List<String> lines = shown.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).startsWith("replay: ").endsWith(", file " + logs.resolve("a.log"));
        assertThat(lines.get(lines.size() - 1)).startsWith("replay: 100% ").doesNotContain(", file ");
        assertThat(in.counters().failedFiles()).isEqualTo(1);
    }

    @Test
    void theCutOffLastLineOfATruncatedGzipIsCountedNotShipped() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("msg ").append(i).append('\n');
        }
        byte[] whole = gzip(latin1(text.toString()));
        Path cut = Files.write(dir.resolve("trunc.log.gz"), Arrays.copyOf(whole, whole.length / 2));
        // What ferry's reader gets from it before the cut, and where its last complete line ends.
        ByteArrayOutputStream readable = new ByteArrayOutputStream();
        try (SegmentReader reader = SegmentReaderFactory.open(cut)) {
            byte[] b = new byte[8192];
            try {
                for (int n = reader.read(b, 0, b.length); n >= 0; n = reader.read(b, 0, b.length)) {
                    readable.write(b, 0, n);
                }
            } catch (SegmentCorruptException expected) {
                // the cut
            }
        }
        String got = readable.toString(StandardCharsets.ISO_8859_1);
        int complete = got.lastIndexOf('\n') + 1;
        assertThat(got.length()).isGreaterThan(complete); // the cut is inside a line

        Recorder r = new Recorder();
        ReplayInput[] replayed = new ReplayInput[1];
        String logs = TestLogs.of(() -> replayed[0] = replay(r, config(with()), cut));
        ReplayInput in = replayed[0];

        // The tail's own message (LineBuffer.dropCutRemainder), naming the file as given.
        assertThat(logs).contains("The last line read from a segment that ends in a cut is incomplete; it is not shipped"
                + " and its data is lost. path=" + cut + " offset=" + complete + " bytes=" + (got.length() - complete));
        List<String> expected = got.substring(0, complete).lines().toList();
        assertThat(r.texts()).isEqualTo(expected);
        Rec lastShipped = r.records().get(r.records().size() - 1);
        assertThat(lastShipped.next()).isEqualTo(complete);
        assertThat(in.counters().corruptSegments()).isEqualTo(1);
        assertThat(in.counters().cutLinesDropped()).isEqualTo(1);
        assertThat(in.counters().records()).isEqualTo(expected.size());
    }
}
