package dev.ferry.outputs.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ferry.outputs.Murmur3;
import dev.ferry.outputs.RecordOrigins;
import dev.ferry.outputs.TimeText;
import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.record.RecordOrigin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns records into Elasticsearch bulk NDJSON: for each record an action line and a document line.
 *
 * <pre>
 * {"create":{"_index":"logs-2024.01.01","_id":"fp-6fc6ca04320260b8-1024:4096:5c1f09a2"}}
 * {"@timestamp":"2024-01-01T10:00:00.123Z","log":"hi","n":1}
 * </pre>
 *
 * <p><b>Document ids</b> ({@code _id}), in this order of precedence:
 * <ol>
 *   <li>{@code Id_Key} (a record accessor): the value it finds, when it is a string that is not empty, a
 *       number or a boolean;</li>
 *   <li>{@code Generate_ID On}: Fluent Bit's meaning, a hash of the content: MurmurHash3 x64 128 of the
 *       document line as sent ({@code Time_Key} and {@code Tag_Key} included, as Fluent Bit hashes them, so
 *       the same line at another time is another document), written as a UUID ({@code 8-4-4-4-12}
 *       lower-case hex of h1 then h2, big-endian), e.g. {@code 1d2c2b8e-0f55-4b9b-...};</li>
 *   <li>otherwise, for a record with an origin: where the line came from,
 *       {@code <origin id>:<offset>:<line hash>} (e.g. {@code fp-6fc6ca04320260b8-1024:4096:5c1f09a2}), readable
 *       and stable across restarts because the origin id names the file's data, not its path. The line hash is
 *       the CRC-32C of the line as read, 8 hex digits ({@link LogRecord#lineHash()}): the origin id is taken
 *       from a file's first line, so two files that begin with the same line share it, and without the hash
 *       their lines at equal offsets would take one id, the second answered 409 and lost. A record with no
 *       line hash (read back from a spool an earlier ferry wrote) has {@code <origin id>:<offset>}. An origin id longer
 *       than 200 characters or with characters other than {@code [A-Za-z0-9._-]} is replaced by the
 *       base64url (no padding) of the MurmurHash3 x64 128 of its UTF-8 bytes (22 characters). With
 *       {@code create}, a resend of the same line gets 409 {@code version_conflict_engine_exception},
 *       which the output counts as delivered: exactly once;</li>
 *   <li>a record without origin: the content hash, as with {@code Generate_ID}.</li>
 * </ol>
 *
 * <p><b>Index</b>: {@code Index} (a strftime pattern, as in Fluent Bit), or with {@code Logstash_Format}
 * {@code prefix + separator + date}, the prefix the value the {@code Logstash_Prefix_Key} record accessor
 * finds (a string that is not empty, a number or a boolean; at most 128 characters, as Fluent Bit takes),
 * else {@code Logstash_Prefix}. Dates are the record's own time ({@code Current_Time_Index} for the time
 * of encoding), in UTC.
 *
 * <p><b>Document</b>: {@code {"<Time_Key>":"<Time_Key_Format>.<millis|nanos>Z","<Tag_Key>":"tag",...}}
 * then the record's fields, the original JSON bytes copied where filters left them unchanged (never
 * rebuilt through a tree). The time key and the tag key are each left out when the record already has a
 * field of that name, because Elasticsearch rejects duplicate keys (Fluent Bit writes both, and the document
 * is refused). {@code Replace_Dots} rewrites keys at every depth with
 * a streaming copy, only for records whose JSON contains a dot at all. {@code update} wraps the
 * document as {@code {"doc":...}}, {@code upsert} as {@code {"doc":...,"doc_as_upsert":true}}.
 *
 * <p>Not thread-safe (scratch buffers and caches): one instance per output thread. Writes only into the
 * {@link ByteSink} it is given, which the caller owns; the record is only read.
 */
public final class EsEncoder {

    private static final JsonFactory JSON = new JsonFactory();
    /** The most characters of a Logstash_Prefix_Key value used as the prefix, as in Fluent Bit (es.c). */
    private static final int MAX_PREFIX = 128;

