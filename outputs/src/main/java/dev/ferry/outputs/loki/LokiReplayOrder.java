package dev.ferry.outputs.loki;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The order in which {@code ferry replay} sends a Loki output's entries: entries are held (not sent at
 * each flush) and released oldest first, by the log's own time, cut into pushes of at most
 * {@code batch_max_size}. Sorting by time across the whole release sorts every stream.
 *
 * <p>The bound is {@code replay_sort_buffer} (32MiB by default: with the line buffer's growth and the
 * copies made while releasing, up to about three times that is on the heap, which the launcher's 256 MiB
 * holds): the bytes of held pushes (lines, labels, metadata, as {@link LokiBatch#bytes} counts them), over
 * all tenants. A replay that holds less than that
 * is sent wholly in time order at the end ({@link #releaseAll}). When the held bytes pass it, the older
 * half of each tenant's held entries is released ({@link #releaseOlderHalf}); an entry read later that is
 * older than what was already sent for its stream reaches Loki out of order, which Loki accepts only
 * within its window ({@code acceptance_window}) behind the stream's newest entry and otherwise refuses
 * ("entry too far behind"), so it is dead-lettered with Loki's reason, never lost silently.
 *
 * <p>Stateless apart from its settings; called from the output thread only.
 */
final class LokiReplayOrder {

    private final long bound;
    private final long pushBytes;

    /**
     * @param bound the most bytes held ({@code replay_sort_buffer})
     * @param pushBytes the most bytes of one push ({@code batch_max_size})
     */
    LokiReplayOrder(long bound, long pushBytes) {
        this.bound = bound;
        this.pushBytes = pushBytes;
    }

    long bound() {
        return bound;
    }

    /** Whether the held batches (one per tenant) passed the bound. */
    boolean full(Collection<LokiBatch> held) {
        long bytes = 0;
        for (LokiBatch b : held) {
            bytes += b.bytes;
        }
        return bytes > bound;
    }

    /** Every entry of {@code held}, as pushes in time order. */
    List<LokiBatch> releaseAll(LokiBatch held) {
        return pushes(held, sortedByTime(held), held.count);
    }

    /**
     * The older half of {@code held}'s entries as pushes in time order; {@code keep[0]} receives a new
     * batch with the newer half (in the order written).
     */
    List<LokiBatch> releaseOlderHalf(LokiBatch held, LokiBatch[] keep) {
        int[] order = sortedByTime(held);
        int release = Math.max(1, held.count / 2);
        boolean[] released = new boolean[held.count];
        for (int k = 0; k < release; k++) {
            released[order[k]] = true;
        }
        keep[0] = held.without(released);
        return pushes(held, order, release);
    }

    /** Entry indexes of {@code b} ordered by time; equal times keep the order written. */
    static int[] sortedByTime(LokiBatch b) {
        // (time, index) pairs sorted as longs would overflow; sort boxed indexes with a stable comparator.
        Integer[] idx = new Integer[b.count];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Long.compare(b.time(x), b.time(y)));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private List<LokiBatch> pushes(LokiBatch held, int[] order, int n) {
        List<LokiBatch> out = new ArrayList<>();
        LokiBatch push = null;
        for (int k = 0; k < n; k++) {
            if (push == null) {
                push = new LokiBatch(held.tenant, (int) Math.min(pushBytes + 1024, 1 << 20));
            }
            push.appendFrom(held, order[k]);
            if (push.bytes >= pushBytes) {
                out.add(push);
                push = null;
            }
        }
        if (push != null) {
            out.add(push);
        }
        return out;
    }
}
