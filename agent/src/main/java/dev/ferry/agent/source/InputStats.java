package dev.ferry.agent.source;

/**
 * A snapshot of what an input counted since it started, for the monitoring server.
 *
 * @param records lines read and handed on (a multiline record counts each of its lines)
 * @param bytes bytes read from files
 * @param lostLines lines that were gone before they could be read (counted from OTP wrap logs' indexes)
 * @param lostBytes bytes that were gone before they could be read (overwritten in place)
 * @param longLinesSkipped lines longer than {@code Buffer_Max_Size} that were skipped
 */
public record InputStats(long records, long bytes, long lostLines, long lostBytes, long longLinesSkipped) {

    /** An input that counts nothing. */
    public static final InputStats NONE = new InputStats(0, 0, 0, 0, 0);
}
