package dev.ferry.agent.source.tail;

import static dev.ferry.agent.source.tail.TailTestSupport.append;
import static dev.ferry.agent.source.tail.TailTestSupport.await;
import static dev.ferry.agent.source.tail.TailTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.parsers.multiline.BuiltinMultilineParsers;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.ring.LineDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tail with {@code multiline.parser}: lines of one file joined into records, with exact positions. */
class TailMultilineTest {

    @TempDir
    Path dir;

    private TailInput input;

    @AfterEach
    void close() {
        if (input != null) {
            input.close();
        }
    }

    private TailInput start(RecordingPublisher pub, String parser, String... keyValues) {
        TailConfig c = config(keyValues);
        assertThat(c.multilineParser()).isEqualTo(parser);
        input = new TailInput(c, "tail.0", new LineDecoder(null, null, null), BuiltinMultilineParsers.find(parser).orElseThrow());
        input.start(pub);
        return input;
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
    void moreThanOneMultilineParserIsRefusedWithTheReason() {
        assertThatThrownBy(() -> config("Path", "/x", "multiline.parser", "docker, cri"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:4: [INPUT] tail: multiline.parser lists 2 parsers (docker, cri); ferry takes one "
                        + "per input for now: split the input by Path");
    }
}
