/**
 * The plugin interfaces the ring drives: {@link dev.ferry.pipeline.spi.Parser},
 * {@link dev.ferry.pipeline.spi.Filter} and {@link dev.ferry.pipeline.spi.Output} (with the
 * {@link dev.ferry.pipeline.spi.PendingFlush} its flush may return).
 */
package dev.ferry.pipeline.spi;
