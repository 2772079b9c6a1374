package dev.ferry.outputs.stdout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.outputs.JsonDateFormat;
import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import dev.ferry.pipeline.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdoutOutputTest {

    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();

    private StdoutOutput output(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "stdout";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return new StdoutOutput(StdoutConfig.from(Sections.bind(StdoutConfig.OPTIONS, all)), stream);
    }

    private void writeTwoBatches(StdoutOutput out) throws IOException {
        out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"log\":\"one\"}"));
        out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"log\":\"two\",\"n\":2}"));
        out.flush();
        out.write(TestRecords.json("sys", TestRecords.TIME, "{\"log\":\"three\"}"));
        out.flush();
    }

    private String printed() {
        return stream.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultsAreFluentBits() {
        StdoutConfig c = StdoutConfig.from(Sections.bind(StdoutConfig.OPTIONS, "Name", "stdout"));
        assertThat(c).isEqualTo(new StdoutConfig(StdoutConfig.Format.MSGPACK, "date", JsonDateFormat.DOUBLE));
    }

    @Test
    void msgpackFormatNumbersRecordsWithinEachBatch() throws IOException {
        writeTwoBatches(output());
        assertThat(printed()).isEqualTo(
                "[0] app.log: [[1704103200.123456789, {}], {\"log\"=>\"one\"}]\n"
                        + "[1] app.log: [[1704103200.123456789, {}], {\"log\"=>\"two\", \"n\"=>2}]\n"
                        + "[0] sys: [[1704103200.123456789, {}], {\"log\"=>\"three\"}]\n");
    }

    @Test
    void jsonLines() throws IOException {
        writeTwoBatches(output("Format", "json_lines", "json_date_format", "iso8601"));
        assertThat(printed()).isEqualTo(
                "{\"date\":\"2024-01-01T10:00:00.123456Z\",\"log\":\"one\"}\n"
                        + "{\"date\":\"2024-01-01T10:00:00.123456Z\",\"log\":\"two\",\"n\":2}\n"
                        + "{\"date\":\"2024-01-01T10:00:00.123456Z\",\"log\":\"three\"}\n");
    }

    @Test
    void jsonIsOneArrayPerBatch() throws IOException {
        writeTwoBatches(output("Format", "JSON", "json_date_key", "time"));
        assertThat(printed()).isEqualTo(
                "[{\"time\":1704103200.123457,\"log\":\"one\"},{\"time\":1704103200.123457,\"log\":\"two\",\"n\":2}]\n"
                        + "[{\"time\":1704103200.123457,\"log\":\"three\"}]\n");
    }

    @Test
    void jsonStreamWithoutDateKey() throws IOException {
        writeTwoBatches(output("Format", "json_stream", "json_date_key", "off"));
        assertThat(printed()).isEqualTo("{\"log\":\"one\"}{\"log\":\"two\",\"n\":2}\n{\"log\":\"three\"}\n");
    }

    @Test
    void nothingIsPrintedBeforeFlushAndEmptyBatchesPrintNothing() throws IOException {
        StdoutOutput out = output("Format", "json");
        out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":1}"));
        assertThat(stream.size()).isZero();
        out.flush();
        out.flush();
        out.close();
        assertThat(printed()).isEqualTo("[{\"date\":1704103200.123457,\"a\":1}]\n");
    }

    @Test
    void unknownFormatIsAnError() {
        assertThatThrownBy(() -> output("Format", "gelf"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] stdout: bad value 'gelf' for key 'Format'; allowed: one of msgpack, "
                        + "json, json_lines, json_stream");
    }

    /** A standard output that refuses the first {@code failures} writes, then takes at most 5 bytes a call. */
    private static final class FlakyChannel implements WritableByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        int failures;

        FlakyChannel(int failures) {
            this.failures = failures;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (failures > 0 && taken.size() > 0) {
                failures--;
                throw new IOException("No space left on device");
            }
            int n = Math.min(5, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            taken.write(b, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedFlushKeepsWhatWasNotPrintedAndItsRetryPrintsItOnce() throws IOException {
        FlakyChannel channel = new FlakyChannel(2);
        StdoutOutput out = new StdoutOutput(StdoutConfig.from(Sections.bind(StdoutConfig.OPTIONS,
                "Name", "stdout", "Format", "json", "json_date_key", "off")), channel);
        out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"log\":\"one\"}"));
        out.write(TestRecords.json("app.log", TestRecords.TIME, "{\"log\":\"two\"}"));
        // 5 bytes go out, then the device is full: the ring retries the flush.
        assertThatThrownBy(out::flush).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThatThrownBy(out::flush).isInstanceOf(IOException.class);
        out.flush();
        out.flush();
        assertThat(channel.taken.toString(StandardCharsets.UTF_8))
                .isEqualTo("[{\"log\":\"one\"},{\"log\":\"two\"}]\n");
    }
}
