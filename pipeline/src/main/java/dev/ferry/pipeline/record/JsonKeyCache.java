package dev.ferry.pipeline.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings of the keys a JSON parser has seen, so that a key that comes back in every line (as keys
 * do) is not allocated again: looked up by its UTF-8 bytes in a fixed open-addressing table.
 *
 * <p>Bounded: {@value #SIZE} slots, four probes; a key that finds no free slot is simply allocated each
 * time (high-cardinality keys cost what they would without the cache and never evict the common ones).
 *
 * <p>Thread-safe without locks: entries are immutable (final fields, so safely published even through
 * the racy slot writes), and two threads storing the same key at once only store two equal entries.
 */
public final class JsonKeyCache {

    static final int SIZE = 2048;
    private static final int PROBES = 4;
    /** The one cache of the process: the JSON parser and the spool's readers meet the same keys. */
    private static final JsonKeyCache KEYS = new JsonKeyCache();

    private final Entry[] table = new Entry[SIZE];

    /**
     * The key whose JSON string, quotes included, is {@code s[quote, end)}: from the cache, or decoded when it
     * holds an escape.
     */
    public static String quoted(byte[] s, int quote, int end) {
        for (int k = quote + 1; k < end - 1; k++) {
            if (s[k] == '\\') {
                return JsonText.decodeString(s, quote, end - quote);
            }
        }
        return KEYS.key(s, quote + 1, end - quote - 2);
    }

    /** The key whose UTF-8 bytes (without quotes or escapes) are {@code s[start, start+len)}. */
    String key(byte[] s, int start, int len) {
        int h = 0;
        for (int i = start, end = start + len; i < end; i++) {
            h = 31 * h + s[i];
        }
        h ^= h >>> 16;
        for (int p = 0; p < PROBES; p++) {
            int slot = (h + p) & (SIZE - 1);
            Entry e = table[slot];
            if (e == null) {
                String k = new String(s, start, len, StandardCharsets.UTF_8);
                table[slot] = new Entry(h, Arrays.copyOfRange(s, start, start + len), k);
                return k;
            }
            if (e.hash == h && e.matches(s, start, len)) {
                return e.key;
            }
        }
        return new String(s, start, len, StandardCharsets.UTF_8);
    }

    private static final class Entry {
        final int hash;
        final byte[] bytes;
        final String key;

        Entry(int hash, byte[] bytes, String key) {
            this.hash = hash;
            this.bytes = bytes;
            this.key = key;
        }

        /** A plain loop: keys are short, and this stays small enough to inline. */
        boolean matches(byte[] s, int start, int len) {
            byte[] b = bytes;
            if (b.length != len) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                if (b[k] != s[start + k]) {
                    return false;
                }
            }
            return true;
        }
    }
}
