package dev.ferry.pipeline.spool;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;

/**
 * Restores a compressed spool document ({@link SpoolEntryFormat}, compression zstd) into a reused heap
 * buffer: the head copied, the records decompressed after it, so the document reads as an uncompressed one.
 *
 * <p>Not thread-safe: owned by one {@link SpoolReader}'s thread. Holds a native zstd context until
 * {@link #close()}; allocates nothing per document once its buffer fits the largest one.
 */
final class SpoolDocumentUnpacker implements AutoCloseable {

    /** The most record bytes a document may claim: a claim above it is taken for damage, not allocated. */
    static final long MAX_RECORDS_BYTES = 1L << 30;

    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private byte[] doc = new byte[SpoolEntryFormat.DOCUMENT_HEAD + SpoolEntryFormat.TARGET_DOCUMENT_BYTES + 16 * 1024];
    private int length;

    /**
     * Restores {@code packed[0, packedLength)}, a whole document with compression zstd.
     *
     * @throws IllegalArgumentException if its frame does not give the records' size, or is damaged, or
     *     restores to another size than it gives
     */
    void unpack(byte[] packed, int packedLength) {
        int head = SpoolEntryFormat.DOCUMENT_HEAD;
        long records = recordsLength(packed, packedLength);
        if (head + records > doc.length) {
            doc = new byte[(int) Math.max(head + records, Math.min(2L * doc.length, head + MAX_RECORDS_BYTES))];
        }
        System.arraycopy(packed, 0, doc, 0, head);
        doc[SpoolEntryFormat.COMPRESSION_AT] = SpoolEntryFormat.COMPRESSION_NONE;
        int n;
        try {
            n = ctx.decompressByteArray(doc, head, (int) records, packed, head, packedLength - head);
        } catch (ZstdException e) {
            throw new IllegalArgumentException("its zstd frame is damaged (" + e.getMessage() + ")", e);
        }
        if (n != records) {
            throw new IllegalArgumentException("its zstd frame gives " + records + " record bytes but holds " + n);
        }
        length = head + n;
    }

    /** The restored document; valid until the next {@link #unpack}. */
    byte[] array() {
        return doc;
    }

    int length() {
        return length;
    }

    /**
     * The bytes of a document's records before compression, from its head and, when compressed, its
     * frame's header ({@code doc} holds at least the head and the frame's header).
     *
     * @throws IllegalArgumentException if a compressed document's frame does not give a size up to
     *     {@link #MAX_RECORDS_BYTES}
     */
    static long recordsLength(byte[] doc, int docLength) {
        int head = SpoolEntryFormat.DOCUMENT_HEAD;
        if (doc[SpoolEntryFormat.COMPRESSION_AT] == SpoolEntryFormat.COMPRESSION_NONE) {
            return docLength - head;
        }
        long n = docLength > head ? Zstd.getFrameContentSize(doc, head, docLength - head) : -1;
        if (n <= 0 || n > MAX_RECORDS_BYTES) {
            throw new IllegalArgumentException("its zstd frame gives no record size from 1 to " + MAX_RECORDS_BYTES
                    + " (" + n + ")");
        }
        return n;
    }

    @Override
    public void close() {
        ctx.close();
    }
}
