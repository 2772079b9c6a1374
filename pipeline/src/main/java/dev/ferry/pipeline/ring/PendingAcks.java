package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.RecordOrigin;
import java.util.Arrays;

/**
 * The furthest position reached in each origin during one ring batch, acknowledged together once the
 * batch is safe (flushed to the outputs, or in the spool). A batch touches few origins, so a linear
 * scan beats a map. Owned by the ring's last stage thread; not thread-safe.
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

    /** Acknowledges every remembered position and forgets them. */
    void acknowledgeAll() {
        for (int i = 0; i < count; i++) {
            origins[i].acknowledge(offsets[i]);
            origins[i] = null;
        }
        count = 0;
    }
}
