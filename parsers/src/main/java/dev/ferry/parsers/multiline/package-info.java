/**
 * Multiline: joins the lines of one file into records (stack traces, OTP reports, container partial
 * lines). Bytes in, records out; no threads, no I/O.
 *
 * <pre>
 *  [MULTILINE_PARSER] ──(MultilineParserConfig.from)──▶ MultilineParserConfig ◀── BuiltinMultilineParsers
 *                                                              │                   (java, go, ruby,
 *            multiline.parser a, b ──▶ MultilineParserList ◀───┘                    python, erlang, cri, docker)
 *                                        │ newAssembler()            │ recordParser() (cri, docker)
 *                                        ▼                           ▼
 *  tail, one file:  line, offset ──accept──▶ MultilineAssembler ──▶ RecordSink ──▶ ring: record parser
 *                   timer / rotation / stop ───flush───▶ (Regex | Cri | Docker,      (time, stream, _p, log)
 *                                                         or FirstClaim of several)
 * </pre>
 *
 * <p>How the tail input uses it (one assembler per open file, on the file's reader thread):
 * <ol>
 *   <li>every line read goes to {@code accept(line, off, len, offset, nextOffset, System.nanoTime(), sink)};
 *       the sink publishes each record with {@code offset} / {@code nextOffset} as its positions;</li>
 *   <li>when {@code flushDeadlineNanos()} has passed, {@code flush(now, false, sink)};</li>
 *   <li>{@code flush(now, true, sink)} when no line can join the pending record any more: the file is
 *       let go after it was rotated away or deleted and read to its end, or it was truncated or rewritten
 *       in place (before its new data is read); the input ends at {@code Exit_On_Eof}; the agent stops
 *       and the input keeps no positions (no {@code DB}, no {@code --state-dir}); and at the end of each
 *       file of a replay;</li>
 *   <li>read positions are saved from acknowledged records only, so never past {@code pendingOffset()}.
 *       An input with a DB does not flush at stop: the pending lines are read again at the next start
 *       and joined with the lines written meanwhile. A file let go after a read error is not flushed
 *       either: it is read on from its saved position when it is found again.</li>
 * </ol>
 *
 * <p>The container formats join the runtime's lines and re-emit them in the runtime's format (a CRI
 * line, a docker JSON object); their record parser then gives Fluent Bit's record, so positions stay
 * exact spans of bytes. Not supported: {@code Parser} of a {@code [MULTILINE_PARSER]} (Fluent Bit
 * parses each line with it first and matches the rules against {@code Key_Content}; the regex assembler
 * matches the raw line), so {@link dev.ferry.parsers.multiline.MultilineParserConfig} refuses it. Left to
 * the wiring: a {@code [MULTILINE_PARSER]} with the name of a built-in replacing it.
 */
package dev.ferry.parsers.multiline;
