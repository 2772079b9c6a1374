package dev.ferry.parsers;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Test helpers: records from text, their JSON, times. */
public final class Records {

    /** The read time every test record starts with. */
    public static final long READ_TIME = 42;

    private Records() {
    }

    public static LogRecord record(String line) {
        return record(line.getBytes(StandardCharsets.UTF_8));
    }

    public static LogRecord record(byte[] line) {
        LogRecord r = new LogRecord();
        r.reset(line, 0, line.length);
        r.readTime(READ_TIME);
        return r;
    }

    public static String json(LogRecord r) {
        ByteSink sink = new ByteSink(64);
        r.fields().writeJson(sink);
        return sink.toString();
    }

    public static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
