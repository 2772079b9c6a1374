package dev.ferry.pipeline.filter.modify;

import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import java.util.regex.Pattern;

/**
 * One {@code Condition} of the {@code modify} filter; the rules apply only when every condition holds.
 *
 * <p>KEY arguments are {@linkplain RecordAccessor record accessors} ({@code $a['b']} or a plain top-level
 * key). Values are compared in their text form ({@link RecordAccessor#text}): a string as itself, a number
 * or boolean as its JSON text, so {@code Key_value_equals status 200} holds for a numeric 200 (Fluent Bit
 * compares string values only, and matches regexes on strings and booleans only). Regexes are found
 * anywhere in the text ({@link
 * dev.ferry.pipeline.regex.FilterRegex}). Immutable and thread-safe.
 */
public sealed interface ModifyCondition {

    /** Whether the condition holds for {@code record}. */
    boolean test(LogRecord record);

    /** {@code Key_exists KEY}. */
    record KeyExists(RecordAccessor key) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return key.exists(record);
        }
    }

    /** {@code Key_does_not_exist KEY}. */
    record KeyDoesNotExist(RecordAccessor key) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return !key.exists(record);
        }
    }

    /** {@code A_key_matches REGEX}: some top-level key contains a match. */
    record AKeyMatches(Pattern regex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return anyKeyMatches(record.fields(), regex);
        }
    }

    /** {@code No_key_matches REGEX}: no top-level key contains a match. */
    record NoKeyMatches(Pattern regex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return !anyKeyMatches(record.fields(), regex);
        }
    }

    /** {@code Key_value_equals KEY VALUE}: KEY exists and its text is exactly VALUE. */
    record KeyValueEquals(RecordAccessor key, String value) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return value.equals(key.text(record));
        }
    }

    /** {@code Key_value_does_not_equal KEY VALUE}: KEY exists and its text is not VALUE. */
    record KeyValueDoesNotEqual(RecordAccessor key, String value) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            String text = key.text(record);
            return text != null && !value.equals(text);
        }
    }

    /** {@code Key_value_matches KEY REGEX}: KEY exists and its text contains a match. */
    record KeyValueMatches(RecordAccessor key, Pattern regex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            String text = key.text(record);
            return text != null && regex.matcher(text).find();
        }
    }

    /** {@code Key_value_does_not_match KEY REGEX}: KEY exists and its text contains no match. */
    record KeyValueDoesNotMatch(RecordAccessor key, Pattern regex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            String text = key.text(record);
            return text != null && !regex.matcher(text).find();
        }
    }

    /**
     * {@code Matching_keys_have_matching_values KEY_REGEX VALUE_REGEX}: every top-level field whose key
     * matches KEY_REGEX has a value matching VALUE_REGEX (true when no key matches).
     */
    record MatchingKeysHaveMatchingValues(Pattern keyRegex, Pattern valueRegex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return allMatchingKeysMatch(record.fields(), keyRegex, valueRegex);
        }
    }

    /**
     * {@code Matching_keys_do_not_have_matching_values KEY_REGEX VALUE_REGEX}: the negation of {@link
     * MatchingKeysHaveMatchingValues}, as in Fluent Bit: some field whose key matches KEY_REGEX has a value
     * that does not match VALUE_REGEX (so false when no key matches).
     */
    record MatchingKeysDoNotHaveMatchingValues(Pattern keyRegex, Pattern valueRegex) implements ModifyCondition {
        @Override
        public boolean test(LogRecord record) {
            return !allMatchingKeysMatch(record.fields(), keyRegex, valueRegex);
        }
    }

    private static boolean anyKeyMatches(RecordFields fields, Pattern regex) {
        for (int i = 0; i < fields.size(); i++) {
            if (regex.matcher(fields.key(i)).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean allMatchingKeysMatch(RecordFields fields, Pattern keyRegex, Pattern valueRegex) {
        for (int i = 0; i < fields.size(); i++) {
            if (keyRegex.matcher(fields.key(i)).find() && !valueRegex.matcher(fields.text(i)).find()) {
                return false;
            }
        }
        return true;
    }
}
