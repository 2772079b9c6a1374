package dev.ferry.pipeline.spi;

import dev.ferry.pipeline.record.LogRecord;

/**
 * A parser: turns the bytes of one line into record fields (a {@code [PARSER]} section, or a built-in).
 *
 * <p>Contract: {@link #parse} reads {@code record.line()[0, record.lineLength())} and, on success, adds
 * the fields to the (empty) {@code record.fields()}, sets the log's own time with
 * {@link LogRecord#logTime(long)} when it finds one, and returns true. On failure it returns false,
 * sets {@link LogRecord#parseError(String)} to a short reason (with the byte offset where it applies)
 * and leaves the fields empty; the ring stage then keeps the line whole. Parsers do no I/O, start no
 * threads, and must not allocate per record on their fast path where avoidable.
 *
 * <p>Thread-safety: one instance may be called from several ring threads at once, so per-call state
 * lives on the stack or in thread confinement.
 */
public interface Parser {

    /** Parses the record's line; see the type's contract. */
    boolean parse(LogRecord record);

    /** The parser's name as configured ({@code json}, a {@code [PARSER]} Name). */
    String name();
}
