/**
 * The record filters of Fluent Bit ({@code [FILTER]} sections), one sub-package each, and what they share.
 *
 * <pre>
 *  ring slot ──▶ Filter.apply(record) ──▶ fields changed in place ──▶ next filter / output
 *                      │ false
 *                      ▼
 *                  record dropped (its position is still acknowledged)
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.ferry.pipeline.filter.modify} — {@code modify}: set, add, remove, rename, copy and move
 *       keys, under conditions;</li>
 *   <li>{@link dev.ferry.pipeline.filter.recordmodifier} — {@code record_modifier}: append keys, remove
 *       keys or keep only an allowlist, add a UUID;</li>
 *   <li>{@link dev.ferry.pipeline.filter.grep} — {@code grep}: keep or drop records by regexes on values;</li>
 *   <li>{@link dev.ferry.pipeline.filter.parser} — {@code parser}: parse one field with a named parser.</li>
 * </ul>
 *
 * Shared here: {@link dev.ferry.pipeline.filter.RecordAccessor} (Fluent Bit's {@code $key['sub'][0]}
 * syntax), {@link dev.ferry.pipeline.filter.RuleArguments} (splitting a rule's value into its arguments) and
 * {@link dev.ferry.pipeline.filter.FieldOrder} (moving fields without losing their form). Rule regexes are
 * compiled by {@link dev.ferry.pipeline.regex.FilterRegex}, which the router's {@code Match_Regex} shares.
 */
package dev.ferry.pipeline.filter;
