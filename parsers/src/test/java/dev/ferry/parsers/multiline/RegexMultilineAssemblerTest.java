package dev.ferry.parsers.multiline;

import static dev.ferry.parsers.multiline.Collected.feed;
import static dev.ferry.parsers.multiline.MultilineParserConfigTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.multiline.Collected.Out;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegexMultilineAssemblerTest {

    private static final long SECOND = 1_000_000_000L;

    private final Collected out = new Collected();

    /** Records start at a date; indented lines continue them; END ends one. */
    private static MultilineAssembler dated(String... extra) {
        String[] kv = {"Name", "dated", "Type", "regex", "Flush_Timeout", "4000",
            "Rule", "\"start_state\" \"/^\\d{4}-/\" \"cont\"",
            "Rule", "\"cont\" \"/^\\s/\" \"cont\"",
            "Rule", "\"cont\" \"/^END$/\" \"start_state\""};
        String[] all = new String[kv.length + extra.length];
        System.arraycopy(kv, 0, all, 0, kv.length);
        System.arraycopy(extra, 0, all, kv.length, extra.length);
        return MultilineAssembler.create(config(all));
    }

    @Test
    void aStartLineStartsARecordAndEmitsThePreviousOne() {
        MultilineAssembler a = dated();
        feed(a, "2024-a\n x\n y\n2024-b\n z\n", 100, 0, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x\n y", 100, 113));
        assertThat(a.hasPending()).isTrue();
        assertThat(a.pendingOffset()).isEqualTo(113);
        a.flush(0, true, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x\n y", 100, 113), new Out("2024-b\n z", 113, 123));
        assertThat(a.hasPending()).isFalse();
        assertThat(a.pendingOffset()).isEqualTo(-1);
        assertThat(a.counters().toString()).isEqualTo("lines=5 records=2 joined_lines=3 timeouts=0 oversize=0");
    }

    @Test
    void aLineThatContinuesNothingEndsTheRecordAndIsARecordAlone() {
        MultilineAssembler a = dated();
        feed(a, "2024-a\n x\nplain\n y\n2024-b\n", 0, 0, out);
        a.flush(0, true, out);
        assertThat(out.records).containsExactly(
                new Out("2024-a\n x", 0, 10), new Out("plain", 10, 16), new Out(" y", 16, 19), new Out("2024-b", 19, 26));
    }

    @Test
    void onlyTheRulesOfTheCurrentStateApply() {
        MultilineAssembler a = MultilineAssembler.create(config("Name", "ab", "Type", "regex",
                "Rule", "\"start_state\" \"/^S/\" \"a\"",
                "Rule", "\"a\" \"/^a/\" \"b\"",
                "Rule", "\"b\" \"/^b/\" \"a\""));
        feed(a, "S\na\nb\na\nb\nb\n", 0, 0, out);
        assertThat(out.texts()).containsExactly("S\na\nb\na\nb", "b");
        assertThat(out.records.get(1)).isEqualTo(new Out("b", 10, 12));
        assertThat(a.hasPending()).isFalse();
    }

    @Test
    void continuationsAreTriedBeforeStartRules() {
        MultilineAssembler a = MultilineAssembler.create(config("Name", "greedy", "Type", "regex",
                "Rule", "\"start_state\" \"/^BEGIN/\" \"body\"",
                "Rule", "\"body\" \"/^\\S/\" \"body\""));
        feed(a, "BEGIN 1\nline\nBEGIN 2\n", 0, 0, out);
        a.flush(0, true, out);
        assertThat(out.texts()).containsExactly("BEGIN 1\nline\nBEGIN 2");
    }

    @Test
    void aRuleLeadingToAStartStateEndsTheRecordAtOnce() {
        MultilineAssembler a = dated();
        feed(a, "2024-a\n x\nEND\n y\n", 0, 0, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x\nEND", 0, 14), new Out(" y", 14, 17));
        assertThat(a.hasPending()).isFalse();
    }

    @Test
    void aPendingRecordIsEmittedWhenFlushTimeoutHasPassedSinceItsLastLine() {
        MultilineAssembler a = dated();
        assertThat(a.flushDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        feed(a, "2024-a\n", 0, 0, out);
        feed(a, " x\n", 7, SECOND, out);
        assertThat(a.flushDeadlineNanos()).isEqualTo(5 * SECOND);
        a.flush(5 * SECOND - 1, false, out);
        assertThat(out.records).isEmpty();
        a.flush(5 * SECOND, false, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x", 0, 10));
        assertThat(a.counters().timeouts()).isEqualTo(1);
        // the state is kept: late continuation lines form a record of their own
        feed(a, " late\n more\n", 10, 9 * SECOND, out);
        a.flush(13 * SECOND, false, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x", 0, 10), new Out(" late\n more", 10, 22));
        assertThat(a.counters().timeouts()).isEqualTo(2);
    }

    @Test
    void aForcedFlushEmitsAtOnceAndResetsTheState() {
        MultilineAssembler a = dated();
        feed(a, "2024-a\n x\n", 0, 0, out);
        a.flush(0, true, out);
        feed(a, " y\n", 10, 0, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n x", 0, 10), new Out(" y", 10, 13));
        assertThat(a.counters().timeouts()).isZero();
        a.flush(0, true, out);
        assertThat(out.records).hasSize(2);
    }

    @Test
    void aRecordThatWouldGrowPastMaxRecordSizeIsEmittedAndTheNextLinesGoOn() {
        MultilineAssembler a = dated("max_record_size", "16");
        feed(a, "2024-a\n 123456\n 789\n q\n", 0, 0, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n 123456", 0, 15));
        a.flush(0, true, out);
        assertThat(out.records).containsExactly(new Out("2024-a\n 123456", 0, 15), new Out(" 789\n q", 15, 23));
        assertThat(a.counters().oversize()).isEqualTo(1);
        // one line larger than the limit is a record alone, emitted at once
        feed(a, "2024-0123456789abcdef\n x\n", 23, 0, out);
        assertThat(out.records.get(2)).isEqualTo(new Out("2024-0123456789abcdef", 23, 45));
        assertThat(a.counters().oversize()).isEqualTo(2);
        a.flush(0, true, out);
        assertThat(out.records.get(3)).isEqualTo(new Out(" x", 45, 48));
    }

    @Test
    void matchesUtf8LinesAsText() {
        MultilineAssembler a = MultilineAssembler.create(config("Name", "u", "Type", "regex",
                "Rule", "\"start_state\" \"/^Ärger:/\" \"cont\"",
                "Rule", "\"cont\" \"/^\\s+\\p{L}+$/\" \"cont\""));
        long end = feed(a, "Ärger: x\n  ünïcödé\n", 0, 0, out);
        a.flush(0, true, out);
        assertThat(out.records).containsExactly(new Out("Ärger: x\n  ünïcödé", 0, end));
        assertThat(end).isEqualTo("Ärger: x\n  ünïcödé\n".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void emptyLinesJoinWhereARuleAcceptsThem() {
        MultilineAssembler a = MultilineAssembler.create(config("Name", "e", "Type", "regex",
                "Rule", "\"start_state\" \"/^S/\" \"cont\"",
                "Rule", "\"cont\" \"/^$/\" \"cont\""));
        feed(a, "S\n\n\nS\n", 0, 0, out);
        a.flush(0, true, out);
        assertThat(out.records).containsExactly(new Out("S\n\n", 0, 4), new Out("S", 4, 6));
    }
}