    private final EsConfig config;
    private final byte[] actionOpen;
    private final byte[] actionClose;
    /** The index when it is the same for every record (Index without strftime directive), else null. */
    private final String fixedIndex;
    private final byte[] fixedIndexJson;
    private final byte[] timeKeyOpen;
    private final byte[] tagKeyOpen;
    private final ByteSink fieldsJson = new ByteSink(1024);
    private final ByteSink document = new ByteSink(1024);
    private final long[] hash = new long[2];

    // Caches: the index name per (prefix, span of its date), the time key text per span, the last origin's id form.
    private String cachedPrefix;
    private long cachedIndexSpan = Long.MIN_VALUE;
    private String cachedIndex;
    private byte[] cachedIndexJson;
    private long cachedTimeSpan = Long.MIN_VALUE;
    private byte[] cachedTimeText;
    private RecordOrigin cachedOrigin;
    private String cachedOriginId;
    private byte[] cachedOriginIdText;
    private String lastTag = "";
    private byte[] lastTagJson = {'"', '"'};
    private String lastIndex;
    private int lastDocumentStart;

    public EsEncoder(EsConfig config) {
        this.config = config;
        String op = switch (config.writeOperation()) {
            case CREATE -> "create";
            case INDEX -> "index";
            case UPDATE, UPSERT -> "update";
        };
        this.actionOpen = ("{\"" + op + "\":{\"_index\":").getBytes(StandardCharsets.UTF_8);
        ByteSink close = new ByteSink(64);
        if (config.pipeline() != null && (config.writeOperation() == EsConfig.WriteOperation.CREATE
                || config.writeOperation() == EsConfig.WriteOperation.INDEX)) {
            close.writeAscii(",\"pipeline\":");
            JsonText.writeString(close, config.pipeline());
        }
        close.writeAscii("}}\n");
        this.actionClose = Arrays.copyOf(close.array(), close.length());
        this.fixedIndex = !config.logstashFormat() && config.index().constant() ? config.index().format(0) : null;
        this.fixedIndexJson = fixedIndex == null ? null : jsonString(fixedIndex);
        this.timeKeyOpen = config.timeKey() == null ? null : keyOpen(config.timeKey());
        this.tagKeyOpen = config.includeTagKey() ? keyOpen(config.tagKey()) : null;
    }

    /**
     * Appends the record's action line and document line (each ending in {@code \n}) to {@code out}.
     * Afterwards {@link #lastIndex()} and {@link #lastDocumentStart()} describe what was written.
     */
    public void encode(LogRecord record, ByteSink out) {
        RecordFields fields = record.fields();
        RecordOrigin origin = record.origin();
        String keyId = config.idKey() == null ? null : scalarText(config.idKey(), record);
        boolean contentId = keyId == null && (config.generateId() || origin == null);
        if (config.replaceDots()) {
            fieldsJson.reset();
            writeReplacingDots(fields);
        }
        // A content id hashes the document as it is sent, Time_Key and Tag_Key included, as Fluent Bit does
        // (es.c): the same line at another time is another document. So the document is built first, in a
        // scratch buffer; otherwise it is written once, straight into out.
        if (contentId) {
            document.reset();
            writeDocument(record, fields, document);
        }

        // Action line.
        out.write(actionOpen);
        byte[] indexJson = indexJson(record);
        out.write(indexJson);
        out.writeAscii(",\"_id\":");
        if (keyId != null) {
            JsonText.writeString(out, keyId);
        } else if (contentId) {
            Murmur3.hash(document.array(), 0, document.length(), hash);
            out.write('"');
            writeUuid(hash[0], hash[1], out);
            out.write('"');
        } else {
            out.write('"');
            out.write(originIdText(origin));
            RecordOrigins.writeIdPlace(record.offset(), record.lineHash(), out);
            out.write('"');
        }
        out.write(actionClose);

        // Document line.
        lastDocumentStart = out.length();
        EsConfig.WriteOperation op = config.writeOperation();
        boolean wrap = op == EsConfig.WriteOperation.UPDATE || op == EsConfig.WriteOperation.UPSERT;
        if (wrap) {
            out.writeAscii("{\"doc\":");
        }
        if (contentId) {
            out.write(document.array(), 0, document.length());
        } else {
            writeDocument(record, fields, out);
        }
        if (op == EsConfig.WriteOperation.UPSERT) {
            out.writeAscii(",\"doc_as_upsert\":true}");
        } else if (wrap) {
            out.write('}');
        }
        out.write('\n');
    }

