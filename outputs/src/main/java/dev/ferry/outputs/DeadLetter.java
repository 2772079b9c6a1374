package dev.ferry.outputs;

/**
 * One record an output gave up on, as the {@link DeadLetterStore} writes it. Immutable.
 *
 * @param recordJson the record's JSON document exactly as it was sent (UTF-8 bytes of one JSON value)
 * @param target where it was going (the Elasticsearch index, the Loki stream...)
 * @param status the destination's status for it (an HTTP or bulk item status), or 0 if none was received
 * @param reason why it was given up, e.g. the destination's error type and reason
 * @param timeMillis when it was given up, in milliseconds since the epoch
 * @param tag the record's tag
 * @param originId the stable id of the data it was read from, or null
 * @param offset the offset of its line in that data, or -1 without origin
 * @param lineHash the {@link dev.ferry.pipeline.record.LogRecord#lineHash()} of its line, or
 *     {@code LogRecord.NO_LINE_HASH}
 */
public record DeadLetter(byte[] recordJson, String target, int status, String reason, long timeMillis, String tag,
                         String originId, long offset, long lineHash) {
}
