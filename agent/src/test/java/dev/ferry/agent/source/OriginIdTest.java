package dev.ferry.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The origin id depends on the first line only, however much of the file existed when it was read. */
class OriginIdTest {

    private static String id(String head) {
        byte[] b = head.getBytes(StandardCharsets.UTF_8);
        return FileIdentity.originId(b, b.length);
    }

    @Test
    void theSameFirstLineGivesTheSameIdWhateverFollows() {
        String first = "{\"timestamp\":\"2024-01-01T10:00:00.000Z\",\"seq\":0}\n";
        assertThat(id(first)).isEqualTo(id(first + "{\"seq\":1}\n")).isEqualTo(id(first + "x".repeat(3000)))
                .isEqualTo("fp-" + Fingerprint.of(first.getBytes(StandardCharsets.UTF_8), first.length()));
        assertThat(id("{\"seq\":7}\n" + first)).isNotEqualTo(id(first));
    }

    @Test
    void aFirstLineLongerThanTheFingerprintIsCutAtItsLimit() {
        String longLine = "y".repeat(5000) + "\n";
        assertThat(id(longLine)).isEqualTo(id("y".repeat(2000))).endsWith("-" + Fingerprint.MAX_BYTES);
    }
}
