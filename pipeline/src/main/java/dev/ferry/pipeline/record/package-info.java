/**
 * The record and everything that reads or writes its bytes.
 *
 * <pre>
 *  line bytes ──(Parser)──▶ RecordFields ──(Filters)──▶ RecordFields.writeJson ──▶ ByteSink ──▶ output
 *    │ kept whole in LogRecord      spans into the line; Java values only where a filter set one
 * </pre>
 *
 * A {@link dev.ferry.pipeline.record.LogRecord} is a reusable ring slot; {@link
 * dev.ferry.pipeline.record.RecordFields} keeps values as spans of the line so that a JSON object that
 * filters only added to is written by copying its original bytes.
 */
package dev.ferry.pipeline.record;
