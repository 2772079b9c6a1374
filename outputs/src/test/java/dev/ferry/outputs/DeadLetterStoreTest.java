package dev.ferry.outputs;

import static org.assertj.core.api.Assertions.assertThat;

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
                            1_704_103_200_123L, "app.log", "fp-6fc6ca04320260b8-1024", 4096)));
            store.append(List.of(new DeadLetter("{}".getBytes(StandardCharsets.UTF_8), "fluent-bit", 0,
                    "retry limit reached: 127.0.0.1:9: connection refused \"x\"", 1_704_103_201_000L, "t", null, -1)));
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"time\":\"2024-01-01T10:00:00.123Z\",\"tag\":\"app.log\",\"origin\":\"fp-6fc6ca04320260b8-1024\","
                        + "\"offset\":4096,\"target\":\"logs-2024.01.01\",\"status\":400,\"reason\":\"HTTP 400 "
                        + "mapper_parsing_exception: failed to parse field [n] of type [long]\",\"record\":{\"n\":\"x\",\"m\":1}}",
                "{\"time\":\"2024-01-01T10:00:01Z\",\"tag\":\"t\",\"origin\":null,\"offset\":-1,\"target\":\"fluent-bit\","
                        + "\"status\":0,\"reason\":\"retry limit reached: 127.0.0.1:9: connection refused \\\"x\\\"\","
                        + "\"record\":{}}");
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
