package dev.ferry.bench.outputs;

import dev.ferry.bench.parsers.JsonParserBenchmark;
import dev.ferry.outputs.elasticsearch.EsConfig;
import dev.ferry.outputs.elasticsearch.EsEncoder;
import dev.ferry.parsers.BuiltinParsers;
import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.SourceLocation;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the es output's encoder costs per record on the e2e workload's records: erlmcp lines (about
 * 425 bytes) parsed by the {@code json} parser, two fields added the way {@code modify Add} adds them,
 * encoded as a bulk action line and document line with the e2e configuration ({@code Logstash_Format On},
 * {@code Logstash_Prefix erlmcp}, ids from the origin and offset). {@code generateId=true} takes the path
 * that hashes the content (the fields' JSON goes through a scratch buffer first). Scores are per record
 * ({@code @OperationsPerInvocation}); records/s = 1e9 / score.
 *
 * <pre>java -jar bench/target/benchmarks.jar EsEncoderBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EsEncoderBenchmark {

    private static final int N = 2000;

    @Param({"false", "true"})
    public boolean generateId;

    private final List<LogRecord> records = new ArrayList<>();
    private final ByteSink body = new ByteSink(2 << 20);
    private EsEncoder encoder;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> kv = new ArrayList<>(List.of("Name", "es", "Logstash_Format", "On", "Logstash_Prefix", "erlmcp"));
        if (generateId) {
            kv.addAll(List.of("Generate_ID", "On"));
        }
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < kv.size(); i += 2) {
            entries.add(new ConfigEntry(kv.get(i), kv.get(i + 1), new SourceLocation("bench.conf", 2 + i / 2)));
        }
        ConfigSection section = new ConfigSection("OUTPUT", new SourceLocation("bench.conf", 1), entries);
        encoder = new EsEncoder(EsConfig.from(EsConfig.OPTIONS.bind(section)));
        Parser parser = BuiltinParsers.get("json");
        RecordOrigin origin = new BenchOrigin();
        Random rnd = new Random(7);
        long offset = 0;
        for (int i = 0; i < N; i++) {
            byte[] line = JsonParserBenchmark.erlmcpLine(i, rnd).getBytes(StandardCharsets.UTF_8);
            LogRecord r = new LogRecord();
            r.reset(line, 0, line.length);
            if (!parser.parse(r)) {
                throw new IllegalStateException("benchmark line does not parse: " + r.parseError());
            }
            r.fields().append("host", "bench-host");
            r.fields().append("cluster", "erlmcp-prod");
            r.tag("erlmcp.app0");
            r.origin(origin, offset, offset + line.length + 1);
            offset += line.length + 1;
            records.add(r);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int encode() {
        body.reset();
        for (int i = 0; i < N; i++) {
            encoder.encode(records.get(i), body);
        }
        return body.length();
    }

    private static final class BenchOrigin implements RecordOrigin {
        @Override
        public String path() {
            return "/var/log/app0.log";
        }

        @Override
        public String id() {
            return "fp-6fc6ca04320260b8-1024";
        }

        @Override
        public void acknowledge(long nextOffset) {
        }
    }
}
