package dev.ferry.pipeline.spool;

import java.util.Locale;

/**
 * Whether the spool compresses its documents ({@code storage.compress}, ferry's own key: Fluent Bit's
 * filesystem chunks are never compressed).
 *
 * <ul>
 *   <li>{@link #ZSTD}: each document's records are one zstd frame at a fast level (see
 *       {@link SpoolDocumentPacker#LEVEL}); the erlmcp workload's records take about a fifth of the disk
 *       and of the page cache. Readers restore them into a heap buffer.
 *   <li>{@link #OFF}: records are written as they are.
 * </ul>
 * Either way the spool reads documents of both kinds, so the setting can change between runs.
 */
public enum SpoolCompression {
    ZSTD,
    OFF;

    /** Parses {@code zstd} or {@code off} (any case). */
    public static SpoolCompression parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "zstd" -> ZSTD;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException(
                    "storage.compress must be zstd or off, not '" + value + "'");
        };
    }
}
