package dev.ferry.parsers.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeFormatTest {

    private static final Clock JUNE_2024 = Clock.fixed(Instant.parse("2024-06-15T12:00:00Z"), ZoneOffset.UTC);

    private static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static long parse(String format, String text) {
        return TimeFormat.compile(format, 0, true, JUNE_2024).parse(text);
    }

    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource(delimiter = '|', value = {
        "%d/%b/%Y:%H:%M:%S %z        | 01/Jan/2024:12:00:00 +0200        | 2024-01-01T10:00:00Z",
        "%d/%b/%Y:%H:%M:%S %z        | 10/Oct/2000:13:55:36 -0700        | 2000-10-10T20:55:36Z",
        "%Y-%m-%dT%H:%M:%S.%L%z      | 2024-01-01T10:00:00.123+00:00     | 2024-01-01T10:00:00.123Z",
        "%Y-%m-%dT%H:%M:%S.%L%z      | 2024-01-01T10:00:00.123456Z       | 2024-01-01T10:00:00.123456Z",
        "%Y-%m-%dT%H:%M:%S.%L        | 2024-01-01T10:00:00.123456789Z    | 2024-01-01T10:00:00.123456789Z",
        "%Y-%m-%dT%H:%M:%S           | 2024-01-01T10:00:00               | 2024-01-01T10:00:00Z",
        "%Y-%m-%d %H:%M:%S,%L        | 2024-01-01 10:00:00,250           | 2024-01-01T10:00:00.250Z",
        "%F %T                       | 2024-01-01 10:00:00               | 2024-01-01T10:00:00Z",
        "%D %R                       | 01/02/24 10:00                    | 2024-01-02T10:00:00Z",
        "%a %b %e %H:%M:%S %Y        | Mon Jan  1 10:00:00 2024          | 2024-01-01T10:00:00Z",
        "%A, %d %B %Y %I:%M:%S %p    | Monday, 01 January 2024 10:00:00 PM | 2024-01-01T22:00:00Z",
        "%I:%M %p %d.%m.%Y           | 12:30 AM 01.01.2024               | 2024-01-01T00:30:00Z",
        "%y%m%d %H%M%S               | 691231 235959                     | 1969-12-31T23:59:59Z",
        "%y%m%d %H%M%S               | 680101 000000                     | 2068-01-01T00:00:00Z",
        "%Y %j %T                    | 2024 060 10:00:00                 | 2024-02-29T10:00:00Z",
        "%s                          | 1704103200                        | 2024-01-01T10:00:00Z",
        "%s.%L                       | 1704103200.25                     | 2024-01-01T10:00:00.25Z",
        "%Y-%m-%d %H:%M:%S %Z        | 2024-01-01 10:00:00 UTC           | 2024-01-01T10:00:00Z",
        "%Y-%m-%d %H:%M:%S %Z        | 2024-01-01 10:00:00 GMT           | 2024-01-01T10:00:00Z",
        "%b %d %H:%M:%S              | Mar  5 10:00:00                   | 2024-03-05T10:00:00Z",
        "%H:%M:%S                    | 10:00:00                          | 2024-06-15T10:00:00Z",
        "[%Y-%m-%d %H:%M:%S]         | [2024-01-01 10:00:00] trailing    | 2024-01-01T10:00:00Z",
        "%Y-%m-%d%n%H:%M:%S%%        | 2024-01-01 10:00:00%              | 2024-01-01T10:00:00Z",
        "%Y-%m-%d    %H:%M:%S        | 2024-01-0110:00:00                | 2024-01-01T10:00:00Z",
    })
    void readsStrptimeFormats(String format, String text, String expected) {
        assertThat(parse(format, text)).isEqualTo(nanos(expected));
    }

    @ParameterizedTest(name = "{0} rejects {1}")
    @CsvSource(delimiter = '|', value = {
        "%d/%b/%Y:%H:%M:%S %z   | 01/Foo/2024:12:00:00 +0200",
        "%d/%b/%Y:%H:%M:%S %z   | 01/Jan/2024:12:00:00 0200",
        "%d/%b/%Y:%H:%M:%S %z   | 01/Jan/2024:12:00:00",
        "%Y-%m-%d               | 2024-02-30",
        "%Y-%m-%d               | 2024-1x-01",
        "%Y-%m-%dT%H:%M:%S.%L   | 2024-01-01T10:00:00",
        "%H:%M:%S               | 25:00:00",
        "%I:%M %p               | 13:00 PM",
        "%Y-%m-%d %Z            | 2024-01-01 CEST",
        "%Y %j                  | 2023 366",
    })
    void rejectsTextThatDoesNotMatch(String format, String text) {
        assertThat(parse(format, text)).isEqualTo(TimeFormat.NO_TIME);
    }

    @Test
    void appliesTheOffsetOnlyToFormatsWithoutAZone() {
        TimeFormat local = TimeFormat.compile("%Y-%m-%d %H:%M:%S", TimeFormat.parseOffset("+0200"), true, JUNE_2024);
        assertThat(local.parse("2024-01-01 12:00:00")).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        TimeFormat zoned = TimeFormat.compile("%Y-%m-%d %H:%M:%S %z", TimeFormat.parseOffset("+0200"), true, JUNE_2024);
        assertThat(zoned.parse("2024-01-01 12:00:00 +0000")).isEqualTo(nanos("2024-01-01T12:00:00Z"));
        assertThat(zoned.hasZone()).isTrue();
        assertThat(local.hasZone()).isFalse();
    }

    @Test
    void timesWithoutAZoneAreInTheLocalZoneWithDaylightSaving() {
        // Time_System_Timezone: the local zone's offset at that date; Time_Offset (+0500 here) is not used
        TimeFormat local = TimeFormat.compile("%Y-%m-%d %H:%M:%S", TimeFormat.parseOffset("+0500"), true, JUNE_2024,
                java.time.ZoneId.of("Europe/Berlin"));
        assertThat(local.parse("2024-01-15 12:00:00")).isEqualTo(nanos("2024-01-15T11:00:00Z"));
        assertThat(local.parse("2024-07-15 12:00:00")).isEqualTo(nanos("2024-07-15T10:00:00Z"));
        assertThat(local.parse("2024-02-30 12:00:00")).isEqualTo(TimeFormat.NO_TIME);
        // a time with its own zone keeps it
        TimeFormat zoned = TimeFormat.compile("%Y-%m-%d %H:%M:%S %z", 0, true, JUNE_2024,
                java.time.ZoneId.of("Europe/Berlin"));
        assertThat(zoned.parse("2024-07-15 12:00:00 +0000")).isEqualTo(nanos("2024-07-15T12:00:00Z"));
        assertThat(zoned.parse("2024-07-15 12:00:00 Z")).isEqualTo(nanos("2024-07-15T12:00:00Z"));
    }

    @Test
    void readsWhatMatchedWhenNotStrict() {
        TimeFormat lenient = TimeFormat.compile("%Y-%m-%d %H:%M:%S", 0, false, JUNE_2024);
        assertThat(lenient.parse("2024-01-01 10:xx")).isEqualTo(nanos("2024-01-01T10:00:00Z"));
        assertThat(lenient.parse("nonsense")).isEqualTo(TimeFormat.NO_TIME);
        TimeFormat strict = TimeFormat.compile("%Y-%m-%d %H:%M:%S", 0, true, JUNE_2024);
        assertThat(strict.parse("2024-01-01 10:xx")).isEqualTo(TimeFormat.NO_TIME);
    }

    @Test
    void parsesOffsets() {
        assertThat(TimeFormat.parseOffset("+0200")).isEqualTo(7200);
        assertThat(TimeFormat.parseOffset("-05:30")).isEqualTo(-19800);
        assertThat(TimeFormat.parseOffset(" +01 ")).isEqualTo(3600);
        assertThatThrownBy(() -> TimeFormat.parseOffset("2h")).hasMessage("'2h' is not an offset such as +0200, -05:30 or +01");
        assertThatThrownBy(() -> TimeFormat.parseOffset("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnsupportedDirectivesWhenCompiling() {
        assertThatThrownBy(() -> TimeFormat.compile("%Y-%m-%d %Q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported directive %Q in Time_Format '%Y-%m-%d %Q'; supported: " + TimeFormat.SUPPORTED);
        assertThatThrownBy(() -> TimeFormat.compile("%Y%")).hasMessage("Time_Format '%Y%' ends with a lone '%'");
        assertThatThrownBy(() -> TimeFormat.compile("")).hasMessage("Time_Format is empty");
    }
}
