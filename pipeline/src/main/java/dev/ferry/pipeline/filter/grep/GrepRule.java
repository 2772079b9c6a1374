package dev.ferry.pipeline.filter.grep;

import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.LogRecord;
import java.util.regex.Pattern;

/**
 * One {@code Regex KEY REGEX} or {@code Exclude KEY REGEX} rule of the {@code grep} filter.
 *
 * <p>The rule matches when KEY is present and the regex is found in its text form ({@link
 * RecordAccessor#text}: a string as itself, a number, boolean, object or array as its JSON text). A
 * missing key never matches. Fluent Bit matches string values only; ferry also matches the others by
 * their JSON text, so {@code Regex status ^5} works on a numeric {@code status}. Immutable and
 * thread-safe.
 *
 * @param exclude true for {@code Exclude}, false for {@code Regex}
 * @param key the field, as a record accessor
 * @param regex compiled with {@link dev.ferry.pipeline.regex.FilterRegex}
 */
public record GrepRule(boolean exclude, RecordAccessor key, Pattern regex) {

    /** Whether the rule's regex is found in the value of its key. */
    public boolean matches(LogRecord record) {
        String text = key.text(record);
        return text != null && regex.matcher(text).find();
    }
}
