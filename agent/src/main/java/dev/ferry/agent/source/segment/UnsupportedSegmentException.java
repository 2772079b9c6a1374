package dev.ferry.agent.source.segment;

import java.io.IOException;

/**
 * A segment in a format ferry recognises but does not read: an Erlang {@code disk_log} internal-format
 * file ({@link SegmentFormat#DISK_LOG}), data compressed with xz, bzip2 or lz4, a zip or 7z archive, or a
 * tar archive found inside an archive, a compressed file or a directory. Thrown when it is opened,
 * before any byte is returned, so binary data is never handed on as log lines. Immutable.
 */
public final class UnsupportedSegmentException extends IOException {

    private static final long serialVersionUID = 1L;

    private final SegmentFormat format;

    /** The segment's own data is in {@code format}. */
    public UnsupportedSegmentException(String segment, SegmentFormat format) {
        super(message(segment, format));
        this.format = format;
    }

    /**
     * The segment's data, once decompressed from {@code outer} (or as stored if {@code outer} is plain),
     * is in {@code format}: a tar or a compressed file inside another.
     */
    public UnsupportedSegmentException(String segment, SegmentFormat outer, SegmentFormat format) {
        super("Segment " + segment + (outer == SegmentFormat.PLAIN ? " is " : " holds, inside its " + outer.label()
                + " compression, ") + (format == SegmentFormat.TAR
                ? "a tar archive, which ferry does not open inside an archive, a compressed file or a directory;"
                        + " pass the archive itself as a PATH of ferry replay"
                : format.label() + "-compressed data, which ferry does not read; decompress it and replay the result"));
        this.format = format;
    }

    private static String message(String segment, SegmentFormat format) {
        if (format == SegmentFormat.DISK_LOG) {
            return "Segment " + segment + " is an Erlang disk_log file in the internal format (terms, not text),"
                    + " which ferry does not read; log with logger_disk_log_h (always external format) or"
                    + " logger_std_h instead";
        }
        return "Segment " + segment + " is " + format.label() + (format == SegmentFormat.ZIP || format == SegmentFormat.SEVEN_ZIP
                || format == SegmentFormat.TAR ? " archive" : "-compressed") + " data, which ferry does not read (it reads"
                + " plain, gzip and zstd files and tar archives of them); unpack or recompress it and replay the result";
    }

    /** The format found, the innermost one for a nested archive or compression. */
    public SegmentFormat format() {
        return format;
    }
}
