package dev.ferry.pipeline.ring;

import dev.ferry.pipeline.record.LogRecord;

/**
 * One slot of the ring: a reusable {@link LogRecord} plus the {@link LineDecoder} of the input that
 * filled it. Allocated once per slot by the Disruptor's event factory; never shared between two
 * records at once (the Disruptor's sequences hand it from stage to stage).
 */
public final class RingSlot {

    final LogRecord record = new LogRecord();
    LineDecoder decoder;

    public LogRecord record() {
        return record;
    }
}
