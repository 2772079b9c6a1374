/**
 * Loading a configuration: Fluent Bit's classic format, its YAML format and its command-line pipeline
 * flags, all turned into the same {@link dev.ferry.pipeline.config.Configuration} of sections. No plugin
 * validates its keys here; that happens when the topology is assembled.
 *
 * <pre>
 *   ferry.conf ──► ClassicConfigReader ─┐                         ┌─ @INCLUDE / includes:  (Includes)
 *   ferry.yaml ──► YamlConfigReader ────┼─► FileConfigReader ─────┼─ ${VAR}, @SET, env:    (VariableExpander)
 *                                       │    (sealed base)        └─ Parsers_File files    (read by extension)
 *   -i/-F/-o/-p ─► QuickFlagsReader ────┤
 *                                       ▼
 *                ConfigLoader ──► LoadedConfig(Configuration, warnings)
 * </pre>
 *
 * <p>Every error is a {@link dev.ferry.pipeline.config.ConfigException} whose message names the file and
 * line and says what is allowed instead; every warning is a complete sentence with the same prefix.
 */
package dev.ferry.agent.config;
