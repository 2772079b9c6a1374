package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.compress;
import static dev.ferry.agent.source.tail.TailTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.multiline.BuiltinMultilineParsers;
import dev.ferry.parsers.multiline.MultilineParserConfig;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.parsers.multiline.MultilineParserList;
import dev.ferry.pipeline.ring.LineDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tail with {@code multiline.parser}: lines of one file joined into records, with exact positions. */
class TailMultilineTest {

    @TempDir
    Path dir;

    /** A line the java rules leave alone, then a trace they join into one record (ending in a newline). */
    private static final String INFO = "2024-01-01 10:00:00 INFO starting\n";
    private static final String TRACE = "java.lang.IllegalStateException: boom\n"
            + "\tat a.B.c(B.java:1)\n"
            + "\tat a.B.d(B.java:2)\n";

    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void close() {
        inputs.forEach(TailInput::close);
    }

    /** An input with the built-in multiline parser {@code parser} ({@code multiline.parser} is added). */
    private TailInput start(RecordingPublisher pub, String parser, String... keyValues) {
        List<String> kv = new ArrayList<>(List.of(keyValues));
        if (!kv.contains("multiline.parser")) {
            kv.addAll(List.of("multiline.parser", parser));
        }
        TailConfig c = config(kv.toArray(String[]::new));
        assertThat(c.multilineParsers()).containsExactly(parser);
        return start(pub, BuiltinMultilineParsers.find(parser).orElseThrow(), c);
    }

    private TailInput start(RecordingPublisher pub, MultilineParserConfig parser, TailConfig c) {
        TailInput input = new TailInput(c, "tail.0", new LineDecoder(null, null, null),
                MultilineParserList.of(parser));
        inputs.add(input);
        input.start(pub);
        return input;
    }

    /** Fluent Bit's java rules in a [MULTILINE_PARSER], with {@code extra} key/value pairs (Flush_Timeout, ...). */
    private static MultilineParserConfig javaLike(String... extra) {
        List<ConfigEntry> entries = new ArrayList<>();
        List<String> kv = new ArrayList<>(List.of("Name", "javalike", "Type", "regex",
                "Rule", "\"start_state\" \"/(.)(?:Exception|Error|Throwable)[:\\r\\n]/\" \"cont\"",
                "Rule", "\"cont\" \"/^\\s+at /\" \"cont\""));
        kv.addAll(List.of(extra));
        for (int i = 0; i < kv.size(); i += 2) {
            entries.add(new ConfigEntry(kv.get(i), kv.get(i + 1), new SourceLocation("parsers.conf", 2 + i / 2)));
        }
        return MultilineParserConfig.from(new ConfigSection("MULTILINE_PARSER", new SourceLocation("parsers.conf", 1),
                entries));
    }

    /** {@code text} without its last newline: how a record of whole lines comes out. */
    private static String record(String text) {
        return text.substring(0, text.length() - 1);
    }

    @Test
    void aJavaStackTraceBecomesOneRecordWithTheOffsetsOfItsFirstAndLastLine() throws Exception {
        String plain = "2024-01-01 10:00:00 ERROR boom\n";
        String trace = "java.lang.IllegalStateException: bad\n"
                + "\tat a.B.c(B.java:1)\n"
                + "\tat a.B.d(B.java:2)\n";
        Path f = dir.resolve("app.log");
        append(f, plain + trace);
        RecordingPublisher pub = new RecordingPublisher(true);
        start(pub, "java", "Path", f.toString(), "Read_from_Head", "On", "multiline.parser", "java");

        // Fluent Bit's java rules start a record at the exception line; the line before is a record alone.
        // The trace has no line after it yet, so it goes out when Flush_Timeout (4 s) has passed.
        await("both records", java.time.Duration.ofSeconds(15), () -> pub.size() == 2);
        List<RecordingPublisher.Line> lines = pub.lines();
        assertThat(lines.get(0).text()).isEqualTo("2024-01-01 10:00:00 ERROR boom");
        assertThat(lines.get(0).offset()).isZero();
        assertThat(lines.get(0).nextOffset()).isEqualTo(plain.length());
        assertThat(lines.get(1).text()).isEqualTo(trace.substring(0, trace.length() - 1));
        assertThat(lines.get(1).offset()).isEqualTo(plain.length());
        assertThat(lines.get(1).nextOffset()).isEqualTo(Files.size(f));

        append(f, "2024-01-01 10:00:01 INFO fine\n");
        await("the next line", java.time.Duration.ofSeconds(15), () -> pub.size() == 3);
        assertThat(pub.lines().get(2).text()).isEqualTo("2024-01-01 10:00:01 INFO fine");
        assertThat(pub.lines().get(2).nextOffset()).isEqualTo(Files.size(f));
    }

    @Test
    void aCompressedRotatedSegmentEndingInAMultilineRecordShipsItOnceAndTheDbCoversIt() throws Exception {
        Path live = dir.resolve("app.log");
        Path rotated = dir.resolve("app.log.1");
        append(rotated, INFO + TRACE);
        compress(rotated, "gz");
        append(live, "2024-01-01 10:00:05 INFO new\n");
        Path db = dir.resolve("pos.db");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "java", "Path", live.toString(), "Read_from_Head", "On", "DB", db.toString());

