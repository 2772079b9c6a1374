package dev.ferry.pipeline.spool;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

/**
 * Compresses a spool document ({@link SpoolEntryFormat}) into a reused heap buffer: the head copied with
 * its compression byte set to zstd, then the records as one zstd frame that holds their size and a
 * checksum of them (so a damaged document is told apart from a record that reads wrong).
 *
 * <p>Not thread-safe: owned by the {@link SpoolWriter}'s appending thread. Holds a native zstd context
 * until {@link #close()}; allocates nothing per document once its buffer fits the largest one.
 */
final class SpoolDocumentPacker implements AutoCloseable {

    /**
     * zstd's fast level -1. On 64 KiB documents of the erlmcp workload (zstd-jni 1.5.6, one core of this
     * project's build machine): ratio 5.3 at ~680 MB/s to compress and ~2.7 GB/s to restore; level 1 gives
     * 8.4 at ~490 MB/s, level -4 4.0 at ~800 MB/s. On the end-to-end benchmark -1 and -4 cost the same
     * within the noise, and both less than level 1.
     */
    static final int LEVEL = -1;

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private byte[] out = new byte[0];
    private int length;

    SpoolDocumentPacker() {
        ctx.setLevel(LEVEL);
        ctx.setContentSize(true);
        ctx.setChecksum(true);
    }

    /**
     * Compresses {@code doc[0, docLength)}, a whole document with compression 0.
     *
     * @return whether the compressed document is smaller; only then do {@link #array()} and
     *     {@link #length()} hold it (write the document as it is otherwise)
     */
    boolean pack(byte[] doc, int docLength) {
        int head = SpoolEntryFormat.DOCUMENT_HEAD;
        int records = docLength - head;
        long bound = head + Zstd.compressBound(records);
        if (out.length < bound) {
            out = new byte[(int) Math.min(bound, Integer.MAX_VALUE - 16)];
        }
        System.arraycopy(doc, 0, out, 0, head);
        out[SpoolEntryFormat.COMPRESSION_AT] = SpoolEntryFormat.COMPRESSION_ZSTD;
        length = head + ctx.compressByteArray(out, head, out.length - head, doc, head, records);
        return length < docLength;
    }

    byte[] array() {
        return out;
    }

    int length() {
        return length;
    }

    @Override
    public void close() {
        ctx.close();
    }
}
