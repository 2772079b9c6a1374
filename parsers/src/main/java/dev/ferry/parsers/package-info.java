/**
 * Parsers: bytes of one line in, record fields out. No threads, no I/O.
 *
 * <pre>
 *  [PARSER] section ──(ParserConfig.OPTIONS.bind, ParserConfig.from)──▶ ParserConfig
 *       ──(ParserFactory.create)──▶ Parser: JsonParser | RegexParser | LogfmtParser | LtsvParser
 *                                           | ErlmcpTextParser
 *  BuiltinParsers (json, docker, erlmcp, syslog-rfc5424, apache, ...) ──┐
 *  user [PARSER] sections (same name overrides) ────────────────────────┴─▶ ParserFactory.createAll
 * </pre>
 */
package dev.ferry.parsers;
