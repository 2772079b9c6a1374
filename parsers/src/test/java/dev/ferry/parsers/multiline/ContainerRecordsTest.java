package dev.ferry.parsers.multiline;

import static dev.ferry.parsers.Records.json;
import static dev.ferry.parsers.Records.nanos;
import static dev.ferry.parsers.Records.record;
import static dev.ferry.parsers.multiline.Collected.feed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.parsers.Records;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code multiline.parser cri}, {@code docker} and the list {@code docker, cri}, as Fluent Bit's
 * Kubernetes configuration uses them: real runtime lines in, Fluent Bit's records out (the assembler
 * joins, the format's record parser reads the fields and the time).
 */
class ContainerRecordsTest {

    /** A record as it leaves the input: its fields, and its time (or READ_TIME if the line gave none). */
    record Decoded(String json, long timeNanos, long offset, long nextOffset) {
    }

    private static List<Decoded> run(String parsers, String log) {
        List<MultilineParserConfig> configs = new ArrayList<>();
        for (String name : parsers.split(", ")) {
            configs.add(BuiltinMultilineParsers.find(name).orElseThrow());
        }
        MultilineParserList list = new MultilineParserList(configs);
        MultilineAssembler a = list.newAssembler();
        Collected out = new Collected();
        feed(a, log, 0, 0, out);
        a.flush(0, true, out);
        Parser p = list.recordParser();
        List<Decoded> decoded = new ArrayList<>();
        for (Collected.Out o : out.records) {
            LogRecord r = record(o.text());
            if (!p.parse(r)) {
                r.fields().appendText("log", 0, r.lineLength());
                r.fields().append("ferry_parse_error", r.parseError());
            }
            decoded.add(new Decoded(json(r), r.timeNanos(), o.offset(), o.nextOffset()));
        }
        return decoded;
    }

    @Test
    void criGivesFluentBitsRecordWithTheRuntimeTimeAndWithoutThePrefix() {
        // containerd: RFC 3339 with nanoseconds in UTC; CRI-O writes an offset
        String log = "2024-01-01T10:00:00.100000000Z stdout F {\"level\":\"info\",\"msg\":\"started\"}\n"
                + "2024-01-01T10:00:01.200000000Z stdout P a line the runtime split, \n"
                + "2024-01-01T10:00:01.200000100Z stdout P in three \n"
                + "2024-01-01T10:00:01.200000200Z stdout F parts\n"
                + "2024-01-01T12:00:02.5+02:00 stderr F an error\n"
                + "2024-01-01T10:00:03.000000000Z stdout F \n";
        assertThat(run("cri", log)).containsExactly(
                new Decoded("{\"time\":\"2024-01-01T10:00:00.100000000Z\",\"stream\":\"stdout\",\"_p\":\"F\","
                        + "\"log\":\"{\\\"level\\\":\\\"info\\\",\\\"msg\\\":\\\"started\\\"}\"}",
                        nanos("2024-01-01T10:00:00.1Z"), 0, 73),
                // Fluent Bit keeps the first line's fields: time, stream and _p P of the first part
                new Decoded("{\"time\":\"2024-01-01T10:00:01.200000000Z\",\"stream\":\"stdout\",\"_p\":\"P\","
                        + "\"log\":\"a line the runtime split, in three parts\"}", nanos("2024-01-01T10:00:01.2Z"), 73, 236),
                new Decoded("{\"time\":\"2024-01-01T12:00:02.5+02:00\",\"stream\":\"stderr\",\"_p\":\"F\",\"log\":\"an error\"}",
                        nanos("2024-01-01T10:00:02.5Z"), 236, 282),
                new Decoded("{\"time\":\"2024-01-01T10:00:03.000000000Z\",\"stream\":\"stdout\",\"_p\":\"F\",\"log\":\"\"}",
                        nanos("2024-01-01T10:00:03Z"), 282, 323));
        assertThat(log.length()).isEqualTo(323);
    }

