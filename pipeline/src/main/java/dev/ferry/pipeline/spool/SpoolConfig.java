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
 */
public record SpoolConfig(Path path, SpoolSync sync, long diskLimitBytes, SpoolCompression compression) {

    public SpoolConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sync, "sync");
        Objects.requireNonNull(compression, "compression");
    }

    /** Settings with the default compression, zstd. */
    public SpoolConfig(Path path, SpoolSync sync, long diskLimitBytes) {
        this(path, sync, diskLimitBytes, SpoolCompression.ZSTD);
    }
}
