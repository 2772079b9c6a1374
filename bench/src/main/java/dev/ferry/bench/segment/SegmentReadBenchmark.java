package dev.ferry.bench.segment;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ferry.agent.ErlmcpLogWriter;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.SegmentReaderFactory;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading a ~50 MB erlmcp log (about 120,000 lines of ~425 bytes, {@code ErlmcpLogWriter}'s shape)
 * from the page cache, plain, gzipped (zlib level 6, what OTP's {@code compress_on_rotate} and
 * {@code gzip} use by default) and zstd-compressed (level 3, the {@code zstd} tool's default); one
 * operation reads the whole file (or skips to its end: the cost of a restart inside a compressed
 * segment) into a 64 KiB buffer. MB/s = 50 MB / (seconds per operation); the setup prints the exact
 * uncompressed size. {@code gzip-jdk} is {@code GZIPInputStream} over the same file, for comparison.
 *
 * <pre>
 *  mvn -o -q -B package -pl bench -am -DskipTests
 *  java -jar bench/target/benchmarks.jar SegmentReadBenchmark -f 1 -wi 2 -i 3 -w 2s -r 4s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SegmentReadBenchmark {

    private static final long TARGET_BYTES = 50L << 20;

    @Param({"plain", "gzip", "zstd", "gzip-jdk"})
    public String format;

    private Path dir;
    private Path file;
    private long size;
    private final byte[] buf = new byte[64 * 1024];

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("ferry-segment-bench-");
        Path plain = dir.resolve("application.log");
        Random rnd = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(plain, StandardCharsets.UTF_8)) {
            long written = 0;
            for (long i = 1; written < TARGET_BYTES; i++) {
                String line = ErlmcpLogWriter.line(i, rnd);
                w.write(line);
                w.write('\n');
                written += line.length() + 1;
            }
        }
        size = Files.size(plain);
        switch (format) {
            case "plain" -> file = plain;
            case "gzip", "gzip-jdk" -> file = compress(plain, dir.resolve("application.log.0.gz"), true);
            case "zstd" -> file = compress(plain, dir.resolve("application.log.0.zst"), false);
            default -> throw new IllegalArgumentException(format);
        }
        System.out.printf("%nsegment format=%s uncompressed_bytes=%d stored_bytes=%d%n", format, size, Files.size(file));
    }

    private static Path compress(Path from, Path to, boolean gzip) throws IOException {
        try (InputStream in = Files.newInputStream(from);
             OutputStream raw = Files.newOutputStream(to);
             OutputStream out = gzip ? new GZIPOutputStream(raw, 64 * 1024) : new ZstdOutputStream(raw, 3).setChecksum(true)) {
            in.transferTo(out);
        }
        return to;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long readAll() throws IOException {
        if (format.equals("gzip-jdk")) {
            long total = 0;
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024), 64 * 1024)) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    total += n;
                }
            }
            return check(total);
        }
        long total = 0;
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            for (int n; (n = r.read(buf, 0, buf.length)) >= 0; ) {
                total += n;
            }
        }
        return check(total);
    }

    @Benchmark
    public long skipToEnd() throws IOException {
        if (format.equals("gzip-jdk")) {
            return 0;
        }
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            return check(r.skipTo(size));
        }
    }

    private long check(long total) {
        if (total != size) {
            throw new IllegalStateException("read " + total + " of " + size + " bytes");
        }
        return total;
    }
}
