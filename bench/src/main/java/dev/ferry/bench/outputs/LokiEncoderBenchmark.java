package dev.ferry.bench.outputs;

import dev.ferry.outputs.loki.LokiBatch;
import dev.ferry.outputs.loki.LokiEncoder;
import dev.ferry.outputs.loki.LokiStream;
import dev.ferry.pipeline.record.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the loki output's push encoding costs per entry: a 1 MiB-class batch of 3,000 erlmcp-like JSON
 * lines (about 330 bytes each) in 4 streams, written as Loki's protobuf, protobuf + snappy (the default
 * push body), and JSON. Scores are per entry ({@code @OperationsPerInvocation}); entries/s = 1e9 / score.
 * Label building and the line encoder are not included (they run on the ring's output thread per record).
 *
 * <pre>java -jar bench/target/benchmarks.jar LokiEncoderBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LokiEncoderBenchmark {

    private static final int N = 3000;

    private LokiBatch batch;
    private final LokiEncoder encoder = new LokiEncoder();
    private final ByteSink body = new ByteSink(2 << 20);

    @Setup(Level.Trial)
    public void setUp() {
        batch = new LokiBatch(null, 2 << 20);
        LokiStream[] streams = new LokiStream[4];
        for (int s = 0; s < streams.length; s++) {
            streams[s] = LokiStream.of("job", "erlmcp", "namespace", "prod", "pod", "erlmcp-" + s, "level",
                    s % 2 == 0 ? "info" : "error");
        }
        long t = 1_704_103_200_000_000_000L;
        for (int i = 0; i < N; i++) {
            String line = "{\"time\":\"2024-01-01T10:00:00." + (i % 1000) + "Z\",\"level\":\"info\",\"pid\":\"<0.4"
                    + (i % 97) + ".0>\",\"mfa\":\"erlmcp_server:handle_call/3\",\"msg\":\"request served\",\"fields\":"
                    + "{\"seq\":" + i + ",\"method\":\"tools/call\",\"tool\":\"search\",\"duration_ms\":" + (i % 250)
                    + ",\"session\":\"b3c1f0e2-7d5a-4c8e-9f21-" + String.format("%012d", i) + "\"}}";
            batch.addEntry(streams[i % 4], t + i * 1_000_000L, line.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int protobuf() {
        body.reset();
        encoder.encodeProtobuf(batch, body);
        return body.length();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int protobufSnappy() {
        body.reset();
        encoder.encodeProtobuf(batch, body);
        return encoder.snappy(body.array(), body.length());
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int json() {
        body.reset();
        encoder.encodeJson(batch, body);
        return body.length();
    }
}
