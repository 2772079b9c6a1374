package dev.ferry.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing the tail and replay share: lines, offsets, {@code \r}, growth and long-line skips. */
class LineBufferTest {

    /** Feeds {@code data} in reads as large as the buffer allows; returns "text@offset-next" per line, and skips. */
    private static List<String> frame(String data, int chunk, int max, boolean remainder) {
        byte[] in = data.getBytes(StandardCharsets.ISO_8859_1);
        LineBuffer lines = new LineBuffer("test.log", true, chunk, max, 100);
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < in.length) {
            long skipped = lines.makeRoom();
            if (skipped >= 0) {
                out.add("skip@" + skipped);
            }
            int n = Math.min(lines.free(), in.length - pos);
            System.arraycopy(in, pos, lines.array(), lines.end(), n);
            pos += n;
            lines.filled(n);
            while (lines.nextLine()) {
                out.add(text(lines) + "@" + lines.lineOffset() + "-" + lines.lineNextOffset());
            }
        }
        if (remainder && lines.takeRemainder()) {
            out.add(text(lines) + "@" + lines.lineOffset() + "-" + lines.lineNextOffset() + " (last)");
        }
        return out;
    }

    private static String text(LineBuffer lines) {
        return new String(lines.array(), lines.lineStart(), lines.lineLength(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesCrAndOffsetsFromTheStartOffset() {
        assertThat(frame("abc\r\n\nxyz\r", 4, 8, true))
                .containsExactly("abc@100-105", "@105-106", "xyz@106-110 (last)");
    }

    @Test
    void aLineLongerThanTheMaximumIsSkippedWholeOnceAndReadingGoesOnAfterItsNewline() {
        // max 8: "12345678" (8) fits with its newline; "123456789" (9) and a 30-byte line do not.
        assertThat(frame("a\n12345678\n123456789\nb\n" + "z".repeat(30) + "\nc\n", 2, 8, true))
                .containsExactly("a@100-102", "12345678@102-111", "skip@111", "b@121-123", "skip@123", "c@154-156");
    }

    @Test
    void anUnfinishedLineIsOnlyTakenAsARemainderAndNotWhileSkipping() {
        assertThat(frame("a\nrest", 4, 8, false)).containsExactly("a@100-102");
        assertThat(frame("a\n" + "z".repeat(20), 4, 8, true)).containsExactly("a@100-102", "skip@102");
    }
}
