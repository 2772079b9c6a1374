/**
 * Multiline: joins the lines of one file into records (stack traces, OTP reports, container partial
 * lines). Bytes in, records out; no threads, no I/O.
 *
 * <pre>
 *  [MULTILINE_PARSER] ──(MultilineParserConfig.from)──▶ MultilineParserConfig ◀── BuiltinMultilineParsers
 *                                                              │                   (java, go, python,
 *                                                  MultilineAssembler.create        erlang, cri, docker)
 *                                                              ▼
 *  tail, one file:  line, offset, nextOffset ──accept──▶ MultilineAssembler ──▶ RecordSink.record(bytes,
 *                   timer / rotation / stop ───flush───▶  (Regex | Cri | Docker)        offset, nextOffset)
 * </pre>
 *
 * <p>How the tail input uses it (one assembler per open file, on the file's reader thread):
 * <ol>
 *   <li>every line read goes to {@code accept(line, off, len, offset, nextOffset, System.nanoTime(), sink)};
 *       the sink publishes each record with {@code offset} / {@code nextOffset} as its positions;</li>
 *   <li>when {@code flushDeadlineNanos()} has passed, {@code flush(now, false, sink)};</li>
 *   <li>when the file is rotated away or deleted and read to its end, at shutdown, and at the end of a
 *       replay, {@code flush(now, true, sink)};</li>
 *   <li>read positions are saved from acknowledged records only, so never past {@code pendingOffset()}:
 *       pending lines are read again after a restart.</li>
 * </ol>
 *
 * <p>Left to the wiring: {@code Parser} of a multiline parser (Fluent Bit parses each line with it
 * first and matches the rules against {@code Key_Content}; the assemblers match the raw line), and a
 * {@code [MULTILINE_PARSER]} with the name of a built-in replacing it.
 */
package dev.ferry.parsers.multiline;
