package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.ByteSink;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class TimeTextTest {

    private static final long SEC = 1_704_103_200L * 1_000_000_000L;

    private static String text(BiConsumer<ByteSink, Long> writer, long nanos) {
        ByteSink out = new ByteSink(32);
        writer.accept(out, nanos);
        return out.toString();
    }

    @Test
    void epochNanosKeepsAllNineDigits() {
        assertThat(text(TimeText::writeEpochNanos, TestRecords.TIME)).isEqualTo("1704103200.123456789");
        assertThat(text(TimeText::writeEpochNanos, SEC + 1000)).isEqualTo("1704103200.000001000");
        assertThat(text(TimeText::writeEpochNanos, 0)).isEqualTo("0.000000000");
    }

    @Test
    void fixed6IsPrintfPercentFOfTheDouble() {
        // Expected values are C's printf("%f", sec + nsec / 1e9).
        assertThat(text(TimeText::writeFixed6, TestRecords.TIME)).isEqualTo("1704103200.123457");
        assertThat(text(TimeText::writeFixed6, SEC + 500_000_000)).isEqualTo("1704103200.500000");
        assertThat(text(TimeText::writeFixed6, SEC + 999_999_999)).isEqualTo("1704103201.000000");
        assertThat(text(TimeText::writeFixed6, SEC + 7_812_500)).isEqualTo("1704103200.007812");
        assertThat(text(TimeText::writeFixed6, 5_250_000_000L)).isEqualTo("5.250000");
    }

    @Test
    void doubleIsFluentBitsJsonNumber() {
        // Expected values are C's printf("%.16g") of the double, "%.1f" when it is whole.
        assertThat(text(TimeText::writeDouble, TestRecords.TIME)).isEqualTo("1704103200.123457");
        assertThat(text(TimeText::writeDouble, SEC + 500_000_000)).isEqualTo("1704103200.5");
        assertThat(text(TimeText::writeDouble, SEC + 123_000_000)).isEqualTo("1704103200.123");
        assertThat(text(TimeText::writeDouble, SEC)).isEqualTo("1704103200.0");
        assertThat(text(TimeText::writeDouble, SEC + 999_999_999)).isEqualTo("1704103201.0");
        assertThat(text(TimeText::writeDouble, SEC + 7_812_500)).isEqualTo("1704103200.007812");
        assertThat(text(TimeText::writeDouble, SEC + 1000)).isEqualTo("1704103200.000001");
        assertThat(text(TimeText::writeDouble, 5_250_000_000L)).isEqualTo("5.25");
    }

    @Test
    void iso8601AndSqlTimestampTruncateToMicroseconds() {
        assertThat(text(TimeText::writeIso8601, TestRecords.TIME)).isEqualTo("2024-01-01T10:00:00.123456Z");
        assertThat(text(TimeText::writeSqlTimestamp, TestRecords.TIME)).isEqualTo("2024-01-01 10:00:00.123456");
        assertThat(text(TimeText::writeIso8601, 951_827_696_000_000_007L)).isEqualTo("2000-02-29T12:34:56.000000Z");
        assertThat(text(TimeText::writeIso8601, 0)).isEqualTo("1970-01-01T00:00:00.000000Z");
        assertThat(text(TimeText::writeIso8601, -1_000_000_000L)).isEqualTo("1969-12-31T23:59:59.000000Z");
    }

    @Test
    void jsonDateFormatsWriteJsonValues() {
        assertThat(text(JsonDateFormat.DOUBLE::write, TestRecords.TIME)).isEqualTo("1704103200.123457");
        assertThat(text(JsonDateFormat.EPOCH::write, TestRecords.TIME)).isEqualTo("1704103200");
        assertThat(text(JsonDateFormat.EPOCH_MS::write, TestRecords.TIME)).isEqualTo("1704103200123");
        assertThat(text(JsonDateFormat.ISO8601::write, TestRecords.TIME)).isEqualTo("\"2024-01-01T10:00:00.123456Z\"");
        assertThat(text(JsonDateFormat.JAVA_SQL_TIMESTAMP::write, TestRecords.TIME))
                .isEqualTo("\"2024-01-01 10:00:00.123456\"");
        assertThat(JsonDateFormat.of("ISO8601")).isEqualTo(JsonDateFormat.ISO8601);
    }
}
