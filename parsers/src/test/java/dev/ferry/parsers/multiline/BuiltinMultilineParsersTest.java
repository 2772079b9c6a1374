package dev.ferry.parsers.multiline;

import static dev.ferry.parsers.multiline.Collected.feed;
import static dev.ferry.parsers.multiline.Collected.offsetOf;
import static dev.ferry.parsers.multiline.Collected.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.parsers.multiline.Collected.Out;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in multiline parsers on real output (see src/test/resources/multiline/gen/README.md). */
class BuiltinMultilineParsersTest {

    private static List<Out> assemble(String parsers, String text) {
        Collected out = new Collected();
        List<MultilineParserConfig> list = new ArrayList<>();
        for (String name : parsers.split(", ")) {
            list.add(BuiltinMultilineParsers.find(name).orElseThrow());
        }
        MultilineAssembler a = MultilineAssembler.create(new MultilineParserList(list));
        long end = feed(a, text, 0, 0, out);
        a.flush(0, true, out);
        assertThat(a.hasPending()).isFalse();
        // every byte is in exactly one record, in file order
        long at = 0;
        for (Out o : out.records) {
            assertThat(o.offset()).as("offset of %s", o.text()).isEqualTo(at);
            at = o.nextOffset();
        }
        assertThat(at).isEqualTo(end);
        return out.records;
    }

    /** The record holding {@code text} from {@code from} up to (not including) {@code to}, exactly. */
    private static Out span(String text, String from, String to) {
        long start = offsetOf(text, from);
        long next = to == null ? text.getBytes(StandardCharsets.UTF_8).length : offsetOf(text, to);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        String joined = new String(b, (int) start, (int) (next - start), StandardCharsets.UTF_8);
        return new Out(joined.endsWith("\n") ? joined.substring(0, joined.length() - 1) : joined, start, next);
    }

    @Test
    void javaJoinsAStackTraceWithItsCause() {
        String log = resource("java.log");
        List<Out> records = assemble("java", log);
        assertThat(records).containsExactly(
                new Out("2024-01-01 10:00:00.000 INFO starting app", 0, 42),
                new Out("2024-01-01 10:00:00.100 ERROR startup failed", 42, 87),
                span(log, "java.lang.RuntimeException", "2024-01-01 10:00:00.200"),
                new Out("2024-01-01 10:00:00.200 INFO shutting down", 897, 940));
        assertThat(records.get(2).text()).startsWith("java.lang.RuntimeException: startup failed\n\tat Boom.start(")
                .contains("\nCaused by: java.lang.IllegalStateException: config missing: /etc/app.conf\n\tat Boom.load(")
                .endsWith("\n\t... 8 more");
        assertThat(records.get(2).text().split("\n")).hasSize(14);
    }

    @Test
    void pythonJoinsATracebackWithItsMarkerLine() {
        List<Out> records = assemble("python", resource("python.log"));
        assertThat(records).containsExactly(
                new Out("2024-01-01 10:00:00,000 INFO starting", 0, 38),
                new Out("Traceback (most recent call last):\n"
                        + "  File \"/tmp/mlsamples/boom.py\", line 6, in <module>\n"
                        + "    parse(\"abc\")\n"
                        + "  File \"/tmp/mlsamples/boom.py\", line 3, in parse\n"
                        + "    return int(v)\n"
                        + "           ^^^^^^\n"
                        + "ValueError: invalid literal for int() with base 10: 'abc'", 38, 287),
                new Out("2024-01-01 10:00:00,200 INFO done", 287, 321));
    }

    @Test
    void goJoinsAPanicWithItsGoroutines() {
        List<Out> records = assemble("go", resource("go-panic.log"));
        assertThat(records).containsExactly(
                new Out("2024/01/01 10:00:00 serving on :8080", 0, 37),
                new Out("panic: runtime error: index out of range [5] with length 3\n"
                        + "\n"
                        + "goroutine 1 [running]:\n"
                        + "main.lookup(...)\n"
                        + "\t/src/app/main.go:12\n"
                        + "main.main()\n"
                        + "\t/src/app/main.go:20 +0x1d", 37, 197),
                new Out("exit status 2", 197, 211));
    }

    /** audit W6: Fluent Bit's go parser also starts a record at the runtime's "fatal error:". */
    @Test
    void goJoinsAFatalErrorWithItsGoroutines() {
        // the shape of Go 1.21's output for a concurrent map write (no Go toolchain on this machine)
        String log = "2024/01/01 10:00:00 serving on :8080\n"
                + "fatal error: concurrent map writes\n"
                + "\n"
                + "goroutine 18 [running]:\n"
                + "main.main.func1()\n"
                + "\t/app/main.go:9 +0x45\n"
                + "created by main.main in goroutine 1\n"
                + "\t/app/main.go:7 +0x4a\n"
                + "\n"
                + "goroutine 1 [sleep]:\n"
                + "time.Sleep(0x3b9aca00)\n"
                + "\t/usr/local/go/src/runtime/time.go:195 +0x125\n"
                + "main.main()\n"
                + "\t/app/main.go:12 +0x5d\n"
                + "exit status 2\n";
        assertThat(assemble("go", log)).containsExactly(
                new Out("2024/01/01 10:00:00 serving on :8080", 0, 37),
                span(log, "fatal error:", "exit status 2"),
                new Out("exit status 2", offsetOf(log, "exit status 2"), log.length()));
        assertThat(span(log, "fatal error:", "exit status 2").text().split("\n")).hasSize(13);
    }

