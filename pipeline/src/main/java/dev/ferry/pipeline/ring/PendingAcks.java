package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.RecordOrigin;
import java.util.Arrays;

/**
 * The furthest position reached in each origin during one ring batch, acknowledged together once the
 * batch is safe (flushed to the outputs, or, {@link #detach()}ed, once the spool has it delivered or on
 * disk). A batch touches few origins, so a linear scan beats a map. Owned by the ring's last stage
 * thread; not thread-safe.
 */
final class PendingAcks {

    private RecordOrigin[] origins = new RecordOrigin[8];
    private long[] offsets = new long[8];
    private int count;

    void remember(RecordOrigin origin, long nextOffset) {
        for (int i = 0; i < count; i++) {
            if (origins[i] == origin) {
                offsets[i] = nextOffset;
                return;
            }
        }
        if (count == origins.length) {
            origins = Arrays.copyOf(origins, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        origins[count] = origin;
        offsets[count] = nextOffset;
        count++;
    }

    /**
     * Hands over the remembered positions as one acknowledgement to run later (by the spool, once the records are
     * delivered or on disk, on whichever thread that happens) and forgets them; null when there are none.
     */
    Runnable detach() {
        if (count == 0) {
            return null;
        }
        RecordOrigin[] o = Arrays.copyOf(origins, count);
        long[] at = Arrays.copyOf(offsets, count);
        Arrays.fill(origins, 0, count, null);
        count = 0;
        return () -> {
            for (int i = 0; i < o.length; i++) {
                o[i].acknowledge(at[i]);
            }
        };
    }

    /** Acknowledges every remembered position and forgets them. */
    void acknowledgeAll() {
        for (int i = 0; i < count; i++) {
            origins[i].acknowledge(offsets[i]);
            origins[i] = null;
        }
        count = 0;
    }
}
