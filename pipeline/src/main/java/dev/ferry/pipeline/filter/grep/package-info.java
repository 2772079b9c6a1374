/**
 * Fluent Bit's {@code grep} filter: keeps or drops records by regular expressions on field values.
 *
 * <pre>
 *  record ──▶ GrepRule (Regex | Exclude, key, regex) × n ──combined by Logical_Op──▶ keep / drop
 * </pre>
 */
package dev.ferry.pipeline.filter.grep;