    /**
     * Writes the document: Time_Key and Tag_Key, each unless the record has a field of that name (Elasticsearch
     * refuses a document with a key twice; the record's own field is kept), then the record's fields.
     */
    private void writeDocument(LogRecord record, RecordFields fields, ByteSink out) {
        boolean first = true;
        if (timeKeyOpen != null && !fields.mayHave(config.timeKey())) {
            out.write('{');
            out.write(timeKeyOpen);
            writeTime(record.timeNanos(), out);
            first = false;
        }
        if (tagKeyOpen != null && !fields.mayHave(config.tagKey())) {
            out.write(first ? '{' : ',');
            out.write(tagKeyOpen);
            out.write(tagJson(record.tag()));
            first = false;
        }
        if (first) {
            // Nothing of ours: the fields' JSON is the document.
            writeFields(fields, out);
            return;
        }
        // The fields' JSON is "{...}": its '{' becomes the comma after our members.
        int at = out.length();
        writeFields(fields, out);
        if (out.length() - at > 2) {
            out.array()[at] = ',';
        } else {
            out.truncate(at);
            out.write('}');
        }
    }

    /** The record's fields as JSON: rewritten by Replace_Dots into {@code fieldsJson}, or copied as they are. */
    private void writeFields(RecordFields fields, ByteSink out) {
        if (config.replaceDots()) {
            out.write(fieldsJson.array(), 0, fieldsJson.length());
        } else {
            fields.writeJson(out);
        }
    }

