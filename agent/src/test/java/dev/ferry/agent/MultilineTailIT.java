package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} tailing with {@code multiline.parser}: a record still waiting for its next line
 * (pending in the assembler) is never lost when reading ends: at the end of a compressed rotated segment, at
 * {@code Exit_On_Eof}, and at SIGTERM (published then without a DB; with a DB left to the next start, which
 * reads it again). A record split at {@code max_record_size} is logged and counted in the input's summary.
 * Each test asserts the exact records out, each once.
 */
class MultilineTailIT {

    private static final String INFO = "2024-01-01 10:00:00 INFO starting\n";
    private static final String TRACE = "java.lang.IllegalStateException: boom\n"
            + "\tat a.B.c(B.java:1)\n"
            + "\tat a.B.d(B.java:2)\n";
    /** Fluent Bit's java rules, waiting 60 s for a next line: a pending record is surely pending at a stop. */
    private static final String SLOW_PARSER = "[MULTILINE_PARSER]\n    Name slow\n    Type regex\n"
            + "    Flush_Timeout 60000\n"
            + "    Rule \"start_state\" \"/(.)(?:Exception|Error|Throwable)[:\\r\\n]/\" \"cont\"\n"
            + "    Rule \"cont\" \"/^\\s+at /\" \"cont\"\n";

    @TempDir
    Path dir;

    @Test
    void exitOnEofShipsTheLastRecordOfACompressedSegmentAndOfTheLiveFileOnceAndTheNextRunNothing() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(dir.resolve("state"));
        String old = "2024-01-01 09:00:00 INFO old\n";
        String oldTrace = "java.lang.IllegalArgumentException: old boom\n\tat x.Y.z(Y.java:9)\n";
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(logs.resolve("app.log.1.gz")))) {
            o.write((old + oldTrace).getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(logs.resolve("app.log"), INFO + TRACE);
        Path conf = write("eof.conf", "[SERVICE]\n    Flush 1\n\n[INPUT]\n    Name tail\n    Path " + logs.resolve("app.log")
                + "\n    multiline.parser java\n    Read_from_Head On\n    Exit_On_Eof On\n    DB "
                + dir.resolve("state/tail.db") + "\n\n" + fileOutput(out));
        List<String> expected = List.of(record(old), record(oldTrace), record(INFO), record(TRACE));

        String err = runToTheEnd(conf);
        assertThat(logs(out)).as(err).containsExactlyElementsOf(expected);
        assertThat(err).contains("multiline_records_split=0");

        err = runToTheEnd(conf);
        assertThat(logs(out)).as("nothing read twice by the next run: " + err).containsExactlyElementsOf(expected);
    }

    @Test
    void withoutADbASigtermShipsThePendingRecordAndASplitRecordIsLoggedAndCounted() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        // 60 bytes: the exception line and the first frame (57 bytes joined) fit, the second frame does not.
        String first = "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n";
        String rest = "\tat a.B.d(B.java:2)\n";
        Files.writeString(logs.resolve("app.log"), INFO + first + rest);
        Path parsers = write("parsers.conf", SLOW_PARSER + "    max_record_size 60\n");
        Path conf = write("nodb.conf", "[SERVICE]\n    Flush 1\n    Parsers_File " + parsers + "\n\n[INPUT]\n    Name tail\n"
                + "    Path " + logs.resolve("app.log") + "\n    multiline.parser slow\n    Read_from_Head On\n\n"
                + fileOutput(out));

        String err;
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            // The INFO line and the record split off come out at once; the frame after the split waits 60 s.
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(out.resolve("out")) == 2,
                    ferry::stderrText);
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            err = ferry.stderrText();
        }
        assertThat(logs(out)).as(err).containsExactly(record(INFO), record(first), record(rest));
        assertThat(err).contains("A multiline record reached max_record_size and was split: its next lines go on in a"
                + " new record, so one event arrives as several; nothing is lost. Raise max_record_size of the"
                + " multiline parser to keep such records whole. input=tail.0 path=" + logs.resolve("app.log")
                + " offset=" + (INFO.length() + first.length()) + " max_record_size=60 records_split=1");
        assertThat(err).contains("multiline_records_split=1");
    }

    @Test
    void withADbASigtermLeavesThePendingRecordToTheNextRunWhichShipsItOnceAndWhole() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(dir.resolve("state"));
        Path app = logs.resolve("app.log");
        Files.writeString(app, INFO + TRACE);
        Path parsers = write("parsers.conf", SLOW_PARSER);
        String input = "[SERVICE]\n    Flush 1\n    Parsers_File " + parsers + "\n\n[INPUT]\n    Name tail\n"
                + "    Path " + app + "\n    multiline.parser slow\n    Read_from_Head On\n    DB "
                + dir.resolve("state/tail.db") + "\n";
        Path conf = write("db.conf", input + "\n" + fileOutput(out));

        String err;
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            FerryProcess.await(Duration.ofSeconds(30), () -> FerryProcess.lineCount(out.resolve("out")) == 1,
                    ferry::stderrText);
            assertThat(ferry.terminate(Duration.ofSeconds(30))).as(ferry.stderrText()).isZero();
            err = ferry.stderrText();
        }
        assertThat(logs(out)).as(err).containsExactly(record(INFO));
        assertThat(err).contains("A multiline record still pending at stop is left for the next start, which reads it"
                + " again from the saved position. path=" + app + " offset=" + INFO.length());

        String more = "\tat a.B.e(B.java:3)\n"; // written while ferry is stopped: the trace goes on
        Files.writeString(app, more, StandardOpenOption.APPEND);
        err = runToTheEnd(write("db-eof.conf", input + "    Exit_On_Eof On\n\n" + fileOutput(out)));
        assertThat(logs(out)).as(err).containsExactly(record(INFO), record(TRACE + more));
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String fileOutput(Path out) {
        return "[OUTPUT]\n    Name file\n    Match *\n    Path " + out + "\n    File out\n    Format plain\n";
    }

    /** Runs ferry until its inputs end (Exit_On_Eof); asserts exit code 0 and returns stderr. */
    private String runToTheEnd(Path conf) throws Exception {
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            return ferry.stderrText();
        }
    }

    /** The {@code log} field of every record written to the output, in order. */
    private static List<String> logs(Path out) throws Exception {
        return FerryProcess.records(out.resolve("out")).stream().map(r -> (String) r.get("log")).toList();
    }

    /** {@code text} without its last newline: how a record of whole lines comes out. */
    private static String record(String text) {
        return text.substring(0, text.length() - 1);
    }
}
