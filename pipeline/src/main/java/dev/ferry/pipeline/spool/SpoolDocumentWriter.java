package dev.ferry.pipeline.spool;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Writes whole spool documents into the Chronicle queue from one thread: compresses each with zstd
 * ({@link SpoolDocumentPacker}, unless {@code storage.compress off} or it would not get smaller), checks the disk
 * ({@link SpoolDiskSpace}), appends it as one Chronicle document and, with {@link SpoolSync#FULL}, {@code msync}s it.
 *
 * <p>Not thread-safe, and bound to one thread: Chronicle's appender is created on the first write and must be used by
 * that thread only, so each thread that writes documents has its own (the ring's, the write-behind thread, the one
 * that closes the spool). Writers of one queue take turns under {@link SpoolMemoryTail}'s monitor, which keeps
 * documents in sequence order. Holds a native zstd context until {@link #close()}.
 */
final class SpoolDocumentWriter implements SpoolMemoryTail.Sink, AutoCloseable {

    private final SingleChronicleQueue queue;
    private final SpoolDiskSpace disk;
    private final boolean syncEachDocument;
    /** Null when documents are written uncompressed. */
    private final SpoolDocumentPacker packer;
    private ExcerptAppender appender;

    SpoolDocumentWriter(SingleChronicleQueue queue, SpoolDiskSpace disk, SpoolSync sync, SpoolCompression compression) {
        this.queue = queue;
        this.disk = disk;
        this.syncEachDocument = sync == SpoolSync.FULL;
        this.packer = compression == SpoolCompression.ZSTD ? new SpoolDocumentPacker() : null;
    }

    /**
     * Writes {@code doc[0, length)}, a whole document with compression 0.
     *
     * @return its Chronicle index, or -1 when the filesystem under the spool is down to {@code storage.min_free}
     *     (nothing was written)
     */
    @Override
    public long write(byte[] doc, int length) {
        if (packer != null && packer.pack(doc, length)) {
            doc = packer.array();
            length = packer.length();
        }
        if (!disk.allows(length)) {
            return -1;
        }
        ExcerptAppender a = appender;
        if (a == null) {
            a = queue.createAppender();
            appender = a;
        }
        try (DocumentContext dc = a.writingDocument()) {
            try {
                dc.wire().bytes().write(doc, 0, length);
            } catch (RuntimeException e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
        if (syncEachDocument) {
            a.sync();
        }
        return a.lastIndexAppended();
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
        if (packer != null) {
            packer.close();
        }
    }
}
