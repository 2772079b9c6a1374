package dev.ferry.bench.outputs;

import dev.ferry.bench.parsers.JsonParserBenchmark;
import dev.ferry.outputs.loki.LokiLabels;
import dev.ferry.outputs.loki.LokiLineEncoder;
import dev.ferry.outputs.loki.LokiStream;
import dev.ferry.outputs.loki.LokiStreams;
import dev.ferry.parsers.BuiltinParsers;
import dev.ferry.parsers.json.JsonParser;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.MemberSpans;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * What the loki output's consumer does per record read back from the spool, on its one thread: cut the
 * spooled JSON into fields at the member spans the spool carries ({@code RecordFields.splitAt}; {@code parse}: with
 * the JSON parser instead, as for an entry without them), build and intern the labels (the benchmark's
 * {@code Labels job=erlmcp, level=$level}), and write the line without the label's key ({@code Line_Format
 * json}). Records are erlmcp lines (gen_erlmcp.py's shape) as the ring spools them: parsed, with {@code host}
 * and {@code cluster} added. One operation is one record; compare the steps' scores to see what each adds. The
 * consumer has to keep up with the ring, or the ring spills its records to disk (zstd) for it.
 *
 * <pre>java -jar bench/target/benchmarks.jar LokiRecordBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LokiRecordBenchmark {

    private static final int RECORDS = 4096;

    private byte[][] spooled;
    private MemberSpans[] spans;
    private final LogRecord record = new LogRecord();
    private final JsonParser split = JsonParser.fieldsOnly("json");
    private final LokiLabels labels = LokiLabels.compile(List.of("job=erlmcp", "level=$level"), List.of(), null,
            false, true);
    private final LokiLabels.Scratch scratch = new LokiLabels.Scratch();
    private final LokiStreams streams = new LokiStreams("loki.0", 1000);
    private final LokiLineEncoder encoder = new LokiLineEncoder(LokiLineEncoder.LineFormat.JSON,
            LokiLineEncoder.DropSingleKey.OFF, labels.keysToRemove());
    private final ByteSink out = new ByteSink(1 << 20);
    private int next;

    @Setup
    public void setup() {
        var parser = BuiltinParsers.get("json");
        Random rnd = new Random(7);
        spooled = new byte[RECORDS][];
        spans = new MemberSpans[RECORDS];
        LogRecord r = new LogRecord();
        for (int i = 0; i < RECORDS; i++) {
            byte[] line = JsonParserBenchmark.erlmcpLine(i, rnd).getBytes(StandardCharsets.UTF_8);
            r.reset(line, 0, line.length);
            if (!parser.parse(r)) {
                throw new IllegalStateException("benchmark line does not parse: " + r.parseError());
            }
            r.fields().append("host", "node-1.example.internal");
            r.fields().append("cluster", "erlmcp-prod");
            ByteSink s = new ByteSink(512);
            spans[i] = new MemberSpans();
            r.fields().writeJson(s, spans[i]);
            spooled[i] = java.util.Arrays.copyOf(s.array(), s.length());
        }
    }

    private LogRecord load() {
        int i = next;
        next = (next + 1) & (RECORDS - 1);
        record.reset(spooled[i], 0, spooled[i].length);
        record.fields().splitAt(spans[i], record.lineLength());
        return record;
    }

    @Benchmark
    public int split() {
        return load().fields().size();
    }

    @Benchmark
    public int parse() {
        byte[] json = spooled[next];
        next = (next + 1) & (RECORDS - 1);
        record.reset(json, 0, json.length);
        split.parse(record);
        return record.fields().size();
    }

    @Benchmark
    public LokiStream splitAndLabels() {
        LogRecord r = load();
        return streams.intern(labels.build(r, scratch), scratch);
    }

    @Benchmark
    public int splitLabelsAndLine() {
        LogRecord r = load();
        LokiStream s = streams.intern(labels.build(r, scratch), scratch);
        if (out.length() > (1 << 19)) {
            out.reset();
        }
        encoder.encode(r, out);
        return out.length() + System.identityHashCode(s);
    }
}
