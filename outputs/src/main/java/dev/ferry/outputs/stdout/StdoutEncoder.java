package dev.ferry.outputs.stdout;

import dev.ferry.outputs.RecordEncoder;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;

/**
 * Turns records into the bytes the {@code stdout} output prints, batch by batch, in Fluent Bit's
 * formats (a Fluent Bit chunk corresponds to a ring batch here):
 *
 * <pre>
 *  msgpack      [0] app.log: [[1704103200.123456789, {}], {"log"=>"hi"}]   (index restarts each batch)
 *  json_lines   {"date":1704103200.123457,"log":"hi"}
 *  json         [{"date":...,"log":"hi"},{"date":...,"log":"ho"}]          (one array per batch)
 *  json_stream  {"date":...,"log":"hi"}{"date":...,"log":"ho"}             (newline after the batch)
 * </pre>
 *
 * <p>Not thread-safe: one output thread owns it. The caller owns the {@link ByteSink}s.
 */
public final class StdoutEncoder {

    private final StdoutConfig.Format format;
    private final RecordEncoder records;
    private long inBatch;

    public StdoutEncoder(StdoutConfig config) {
        this.format = config.format();
        this.records = new RecordEncoder(config.dateKey(), config.dateFormat());
    }

    /** Appends one record to {@code out}. */
    public void encode(LogRecord record, ByteSink out) {
        switch (format) {
            case MSGPACK -> records.writeMsgpackLine(record, inBatch, out);
            case JSON_LINES -> records.writeJsonLine(record, out);
            case JSON -> {
                out.write(inBatch == 0 ? '[' : ',');
                records.writeJson(record, out);
            }
            case JSON_STREAM -> records.writeJson(record, out);
        }
        inBatch++;
    }

    /** Appends what closes the batch (the array's {@code ]}, a newline) and starts a new batch. */
    public void endBatch(ByteSink out) {
        if (inBatch > 0) {
            if (format == StdoutConfig.Format.JSON) {
                out.write(']');
                out.write('\n');
            } else if (format == StdoutConfig.Format.JSON_STREAM) {
                out.write('\n');
            }
        }
        inBatch = 0;
    }
}
