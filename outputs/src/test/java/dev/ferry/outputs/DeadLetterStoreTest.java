package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.pipeline.Tmpfs;
import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterStoreTest {

    @TempDir
    Path dir;

    @Test
    void writesOneLinePerRecordWithItsReasonAndOrigin() throws Exception {
        Path file = dir.resolve("dlq/es.0.ndjson");
        try (DeadLetterStore store = new DeadLetterStore(file)) {
            store.append(List.of(
                    new DeadLetter("{\"n\":\"x\",\"m\":1}".getBytes(StandardCharsets.UTF_8), "logs-2024.01.01", 400,
                            "HTTP 400 mapper_parsing_exception: failed to parse field [n] of type [long]",
                            1_704_103_200_123L, "app.log", "fp-6fc6ca04320260b8-1024", 4096, 0x0000beefL)));
            store.append(List.of(new DeadLetter("{}".getBytes(StandardCharsets.UTF_8), "fluent-bit", 0,
                    "retry limit reached: 127.0.0.1:9: connection refused \"x\"", 1_704_103_201_000L, "t", null, -1,
                    LogRecord.NO_LINE_HASH)));
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"time\":\"2024-01-01T10:00:00.123Z\",\"tag\":\"app.log\",\"origin\":\"fp-6fc6ca04320260b8-1024\","
                        + "\"offset\":4096,\"line_hash\":\"0000beef\",\"target\":\"logs-2024.01.01\",\"status\":400,\"reason\":\"HTTP 400 "
                        + "mapper_parsing_exception: failed to parse field [n] of type [long]\",\"record\":{\"n\":\"x\",\"m\":1}}",
                "{\"time\":\"2024-01-01T10:00:01Z\",\"tag\":\"t\",\"origin\":null,\"offset\":-1,\"line_hash\":null,\"target\":\"fluent-bit\","
                        + "\"status\":0,\"reason\":\"retry limit reached: 127.0.0.1:9: connection refused \\\"x\\\"\","
                        + "\"record\":{}}");
    }

    /**
     * On a real full filesystem (a 64 KiB tmpfs; needs root, skipped otherwise) an append that does not fit is
     * written in part and then fails. The store cuts the file back, so it holds no torn line, and the same
     * letters appended again once there is room are each in the file once.
     */
    @Test
    void anAppendThatFillsTheDiskLeavesNoTornLineAndIsWrittenWholeOnceThereIsRoom() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        try (Tmpfs disk = Tmpfs.mount(small, "64k")) {
            Path file = small.resolve("dlq/loki.0.ndjson");
            List<DeadLetter> first = letters(0, 10);
            List<DeadLetter> big = letters(10, 200); // about 200 KB: more than the disk holds
            try (DeadLetterStore store = new DeadLetterStore(file)) {
                store.append(first);
                long before = Files.size(file);
                assertThatThrownBy(() -> store.append(big)).isInstanceOf(java.io.IOException.class)
                        .hasMessageContaining("No space left on device");
                assertThat(Files.size(file)).as("cut back to where the failed append began").isEqualTo(before);
                disk.resize("1m");
                store.append(big); // the caller kept them and tries again
            }
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(210).allSatisfy(l -> assertThat(l).startsWith("{\"time\":").endsWith("}}"));
            for (int i = 0; i < 210; i++) {
                assertThat(lines.get(i)).as("line %d", i).contains("\"offset\":" + i + ",");
            }
        }
    }

    private static List<DeadLetter> letters(int first, int count) {
        List<DeadLetter> out = new java.util.ArrayList<>();
        for (int i = first; i < first + count; i++) {
            out.add(new DeadLetter(("{\"line\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8),
                    "{job=\"erlmcp\"}", 400, "entry too far behind", 1_704_103_200_000L + i, "erlmcp.app",
                    "fp-6fc6ca04320260b8-1024", i, LogRecord.NO_LINE_HASH));
        }
        return out;
    }

    @Test
    void nothingIsCreatedUntilTheFirstDeadLetter() throws Exception {
        Path file = dir.resolve("none/es.ndjson");
        try (DeadLetterStore store = new DeadLetterStore(file)) {
            store.append(List.of());
        }
        assertThat(file.getParent()).doesNotExist();
    }
}
