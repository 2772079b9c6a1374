package dev.ferry.pipeline.spool;

import java.util.Locale;

/**
 * When an appended entry is forced to the disk ({@code storage.sync}, Fluent Bit's spelling).
 *
 * <ul>
 *   <li>{@link #NORMAL}: the entry is in the memory-mapped file (the OS page cache) when {@code append}
 *       returns. It survives the agent being killed, not the machine losing power.
 *   <li>{@link #FULL}: the queue is built with Chronicle's {@code SyncMode.SYNC} and every append ends
 *       with {@code ExcerptAppender.sync()}, which {@code msync(MS_SYNC)}s the mapped file up to the
 *       write position; reader positions are {@code fsync}ed (file and directory) on commit.
 * </ul>
 */
public enum SpoolSync {
    NORMAL,
    FULL;

    /** Parses {@code normal} or {@code full} (any case). */
    public static SpoolSync parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "normal" -> NORMAL;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(
                    "storage.sync must be normal or full, not '" + value + "'");
        };
    }
}
