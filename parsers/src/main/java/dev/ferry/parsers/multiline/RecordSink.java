package dev.ferry.parsers.multiline;

/**
 * Where a {@link MultilineAssembler} hands its complete records.
 *
 * <p>Called on the assembler's thread, from inside {@code accept} or {@code flush}. The bytes are
 * borrowed: {@code buf[off, off+len)} is valid only during the call (it is the assembler's reusable
 * buffer, or the caller's line when a line is a record alone); copy what you keep.
 */
@FunctionalInterface
public interface RecordSink {

    /**
     * One record: its lines joined with {@code \n} (no trailing line terminator).
     *
     * @param offset the file offset of the record's first line
     * @param nextOffset the file offset just after its last line (where reading resumes)
     */
    void record(byte[] buf, int off, int len, long offset, long nextOffset);
}