        // The segment is complete, so it is let go as soon as it is read: its pending trace goes out then
        // (before, it was dropped with the segment's reader, and the DB marked the segment done before it).
        await("the three records", Duration.ofSeconds(15), () -> pub.size() >= 3);
        assertThat(pub.texts()).containsExactly(record(INFO), record(TRACE), "2024-01-01 10:00:05 INFO new");
        in.close();

        RecordingPublisher again = new RecordingPublisher(true);
        TailInput second = start(again, "java", "Path", live.toString(), "DB", db.toString(), "Exit_On_Eof", "On");
        assertThat(second.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(again.texts()).as("nothing read twice after a restart").isEmpty();
    }

    @Test
    void aFileRotatedAwayWithAPendingMultilineRecordShipsItWhenItIsLetGo() throws Exception {
        Path live = dir.resolve("app.log");
        append(live, INFO + TRACE);
        RecordingPublisher pub = new RecordingPublisher(true);
        // Rotate_Wait shorter than Flush_Timeout (4 s for java): the file is let go while its trace waits.
        TailInput in = start(pub, "java", "Path", live.toString(), "Read_from_Head", "On", "Rotate_Wait", "100ms");
        await("the first record", () -> pub.size() == 1);
        Files.move(live, dir.resolve("app.log.1"));

        await("the rotated file let go", Duration.ofSeconds(15), () -> in.openFiles() == 0);
        assertThat(pub.texts()).containsExactly(record(INFO), record(TRACE));
    }

    @Test
    void exitOnEofShipsTheLastMultilineRecordBeforeTheInputEndsAndTheDbIsPastIt() throws Exception {
        Path f = dir.resolve("app.log");
        append(f, INFO + TRACE);
        Path db = dir.resolve("pos.db");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, "java", "Path", f.toString(), "Read_from_Head", "On", "Exit_On_Eof", "On",
                "DB", db.toString());

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).as("every record out when the input says it is drained")
                .containsExactly(record(INFO), record(TRACE));
        assertThat(in.counters().linesRead()).as("lines, not records: the trace is three").isEqualTo(4);
        in.close();

        RecordingPublisher again = new RecordingPublisher(true);
        TailInput second = start(again, "java", "Path", f.toString(), "Exit_On_Eof", "On", "DB", db.toString());
        assertThat(second.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(again.texts()).as("nothing read twice after a restart").isEmpty();
    }

    @Test
    void withoutADbAStopShipsThePendingMultilineRecord() throws Exception {
        Path f = dir.resolve("app.log");
        append(f, INFO + TRACE);
        RecordingPublisher pub = new RecordingPublisher(true);
        // Flush_Timeout 60 s: the trace is surely pending when the input stops.
        TailInput in = start(pub, javaLike("Flush_Timeout", "60000"),
                config("Path", f.toString(), "Read_from_Head", "On"));
        await("the first record", () -> pub.size() == 1);

        in.stopReading();
        assertThat(pub.texts()).containsExactly(record(INFO), record(TRACE));
    }

    @Test
    void withADbAStopLeavesThePendingRecordToTheNextStartWhichShipsItOnceAndWhole() throws Exception {
        Path f = dir.resolve("app.log");
        append(f, INFO + TRACE);
        Path db = dir.resolve("pos.db");
        MultilineParserConfig parser = javaLike("Flush_Timeout", "60000");
        RecordingPublisher pub = new RecordingPublisher(true);
        TailInput in = start(pub, parser, config("Path", f.toString(), "Read_from_Head", "On", "DB", db.toString()));
        await("the first record", () -> pub.size() == 1);
        in.close();
        assertThat(pub.texts()).containsExactly(record(INFO));

        String more = "\tat a.B.e(B.java:3)\n"; // written while ferry is stopped: still part of the trace
        append(f, more);
        RecordingPublisher again = new RecordingPublisher(true);
        TailInput second = start(again, parser, config("Path", f.toString(), "Exit_On_Eof", "On", "DB", db.toString()));
        assertThat(second.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(again.texts()).containsExactly(record(TRACE + more));
        assertThat(again.lines().get(0).offset()).isEqualTo(INFO.length());
    }

    @Test
    void aRecordSplitAtMaxRecordSizeIsCounted() throws Exception {
        Path f = dir.resolve("app.log");
        String first = "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n";
        String second = "\tat a.B.d(B.java:2)\n";
        append(f, first + second);
        RecordingPublisher pub = new RecordingPublisher(true);
        // 60 bytes: the first two lines (57 bytes joined) fit, the third does not.
        TailInput in = start(pub, javaLike("max_record_size", "60"),
                config("Path", f.toString(), "Read_from_Head", "On", "Exit_On_Eof", "On"));

        assertThat(in.drained()).succeedsWithin(10, TimeUnit.SECONDS);
        assertThat(pub.texts()).containsExactly(record(first), record(second));
        assertThat(in.counters().multilineRecordsSplit()).isEqualTo(1);
    }
}
