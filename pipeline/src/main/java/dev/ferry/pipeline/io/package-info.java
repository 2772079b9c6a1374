/**
 * Small file-system helpers shared by the modules: {@link dev.ferry.pipeline.io.AtomicFile} replaces a
 * small state file (tail positions, spool reader positions) so that a crash leaves the old or the new
 * contents, never a mix; {@link dev.ferry.pipeline.io.ZstdLibrary} tells whether zstd's native library
 * could be loaded, and why not.
 */
package dev.ferry.pipeline.io;
