package dev.ferry.parsers.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimeTest {

    static long iso(String text, int defaultOffset) {
        byte[] b = ("xx" + text + "yy").getBytes(StandardCharsets.US_ASCII);
        return IsoTime.parse(b, 2, b.length - 4, defaultOffset);
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @ParameterizedTest
    @CsvSource({
        "2024-01-01T10:00:00.000Z, 2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00Z, 2024-01-01T10:00:00Z",
        "2024-01-01t10:00:00z, 2024-01-01T10:00:00Z",
        "2024-01-01 10:00:00Z, 2024-01-01T10:00:00Z",
        "2024-01-01T10:00Z, 2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00.1Z, 2024-01-01T10:00:00.1Z",
        "2024-01-01T10:00:00.123456Z, 2024-01-01T10:00:00.123456Z",
        "2024-01-01T10:00:00.123456789Z, 2024-01-01T10:00:00.123456789Z",
        "2024-01-01T10:00:00.1234567891Z, 2024-01-01T10:00:00.123456789Z",
        "'2024-01-01T10:00:00,5Z', 2024-01-01T10:00:00.5Z",
        "2024-01-01T12:00:00.123456+02:00, 2024-01-01T10:00:00.123456Z",
        "2024-01-01T12:00:00+0200, 2024-01-01T10:00:00Z",
        "2024-01-01T12:00:00+02, 2024-01-01T10:00:00Z",
        "2024-01-01T04:30:00-05:30, 2024-01-01T10:00:00Z",
        "2024-02-29T23:59:59Z, 2024-02-29T23:59:59Z",
        "1969-12-31T23:59:59.5Z, 1969-12-31T23:59:59.5Z",
        "2000-03-01T00:00:00Z, 2000-03-01T00:00:00Z",
        "2262-04-11T00:00:00Z, 2262-04-11T00:00:00Z",
    })
    void readsIso8601(String text, String expected) {
        assertThat(iso(text, 0)).isEqualTo(nanos(Instant.parse(expected)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-01T10:00:00", "1999-12-31T23:59:59.999", "2024-06-30 00:00"})
    void readsATimeWithoutZoneAtTheDefaultOffset(String text) {
        String iso = text.replace(' ', 'T') + (text.length() == 16 ? ":00" : "") + "+03:00";
        assertThat(iso(text, 3 * 3600)).isEqualTo(nanos(OffsetDateTime.parse(iso).toInstant()));
        assertThat(iso(text, 0)).isEqualTo(nanos(OffsetDateTime.parse(iso.replace("+03:00", "Z")).toInstant()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2024-01-01", "2024-01-01T10", "2024-13-01T10:00:00Z", "2024-02-30T10:00:00Z",
        "2023-02-29T10:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z", "2024-01-01T10:00:61Z",
        "2024-01-01X10:00:00Z", "2024/01/01T10:00:00Z", "2024-01-01T10:00:00.Z", "2024-01-01T10:00:00ZZ",
        "2024-01-01T10:00:00+2", "2024-01-01T10:00:00+02:0", "2024-01-01T10:00:00+19:00", "2024-01-01T10:00:00 Z",
        "２024-01-01T10:00:00Z", "2024-01-01T10:00:00.123abc"})
    void rejectsWhatIsNotIso8601(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertThat(IsoTime.parse(b, 0, b.length, 0)).isEqualTo(TimeFormat.NO_TIME);
    }

    @ParameterizedTest
    @CsvSource({
        "1704103200, 2024-01-01T10:00:00Z",
        "1704103200.5, 2024-01-01T10:00:00.5Z",
        "1704103200.123456789, 2024-01-01T10:00:00.123456789Z",
        "1704103200123, 2024-01-01T10:00:00.123Z",
        "1704103200123.5, 2024-01-01T10:00:00.1235Z",
        "1704103200123456, 2024-01-01T10:00:00.123456Z",
        "1704103200123456789, 2024-01-01T10:00:00.123456789Z",
        "1.7041032E9, 2024-01-01T10:00:00Z",
        "0, 1970-01-01T00:00:00Z",
        "-1.5, 1969-12-31T23:59:58.5Z",
    })
    void readsEpochNumbersByMagnitude(String text, String expected) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(EpochTime.parse(b, 0, b.length)).isEqualTo(nanos(Instant.parse(expected)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "abc", "12x", "1.", "99999999999", "1e400", "12345678901234567890"})
    void rejectsWhatIsNotAnEpochNumber(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(EpochTime.parse(b, 0, b.length)).isEqualTo(TimeFormat.NO_TIME);
    }
}
