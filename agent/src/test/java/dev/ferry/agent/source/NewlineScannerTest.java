package dev.ferry.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NewlineScannerTest {

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsANewlineAtEveryPositionAndRange() {
        for (int len = 0; len < 40; len++) {
            for (int at = -1; at < len; at++) {
                byte[] b = new byte[len];
                Arrays.fill(b, (byte) 'x');
                if (at >= 0) {
                    b[at] = '\n';
                }
                for (int from = 0; from <= len; from++) {
                    assertThat(NewlineScanner.indexOf(b, from, len)).as("len=%d at=%d from=%d", len, at, from)
                            .isEqualTo(naive(b, from, len));
                }
            }
        }
    }

    @Test
    void agreesWithAByteLoopOnRandomBytesIncludingHighBytes() {
        Random rnd = new Random(42);
        byte[] b = new byte[4096];
        for (int round = 0; round < 200; round++) {
            rnd.nextBytes(b);
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n' && rnd.nextInt(8) != 0) {
                    b[i] = (byte) 0x8A; // keep newlines rare, and bytes with the high bit near them
                }
            }
            int from = rnd.nextInt(b.length);
            int to = from + rnd.nextInt(b.length - from + 1);
            int pos = from;
            while (true) {
                int expected = naive(b, pos, to);
                assertThat(NewlineScanner.indexOf(b, pos, to)).isEqualTo(expected);
                if (expected < 0) {
                    break;
                }
                pos = expected + 1;
            }
        }
    }
}
