package dev.ferry.pipeline.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the agent's spool.
 *
 * @param path the spool directory ({@code storage.path}); created if missing, owned by one agent
 * @param sync when appends reach the disk ({@code storage.sync})
 * @param diskLimitBytes cap on the entry bytes the spool keeps on disk, all readers together; at or above
 *     it {@link SpoolWriter#hasRoom()} is false. {@code 0} or less means no cap
 * @param compression whether documents are written compressed ({@code storage.compress}); both kinds are
 *     read either way
 * @param minFreeBytes the bytes the spool leaves free on its filesystem ({@code storage.min_free}): a document
 *     that would leave less is held and {@link SpoolWriter#hasRoom()} is false until there is room; with 0 a
 *     document is still written only where it fits ({@link SpoolDiskSpace})
 */
public record SpoolConfig(Path path, SpoolSync sync, long diskLimitBytes, SpoolCompression compression,
                          long minFreeBytes) {

    public SpoolConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(compression, "compression");
    }

    /** Settings with no reserve of free disk space beyond each document. */
    public SpoolConfig(Path path, SpoolSync sync, long diskLimitBytes, SpoolCompression compression) {
        this(path, sync, diskLimitBytes, compression, 0);
    }

    /** Settings with the default compression, zstd, and no reserve of free disk space beyond each document. */
    public SpoolConfig(Path path, SpoolSync sync, long diskLimitBytes) {
        this(path, sync, diskLimitBytes, SpoolCompression.ZSTD);
    }
}
