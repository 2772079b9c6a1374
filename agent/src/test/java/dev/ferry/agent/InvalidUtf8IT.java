package dev.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ferry.jar} on files holding bytes that are not valid UTF-8 (Latin-1 text, stray bytes). JSON
 * must be UTF-8, so those bytes come out as U+FFFD; each record repaired so is counted in the stop summary
 * ({@code invalid_utf8_repaired}) and the first is logged at WARN with its file and offset. Before, the bytes
 * were replaced silently: no counter, no log line.
 */
class InvalidUtf8IT {

    private static final String WARN = "[WARN] InvalidUtf8Reporter - A line held bytes that are not valid UTF-8; they"
            + " were replaced with U+FFFD and the record went on (the file still holds the original bytes). file=";

    @TempDir
    Path dir;

    @Test
    void withoutAParserInvalidBytesBecomeReplacementCharactersCountedAndLogged() throws Exception {
        Path log = dir.resolve("latin1.log");
        Files.write(log, bytes("caf", 0xE9, " ok\n", "valid caf", 0xC3, 0xA9, "\n", "two ", 0xFF, 0xFE, " bad\n"));
        Path conf = dir.resolve("u8.conf");
        Files.writeString(conf, "[INPUT]\n    Name tail\n    Path " + log + "\n    Read_from_Head On\n    Exit_On_Eof On\n"
                + "[OUTPUT]\n    Name stdout\n    Match *\n    Format json_lines\n    json_date_key off\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stdoutText()).isEqualTo("{\"log\":\"caf\uFFFD ok\"}\n{\"log\":\"valid caf\u00E9\"}\n"
                    + "{\"log\":\"two \uFFFD\uFFFD bad\"}\n");
            String err = ferry.stderrText();
            assertThat(err).contains(" parse_errors_kept_whole=0 invalid_utf8_repaired=2 dropped_by_filters=0 ")
                    .contains(WARN + log + " offset=0 bytes_replaced=1 invalid_utf8_repaired=1 (logged at most once a"
                            + " minute; the stop summary gives the total)");
            // the second repaired line, within the minute, is counted but not logged
            assertThat(err.split("InvalidUtf8Reporter", -1)).hasSize(2);
        }
    }

    @Test
    void throughTheSpoolARegexParsersStringsAndTheJsonParsersRejectedLineAreCountedToo() throws Exception {
        Path regexLog = dir.resolve("regex.log");
        Files.write(regexLog, bytes("ERROR caf", 0xE9, " x\n", "unmatched ", 0xE9, "\n", "INFO fine\n"));
        Path jsonLog = dir.resolve("json.log");
        Files.write(jsonLog, bytes("{\"a\":\"b\"}\n", "{\"a\":\"b", 0xFF, "\"}\n"));
        Path parsers = dir.resolve("p.parsers");
        Files.writeString(parsers, "[PARSER]\n    Name lvl\n    Format regex\n    Regex ^(?<level>[A-Z]+) (?<msg>.*)$\n");
        Path conf = dir.resolve("u8.conf");
        Files.writeString(conf, "[SERVICE]\n    Parsers_File " + parsers + "\n"
                + "[INPUT]\n    Name tail\n    Path " + regexLog + "\n    Parser lvl\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n    DB " + dir.resolve("regex.db") + "\n"
                + "[INPUT]\n    Name tail\n    Path " + jsonLog + "\n    Parser json\n    Read_from_Head On\n"
                + "    Exit_On_Eof On\n    DB " + dir.resolve("json.db") + "\n"
                + "[OUTPUT]\n    Name stdout\n    Match *\n    Format json_lines\n    json_date_key off\n");
        try (FerryProcess ferry = FerryProcess.start(dir, Map.of(), "-c", conf.toString())) {
            assertThat(ferry.waitFor(Duration.ofSeconds(60))).as(ferry.stderrText()).isZero();
            assertThat(ferry.stdoutText().lines()).containsExactlyInAnyOrder(
                    "{\"level\":\"ERROR\",\"msg\":\"caf\uFFFD x\"}",
                    "{\"log\":\"unmatched \uFFFD\",\"ferry_parse_error\":\"line does not match regex of parser lvl\"}",
                    "{\"level\":\"INFO\",\"msg\":\"fine\"}",
                    "{\"a\":\"b\"}",
                    "{\"log\":\"{\\\"a\\\":\\\"b\uFFFD\\\"}\",\"ferry_parse_error\":\"invalid JSON at byte 7: invalid UTF-8"
                            + " start byte 0xFF\"}");
            String err = ferry.stderrText();
            assertThat(err).contains(" spooled=5 ").contains(" parse_errors_kept_whole=2 invalid_utf8_repaired=3 ")
                    .contains(WARN).contains(" bytes_replaced=1 invalid_utf8_repaired=1 (logged at most once a minute;");
        }
    }

    /** The bytes of {@code parts}: strings as UTF-8, integers as one byte each. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                b.write((Integer) p);
            }
        }
        return b.toByteArray();
    }
}
