package dev.ferry.outputs.discard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.outputs.Sections;
import dev.ferry.outputs.TestRecords;
import org.junit.jupiter.api.Test;

class NullOutputTest {

    @Test
    void countsRecordsAndLineBytesAsOfTheLastFlush() {
        NullOutput out = new NullOutput(NullConfig.from(Sections.bind(NullConfig.OPTIONS, "Name", "null")));
        out.write(TestRecords.json("t", TestRecords.TIME, "{\"a\":1}"));
        out.write(TestRecords.json("t", TestRecords.TIME, "{\"bb\":22}"));
        assertThat(out.records()).isZero();
        out.flush();
        assertThat(out.records()).isEqualTo(2);
        assertThat(out.bytes()).isEqualTo(7 + 9);
        out.write(TestRecords.json("t", TestRecords.TIME, "{}"));
        out.close();
        assertThat(out.records()).isEqualTo(3);
        assertThat(out.bytes()).isEqualTo(18);
    }
}
