/**
 * Fluent Bit's {@code modify} filter: conditions, then rules, applied to each record in place.
 *
 * <pre>
 *  record ──▶ every ModifyCondition holds? ──no──▶ unchanged
 *                    │ yes
 *                    ▼
 *             ModifyRule 1 ──▶ ModifyRule 2 ──▶ ... (in the order written)
 * </pre>
 *
 * {@link dev.ferry.pipeline.filter.modify.ModifyConfig} turns the section into rules and conditions;
 * {@link dev.ferry.pipeline.filter.modify.ModifyFilter} applies them.
 */
package dev.ferry.pipeline.filter.modify;
