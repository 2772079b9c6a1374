package dev.ferry.pipeline.filter.recordmodifier;

import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Filter;
import java.util.List;
import java.util.UUID;

/**
 * Fluent Bit's {@code record_modifier} filter: first removes the {@code Remove_key} fields (or every
 * field not in {@code Allowlist_key}), then sets each {@code Record} key, then adds the {@code Uuid_key}.
 * Keys set by {@code Record} are therefore never removed by the key lists. Never drops a record.
 *
 * <p>Differs from Fluent Bit in one way: a {@code Record} key that is already in the record replaces the
 * existing field in place, where Fluent Bit appends a second field of the same name.
 *
 * <p>Immutable and thread-safe. Allocates nothing per record except the UUID text when {@code Uuid_key}
 * is set.
 */
public final class RecordModifierFilter implements Filter {

    private final String[] recordKeys;
    private final String[] recordValues;
    private final KeyPattern[] remove;
    private final KeyPattern[] allow;
    private final String uuidKey;

    public RecordModifierFilter(RecordModifierConfig config) {
        int n = config.records().size();
        recordKeys = new String[n];
        recordValues = new String[n];
        for (int i = 0; i < n; i++) {
            recordKeys[i] = config.records().get(i).key();
            recordValues[i] = config.records().get(i).value();
        }
        remove = patterns(config.removeKeys());
        allow = patterns(config.allowlistKeys());
        uuidKey = config.uuidKey();
    }

    @Override
    public boolean apply(LogRecord record) {
        RecordFields f = record.fields();
        if (remove.length > 0) {
            for (int i = f.size() - 1; i >= 0; i--) {
                if (matchesAny(remove, f.key(i))) {
                    f.removeAt(i);
                }
            }
        } else if (allow.length > 0) {
            for (int i = f.size() - 1; i >= 0; i--) {
                if (!matchesAny(allow, f.key(i))) {
                    f.removeAt(i);
                }
            }
        }
        for (int i = 0; i < recordKeys.length; i++) {
            f.put(recordKeys[i], recordValues[i]);
        }
        if (uuidKey != null) {
            f.put(uuidKey, UUID.randomUUID().toString());
        }
        return true;
    }

    private static boolean matchesAny(KeyPattern[] patterns, String key) {
        for (KeyPattern p : patterns) {
            if (p.matches(key)) {
                return true;
            }
        }
        return false;
    }

    private static KeyPattern[] patterns(List<String> keys) {
        return keys.stream().map(KeyPattern::of).toArray(KeyPattern[]::new);
    }

    /** A case-insensitive key, or key prefix when written with a trailing {@code *}. */
    private record KeyPattern(String text, boolean prefix) {
        static KeyPattern of(String key) {
            return key.endsWith("*")
                    ? new KeyPattern(key.substring(0, key.length() - 1), true)
                    : new KeyPattern(key, false);
        }

        boolean matches(String key) {
            if (prefix) {
                return key.regionMatches(true, 0, text, 0, text.length());
            }
            return key.equalsIgnoreCase(text);
        }
    }
}
