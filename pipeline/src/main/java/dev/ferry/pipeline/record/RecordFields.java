package dev.ferry.pipeline.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ordered top-level fields of one record, built to be reused from record to record without
 * allocating.
 *
 * <p>A field's value is held in one of three forms:
 * <ul>
 *   <li><b>raw JSON</b>: a span of the record's line that is one valid JSON value (as the JSON parser
 *       found it), written out verbatim and decoded only when a filter asks for it;</li>
 *   <li><b>text</b>: a span of the line that is plain UTF-8 text (the whole line under {@code log}, a
 *       regex group), escaped when written;</li>
 *   <li><b>object</b>: a Java value set by a filter or parser: {@code String}, {@code Long},
 *       {@code Integer}, {@code Double}, {@code Boolean}, {@code null}, {@code Map<String,Object>},
 *       {@code List<Object>}.</li>
 * </ul>
 *
 * <p>When the line was a JSON object, the leading fields that no filter touched are written by copying
 * the original bytes (the {@linkplain #rawPrefix() raw prefix}); fields after it are appended. So a
 * record that only had fields added is never rebuilt.
 *
 * <p>Text bytes that are not valid UTF-8 are written, and read as strings, as U+FFFD (JSON must be
 * UTF-8); the fields note how many there were ({@link #invalidUtf8()}), so the ring counts and reports the
 * record instead of changing it silently. The check is the one the writer makes anyway, byte by byte.
 *
 * <p>Not thread-safe: one ring stage owns the record at a time (the Disruptor's sequence barriers give
 * the hand-over its memory ordering).
 */
public final class RecordFields {

    private static final byte RAW = 1;
    private static final byte TEXT = 2;
    private static final byte OBJECT = 3;

    private String[] keys = new String[16];
    private byte[] forms = new byte[16];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private Object[] values = new Object[16];
    private int size;

    private byte[] raw = new byte[0];
    private int objectStart = -1;
    private int rawPrefix;
    // A JSON object not split into fields yet: writeJson copies raw[0, deferredLength) as it is, any other
    // use runs deferredSplit first.
    private Runnable deferredSplit;
    private int deferredLength;
    private long deferredKeyMask;
    // mayHave's last key and its quoted UTF-8 bytes.
    private String probeKey;
    private byte[] probeQuoted;
    // Bytes of the line that were not valid UTF-8 and came out as U+FFFD (see invalidUtf8()): in the strings
    // parsers decoded (each decodes a span once; added up), in text fields filters read, and in text fields
    // written (the same fields are read and written again and again: the most at once).
    private int invalidDecoded;
    private int invalidRead;
    private int invalidWritten;

    /** Points spans at {@code line}; called by {@link LogRecord} whenever its line changes. */
    void bind(byte[] line) {
        raw = line;
    }

    /** Removes every field. */
    public void clear() {
        deferredSplit = null;
        Arrays.fill(values, 0, size, null);
        size = 0;
        objectStart = -1;
        rawPrefix = 0;
        invalidDecoded = 0;
        invalidRead = 0;
        invalidWritten = 0;
    }

    /**
     * How many bytes of the line were not valid UTF-8 and came out as U+FFFD: those in the strings a parser
     * decoded ({@link #decodeText}), plus the most that one {@link #writeJson} or {@link #writeValue} replaced
     * in text fields (or that reading text fields as strings replaced, for fields since removed); 0 when none,
     * or when nothing was decoded, read or written yet. The same fields written once per output do not add
     * up. The ring's last stage reads it once the record is written, to count and report the repair;
     * {@link #clear} resets it.
     */
    public int invalidUtf8() {
        return invalidDecoded + Math.max(invalidRead, invalidWritten);
    }

    /**
     * Decodes the line's bytes {@code [start, start+len)} as UTF-8, for a parser that makes strings of them
     * (each span once). Bytes that are not valid UTF-8 become U+FFFD and are counted in {@link #invalidUtf8()}.
     */
    public String decodeText(int start, int len) {
        String s = JsonText.decodeText(raw, start, len);
        invalidDecoded += replacedIn(s, start, len);
        return s;
    }

    /** A text field's value as a string; invalid bytes become U+FFFD and are noted in {@link #invalidUtf8()}. */
    private String readText(int i) {
        String s = JsonText.decodeText(raw, starts[i], lengths[i]);
        invalidRead = Math.max(invalidRead, replacedIn(s, starts[i], lengths[i]));
        return s;
    }

    /** How many bytes of {@code raw[start, start+len)} are U+FFFD in {@code decoded}, their decoded string. */
    private int replacedIn(String decoded, int start, int len) {
        // Only bytes holding U+FFFD or invalid bytes decode to a string with U+FFFD in it, and only then are
        // the bytes looked at again. The search is free for a string of Latin-1 characters (U+FFFD cannot be in
        // one) and a vectorised intrinsic for the others, so valid text pays no second pass over its bytes.
        return decoded.indexOf('\uFFFD') < 0 ? 0 : Utf8.invalidBytes(raw, start, start + len);
    }

    public int size() {
        split();
        return size;
    }

    public String key(int i) {
        split();
        return keys[i];
    }

    /** Index of the first field named {@code key}, or -1. */
    public int indexOf(String key) {
        split();
        for (int i = 0; i < size; i++) {
            String k = keys[i];
            if (k == key || k.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    public boolean has(String key) {
        return indexOf(key) >= 0;
    }

    /** The {@link #keyMask()} of fields whose names are not known: every bit set, so no name is ruled out. */
    public static final long UNKNOWN_KEYS = -1L;

    /**
     * A 64-bit summary of the field names: the OR of {@link #keyBit} of each name. A name whose bit is not
     * set is not among the fields; a set bit proves nothing (names share bits). Kept with spooled records
     * so that a reader can rule a field out without parsing the JSON (see {@link #mayHave}); the bits are
     * stable across releases and JVMs ({@link String#hashCode()} is specified).
     */
    public long keyMask() {
        if (deferredSplit != null) {
            return deferredKeyMask;
        }
        long mask = 0;
        for (int i = 0; i < size; i++) {
            mask |= keyBit(keys[i]);
        }
        return mask;
    }

    /** The bit of {@link #keyMask()} that field name {@code key} sets. */
    public static long keyBit(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h ^= h >>> 8;
        return 1L << (h & 63);
    }

    /**
     * Whether a field named {@code key} may be there, answered without splitting a deferred object (see
     * {@link #defer}) when its key mask rules the name out, or when its bytes cannot hold it: they contain
     * {@code "key"} nowhere and no escape that could spell it another way (a backslash before {@code u} or
     * {@code /}). False means absent; true means {@link #indexOf} must tell. For an output that adds a field
     * only when the record lacks it, on records read back from the spool.
     */
    public boolean mayHave(String key) {
        if (deferredSplit == null || key.isEmpty() || key.indexOf('"') >= 0 || key.indexOf('\\') >= 0) {
            return has(key);
        }
        if ((deferredKeyMask & keyBit(key)) == 0) {
            return false;
        }
        if (key != probeKey) {
            probeKey = key;
            probeQuoted = ('"' + key + '"').getBytes(StandardCharsets.UTF_8);
        }
        byte[] q = probeQuoted;
        byte[] b = raw;
        int end = deferredLength;
        // Eight bytes at a time, stop only at the key's first byte or a backslash: both are rare in log JSON.
        long first = spread(q[1]);
        int i = 0;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(b, i);
            long hits = zeroBytes(w ^ first) | zeroBytes(w ^ BACKSLASHES);
            while (hits != 0) {
                int at = i + (Long.numberOfTrailingZeros(hits) >>> 3);
                if (mayStartKey(b, at, end, q)) {
                    return has(key);
                }
                hits &= hits - 1;
            }
        }
        for (; i < end; i++) {
            if ((b[i] == q[1] || b[i] == '\\') && mayStartKey(b, i, end, q)) {
                return has(key);
            }
        }
        return false;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long BACKSLASHES = spread((byte) '\\');

    private static long spread(byte b) {
        return (b & 0xFFL) * ONES;
    }

    /** The high bit of each byte of {@code v} that is zero (exact for the lowest such byte, may mark later ones). */
    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & 0x8080808080808080L;
    }

    /**
     * Whether the byte at {@code at} (the key's first byte or a backslash) means the key may be in the object:
     * {@code "key"} starts one byte before it, or it is an escape that could spell a key's character.
     */
    private static boolean mayStartKey(byte[] b, int at, int end, byte[] q) {
        if (b[at] == '\\') {
            byte n = at + 1 < end ? b[at + 1] : 0;
            return n == 'u' || n == '/';
        }
        int start = at - 1;
        if (b[at] != q[1] || start < 0 || b[start] != '"' || start + q.length > end) {
            return false;
        }
        for (int j = 2; j < q.length; j++) {
            if (b[start + j] != q[j]) {
                return false;
            }
        }
        return true;
    }

    /** The value of the first field named {@code key} as a Java value, or null if absent (see {@link #has}). */
    public Object get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    /** The value of field {@code i} as a Java value (strings decoded, numbers parsed, objects as maps). */
    public Object value(int i) {
        split();
        return switch (forms[i]) {
            case RAW -> JsonValues.parse(raw, starts[i], lengths[i]);
            case TEXT -> readText(i);
            default -> values[i];
        };
    }

    /**
     * The value of field {@code i} as text, the way filters match on it: a string as itself, any other
     * value as its JSON text ({@code 200}, {@code true}, {@code {"a":1}}), JSON null as {@code null}.
     */
    public String text(int i) {
        split();
        switch (forms[i]) {
            case RAW -> {
                if (raw[starts[i]] == '"') {
                    return JsonText.decodeString(raw, starts[i], lengths[i]);
                }
                return JsonText.decodeText(raw, starts[i], lengths[i]);
            }
            case TEXT -> {
                return readText(i);
            }
            default -> {
                Object v = values[i];
                if (v instanceof String s) {
                    return s;
                }
                ByteSink sink = new ByteSink(32);
                JsonValues.write(sink, v);
                return sink.toString();
            }
        }
    }

    /** The text of the first field named {@code key} (see {@link #text(int)}), or null if absent. */
    public String text(String key) {
        int i = indexOf(key);
        return i < 0 ? null : text(i);
    }

    /** Sets {@code key} to {@code value}: replaces the first field of that name, or appends one. */
    public void put(String key, Object value) {
        split();
        int i = indexOf(key);
        if (i < 0) {
            append(key, OBJECT, 0, 0, value);
        } else {
            touch(i);
            forms[i] = OBJECT;
            values[i] = value;
        }
    }

    /** Appends a field without looking for an existing one of that name. */
    public void append(String key, Object value) {
        split();
        append(key, OBJECT, 0, 0, value);
    }

    /** Appends a field whose value is the raw JSON {@code line[start, start+len)}. For parsers. */
    public void appendRaw(String key, int start, int len) {
        notDeferred();
        boolean extendsPrefix = objectStart >= 0 && rawPrefix == size;
        append(key, RAW, start, len, null);
        if (extendsPrefix) {
            rawPrefix = size;
        }
    }

    /** Appends a field whose value is the UTF-8 text {@code line[start, start+len)}. For parsers. */
    public void appendText(String key, int start, int len) {
        notDeferred();
        append(key, TEXT, start, len, null);
    }

    /**
     * Declares that the line is a JSON object starting at {@code start} whose members the parser is about
     * to add, in order, with {@link #appendRaw}. For the JSON parser; call on an empty field set.
     */
    public void beginRawObject(int start) {
        notDeferred();
        objectStart = start;
        rawPrefix = 0;
    }

    /**
     * Declares that the bound line's first {@code length} bytes are one JSON object (written by
     * {@link #writeJson}) whose fields {@code split} adds when they are first needed: until then
     * {@link #writeJson} copies those bytes as they are, and any other method runs {@code split} first
     * (once), but for those a parser adds fields with ({@link #beginRawObject}, {@link #appendRaw},
     * {@link #appendText}, {@link #splitAt}), which {@code split} calls and which refuse a deferred object. For
     * readers of records already encoded, such as the disk spool, where most outputs only write the JSON out
     * again. Call on an empty field set; {@link #clear()} drops the deferral.
     *
     * @param keyMask the {@link #keyMask()} of the fields {@code split} will add, or {@link #UNKNOWN_KEYS}
     * @param split adds the fields (a parser's work); called on the thread that owns the record
     */
    public void defer(int length, long keyMask, Runnable split) {
        deferredSplit = split;
        deferredLength = length;
        deferredKeyMask = keyMask;
    }

    private void split() {
        Runnable s = deferredSplit;
        if (s != null) {
            deferredSplit = null;
            s.run();
        }
    }

    // The parsers' methods do not split a deferred object: a parser is what splits it, and were they to run the
    // deferred split as other methods do, the JIT would inline the split (a parser, with these methods in it) into
    // each of them again, without end.
    private void notDeferred() {
        if (deferredSplit != null) {
            throw new IllegalStateException("fields deferred to a split are added to by a parser");
        }
    }

    /** How many leading fields are still the original bytes of the line's JSON object. */
    public int rawPrefix() {
        split();
        return rawPrefix;
    }

    /** Removes every field named {@code key}; returns whether any was there. */
    public boolean remove(String key) {
        split();
        boolean removed = false;
        for (int i = size - 1; i >= 0; i--) {
            if (keys[i].equals(key)) {
                removeAt(i);
                removed = true;
            }
        }
        return removed;
    }

    /** Removes field {@code i}, keeping the order of the others. */
    public void removeAt(int i) {
        split();
        touch(i);
        int tail = size - i - 1;
        System.arraycopy(keys, i + 1, keys, i, tail);
        System.arraycopy(forms, i + 1, forms, i, tail);
        System.arraycopy(starts, i + 1, starts, i, tail);
        System.arraycopy(lengths, i + 1, lengths, i, tail);
        System.arraycopy(values, i + 1, values, i, tail);
        size--;
        values[size] = null;
        keys[size] = null;
    }

    /** Renames field {@code i} to {@code newKey}, keeping its value and position. */
    public void renameAt(int i, String newKey) {
        split();
        touch(i);
        keys[i] = newKey;
    }

    /** Copies field {@code from} of {@code other} (which may be this) as a new field named {@code key}. */
    public void appendCopy(String key, RecordFields other, int from) {
        split();
        other.split();
        if (other.forms[from] == OBJECT || other.raw != raw) {
            append(key, OBJECT, 0, 0, other.value(from));
        } else {
            append(key, other.forms[from], other.starts[from], other.lengths[from], null);
        }
    }

    /** Writes the fields as one JSON object. */
    public void writeJson(ByteSink out) {
        writeJson(out, null);
    }

    /**
     * Writes the fields as one JSON object, like {@link #writeJson(ByteSink)}, and reports in {@code spans} where each
     * field's value lies in what was written (for {@link #splitAt}).
     *
     * @param spans cleared, then given one span per field; or null
     * @return false, with {@code spans} left empty, when the fields were never split ({@link #defer}: the bytes
     *     are written as they came, and where their values lie is not known)
     */
    public boolean writeJson(ByteSink out, MemberSpans spans) {
        if (spans != null) {
            spans.clear();
        }
        if (deferredSplit != null) {
            out.write(raw, 0, deferredLength);
            return false;
        }
        int base = out.length();
        int i = 0;
        if (rawPrefix > 0) {
            int end = starts[rawPrefix - 1] + lengths[rawPrefix - 1];
            out.write(raw, objectStart, end - objectStart);
            if (spans != null) {
                for (int k = 0; k < rawPrefix; k++) {
                    int start = starts[k] - objectStart;
                    spans.add(start, start + lengths[k]);
                }
            }
            i = rawPrefix;
        } else {
            out.write('{');
        }
        writeOneByOne(i, i == 0, null, spans, base, out);
        return true;
    }

    /**
     * Adds the fields of the bound line, a JSON object that {@link #writeJson(ByteSink, MemberSpans)} wrote, at the
     * value spans it reported: each value is taken as the raw JSON it is, unscanned, and each key is the string
     * before its value. Only the bytes around the values are checked (that each key is one string followed by
     * {@code :}, members are separated by {@code ,} and the object closes). Call on an empty field set.
     *
     * @return false, with no fields added, if the spans do not fit the line (its bytes are then to be parsed)
     */
    public boolean splitAt(MemberSpans spans, int lineLength) {
        notDeferred();
        byte[] b = raw;
        if (lineLength < 2 || b[0] != '{') {
            return false;
        }
        beginRawObject(0);
        int p = 1;
        for (int i = 0; i < spans.count(); i++) {
            int start = spans.start(i);
            int end = spans.end(i);
            if (start < p || end <= start || end > lineLength) {
                return splitFailed();
            }
            p = JsonText.skipSpace(b, p, start);
            if (i > 0) {
                if (b[p] != ',') {
                    return splitFailed();
                }
                p = JsonText.skipSpace(b, p + 1, start);
            }
            int close = start - 1;
            while (close > p && JsonText.isSpace(b[close])) {
                close--;
            }
            if (b[close] != ':') {
                return splitFailed();
            }
            close--;
            while (close > p && JsonText.isSpace(b[close])) {
                close--;
            }
            if (b[p] != '"' || close <= p || b[close] != '"' || stringEnd(b, p + 1, close) != close) {
                return splitFailed();
            }
            appendRaw(JsonKeyCache.quoted(b, p, close + 1), start, end - start);
            p = end;
        }
        p = JsonText.skipSpace(b, p, lineLength);
        if (p >= lineLength || b[p] != '}' || JsonText.skipSpace(b, p + 1, lineLength) != lineLength) {
            return splitFailed();
        }
        return true;
    }

    /** Where the string whose content starts at {@code i} ends (its closing quote), looking no further than {@code limit}. */
    private static int stringEnd(byte[] b, int i, int limit) {
        while (i < limit && b[i] != '"') {
            i += b[i] == '\\' ? 2 : 1;
        }
        return i;
    }

    private boolean splitFailed() {
        clear();
        return false;
    }

    /**
     * Writes the fields as one JSON object, leaving out every field whose name {@code leave} holds (an output's
     * keys that went elsewhere, such as Loki's labels). Kept fields of the {@linkplain #rawPrefix() raw prefix}
     * are copied as the original bytes, each run of them at once with its keys and separators, so a record
     * whose fields came as they are costs a copy or two, not a rebuild field by field.
     */
    public void writeJsonWithout(Set<String> leave, ByteSink out) {
        split();
        out.write('{');
        boolean first = true;
        int i = 0;
        while (i < rawPrefix) {
            if (leave.contains(keys[i])) {
                i++;
                continue;
            }
            int last = i;
            while (last + 1 < rawPrefix && !leave.contains(keys[last + 1])) {
                last++;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            int from = memberStart(i);
            out.write(raw, from, starts[last] + lengths[last] - from);
            i = last + 1;
        }
        writeOneByOne(i, first, leave, null, 0, out);
    }

    /**
     * Writes fields {@code i} on (those after the raw prefix) one by one, key escaped, then value, and closes the
     * object; leaves out those {@code leave} holds (null: none).
     *
     * @param first whether nothing was written before them (no comma first)
     * @param spans given each value's span from {@code base}, or null
     */
    private void writeOneByOne(int i, boolean first, Set<String> leave, MemberSpans spans, int base, ByteSink out) {
        int replaced = 0;
        for (; i < size; i++) {
            if (leave != null && leave.contains(keys[i])) {
                continue;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            JsonText.writeString(out, keys[i]);
            out.write(':');
            int start = out.length() - base;
            replaced += write(i, out);
            if (spans != null) {
                spans.add(start, out.length() - base);
            }
        }
        out.write('}');
        invalidWritten = Math.max(invalidWritten, replaced);
    }

    /**
     * Where raw-prefix field {@code i}'s member begins: the opening quote of its key, the first quote after the
     * object's {@code {} or the previous member's value (only JSON whitespace and one comma lie between).
     */
    private int memberStart(int i) {
        int p = i == 0 ? objectStart + 1 : starts[i - 1] + lengths[i - 1];
        while (raw[p] != '"') {
            p++;
        }
        return p;
    }

    /** Writes the value of field {@code i} as JSON. */
    public void writeValue(int i, ByteSink out) {
        split();
        invalidWritten = Math.max(invalidWritten, write(i, out));
    }

    /** Writes the value of field {@code i}; returns how many invalid UTF-8 bytes it wrote as U+FFFD. */
    private int write(int i, ByteSink out) {
        switch (forms[i]) {
            case RAW -> out.write(raw, starts[i], lengths[i]);
            case TEXT -> {
                return JsonText.writeText(out, raw, starts[i], lengths[i]);
            }
            default -> JsonValues.write(out, values[i]);
        }
        return 0;
    }

    /** A copy of the fields as a map (for tests and the slow paths of filters). */
    public Map<String, Object> toMap() {
        split();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            m.put(keys[i], value(i));
        }
        return m;
    }

    @Override
    public String toString() {
        ByteSink sink = new ByteSink(256);
        writeJson(sink);
        return sink.toString();
    }

    private void touch(int i) {
        if (i < rawPrefix) {
            rawPrefix = i;
        }
    }

    private void append(String key, byte form, int start, int len, Object value) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            forms = Arrays.copyOf(forms, n);
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
            values = Arrays.copyOf(values, n);
        }
        keys[size] = key;
        forms[size] = form;
        starts[size] = start;
        lengths[size] = len;
        values[size] = value;
        size++;
    }
}
