/**
 * The plugin interfaces the ring drives: {@link dev.ferry.pipeline.spi.Parser},
 * {@link dev.ferry.pipeline.spi.Filter} and {@link dev.ferry.pipeline.spi.Output}.
 */
package dev.ferry.pipeline.spi;
