package dev.ferry.parsers.multiline;

import static dev.ferry.parsers.multiline.Collected.feed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.multiline.Collected.Out;
import dev.ferry.parsers.multiline.MultilineParserConfig.Mode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeouts and max_record_size of the CRI and docker assemblers (their joining is in BuiltinMultilineParsersTest). */
class PartialLineAssemblersTest {

    private static final long SECOND = 1_000_000_000L;

    private final Collected out = new Collected();

    private static MultilineAssembler assembler(Mode mode, long max) {
        return MultilineAssembler.create(new MultilineParserConfig(mode.name().toLowerCase(), mode, null, "log",
                Duration.ofSeconds(4), max, List.of()));
    }

    @Test
    void criEmitsIncompletePartsAfterTheTimeoutWithTheirPFlag() {
        MultilineAssembler a = assembler(Mode.CRI, 1 << 20);
        feed(a, "T1 stdout P ab\n", 0, 0, out);
        feed(a, "T2 stdout P cd\n", 15, SECOND, out);
        assertThat(a.pendingOffset()).isZero();
        assertThat(a.flushDeadlineNanos()).isEqualTo(5 * SECOND);
        a.flush(5 * SECOND - 1, false, out);
        assertThat(out.records).isEmpty();
        a.flush(5 * SECOND, false, out);
        assertThat(out.records).containsExactly(new Out("T1 stdout P abcd", 0, 30));
        assertThat(a.counters().toString()).isEqualTo("lines=2 records=1 joined_lines=1 timeouts=1 oversize=0");
    }

    @Test
    void criSplitsARecordAtMaxRecordSize() {
        MultilineAssembler a = assembler(Mode.CRI, 20);
        feed(a, "T1 stdout P 12345\nT2 stdout P 6789\nT3 stdout F end\n", 0, 0, out);
        assertThat(out.records).containsExactly(new Out("T1 stdout P 12345", 0, 18), new Out("T2 stdout P 6789end", 18, 51));
        assertThat(a.counters().oversize()).isEqualTo(1);
    }

    @Test
    void dockerEmitsIncompletePartsWhenForcedOrTimedOut() {
        MultilineAssembler a = assembler(Mode.DOCKER, 1 << 20);
        feed(a, "{\"log\":\"ab\",\"stream\":\"stdout\"}\n{\"log\":\"cd\",\"stream\":\"stdout\"}\n", 0, 0, out);
        a.flush(SECOND, false, out);
        assertThat(out.records).isEmpty();
        a.flush(SECOND, true, out);
        assertThat(out.records).containsExactly(new Out("{\"log\":\"abcd\",\"stream\":\"stdout\"}", 0, 62));
        feed(a, "{\"log\":\"ef\",\"stream\":\"stdout\"}\n", 62, 0, out);
        a.flush(4 * SECOND, false, out);
        assertThat(out.records.get(1)).isEqualTo(new Out("{\"log\":\"ef\",\"stream\":\"stdout\"}", 62, 93));
        assertThat(a.counters().timeouts()).isEqualTo(1);
    }

    @Test
    void dockerSplitsARecordAtMaxRecordSize() {
        MultilineAssembler a = assembler(Mode.DOCKER, 31);
        feed(a, "{\"log\":\"12345\",\"stream\":\"s\"}\n{\"log\":\"6789\",\"stream\":\"s\"}\n{\"log\":\"x\\n\",\"stream\":\"s\"}\n",
                0, 0, out);
        assertThat(out.texts()).containsExactly("{\"log\":\"12345\",\"stream\":\"s\"}", "{\"log\":\"6789x\\n\",\"stream\":\"s\"}");
        assertThat(out.records.get(1).offset()).isEqualTo(out.records.get(0).nextOffset());
        assertThat(a.counters().oversize()).isEqualTo(1);
    }
}
