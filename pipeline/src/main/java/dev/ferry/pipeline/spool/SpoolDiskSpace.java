package dev.ferry.pipeline.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the filesystem under the spool, against {@code storage.min_free}: the writer asks it
 * before each document, so the spool never writes into a full disk.
 *
 * <p>Why: Chronicle grows its cycle files sparse ({@code setLength}) and writes them through a memory map,
 * so the disk's blocks are taken when a page is first written. On a full disk that write cannot fail with an
 * error: the kernel sends SIGBUS, which the JVM turns into an {@code InternalError} ("a fault occurred in
 * an unsafe memory access operation") or, outside Unsafe's copy, a crash (Chronicle Queue issue #1282).
 * Measured here on a 40 MiB tmpfs before this check: hundreds of {@code InternalError}s, a broken appender
 * ("close was called twice"), and a batch that grew on the heap.
 *
 * <p>A document is written only while at least {@code minFreeBytes} stay free after it; the reserve also
 * covers what Chronicle writes around documents (cycle headers, index pages) and the readers' position
 * files. The filesystem is asked again once the writer has written {@value #RECHECK_BYTES} bytes or half of
 * what was left above the reserve since the last answer, whichever is less, or a second has passed. Asking
 * at every document would be about 16,000 {@code statvfs} calls per 2M lines of bench/e2e.sh (the ring's
 * end-of-batch documents included; strace counted 3,247 for 400,000 lines), 2.2 µs each on a local disk
 * here but a network round trip each on NFS; this way it is about 13 for 400,000 lines. While the disk is
 * low, every {@link #allows} asks. Thread-safe: {@link #allows} is synchronized (the appending thread asks it, and so
 * does whichever thread writes the spool's held documents); {@link #isLow()}, which the writer asks for every record,
 * reads a volatile and takes no lock.
 */
final class SpoolDiskSpace {

    static final long RECHECK_BYTES = 4L << 20;
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final Path path;
    private final FileStore store;
    private final long minFreeBytes;
    private volatile boolean low;
    private volatile long lastUsable = -1;
    /** When the filesystem was last asked (System.nanoTime). */
    private long checkedAt;
    /** Bytes allowed since then, and how many may be before asking again. */
    private long unchecked;
    private long budget = -1;

    /**
     * @param path the spool's directory (it must exist)
     * @param minFreeBytes the bytes to leave free on its filesystem ({@code storage.min_free}); 0 still keeps
     *     each document within the free space
     */
    SpoolDiskSpace(Path path, long minFreeBytes) {
        this.path = path;
        this.minFreeBytes = Math.max(0, minFreeBytes);
        try {
            this.store = Files.getFileStore(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the filesystem of the spool directory " + path, e);
        }
    }

    /**
     * Whether {@code bytes} more can be written with {@code storage.min_free} still free; asks the
     * filesystem when the last answer is too old (see above) or said no. Remembers the answer for
     * {@link #isLow()}.
     */
    synchronized boolean allows(long bytes) {
        long now = System.nanoTime();
        if (!low && unchecked + bytes <= budget && now - checkedAt < RECHECK_NANOS) {
            unchecked += bytes;
            return true;
        }
        lastUsable = usable();
        checkedAt = now;
        low = lastUsable - bytes < minFreeBytes;
        unchecked = 0;
        budget = low ? -1 : Math.min(RECHECK_BYTES, (lastUsable - bytes - minFreeBytes) / 2);
        return !low;
    }

    /** Whether the last {@link #allows} said no (no system call). */
    boolean isLow() {
        return low;
    }

    /** The bytes free for ferry at the last {@link #allows}, or -1 before the first. */
    long lastUsable() {
        return lastUsable;
    }

    long minFreeBytes() {
        return minFreeBytes;
    }

    Path path() {
        return path;
    }

    private long usable() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            // A filesystem that cannot say how full it is (it went away) is treated as full: the writer waits
            // and the inputs pause, and writing would fail anyway.
            return 0;
        }
    }
}
