/**
 * JMH benchmarks of reading rotated segments (plain, gzip, zstd) through the agent's segment readers.
 */
package dev.ferry.bench.segment;
