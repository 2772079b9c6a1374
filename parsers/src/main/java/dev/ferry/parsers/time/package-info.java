/**
 * Time parsing for parsers: text in a log line to nanoseconds since the epoch, without allocating.
 *
 * <pre>
 *  "2024-01-01T10:00:00.123Z" ──(IsoTime)────────────▶ epoch nanos
 *  "01/Jan/2024:10:00:00 +0200" ──(TimeFormat %d/%b/...)─▶ epoch nanos
 *  1704103200123 ──(EpochTime: seconds / millis / micros / nanos by magnitude)──▶ epoch nanos
 * </pre>
 *
 * Every parser here reads ASCII bytes straight from the record's line and returns
 * {@link dev.ferry.parsers.time.TimeFormat#NO_TIME} when the text is not a time, so a failed lookup costs
 * no exception.
 */
package dev.ferry.parsers.time;
