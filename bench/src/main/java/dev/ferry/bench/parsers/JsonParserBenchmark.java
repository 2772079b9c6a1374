package dev.ferry.bench.parsers;

import dev.ferry.parsers.BuiltinParsers;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.spi.Parser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The built-in {@code json} parser on erlmcp v3 lines (the shape of {@code bench/gen_erlmcp.py}, about
 * 425 bytes each, time auto-detected from {@code timestamp}): one operation parses one line into a
 * reused {@link LogRecord}, so the score is lines per second on one thread.
 *
 * <pre>
 *  mvn -o -q -B package -pl bench -am -DskipTests
 *  java -jar bench/target/benchmarks.jar JsonParserBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JsonParserBenchmark {

    private static final String[] PATHS = {"/v3/tools/call", "/v3/resources/read", "/v3/sessions", "/v3/prompts/get"};
    private static final String[][] MODS = {
        {"erlmcp_http_handler", "handle_request/2"}, {"erlmcp_server", "handle_call/3"}, {"erlmcp_session", "init/1"}};
    private static final int LINES = 4096;
    private static final JsonFactory JACKSON = new JsonFactory();

    private byte[][] lines;
    private Parser parser;
    private final LogRecord record = new LogRecord();
    private int next;

    @Setup
    public void setup() {
        parser = BuiltinParsers.get("json");
        lines = new byte[LINES][];
        Random rnd = new Random(7);
        for (int i = 0; i < LINES; i++) {
            lines[i] = erlmcpLine(i, rnd).getBytes(StandardCharsets.UTF_8);
        }
        for (byte[] line : lines) {
            record.reset(line, 0, line.length);
            if (!parser.parse(record)) {
                throw new IllegalStateException("benchmark line does not parse: " + record.parseError());
            }
        }
    }

    @Benchmark
    public long parseLine() {
        byte[] line = lines[next];
        next = (next + 1) & (LINES - 1);
        record.reset(line, 0, line.length);
        parser.parse(record);
        return record.timeNanos() + record.fields().size();
    }

    /** Baseline: loading the line into the record, which every parse above includes. */
    @Benchmark
    public int resetOnly() {
        byte[] line = lines[next];
        next = (next + 1) & (LINES - 1);
        record.reset(line, 0, line.length);
        return record.lineLength();
    }

    /** Baseline: jackson's own token walk over the line (nested values skipped), without spans or time. */
    @Benchmark
    public int jacksonTokensOnly() throws IOException {
        byte[] line = lines[next];
        next = (next + 1) & (LINES - 1);
        int n = 0;
        try (com.fasterxml.jackson.core.JsonParser p = JACKSON.createParser(line, 0, line.length)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
                n++;
            }
        }
        return n;
    }

    /** One line as gen_erlmcp.py writes it. */
    public static String erlmcpLine(int i, Random rnd) {
        String[] m = MODS[i % 3];
        boolean error = i % 97 == 0;
        String message = i % 13 != 0 ? "HTTP request processed"
                : "Tool call failed: {badmatch,{error,timeout}} in \\\"fetch\\\"";
        return String.format("{\"timestamp\":\"2024-01-01T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"logger\":\"erlmcp\","
                + "\"message\":\"%s\",\"metadata\":{\"module\":\"%s\",\"function\":\"%s\",\"line\":%d,"
                + "\"pid\":\"<0.%d.0>\",\"trace_id\":\"%016x%016x\",\"span_id\":\"%016x\"},"
                + "\"fields\":{\"method\":\"POST\",\"path\":\"%s\",\"status\":%d,\"duration_ms\":%d,"
                + "\"user_id\":\"user-%d\",\"client_ip\":\"10.0.%d.%d\",\"seq\":%d}}",
                (i / 60000) % 60, (i / 1000) % 60, i % 1000, error ? "error" : "info", message, m[0], m[1],
                100 + i % 400, i % 5000, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), PATHS[i % 4],
                error ? 500 : 200, 1 + rnd.nextInt(900), i % 10000, i % 256, (i / 256) % 256, i);
    }
}
