package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.nio.charset.StandardCharsets;

/**
 * Writes one record in the line formats several outputs share, the way Fluent Bit writes them:
 *
 * <pre>
 *  json (json_lines, json, json_stream)  {"date":1704103200.123457,"log":"hi","n":1}
 *  out_file                              app.log: [1704103200.123456789, {"log":"hi","n":1}]
 *  msgpack (stdout's default)            [0] app.log: [[1704103200.123456789, {}], {"log"=>"hi", "n"=>1}]
 * </pre>
 *
 * The JSON object puts the date key first, as Fluent Bit does, and copies the record's original JSON
 * bytes where filters left them unchanged. A record that already has a field named like the date key
 * gets both, as in Fluent Bit.
 *
 * <p>Not thread-safe: it keeps a scratch buffer, so each output thread owns its own encoder. Writes
 * only into the {@link ByteSink} it is given, which the caller owns; the record is only read.
 */
public final class RecordEncoder {

    private final byte[] dateKeyJson;
    private final JsonDateFormat dateFormat;
    private final ByteSink scratch = new ByteSink(1024);
    private String lastTag = "";
    private byte[] lastTagBytes = new byte[0];

    /**
     * @param dateKey the key the record time is written under in JSON formats, or null for none
     * @param dateFormat how the time is written under {@code dateKey}
     */
    public RecordEncoder(String dateKey, JsonDateFormat dateFormat) {
        if (dateKey == null) {
            this.dateKeyJson = null;
        } else {
            ByteSink k = new ByteSink(dateKey.length() + 4);
            k.write('{');
            JsonText.writeString(k, dateKey);
            k.write(':');
            this.dateKeyJson = java.util.Arrays.copyOf(k.array(), k.length());
        }
        this.dateFormat = dateFormat;
    }

    /** An encoder for formats without a date key. */
    public static RecordEncoder withoutDate() {
        return new RecordEncoder(null, JsonDateFormat.DOUBLE);
    }

    /** Writes the record as one JSON object: the date key (if any) first, then the fields. */
    public void writeJson(LogRecord record, ByteSink out) {
        RecordFields fields = record.fields();
        if (dateKeyJson == null) {
            fields.writeJson(out);
            return;
        }
        out.write(dateKeyJson);
        dateFormat.write(out, record.timeNanos());
        if (fields.size() == 0) {
            out.write('}');
            return;
        }
        // The fields' own JSON starts with '{' (possibly the line's original bytes): drop it.
        scratch.reset();
        fields.writeJson(scratch);
        out.write(',');
        out.write(scratch.array(), 1, scratch.length() - 1);
    }

    /** Writes the record's JSON object followed by a newline ({@code json_lines}). */
    public void writeJsonLine(LogRecord record, ByteSink out) {
        writeJson(record, out);
        out.write('\n');
    }

    /** Writes Fluent Bit's {@code out_file} line: {@code TAG: [EPOCH.NANOS, {json}]} and a newline. */
    public void writeOutFileLine(LogRecord record, ByteSink out) {
        writeTag(record, out);
        out.write(':');
        out.write(' ');
        out.write('[');
        TimeText.writeEpochNanos(out, record.timeNanos());
        out.write(',');
        out.write(' ');
        record.fields().writeJson(out);
        out.write(']');
        out.write('\n');
    }

    /**
     * Writes Fluent Bit stdout's {@code msgpack} line:
     * {@code [INDEX] TAG: [[EPOCH.NANOS, {}], {"key"=>value, ...}]} and a newline.
     *
     * @param index the record's position in the current batch, from 0
     */
    public void writeMsgpackLine(LogRecord record, long index, ByteSink out) {
        out.write('[');
        TimeText.writeLong(out, index);
        out.write(']');
        out.write(' ');
        writeTag(record, out);
        out.writeAscii(": [[");
        TimeText.writeEpochNanos(out, record.timeNanos());
        out.writeAscii(", {}], ");
        writeFieldsText(record.fields(), out);
        out.write(']');
        out.write('\n');
    }

    /** Writes the fields as msgpack-c prints a map ({@code {"key"=>value, ...}}). */
    public void writeFieldsText(RecordFields fields, ByteSink out) {
        scratch.reset();
        fields.writeJson(scratch);
        MsgpackText.write(out, scratch);
    }

    /**
     * Writes field {@code i}'s value as Fluent Bit prints a value on its own: a string as its raw text
     * (quoted when {@code quoteStrings}), anything else as msgpack-c prints it.
     */
    public void writeValueText(RecordFields fields, int i, boolean quoteStrings, ByteSink out) {
        scratch.reset();
        fields.writeValue(i, scratch);
        byte[] b = scratch.array();
        if (b[0] == '"' && !quoteStrings) {
            MsgpackText.writeStringContent(out, b, 0, scratch.length());
        } else {
            MsgpackText.write(out, scratch);
        }
    }

    /**
     * Writes field {@code i}'s key as msgpack-c prints a string: quoted, its text raw (a {@code "} or a tab
     * in the key is not escaped).
     */
    public void writeKeyText(RecordFields fields, int i, ByteSink out) {
        scratch.reset();
        JsonText.writeString(scratch, fields.key(i));
        MsgpackText.write(out, scratch);
    }

    /** Writes the record's tag (UTF-8), remembering the last tag's bytes. */
    public void writeTag(LogRecord record, ByteSink out) {
        String tag = record.tag();
        if (!tag.equals(lastTag)) {
            lastTag = tag;
            lastTagBytes = tag.getBytes(StandardCharsets.UTF_8);
        }
        out.write(lastTagBytes);
    }
}
