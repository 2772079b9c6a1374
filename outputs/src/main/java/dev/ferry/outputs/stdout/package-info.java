/**
 * The {@code stdout} output: records printed to standard output in Fluent Bit's formats, for debugging
 * and for containers whose runtime collects standard output.
 *
 * <pre>
 *  write(record) ──StdoutEncoder──▶ ByteSink ──flush()──▶ channel ──▶ System.out
 * </pre>
 */
package dev.ferry.outputs.stdout;
