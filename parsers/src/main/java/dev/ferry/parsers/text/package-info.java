/**
 * Parsers for text lines: {@code Format regex} (Fluent Bit / Onigmo named groups), {@code logfmt},
 * {@code ltsv}, and the erlmcp console format of OTP's {@code logger_formatter}.
 *
 * <pre>
 *  line bytes ──(regex / logfmt / ltsv / erlmcp)──▶ text spans of the line (appendText)
 *                                         │          or typed values (Types: integer, float, bool, hex)
 *                                         └─ Time_Key field ──(TimeField)──▶ record.logTime
 * </pre>
 *
 * Values stay spans of the line wherever they can (an ASCII line through a regex, every logfmt and
 * ltsv value without escapes), so the common case allocates nothing but what the regex engine needs.
 *
 * <p>A configured regex ({@code /pattern/flags} or bare) is compiled by
 * {@link dev.ferry.parsers.text.ConfiguredRegex}, through {@link dev.ferry.pipeline.regex.RubyRegex}
 * (Onigmo syntax to Java).
 */
package dev.ferry.parsers.text;
