package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry run} with the tail input's {@code multiline.parser cri}, {@code docker} and
 * {@code docker, cri} on container log files: the exact records Fluent Bit gives (fields, record time),
 * and the configurations ferry refuses, with their messages.
 */
class ContainerLogsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ferry(String... args) {
        return Main.execute(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs a tail input with {@code inputKeys} on {@code log} to its end; the out_file lines it wrote. */
    private String run(String log, String inputKeys) throws Exception {
        Files.writeString(dir.resolve("c.log"), log);
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + dir + "/*.log\n    Tag kube\n"
                + "    Read_from_Head On\n    Exit_On_Eof On\n" + inputKeys
                + "[OUTPUT]\n    Name file\n    Match *\n    Path " + dir + "\n    File out.txt\n");
        assertThat(ferry("run", "-c", conf.toString())).as(err()).isZero();
        return Files.readString(dir.resolve("out.txt"));
    }

    private String check(String inputKeys) throws Exception {
        Path conf = dir.resolve("f.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path /x\n" + inputKeys + "[OUTPUT]\n    Name null\n    Match *\n");
        assertThat(ferry("check", "-c", conf.toString())).isEqualTo(2);
        return err().replace(conf.toString(), "f.conf");
    }

    @Test
    void criRecordsAreFluentBitsWithTheRuntimeTimeAndThePartsJoined() throws Exception {
        String log = "2024-01-01T10:00:00.100000000Z stdout F {\"level\":\"info\",\"msg\":\"started\"}\n"
                + "2024-01-01T10:00:01.200000000Z stderr P a long line, \n"
                + "2024-01-01T10:00:01.200000100Z stderr F split in two\n";
        assertThat(run(log, "    multiline.parser cri\n")).isEqualTo(
                "kube: [1704103200.100000000, {\"time\":\"2024-01-01T10:00:00.100000000Z\",\"stream\":\"stdout\",\"_p\":\"F\","
                        + "\"log\":\"{\\\"level\\\":\\\"info\\\",\\\"msg\\\":\\\"started\\\"}\"}]\n"
                        + "kube: [1704103201.200000000, {\"time\":\"2024-01-01T10:00:01.200000000Z\",\"stream\":\"stderr\",\"_p\":\"P\","
                        + "\"log\":\"a long line, split in two\"}]\n");
    }

    @Test
    void dockerCriTakesDockerAndCriLinesEachByItsFormat() throws Exception {
        String log = "{\"log\":\"one, \",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.000000001Z\"}\n"
                + "{\"log\":\"two\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.000000002Z\"}\n"
                + "2024-01-01T10:00:02.000000000Z stdout F cri\n";
        String expected = "kube: [1704103200.000000001, {\"log\":\"one, two\\n\",\"stream\":\"stdout\","
                + "\"time\":\"2024-01-01T10:00:00.000000001Z\"}]\n"
                + "kube: [1704103202.000000000, {\"time\":\"2024-01-01T10:00:02.000000000Z\",\"stream\":\"stdout\",\"_p\":\"F\","
                + "\"log\":\"cri\"}]\n";
        assertThat(run(log, "    multiline.parser docker, cri\n")).isEqualTo(expected);
        Files.delete(dir.resolve("out.txt"));
        // the key may be repeated, as in Fluent Bit
        assertThat(run(log, "    multiline.parser docker\n    multiline.parser cri\n")).isEqualTo(expected);
    }

    @Test
    void aParserBesideAContainerFormatIsRefusedWithTheReason() throws Exception {
        assertThat(check("    Parser cri\n    multiline.parser cri\n")).isEqualTo("ferry: f.conf:4: [INPUT] tail: Parser cri has "
                + "no effect with multiline.parser cri: records are read by the container format itself into time, stream, "
                + "_p (cri) and log, as Fluent Bit does (it ignores Parser when multiline.parser is set). Remove Parser; to "
                + "parse the application's text in log, use the kubernetes filter's Merge_Log or a parser filter on log\n");
    }

    @Test
    void aContainerFormatListedWithARuleParserIsRefusedWithTheReason() throws Exception {
        assertThat(check("    multiline.parser cri, java\n")).isEqualTo("ferry: f.conf:4: [INPUT] tail: multiline.parser lists "
                + "container formats (cri) with rule-based parsers (java); ferry reads the records of one input either as "
                + "container lines or as text: list only cri for container logs, or give the other files an input of their own\n");
    }

    @Test
    void multilineKeyContentIsRefusedAsFluentBitsTailRefusesIt() throws Exception {
        assertThat(check("    multiline.parser java\n    multiline.key_content log\n")).isEqualTo("ferry: f.conf:5: [INPUT] "
                + "tail: multiline.key_content is not a key of the tail input (Fluent Bit refuses it there too): it belongs to "
                + "Fluent Bit's multiline filter, which ferry does not have. tail's multiline.parser joins the lines as read; "
                + "for container logs use multiline.parser docker, cri, which takes the text from their log field. Remove the key\n");
    }
}
