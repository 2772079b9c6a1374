package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Murmur3Test {

    private static String hex(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long[] h = new long[2];
        Murmur3.hash(b, 0, b.length, h);
        StringBuilder out = new StringBuilder();
        for (long w : h) {
            for (int i = 0; i < 8; i++) {
                out.append(String.format("%02x", (w >>> (8 * i)) & 0xff));
            }
        }
        return out.toString();
    }

    @Test
    void matchesTheReferenceImplementation() {
        // Reference values of MurmurHash3_x64_128 with seed 0 (as Guava's murmur3_128 prints them).
        assertThat(hex("")).isEqualTo("00000000000000000000000000000000");
        assertThat(hex("The quick brown fox jumps over the lazy dog")).isEqualTo("6c1b07bc7bbc4be347939ac4a93c437a");
    }
}
