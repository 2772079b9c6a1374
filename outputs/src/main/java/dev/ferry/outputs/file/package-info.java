/**
 * The {@code file} output: records appended to files, one per tag or one fixed file, in Fluent Bit's
 * line formats (out_file, plain, csv, ltsv, template).
 *
 * <pre>
 *  write(record) ──FileEncoder──▶ ByteSink of the record's file ──flush()──▶ FileChannel append
 * </pre>
 */
package dev.ferry.outputs.file;