    /**
     * The text of the value {@code accessor} finds: a string that is not empty, or a number or boolean as its
     * JSON text; null when the record has no such value, or it is null, empty, an object or an array (no usable
     * id or index prefix: the caller falls back).
     */
    private static String scalarText(RecordAccessor accessor, LogRecord record) {
        Object v = accessor.get(record);
        if (v instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        return v instanceof Number || v instanceof Boolean ? accessor.text(record) : null;
    }

    /** The index of the last encoded record (a cached string: no allocation per record). */
    public String lastIndex() {
        return lastIndex;
    }

    /** Where the last document line starts in the sink given to {@link #encode}. */
    public int lastDocumentStart() {
        return lastDocumentStart;
    }

    private byte[] indexJson(LogRecord record) {
        if (fixedIndexJson != null) {
            lastIndex = fixedIndex;
            return fixedIndexJson;
        }
        String prefix = config.logstashFormat() ? logstashPrefix(record) : "";
        long second = TimeText.epochSeconds(config.currentTimeIndex() ? System.currentTimeMillis() * 1_000_000L
                : record.timeNanos());
        StrftimeFormat date = config.logstashFormat() ? config.logstashDateFormat() : config.index();
        long span = date.spanStart(second);
        if (span != cachedIndexSpan || !prefix.equals(cachedPrefix)) {
            String name = (config.logstashFormat() ? prefix + config.logstashPrefixSeparator() : "") + date.format(second);
            if (cachedIndex == null || !cachedIndex.equals(name)) {
                cachedIndex = name;
                cachedIndexJson = jsonString(name);
            }
            cachedPrefix = prefix;
            cachedIndexSpan = span;
        }
        lastIndex = cachedIndex;
        return cachedIndexJson;
    }

    /**
     * The index prefix in Logstash format: the value {@code Logstash_Prefix_Key} finds (its first 128 characters,
     * as Fluent Bit takes), else {@code Logstash_Prefix}.
     */
    private String logstashPrefix(LogRecord record) {
        if (config.logstashPrefixKey() != null) {
            String v = scalarText(config.logstashPrefixKey(), record);
            if (v != null) {
                return v.length() > MAX_PREFIX ? v.substring(0, MAX_PREFIX) : v;
            }
        }
        return config.logstashPrefix();
    }

    private byte[] originIdText(RecordOrigin origin) {
        String id = origin.id();
        if (origin == cachedOrigin && id.equals(cachedOriginId)) {
            return cachedOriginIdText;
        }
        cachedOrigin = origin;
        cachedOriginId = id;
        cachedOriginIdText = idOrigin(id);
        return cachedOriginIdText;
    }

    /**
     * The origin part of a document id for origin id {@code id}, in ASCII: {@code id} itself when it is readable
     * (1-200 characters of {@code [A-Za-z0-9._-]}), else the base64url of its hash (22 characters). The
     * dead-letter index ({@link EsDeadLetterIndex}) takes it too, so a dead letter's id is its document's.
     */
    static byte[] idOrigin(String id) {
        return readable(id) ? id.getBytes(StandardCharsets.US_ASCII) : hashedId(id);
    }

    private static boolean readable(String id) {
        if (id.isEmpty() || id.length() > 200) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static byte[] hashedId(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        long[] h = new long[2];
        Murmur3.hash(b, 0, b.length, h);
        byte[] raw = new byte[16];
        for (int i = 0; i < 8; i++) {
            raw[i] = (byte) (h[0] >>> (8 * i));
            raw[8 + i] = (byte) (h[1] >>> (8 * i));
        }
        return java.util.Base64.getUrlEncoder().withoutPadding().encode(raw);
    }

    /** Writes h1 and h2 as {@code 8-4-4-4-12} lower-case hex (32 digits, h1 first). */
    static void writeUuid(long h1, long h2, ByteSink out) {
        out.writeHex(h1 >>> 32, 8);
        out.write('-');
        out.writeHex(h1 >>> 16, 4);
        out.write('-');
        out.writeHex(h1, 4);
        out.write('-');
        out.writeHex(h2 >>> 48, 4);
        out.write('-');
        out.writeHex(h2, 12);
    }

    private void writeTime(long timeNanos, ByteSink out) {
        long second = TimeText.epochSeconds(timeNanos);
        long span = config.timeKeyFormat().spanStart(second);
        if (span != cachedTimeSpan) {
            cachedTimeSpan = span;
            cachedTimeText = config.timeKeyFormat().format(second).getBytes(StandardCharsets.UTF_8);
        }
        out.write('"');
        out.write(cachedTimeText);
        out.write('.');
        long nanos = Math.floorMod(timeNanos, 1_000_000_000L);
        if (config.timeKeyNanos()) {
            TimeText.writePadded(out, nanos, 9);
        } else {
            TimeText.writePadded(out, nanos / 1_000_000L, 3);
        }
        out.write('Z');
        out.write('"');
    }

    private byte[] tagJson(String tag) {
        if (!tag.equals(lastTag)) {
            lastTag = tag;
            lastTagJson = jsonString(tag);
        }
        return lastTagJson;
    }

    /** Writes the fields with every '.' in a key (at any depth) replaced by '_'. */
    private void writeReplacingDots(RecordFields fields) {
        fields.writeJson(fieldsJson);
        byte[] b = fieldsJson.array();
        int n = fieldsJson.length();
        boolean dot = false;
        for (int i = 0; i < n && !dot; i++) {
            dot = b[i] == '.';
        }
        if (!dot) {
            return;
        }
        byte[] copy = Arrays.copyOf(b, n);
        fieldsJson.reset();
        try (JsonParser p = JSON.createParser(copy, 0, n);
             JsonGenerator g = JSON.createGenerator(new SinkStream(fieldsJson))) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName().replace('.', '_'));
                } else {
                    g.copyCurrentEvent(p);
                }
            }
        } catch (IOException e) {
            // The fields' JSON is written by ferry and valid; a failure here is a bug.
            throw new UncheckedIOException("Replace_Dots could not rewrite a record", e);
        }
    }

    private static byte[] keyOpen(String key) {
        ByteSink k = new ByteSink(key.length() + 4);
        JsonText.writeString(k, key);
        k.write(':');
        return Arrays.copyOf(k.array(), k.length());
    }

    private static byte[] jsonString(String s) {
        ByteSink k = new ByteSink(s.length() + 2);
        JsonText.writeString(k, s);
        return Arrays.copyOf(k.array(), k.length());
    }

    @Override
    public String toString() {
        return "EsEncoder[" + config.writeOperation().name().toLowerCase(Locale.ROOT) + "]";
    }

    /** An OutputStream over a ByteSink, for jackson. */
    private static final class SinkStream extends OutputStream {
        private final ByteSink sink;

        SinkStream(ByteSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            sink.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sink.write(b, off, len);
        }
    }
}
