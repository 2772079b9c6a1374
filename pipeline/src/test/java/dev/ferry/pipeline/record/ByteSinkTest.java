package dev.ferry.pipeline.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How a sink grows, that growing keeps every byte written, and its hex digits. */
class ByteSinkTest {

    @Test
    void doublesUntilItHasRoom() {
        ByteSink s = new ByteSink(1024);
        s.write(new byte[1500]);
        assertThat(s.array().length).isEqualTo(2048);
        s.write(new byte[3000]);
        assertThat(s.array().length).isEqualTo(4500);
    }

    @Test
    void growsToItsFullCapacityNotPastItThenDoublesAgain() {
        // A 5,000-byte body starting at 1,024 bytes: 2,048, 4,096, then 5,000 (not 8,192).
        ByteSink s = new ByteSink(1024, 5000);
        byte[] content = new byte[5000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        for (int i = 0; i < content.length; i += 100) {
            s.write(content, i, 100);
        }
        assertThat(s.array().length).isEqualTo(5000);
        assertThat(Arrays.copyOf(s.array(), s.length())).isEqualTo(content);
        // One record past it: doubling as usual.
        s.write(7);
        assertThat(s.array().length).isEqualTo(10_000);
        assertThat(s.length()).isEqualTo(5001);
        assertThat(s.array()[5000]).isEqualTo((byte) 7);
    }

    @Test
    void aWriteBiggerThanTheFullCapacityGetsItsRoom() {
        ByteSink s = new ByteSink(1024, 5000);
        s.write(new byte[9000]);
        assertThat(s.array().length).isEqualTo(9000);
        assertThat(s.length()).isEqualTo(9000);
    }

    @Test
    void writesTheLowHexDigitsOfAValueMostSignificantFirst() {
        ByteSink s = new ByteSink(16); // 8 + 2 + 16 + 1 digits: grows on the way
        s.writeHex(0x5c1f09a2L, 8);
        s.writeHex(0x1fL, 2);
        s.writeHex(0xfedcba9876543210L, 16);
        s.writeHex(0xabcL, 1);
        assertThat(s.toString()).isEqualTo("5c1f09a21ffedcba9876543210c");
    }
}
