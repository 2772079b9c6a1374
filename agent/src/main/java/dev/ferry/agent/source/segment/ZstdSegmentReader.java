package dev.ferry.agent.source.segment;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ferry.agent.source.segment.SegmentCorruptException.Reason;
import dev.ferry.pipeline.io.ZstdLibrary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads Zstandard data (RFC 8878): every frame of a multi-frame file, skippable frames skipped, as one
 * stream of uncompressed bytes, through zstd-jni's streaming {@link ZstdDecompressCtx}.
 *
 * <p>Frames: the decoder reports when a frame is completely decoded and flushed; input that ends
 * while a frame is open is {@link Reason#TRUNCATED} (after every byte decoded before the cut, which
 * zstd hands out block by block, up to 128 KiB at a time); an error from the decoder (bad block,
 * checksum mismatch, bytes after the last frame that are not a frame) is {@link Reason#CORRUPT}. A
 * frame's content checksum, when present (the {@code zstd} tool writes one by default), is checked
 * at the frame's end, so bytes returned from a damaged frame before that may be wrong. Frames that
 * need a window above 128 MiB ({@code zstd --long=28} or more) are refused as corrupt ("Frame requires
 * too much memory"): zstd-jni's context has no switch for that limit.
 *
 * <p>Why not {@code ZstdInputStream}: it gives no exact compressed offset and reports a cut only as
 * a generic {@code IOException}. Not thread-safe. Owns the channel and the native context (freed by
 * {@link #close()}).
 */
public final class ZstdSegmentReader extends AbstractSegmentReader {

    private static final int IN_SIZE = 128 * 1024;
    private static final int OUT_SIZE = 128 * 1024 + 64;

    private final ReadableByteChannel in;
    private final ZstdDecompressCtx ctx;
    /** Compressed bytes not yet consumed: position..limit. */
    private final ByteBuffer src = ByteBuffer.allocateDirect(IN_SIZE).flip();
    /** Decoded bytes not yet returned: position..limit. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_SIZE).flip();
    private long consumed;
    private boolean frameOpen;
    private boolean outputPending;
    private boolean done;
    private int frames;
    private SegmentCorruptException failure;
    private boolean closed;

    /**
     * @param name for messages: the path, or {@code archive!member}
     * @param in the compressed data from its first byte; owned by this reader from now on (the caller
     *     closes it if this throws)
     * @throws IllegalStateException if zstd's native library did not load ({@link ZstdLibrary#requireLoaded})
     */
    public ZstdSegmentReader(String name, ReadableByteChannel in) {
        super(name, SegmentFormat.ZSTD);
        ZstdLibrary.requireLoaded("Segment " + name, "");
        this.in = in;
        this.ctx = new ZstdDecompressCtx();
    }

    /** Exact: compressed bytes the decoder consumed so far. */
    @Override
    public long compressedPosition() {
        return consumed;
    }

    /** How many frames were completely decoded so far. */
    public int frames() {
        return frames;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (out.hasRemaining()) {
                int n = Math.min(len, out.remaining());
                out.get(b, off, n);
                position += n;
                return n;
            }
            if (failure != null) {
                throw failure;
            }
            if (done) {
                return -1;
            }
            if (!src.hasRemaining() && !outputPending && !refill()) {
                if (frameOpen) {
                    throw fail(Reason.TRUNCATED, "the data ends inside frame " + (frames + 1), null);
                }
                done = true;
                return -1;
            }
            decode();
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            ctx.close();
            in.close();
        }
    }

    private void decode() throws SegmentCorruptException {
        out.clear();
        int before = src.position();
        boolean frameDone;
        try {
            frameDone = ctx.decompressDirectByteBufferStream(out, src);
        } catch (ZstdException e) {
            out.position(0).limit(0);
            throw fail(Reason.CORRUPT, "frame " + (frames + 1) + " cannot be decoded (" + reason(e) + ")", e);
        }
        int used = src.position() - before;
        consumed += used;
        int produced = out.position();
        // A full output buffer may leave more decoded bytes inside the decoder: call again before reading input.
        outputPending = produced == out.capacity();
        if (used > 0 || produced > 0) {
            if (frameDone) {
                frames++;
                frameOpen = false;
            } else {
                frameOpen = true;
            }
        }
        out.flip();
    }

    /**
     * zstd's reason for an error. In its streaming decompression (the call used here), zstd-jni (1.5.6-8, the
     * version ferry uses) names error code N with ZSTD_getErrorName(N), which takes a function's result, that is
     * -N: so every decoding error read "No error detected" (a checksum mismatch, which {@code zstd -d} calls
     * "Restored data doesn't match checksum", included). Its byte-array calls, which the spool's
     * {@code SpoolDocumentUnpacker} uses, name the error rightly.
     */
    private static String reason(ZstdException e) {
        long code = e.getErrorCode();
        return code > 0 ? Zstd.getErrorName(-code) : e.getMessage();
    }

    private boolean refill() throws IOException {
        src.clear();
        int n;
        do {
            n = in.read(src);
        } while (n == 0);
        src.flip();
        return n > 0;
    }

    private SegmentCorruptException fail(Reason reason, String detail, Throwable cause) {
        failure = new SegmentCorruptException(name, SegmentFormat.ZSTD, reason, position, consumed, detail, cause);
        return failure;
    }
}
