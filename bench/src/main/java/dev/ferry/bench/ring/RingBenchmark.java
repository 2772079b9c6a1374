package dev.ferry.bench.ring;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.TagPattern;
import dev.ferry.pipeline.ring.FilterRoute;
import dev.ferry.pipeline.ring.LineBatch;
import dev.ferry.pipeline.ring.LineDecoder;
import dev.ferry.pipeline.ring.OutputRoute;
import dev.ferry.pipeline.ring.RecordRing;
import dev.ferry.pipeline.spi.Output;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the ring itself: lines published from one thread, through the filter stage (a modify-like
 * filter adding two fields) on {@code workers} threads, to an output that only counts, ~425-byte lines
 * published in batches of 500 as the tail input does.
 * Parsing is left out (see the parser benchmarks), so this is the cost the ring adds per record.
 *
 * <pre>java -jar bench/target/benchmarks.jar RingBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseSerialGC"})
public class RingBenchmark {

    private static final int BATCH = 10_000;

    @Param({"1", "2"})
    int workers;

    private RecordRing ring;
    private final AtomicLong written = new AtomicLong();
    private long expected;
    private byte[] line;
    private final LineDecoder decoder = new LineDecoder(null, null, null);
    private final LineBatch batch = new LineBatch(500);

    @Setup(Level.Trial)
    public void setUp() {
        String l = "{\"timestamp\":\"2024-01-01T10:00:00.000Z\",\"level\":\"info\",\"logger\":\"erlmcp\",\"message\":\"HTTP request processed\","
                + "\"metadata\":{\"module\":\"erlmcp_http_handler\",\"function\":\"handle_request/2\",\"line\":123,\"pid\":\"<0.123.0>\","
                + "\"trace_id\":\"0123456789abcdef0123456789abcdef\",\"span_id\":\"0123456789abcdef\"},\"fields\":{\"method\":\"POST\","
                + "\"path\":\"/v3/tools/call\",\"status\":200,\"duration_ms\":45,\"user_id\":\"user-123\",\"client_ip\":\"10.0.1.1\",\"seq\":1}}";
        line = l.getBytes(StandardCharsets.UTF_8);
        batch.begin(line, "erlmcp.app", decoder, null, 0);
        while (!batch.add(0, line.length, 0, 0)) {
            // the same line 500 times: a tail read chunk's worth
        }
        Output counting = new Output() {
            @Override
            public void write(LogRecord record) {
                written.lazySet(written.get() + 1);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        FilterRoute addFields = new FilterRoute("modify.0", TagPattern.wildcard("erlmcp.*"), r -> {
            r.fields().append("host", "bench-host");
            r.fields().append("cluster", "erlmcp-prod");
            return true;
        });
        ring = new RecordRing(4096, workers, RecordRing.Wait.BLOCKING, List.of(addFields),
                List.of(new OutputRoute("count", TagPattern.wildcard("*"), counting)));
        ring.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.drainAndStop(Duration.ofSeconds(10));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishThroughRing() throws InterruptedException {
        for (int i = 0; i < BATCH; i += batch.size()) {
            ring.publish(batch);
        }
        expected += BATCH;
        while (written.get() < expected) {
            LockSupport.parkNanos(10_000);
        }
        return expected;
    }
}
