/**
 * Regular expressions as Fluent Bit writes them (Onigmo, Ruby syntax), compiled onto
 * {@code java.util.regex}; one translation shared by every module.
 *
 * <pre>
 *  [PARSER] Regex, [MULTILINE_PARSER] rule ──────────────▶ RubyRegex.compile ──▶ java.util.regex.Pattern
 *  grep Regex/Exclude, modify conditions, Match_Regex ──▶ FilterRegex.compile ──┘  (slashes, flags, ^/$ per line)
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.ferry.pipeline.regex.RubyRegex} — the syntax translation (group names, {@code \h},
 *       inline options) and the named groups a parser turns into fields;</li>
 *   <li>{@link dev.ferry.pipeline.regex.FilterRegex} — how Fluent Bit reads the regex of a filter rule or a
 *       {@code Match_Regex}: optional {@code /.../imx} delimiters, {@code ^}/{@code $} at every line.</li>
 * </ul>
 */
package dev.ferry.pipeline.regex;