    @Test
    void aLineThatIsNotCriIsKeptWholeWithTheReason() {
        String log = "2024-01-01T10:00:00.100000000Z stdout P cut by \n"
                + "not a cri line\n"
                + "2024-01-01T10:00:00.200000000Z stdout F:x a flag Fluent Bit's regex does not take\n";
        assertThat(run("cri", log)).extracting(Decoded::json).containsExactly(
                "{\"time\":\"2024-01-01T10:00:00.100000000Z\",\"stream\":\"stdout\",\"_p\":\"P\",\"log\":\"cut by \"}",
                "{\"log\":\"not a cri line\",\"ferry_parse_error\":\"line does not match regex of parser multiline.parser cri\"}",
                "{\"log\":\"2024-01-01T10:00:00.200000000Z stdout F:x a flag Fluent Bit's regex does not take\","
                        + "\"ferry_parse_error\":\"line does not match regex of parser multiline.parser cri\"}");
    }

    @Test
    void dockerGivesTheJoinedLogWithItsNewlineAndTheTimeOfTheFirstPart() {
        String log = "{\"log\":\"{\\\"seq\\\":1}\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.123456789Z\"}\n"
                + "{\"log\":\"one, \",\"stream\":\"stderr\",\"time\":\"2024-01-01T10:00:01.000000001Z\"}\n"
                + "{\"log\":\"two\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T10:00:01.000000002Z\"}\n";
        assertThat(run("docker", log)).containsExactly(
                new Decoded("{\"log\":\"{\\\"seq\\\":1}\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.123456789Z\"}",
                        nanos("2024-01-01T10:00:00.123456789Z"), 0, 82),
                new Decoded("{\"log\":\"one, two\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T10:00:01.000000001Z\"}",
                        nanos("2024-01-01T10:00:01.000000001Z"), 82, 230));
        assertThat(log.length()).isEqualTo(230);
    }

