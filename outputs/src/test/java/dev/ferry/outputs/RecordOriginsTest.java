package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.pipeline.record.LogRecord;
import org.junit.jupiter.api.Test;

class RecordOriginsTest {

    @Test
    void aLetterNamesItsRecordsOriginPastTheFirstGrowth() {
        RecordOrigins origins = new RecordOrigins();
        for (int i = 0; i < 1000; i++) {
            origins.set(i, "tag-" + i, i % 2 == 0 ? "fp-" + i : null, i * 10L, i);
        }

        DeadLetter even = origins.letter(600, new byte[] {'{', '}'}, "idx", 400, "mapping", 5L);
        DeadLetter odd = origins.letter(601, new byte[] {'{', '}'}, "idx", 400, "mapping", 5L);

        assertThat(even.tag()).isEqualTo("tag-600");
        assertThat(even.originId()).isEqualTo("fp-600");
        assertThat(even.offset()).isEqualTo(6000L);
        assertThat(even.lineHash()).isEqualTo(600L);
        assertThat(odd.originId()).isNull();
        assertThat(odd.offset()).as("no origin, no offset").isEqualTo(-1L);
        assertThat(odd.lineHash()).as("no origin, no line hash").isEqualTo(LogRecord.NO_LINE_HASH);
    }

    @Test
    void copyTakesAnotherBatchsRecord() {
        RecordOrigins src = new RecordOrigins();
        src.set(0, "a", "fp-a", 7L, 0xaL);
        src.set(1, "b", "fp-b", 9L, 0xbL);
        RecordOrigins dst = new RecordOrigins();

        dst.copy(0, src, 1);

        DeadLetter l = dst.letter(0, new byte[0], "t", 0, "r", 0L);
        assertThat(l.tag()).isEqualTo("b");
        assertThat(l.originId()).isEqualTo("fp-b");
        assertThat(l.offset()).isEqualTo(9L);
        assertThat(l.lineHash()).isEqualTo(0xbL);
    }
}
