/**
 * Small file-system helpers shared by the modules: {@link dev.ferry.pipeline.io.AtomicFile} replaces a
 * small state file (tail positions, spool reader positions) so that a crash leaves the old or the new
 * contents, never a mix.
 */
package dev.ferry.pipeline.io;
