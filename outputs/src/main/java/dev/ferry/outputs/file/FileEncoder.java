package dev.ferry.outputs.file;

import dev.ferry.outputs.RecordEncoder;
import dev.ferry.outputs.TimeText;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.nio.charset.StandardCharsets;

/**
 * Turns one record into the line the {@code file} output appends, in Fluent Bit's formats:
 *
 * <pre>
 *  out_file   app.log: [1704103200.123456789, {"log":"hi","n":1}]
 *  plain      {"log":"hi","n":1}
 *  csv        1704103200.123456789,"hi",1
 *  ltsv       "time":1704103200.123457	"log":"hi"	"n":1
 *  template   1704103200.123457 hi                      ({time} {log})
 * </pre>
 *
 * Values in csv and ltsv, and ltsv's keys, are printed as msgpack-c prints them (strings quoted, not escaped), as Fluent
 * Bit does; like Fluent Bit, csv and ltsv write nothing for a record without fields.
 *
 * <p>Not thread-safe: one output thread owns it. Writes only into the caller's {@link ByteSink}.
 */
public final class FileEncoder {

    private static final byte[] TIME_LABEL = "\"time\"".getBytes(StandardCharsets.US_ASCII);

    private final FileConfig.Format format;
    private final byte[] delimiter;
    private final byte[] labelDelimiter;
    private final FileTemplate template;
    private final RecordEncoder records = RecordEncoder.withoutDate();

    public FileEncoder(FileConfig config) {
        this.format = config.format();
        this.delimiter = config.delimiter().getBytes(StandardCharsets.UTF_8);
        this.labelDelimiter = config.labelDelimiter().getBytes(StandardCharsets.UTF_8);
        this.template = config.template();
    }

    /** Appends the record's line (with its newline) to {@code out}. */
    public void encode(LogRecord record, ByteSink out) {
        RecordFields fields = record.fields();
        switch (format) {
            case OUT_FILE -> records.writeOutFileLine(record, out);
            case PLAIN -> {
                fields.writeJson(out);
                out.write('\n');
            }
            case CSV -> {
                if (fields.size() == 0) {
                    return;
                }
                TimeText.writeEpochNanos(out, record.timeNanos());
                for (int i = 0; i < fields.size(); i++) {
                    out.write(delimiter);
                    records.writeValueText(fields, i, true, out);
                }
                out.write('\n');
            }
            case LTSV -> {
                if (fields.size() == 0) {
                    return;
                }
                out.write(TIME_LABEL);
                out.write(labelDelimiter);
                TimeText.writeFixed6(out, record.timeNanos());
                for (int i = 0; i < fields.size(); i++) {
                    out.write(delimiter);
                    records.writeKeyText(fields, i, out);
                    out.write(labelDelimiter);
                    records.writeValueText(fields, i, true, out);
                }
                out.write('\n');
            }
            case TEMPLATE -> {
                template.write(record, records, out);
                out.write('\n');
            }
        }
    }
}
