package dev.ferry.pipeline.spool;

/**
 * For tests of what the spool does on disk (documents, cycle files, damage, crashes): a spool that writes every
 * document at its flush, as with {@code SpoolWriter.holdInMemory(0)}, instead of holding the newest in memory.
 */
public final class WriteThrough {

    private WriteThrough() {
    }

    /** Sets the spool's writer to write each document at once and returns the spool. */
    public static Spool writeThrough(Spool spool) {
        spool.writer().holdInMemory(0);
        return spool;
    }
}
