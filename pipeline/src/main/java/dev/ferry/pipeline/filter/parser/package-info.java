/**
 * Fluent Bit's {@code parser} filter: parses the text of one field with named parsers and rebuilds the
 * record from the result.
 *
 * <pre>
 *  record[Key_Name] ──text──▶ scratch LogRecord (per thread) ──Parser 1, 2, ... first success──▶
 *     parsed fields (+ original fields if Reserve_Data, + Key_Name if Preserve_Key) ──▶ record
 * </pre>
 */
package dev.ferry.pipeline.filter.parser;
