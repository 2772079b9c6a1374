package dev.ferry.agent.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds newlines in a byte array eight bytes at a time (SWAR: the "has zero byte" bit trick on a
 * {@code long} read), about five times fewer steps than a byte loop over log lines of a few hundred
 * bytes. Stateless and thread-safe.
 */
public final class NewlineScanner {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private NewlineScanner() {
    }

    /** The index of the first {@code '\n'} in {@code buf[from, to)}, or -1. */
    public static int indexOf(byte[] buf, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long x = (long) LONGS.get(buf, i) ^ NEWLINES;
            long found = (x - LOW_BITS) & ~x & HIGH_BITS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        for (; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
