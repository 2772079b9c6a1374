package dev.ferry.bench.spool;

import dev.ferry.pipeline.spool.Spool;
import dev.ferry.pipeline.spool.SpoolCompression;
import dev.ferry.pipeline.spool.SpoolConfig;
import dev.ferry.pipeline.spool.SpoolEntry;
import dev.ferry.pipeline.spool.SpoolReader;
import dev.ferry.pipeline.spool.SpoolSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The spool's cost per entry: appending 425-byte entries ({@code storage.sync} normal, and full: an
 * {@code msync} per entry) and reading them back, each on one thread. Each append iteration starts from an empty spool in a fresh temporary directory (deleted
 * after it), so the disk does not fill; reads go over 500,000 pre-written entries and rewind at the end.
 * Both with {@code storage.compress} zstd and off; every entry here is the same line, so zstd's ratio is far
 * above real logs' (bench/e2e.sh, on the generated erlmcp workload, is the measure of what compression costs
 * and saves).
 *
 * <pre>java -jar bench/target/benchmarks.jar SpoolBenchmark -f 1 -wi 3 -i 5</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"})
public class SpoolBenchmark {

    /** A 425-byte erlmcp-like JSON line. */
    static final byte[] JSON = json425();
    static final String TAG = "erlmcp.app";
    static final String ORIGIN = "fp-6fc6ca04320260b8-1024";
    static final int PREFILLED = 500_000;

    @State(Scope.Thread)
    public static class AppendState {
        @Param({"normal", "full"})
        String sync;

        @Param({"zstd", "off"})
        String compress;

        Path dir;
        Spool spool;
        long offset;

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("ferry-spool-bench");
            spool = Spool.open(new SpoolConfig(dir, SpoolSync.parse(sync), 0, SpoolCompression.parse(compress)));
            spool.reader("es", 0);
        }

        @TearDown(Level.Iteration)
        public void close() {
            spool.close();
            delete(dir);
        }
    }

    @State(Scope.Thread)
    public static class ReadState {
        @Param({"zstd", "off"})
        String compress;

        Path dir;
        Spool spool;
        SpoolReader reader;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = Files.createTempDirectory("ferry-spool-bench");
            spool = Spool.open(new SpoolConfig(dir, SpoolSync.NORMAL, 0, SpoolCompression.parse(compress)));
            reader = spool.reader("es", 0);
            for (int i = 0; i < PREFILLED; i++) {
                spool.writer().append(JSON, 0, JSON.length, TAG, i, true, ORIGIN, i * 426L, i * 426L + 426);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            reader.close();
            spool.close();
            delete(dir);
        }
    }

    @Benchmark
    public long append(AppendState s) {
        long o = s.offset;
        s.offset = o + 426;
        return s.spool.writer().append(JSON, 0, JSON.length, TAG, o, true, ORIGIN, o, o + 426);
    }

    @Benchmark
    public int read(ReadState s) {
        SpoolEntry e = s.reader.next();
        if (e == null) {
            s.reader.rewind();
            e = s.reader.next();
        }
        return e.jsonLength();
    }

    private static byte[] json425() {
        String head = "{\"time\":\"2025-06-01T12:00:00.123456Z\",\"level\":\"info\",\"pid\":\"<0.1234.0>\","
                + "\"mfa\":\"erlmcp_server:handle_call/3\",\"msg\":\"";
        String tail = "\",\"fields\":{\"seq\":123456,\"node\":\"erlmcp@host\"}}";
        int pad = 425 - head.length() - tail.length();
        byte[] b = (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
        if (b.length != 425) {
            throw new IllegalStateException("benchmark line is " + b.length + " bytes");
        }
        return b;
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
