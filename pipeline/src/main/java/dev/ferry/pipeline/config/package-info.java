/**
 * The configuration model shared by every plugin: sections as read from a file (with locations), and
 * the option tables plugins declare ({@link dev.ferry.pipeline.config.OptionTable}) to validate them.
 *
 * <pre>
 *  fluent-bit.conf / .yaml ──(agent.config readers)──▶ Configuration ──▶ ConfigSection
 *     ──(OptionTable.bind)──▶ Options ──(plugin's *Config.from)──▶ typed record ──▶ plugin
 * </pre>
 *
 * <p>Also how Fluent Bit writes a regex value, {@code /pattern/flags} or bare
 * ({@link dev.ferry.pipeline.config.SlashedRegex}), shared by the filters and the parsers.
 */
package dev.ferry.pipeline.config;
