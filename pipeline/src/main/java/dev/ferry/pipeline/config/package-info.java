/**
 * The configuration model shared by every plugin: sections as read from a file (with locations), and
 * the option tables plugins declare ({@link dev.ferry.pipeline.config.OptionTable}) to validate them.
 *
 * <pre>
 *  fluent-bit.conf / .yaml ──(agent.config readers)──▶ Configuration ──▶ ConfigSection
 *     ──(OptionTable.bind)──▶ Options ──(plugin's *Config.from)──▶ typed record ──▶ plugin
 * </pre>
 */
package dev.ferry.pipeline.config;
