package dev.ferry.agent;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes numbered erlmcp v3 JSON log lines in the shape of {@code shared/bench/gen_erlmcp.py}
 * (timestamp, level, logger, message, metadata, fields with a unique {@code fields.seq}), for the
 * embedded default run and for tests. Lines are about 425 bytes. Deterministic for a given seed.
 */
public final class ErlmcpLogWriter {

    private static final String[] PATHS = {"/v3/tools/call", "/v3/resources/read", "/v3/sessions", "/v3/prompts/get"};
    private static final String[][] MODS = {{"erlmcp_http_handler", "handle_request/2"},
            {"erlmcp_server", "handle_call/3"}, {"erlmcp_session", "init/1"}};

    private ErlmcpLogWriter() {
    }

    /** One line (without newline) for sequence number {@code i}. */
    public static String line(long i, Random rnd) {
        String[] m = MODS[(int) (i % 3)];
        String message = i % 13 != 0 ? "HTTP request processed"
                : "Tool call failed: {badmatch,{error,timeout}} in \\\"fetch\\\"";
        return String.format(java.util.Locale.ROOT,
                "{\"timestamp\":\"2024-01-01T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"logger\":\"erlmcp\",\"message\":\"%s\","
                        + "\"metadata\":{\"module\":\"%s\",\"function\":\"%s\",\"line\":%d,\"pid\":\"<0.%d.0>\","
                        + "\"trace_id\":\"%016x%016x\",\"span_id\":\"%016x\"},"
                        + "\"fields\":{\"method\":\"POST\",\"path\":\"%s\",\"status\":%d,\"duration_ms\":%d,"
                        + "\"user_id\":\"user-%d\",\"client_ip\":\"10.0.%d.%d\",\"seq\":%d}}",
                (i / 60000) % 60, (i / 1000) % 60, i % 1000, i % 97 == 0 ? "error" : "info", message,
                m[0], m[1], 100 + i % 400, i % 5000, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(),
                PATHS[(int) (i % 4)], i % 97 == 0 ? 500 : 200, 1 + rnd.nextInt(900), i % 10000, i % 256, (i / 256) % 256, i);
    }

    /** Appends lines {@code firstSeq .. firstSeq+count-1} to {@code file}. */
    public static void append(Path file, long firstSeq, long count) throws IOException {
        Random rnd = new Random(firstSeq * 31 + 7);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            for (long i = firstSeq; i < firstSeq + count; i++) {
                w.write(line(i, rnd));
                w.write('\n');
            }
        }
    }
}
