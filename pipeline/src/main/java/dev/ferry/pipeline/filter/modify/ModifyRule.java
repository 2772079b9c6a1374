package dev.ferry.pipeline.filter.modify;

import dev.ferry.pipeline.filter.FieldOrder;
import dev.ferry.pipeline.record.RecordFields;
import java.util.regex.Pattern;

/**
 * One rule of the {@code modify} filter, as Fluent Bit applies it. Keys are compared exactly (case
 * matters), values written by rules are strings.
 *
 * <p>Immutable and thread-safe; {@link #apply} changes only the fields it is given. Everything a rule
 * writes (keys, values) is built at configuration time, so {@code Add} and {@code Set} allocate nothing
 * per record beyond the field slot.
 */
public sealed interface ModifyRule {

    /** Applies the rule to {@code fields}. */
    void apply(RecordFields fields);

    /** {@code Set KEY VALUE}: removes every field named KEY, then appends KEY with VALUE. */
    record Set(String key, String value) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            int i = fields.indexOf(key);
            if (i >= 0 && i == fields.size() - 1) {
                fields.put(key, value); // already the last (and only) one: same result, less work
                return;
            }
            fields.remove(key);
            fields.append(key, value);
        }
    }

    /** {@code Add KEY VALUE}: appends KEY with VALUE if no field is named KEY. */
    record Add(String key, String value) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            if (fields.indexOf(key) < 0) {
                fields.append(key, value);
            }
        }
    }

    /** {@code Remove KEY}: removes every field named KEY. */
    record Remove(String key) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            fields.remove(key);
        }
    }

    /**
     * {@code Remove_wildcard PREFIX*}: removes every field whose key starts with PREFIX (the pattern with
     * its trailing {@code *} taken off).
     */
    record RemoveWildcard(String prefix) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (fields.key(i).startsWith(prefix)) {
                    fields.removeAt(i);
                }
            }
        }
    }

    /** {@code Remove_regex REGEX}: removes every field whose key contains a match of REGEX. */
    record RemoveRegex(Pattern regex) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (regex.matcher(fields.key(i)).find()) {
                    fields.removeAt(i);
                }
            }
        }
    }

    /** {@code Rename KEY NEW}: renames KEY to NEW in place, if KEY exists and NEW does not. */
    record Rename(String key, String newKey) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            if (fields.indexOf(newKey) >= 0) {
                return;
            }
            renameAll(fields, key, newKey);
        }
    }

    /** {@code Hard_rename KEY NEW}: renames KEY to NEW in place, if KEY exists, removing any field NEW. */
    record HardRename(String key, String newKey) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            if (key.equals(newKey) || fields.indexOf(key) < 0) {
                return;
            }
            fields.remove(newKey);
            renameAll(fields, key, newKey);
        }
    }

    /**
     * {@code Copy KEY NEW}: inserts a copy of KEY named NEW right after KEY, if exactly one field is named
     * KEY and none NEW.
     */
    record Copy(String key, String newKey) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            int i = single(fields, key);
            if (i >= 0 && fields.indexOf(newKey) < 0) {
                copyAfter(fields, i, newKey);
            }
        }
    }

    /**
     * {@code Hard_copy KEY NEW}: like {@link Copy}, but an existing field NEW (at most one) is replaced
     * by the copy.
     */
    record HardCopy(String key, String newKey) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            int i = single(fields, key);
            if (i < 0 || key.equals(newKey)) {
                return;
            }
            int conflict = fields.indexOf(newKey);
            if (conflict >= 0) {
                if (single(fields, newKey) < 0) {
                    return;
                }
                fields.removeAt(conflict);
                if (conflict < i) {
                    i--;
                }
            }
            copyAfter(fields, i, newKey);
        }
    }

    /** {@code Move_to_start PREFIX*}: moves the fields whose key starts with PREFIX to the start, in order. */
    record MoveToStart(String prefix) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            int n = fields.size();
            boolean any = false;
            for (int i = 0; i < n && !any; i++) {
                any = fields.key(i).startsWith(prefix);
            }
            if (!any) {
                return;
            }
            // Moving every other field to the end, in order, leaves the matching ones in front.
            int i = 0;
            for (int seen = 0; seen < n; seen++) {
                if (fields.key(i).startsWith(prefix)) {
                    i++;
                } else {
                    FieldOrder.moveToEnd(fields, i);
                }
            }
        }
    }

    /** {@code Move_to_end PREFIX*}: moves the fields whose key starts with PREFIX to the end, in order. */
    record MoveToEnd(String prefix) implements ModifyRule {
        @Override
        public void apply(RecordFields fields) {
            int n = fields.size();
            int i = 0;
            for (int seen = 0; seen < n; seen++) {
                if (fields.key(i).startsWith(prefix)) {
                    FieldOrder.moveToEnd(fields, i);
                } else {
                    i++;
                }
            }
        }
    }

    private static void renameAll(RecordFields fields, String key, String newKey) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.key(i).equals(key)) {
                fields.renameAt(i, newKey);
            }
        }
    }

    /** The index of the only field named {@code key}, or -1 if there is none or more than one. */
    private static int single(RecordFields fields, String key) {
        int found = -1;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.key(i).equals(key)) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    private static void copyAfter(RecordFields fields, int i, String newKey) {
        fields.appendCopy(newKey, fields, i);
        FieldOrder.moveLastTo(fields, i + 1);
    }
}