    /** Fluent Bit's ruby parser (flb_ml_parser_ruby.c), which ferry lacked. */
    @Test
    void rubyJoinsABacktraceWithItsFromLines() {
        // the shape of Ruby 3.3's output for an uncaught exception (no Ruby on this machine)
        String log = "I, [2024-01-01T10:00:00.000000 #1]  INFO -- : starting\n"
                + "/app/boom.rb:2:in `parse': invalid value (ArgumentError)\n"
                + "\tfrom /app/boom.rb:6:in `block in <main>'\n"
                + "\tfrom /app/boom.rb:5:in `each'\n"
                + "\tfrom /app/boom.rb:5:in `<main>'\n"
                + "I, [2024-01-01T10:00:01.000000 #1]  INFO -- : done\n";
        assertThat(assemble("ruby", log)).containsExactly(
                span(log, "I, [2024-01-01T10:00:00", "/app/boom.rb:2"),
                new Out("/app/boom.rb:2:in `parse': invalid value (ArgumentError)\n"
                        + "\tfrom /app/boom.rb:6:in `block in <main>'\n"
                        + "\tfrom /app/boom.rb:5:in `each'\n"
                        + "\tfrom /app/boom.rb:5:in `<main>'", offsetOf(log, "/app/boom.rb:2"),
                        offsetOf(log, "I, [2024-01-01T10:00:01")),
                span(log, "I, [2024-01-01T10:00:01", null));
    }

    @Test
    void erlangJoinsOtpReportsWithTheLegacyHeader() {
        String log = resource("otp-legacy-header.log");
        List<Out> records = assemble("erlang", log);
        assertThat(records).extracting(o -> o.text().substring(0, o.text().indexOf("==== ")))
                .containsExactly("=PROGRESS REPORT", "=ERROR REPORT", "=CRASH REPORT", "=SUPERVISOR REPORT",
                        "=PROGRESS REPORT", "=ERROR REPORT", "=INFO REPORT", "=ERROR REPORT", "=WARNING REPORT",
                        "=ERROR REPORT");
        assertThat(records.get(3)).isEqualTo(span(log, "=SUPERVISOR REPORT", "=PROGRESS REPORT==== 22-Nov-2026::03:42:38.072906"));
        assertThat(records.get(3).text()).endsWith("               {child_type,worker}]\n");
        assertThat(records.get(2)).isEqualTo(new Out(span(log, "=CRASH REPORT", "=SUPERVISOR").text(), 1240, 1903));
        assertThat(records.get(9)).isEqualTo(new Out("=ERROR REPORT==== 22-Nov-2026::03:42:38.274956 ===\n"
                + "    peer: {127,0,0,1}\n    retries: 3\n    what: connection_lost", 3371, 3485));
    }

    @Test
    void erlangJoinsLoggerFormatterMultiLineOutput() {
        String log = resource("otp-logger-formatter.log");
        List<Out> records = assemble("erlang", log);
        assertThat(records).extracting(o -> o.text().substring(0, o.text().indexOf('\n')))
                .containsExactly("2026-11-22T03:42:39.873695+00:00 info:", "2026-11-22T03:42:39.883446+00:00 error:",
                        "2026-11-22T03:42:39.883708+00:00 error:", "2026-11-22T03:42:39.902151+00:00 error:",
                        "2026-11-22T03:42:39.902369+00:00 info:", "2026-11-22T03:42:40.104633+00:00 error:",
                        "2026-11-22T03:42:40.104755+00:00 notice:", "2026-11-22T03:42:40.104776+00:00 error:",
                        "2026-11-22T03:42:40.104789+00:00 warning:", "2026-11-22T03:42:40.104804+00:00 error:");
        assertThat(records.get(1)).isEqualTo(span(log, "2026-11-22T03:42:39.883446", "2026-11-22T03:42:39.883708"));
        assertThat(records.get(1).text()).contains("\n** Generic server crash_srv terminating \n");
        assertThat(records.get(6)).isEqualTo(new Out("2026-11-22T03:42:40.104755+00:00 notice:\n"
                + "listener started on port 8080\n", 3067, 3139));
    }