    /** Fluent Bit's own test of the list (tests/internal/multiline.c, container_mix_input / _output). */
    @Test
    void dockerCriTakesEachLineByItsFormatAsFluentBitsContainerMixTest() {
        String log = "{\"log\": \"a1\\n\", \"stream\": \"stdout\", \"time\": \"2021-02-01T16:45:03.01231z\"}\n"
                + "{\"log\": \"a2\\n\", \"stream\": \"stderr\", \"time\": \"2021-02-01T16:45:03.01231z\"}\n"
                + "{\"log\": \"bb\", \"stream\": \"stdout\", \"time\": \"2021-02-01T16:45:03.01232z\"}\n"
                + "{\"log\": \"cc\", \"stream\": \"stdout\", \"time\": \"2021-02-01T16:45:03.01233z\"}\n"
                + "{\"log\": \"dd\", \"stream\": \"stderr\", \"time\": \"2021-02-01T16:45:03.01232z\"}\n"
                + "{\"log\": \"ee\\n\", \"stream\": \"stderr\", \"time\": \"2021-02-01T16:45:03.01233z\"}\n"
                + "2019-05-07T18:57:52.904275089+00:00 stdout F single full\n"
                + "2019-05-07T18:57:50.904275087+00:00 stdout P 1a. some \n"
                + "2019-05-07T18:57:51.904275088+00:00 stdout P multiline \n"
                + "2019-05-07T18:57:52.904275089+00:00 stdout F log\n"
                + "2019-05-07T18:57:50.904275087+00:00 stderr P 1b. some \n"
                + "2019-05-07T18:57:51.904275088+00:00 stderr P multiline \n"
                + "2019-05-07T18:57:52.904275089+00:00 stderr F log\n"
                + "{\"log\": \"dd-out\\n\", \"stream\": \"stdout\", \"time\": \"2021-02-01T16:45:03.01234z\"}\n"
                + "{\"log\": \"dd-err\\n\", \"stream\": \"stderr\", \"time\": \"2021-02-01T16:45:03.01234z\"}\n";
        List<Decoded> records = run("docker, cri", log);
        List<String> logs = new ArrayList<>();
        for (Decoded d : records) {
            LogRecord r = Records.record(d.json());
            assertThat(dev.ferry.parsers.BuiltinParsers.get("json").parse(r)).isTrue();
            logs.add(r.fields().text("log"));
        }
        assertThat(logs).containsExactly("a1\n", "a2\n", "bbcc", "ddee\n", "single full", "1a. some multiline log",
                "1b. some multiline log", "dd-out\n", "dd-err\n");
        assertThat(records.get(2).json())
                .isEqualTo("{\"log\": \"bbcc\", \"stream\": \"stdout\", \"time\": \"2021-02-01T16:45:03.01232z\"}");
        assertThat(records.get(2).timeNanos()).isEqualTo(nanos("2021-02-01T16:45:03.01232Z"));
        assertThat(records.get(5).json()).isEqualTo("{\"time\":\"2019-05-07T18:57:50.904275087+00:00\",\"stream\":\"stdout\","
                + "\"_p\":\"P\",\"log\":\"1a. some multiline log\"}");
        assertThat(records.get(5).timeNanos()).isEqualTo(nanos("2019-05-07T18:57:50.904275087Z"));
        // every byte of the file is in exactly one record, in file order
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).offset()).isEqualTo(records.get(i - 1).nextOffset());
        }
        assertThat(records.get(records.size() - 1).nextOffset()).isEqualTo(log.length());
    }

    @Test
    void aLineOfNeitherFormatIsKeptWholeWithBothReasons() {
        List<Decoded> records = run("docker, cri", "plain text\n");
        assertThat(records).extracting(Decoded::json).containsExactly("{\"log\":\"plain text\",\"ferry_parse_error\":"
                + "\"no parser of multiline.parser docker, cri accepts the line: multiline.parser docker: not a docker JSON "
                + "line: it does not start with {; multiline.parser cri: line does not match regex of parser "
                + "multiline.parser cri\"}");
        assertThat(run("docker, cri", "{\"log\":1\n")).extracting(Decoded::json).containsExactly("{\"log\":\"{\\\"log\\\":1\","
                + "\"ferry_parse_error\":\"no parser of multiline.parser docker, cri accepts the line: multiline.parser docker: "
                + "invalid JSON at byte 8: unexpected end of line where ',' or '}' was expected; multiline.parser cri: line does not "
                + "match regex of parser multiline.parser cri\"}");
    }

    @Test
    void containerFormatsAndRuleParsersCannotBeListedTogether() {
        assertThatThrownBy(() -> new MultilineParserList(List.of(BuiltinMultilineParsers.find("cri").orElseThrow(),
                BuiltinMultilineParsers.find("java").orElseThrow())))
                .hasMessage("multiline.parser lists container formats (cri) with rule-based parsers (java); ferry reads "
                        + "the records of one input either as container lines or as text: list only cri for container "
                        + "logs, or give the other files an input of their own");
    }

    /** The assembler takes exactly the lines Fluent Bit's _ml_cri regex matches (Onigmo: . is any byte but \n). */
    @Test
    void theCriAssemblerTakesWhatFluentBitsRegexMatches() {
        Pattern fluentBit = Pattern.compile("(?s)^(?<time>.+?) (?<stream>stdout|stderr) (?<p>F|P) (?<log>.*)$");
        String[] lines = {"T stdout F x", "T stdout F ", "T stdout F", " stdout F x", "T  stdout F x",
                "a b stderr P c", "T stdout P:x y", "T stdoutF x", "T stdio F x", "T stdout f x", "T stdout F\rx",
                "x stdout F stderr P y", "T stderr PP y", "T\tstdout F x", "", "T stdout ", "Tstdout F x"};
        for (String line : lines) {
            byte[] b = line.getBytes();
            var m = fluentBit.matcher(line);
            int expected = m.matches() ? m.end("time") : -1;
            assertThat(CriMultilineAssembler.streamAt(b, 0, b.length)).as(line).isEqualTo(expected);
        }
    }
}
