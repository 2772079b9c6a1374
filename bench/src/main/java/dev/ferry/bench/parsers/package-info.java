/**
 * JMH benchmarks of the parsers: one parse of one line per operation, into a reused record, as the
 * ring's parse stage does it.
 */
package dev.ferry.bench.parsers;
