package dev.ferry.outputs;

import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.util.Arrays;

/**
 * Where each record of an output's batch came from (its tag, origin id, offset and line hash), kept by
 * position in the batch so that a record given up on becomes a {@link DeadLetter} that names its source line.
 *
 * <p>Owned by the batch it belongs to, and like it by one thread at a time.
 */
public final class RecordOrigins {

    private String[] tags = new String[256];
    private String[] originIds = new String[256];
    private long[] offsets = new long[256];
    private long[] lineHashes = new long[256];

    /** Writes a {@link LogRecord#lineHash()} as it appears in document ids and dead letters: 8 lower-case hex digits. */
    public static void writeLineHash(long hash, ByteSink out) {
        out.writeHex(hash, 8);
    }

    /**
     * Writes what follows the origin id in the id of a record's document: {@code :<offset>}, then
     * {@code :<line hash>} when the record has one ({@link LogRecord#NO_LINE_HASH}: a record from an older spool).
     */
    public static void writeIdPlace(long offset, long lineHash, ByteSink out) {
        out.write(':');
        TimeText.writeLong(out, offset);
        if (lineHash != LogRecord.NO_LINE_HASH) {
            out.write(':');
            writeLineHash(lineHash, out);
        }
    }

    /**
     * Sets record {@code i}'s origin; {@code i} is at most the number already set (a batch appends).
     *
     * @param originId the stable id of the data the record was read from, or null
     * @param lineHash the record's {@link LogRecord#lineHash()}
     */
    public void set(int i, String tag, String originId, long offset, long lineHash) {
        if (i == tags.length) {
            int n = i * 2;
            tags = Arrays.copyOf(tags, n);
            originIds = Arrays.copyOf(originIds, n);
            offsets = Arrays.copyOf(offsets, n);
            lineHashes = Arrays.copyOf(lineHashes, n);
        }
        tags[i] = tag;
        originIds[i] = originId;
        offsets[i] = offset;
        lineHashes[i] = lineHash;
    }

    /** Sets record {@code i}'s origin to that of record {@code j} of {@code src}. */
    public void copy(int i, RecordOrigins src, int j) {
        set(i, src.tags[j], src.originIds[j], src.offsets[j], src.lineHashes[j]);
    }

    /** Forgets the first {@code count} records (drops the references, so a pooled batch holds no strings). */
    public void clear(int count) {
        Arrays.fill(tags, 0, count, null);
        Arrays.fill(originIds, 0, count, null);
    }

    /**
     * The dead letter of record {@code i}.
     *
     * @param recordJson the record's JSON as it was sent
     * @param target where it was going (index, stream...)
     */
    public DeadLetter letter(int i, byte[] recordJson, String target, int status, String reason, long timeMillis) {
        String originId = originIds[i];
        return new DeadLetter(recordJson, target, status, reason, timeMillis, tags[i], originId,
                originId == null ? -1 : offsets[i], originId == null ? LogRecord.NO_LINE_HASH : lineHashes[i]);
    }
}
