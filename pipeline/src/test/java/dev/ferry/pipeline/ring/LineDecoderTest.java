package dev.ferry.pipeline.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** What the parse stage does to a line besides parsing it. */
class LineDecoderTest {

    private static LogRecord line(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        LogRecord r = new LogRecord();
        r.reset(b, 0, b.length);
        return r;
    }

    @Test
    void aLineWithAnOriginIsHashedAsItWasRead() {
        String text = "{\"level\":\"info\",\"msg\":\"started\"}";
        LogRecord r = line(text);
        r.origin(new RecordRingTest.TestOrigin(null), 100, 100 + text.length() + 1);
        new LineDecoder(null, null, null).decode(r);
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r.lineHash()).isEqualTo(crc.getValue());

        r.reset(new byte[0], 0, 0);
        assertThat(r.lineHash()).as("a reused slot forgets it").isEqualTo(LogRecord.NO_LINE_HASH);
    }

    @Test
    void aLineWithNoOriginIsNotHashed() {
        LogRecord r = line("no file behind this one");
        new LineDecoder(null, null, null).decode(r);
        assertThat(r.lineHash()).isEqualTo(LogRecord.NO_LINE_HASH);
    }
}
