package dev.ferry.agent.source.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gzip segment read while it is still being written, with real files: OTP writes {@code .0.gz} next to the
 * plain file and renames it on ({@code .1.gz}) at the next rotation, when the next {@code .0.gz} may already
 * be at its old name.
 */
class SegmentTailDataTest {

    @TempDir
    Path dir;

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String lines(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"file\":\"").append(prefix).append("\",\"seq\":").append(i).append("}\n");
        }
        return sb.toString();
    }

    /** Reads what there is now. */
    private static String readNow(SegmentTailData data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n = data.read(buf, 0, buf.length, 0); n > 0; n = data.read(buf, 0, buf.length, 0)) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSegmentRenamedOnWhileCutShortIsReadToItsEndWhereverItWent() throws IOException {
        String a = lines("a", 2_000);
        byte[] whole = gzip(a);
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        Path zero = dir.resolve("application.log.0.gz");
        Files.write(zero, cut);

        SegmentTailData data = new SegmentTailData(zero, a.substring(0, 64).getBytes(StandardCharsets.UTF_8), 0,
                new TailCounters(), 30_000_000_000L);
        try {
            String first = readNow(data);
            assertThat(first).isNotEmpty();
            assertThat(a).startsWith(first);

            // The rotation renames it on; the next segment is written at its old name; then it is completed.
            Path one = dir.resolve("application.log.1.gz");
            Files.move(zero, one);
            Files.write(zero, gzip(lines("b", 2_000)));
            Files.write(one, Arrays.copyOfRange(whole, cut.length, whole.length), StandardOpenOption.APPEND);

            String rest = readNow(data);
            assertThat(first + rest).isEqualTo(a);
            assertThat(data.read(new byte[16], 0, 16, 0)).isEqualTo(-1);
        } finally {
            data.close();
        }
    }

    @Test
    void aSegmentWhosePathHoldsAnotherFileByNowIsNotOpened() throws IOException {
        // Listed with the head of "a"; by the time it is opened, "a" was renamed on and "b" took its name.
        String a = lines("a", 100);
        Path zero = dir.resolve("application.log.0.gz");
        Files.write(zero, gzip(lines("b", 100)));

        assertThatThrownBy(() -> new SegmentTailData(zero, a.substring(0, 64).getBytes(StandardCharsets.UTF_8), 0,
                new TailCounters(), 30_000_000_000L))
                .isInstanceOf(SegmentTailData.MovedException.class)
                .hasMessage(zero + " holds other data than when it was listed (renamed on meanwhile)");
    }
}
