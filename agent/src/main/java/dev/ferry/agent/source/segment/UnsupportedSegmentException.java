package dev.ferry.agent.source.segment;

import java.io.IOException;

/**
 * A segment in a format ferry recognises but does not read: today only an Erlang {@code disk_log}
 * internal-format file ({@link SegmentFormat#DISK_LOG}). Thrown when it is opened, before any byte is
 * returned, so binary terms are never handed on as log lines. Immutable.
 */
public final class UnsupportedSegmentException extends IOException {

    private static final long serialVersionUID = 1L;

    private final SegmentFormat format;

    public UnsupportedSegmentException(String segment, SegmentFormat format) {
        super("Segment " + segment + " is an Erlang disk_log file in the internal format (terms, not text),"
                + " which ferry does not read; log with logger_disk_log_h (always external format) or"
                + " logger_std_h instead");
        this.format = format;
    }

    public SegmentFormat format() {
        return format;
    }
}
