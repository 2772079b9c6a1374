/**
 * Fluent Bit's {@code record_modifier} filter: removes keys (or keeps only an allowlist), then sets
 * fixed keys and an optional UUID key.
 *
 * <pre>
 *  record ──▶ Remove_key / Allowlist_key ──▶ Record KEY VALUE × n ──▶ Uuid_key ──▶ record
 * </pre>
 */
package dev.ferry.pipeline.filter.recordmodifier;