    @Test
    void erlangKeepsSingleLineLogLinesApartAndLeavesStrayLinesAlone() {
        String log = "[2024-01-01T10:00:00.123456+00:00] info pid=<0.1.0> started\n"
                + "[2024-01-01T10:00:00.200000+00:00] error pid=<0.2.0> crashed\n"
                + "=ERROR REPORT==== 1-Jan-2024::10:00:01 ===\n"
                + "bad thing\n"
                + "  detail\n"
                + "2024-01-01 10:00:02 plain start\n"
                + "=== not a report\n"
                + "stray\n";
        assertThat(assemble("erlang", log)).containsExactly(
                new Out("[2024-01-01T10:00:00.123456+00:00] info pid=<0.1.0> started", 0, 60),
                new Out("[2024-01-01T10:00:00.200000+00:00] error pid=<0.2.0> crashed", 60, 121),
                new Out("=ERROR REPORT==== 1-Jan-2024::10:00:01 ===\nbad thing\n  detail", 121, 183),
                new Out("2024-01-01 10:00:02 plain start", 183, 215),
                new Out("=== not a report", 215, 232),
                new Out("stray", 232, 238));
    }

    @Test
    void criJoinsPartialLinesIntoOneCriLineWithTheFirstPartsPrefix() {
        String log = "2024-01-01T10:00:00.100000000Z stdout P one, \n"
                + "2024-01-01T10:00:00.200000000Z stdout P two, \n"
                + "2024-01-01T10:00:00.300000000Z stdout F three\n"
                + "2024-01-01T10:00:00.400000000Z stderr F whole\n"
                + "2024-01-01T10:00:00.500000000Z stdout P cut by\n"
                + "2024-01-01T10:00:00.600000000Z stderr F the other stream\n"
                + "not cri\n"
                + "2024-01-01T10:00:00.700000000Z stdout F\n"
                + "2024-01-01T10:00:00.800000000Z stdout P:tag pending at the end\n";
        assertThat(assemble("cri", log)).containsExactly(
                new Out("2024-01-01T10:00:00.100000000Z stdout P one, two, three", 0, 138),
                new Out("2024-01-01T10:00:00.400000000Z stderr F whole", 138, 184),
                new Out("2024-01-01T10:00:00.500000000Z stdout P cut by", 184, 231),
                new Out("2024-01-01T10:00:00.600000000Z stderr F the other stream", 231, 288),
                new Out("not cri", 288, 296),
                // Fluent Bit's regex wants F or P and a space: these two are not CRI lines, each is a record alone
                new Out("2024-01-01T10:00:00.700000000Z stdout F", 296, 336),
                new Out("2024-01-01T10:00:00.800000000Z stdout P:tag pending at the end", 336, 399));
    }

    @Test
    void dockerJoinsPartialLogValues() {
        String log = "{\"log\":\"one, \",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.1Z\"}\n"
                + "{\"log\":\"\\\"two\\\", \",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.2Z\"}\n"
                + "{\"log\":\"three\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.3Z\"}\n"
                + "{\"log\":\"whole\\n\",\"stream\":\"stderr\",\"attrs\":{\"a\":[1,\"}\"]},\"time\":\"T\"}\n"
                + "{\"log\":\"ends in a backslash\\\\\",\"stream\":\"stdout\",\"time\":\"T\"}\n"
                + "{\"log\":\"other stream\\n\",\"stream\":\"stderr\",\"time\":\"T\"}\n"
                + "not json\n";
        assertThat(assemble("docker", log)).containsExactly(
                new Out("{\"log\":\"one, \\\"two\\\", three\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.1Z\"}",
                        0, 204),
                new Out("{\"log\":\"whole\\n\",\"stream\":\"stderr\",\"attrs\":{\"a\":[1,\"}\"]},\"time\":\"T\"}", 204, 273),
                new Out("{\"log\":\"ends in a backslash\\\\\",\"stream\":\"stdout\",\"time\":\"T\"}", 273, 334),
                new Out("{\"log\":\"other stream\\n\",\"stream\":\"stderr\",\"time\":\"T\"}", 334, 388),
                new Out("not json", 388, 397));
    }

    /** A list of rule-based parsers: each line goes to the one that takes it (Fluent Bit's java, python, go). */
    @Test
    void aListOfRuleParsersJoinsEachTraceWithTheParserThatTakesIt() {
        String log = "INFO start\n"
                + "java.lang.IllegalStateException: bad\n"
                + "\tat a.B.c(B.java:1)\n"
                + "Traceback (most recent call last):\n"
                + "  File \"x.py\", line 1, in <module>\n"
                + "    f()\n"
                + "ValueError: boom\n"
                + "INFO end\n";
        assertThat(assemble("java, python", log)).extracting(Out::text).containsExactly(
                "INFO start",
                "java.lang.IllegalStateException: bad\n\tat a.B.c(B.java:1)",
                "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    f()\nValueError: boom",
                "INFO end");
    }
}
