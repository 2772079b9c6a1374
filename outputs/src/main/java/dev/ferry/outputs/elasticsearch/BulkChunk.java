package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.RecordOrigins;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One bulk request body being built or sent: the NDJSON bytes plus, per record, where its lines are and
 * what a dead letter needs to say about it. Reused through {@code EsOutput}'s pool.
 *
 * <p>Owned by one thread at a time: the output thread while it fills it, then the worker that sends it
 * (handed over through the executor, which orders the memory).
 */
final class BulkChunk {

    final ByteSink body;
    int count;
    /** Retries already made for the records in this chunk. */
    int retries;
    private int[] starts = new int[256];
    private int[] docStarts = new int[256];
    private String[] indexes = new String[256];
    // Per record, what made its last attempt fail (the whole request's answer, or its own item's), for the
    // dead letter written when the retry limit is reached.
    private String[] errors = new String[256];
    private int[] statuses = new int[256];
    private final RecordOrigins origins = new RecordOrigins();

    /**
     * @param capacity the body's first capacity
     * @param fullCapacity what a full body usually needs (the bulk size limit plus one record): the body grows to
     *     that, not to the next power of two (a 5 MiB limit would take 8 MiB per chunk)
     */
    BulkChunk(int capacity, int fullCapacity) {
        body = new ByteSink(capacity, fullCapacity);
    }

    void clear() {
        body.reset();
        retries = 0;
        Arrays.fill(indexes, 0, count, null);
        Arrays.fill(errors, 0, count, null);
        origins.clear(count);
        count = 0;
    }

    /** Records the meta data of the record whose lines were just written from {@code start}. */
    void add(int start, int docStart, String index, String tag, String originId, long offset, long lineHash) {
        if (count == starts.length) {
            int n = count * 2;
            starts = Arrays.copyOf(starts, n);
            docStarts = Arrays.copyOf(docStarts, n);
            indexes = Arrays.copyOf(indexes, n);
            errors = Arrays.copyOf(errors, n);
            statuses = Arrays.copyOf(statuses, n);
        }
        starts[count] = start;
        docStarts[count] = docStart;
        indexes[count] = index;
        origins.set(count, tag, originId, offset, lineHash);
        count++;
    }

    /** Undoes the last {@link #add} and its bytes (a record that could not be encoded completely). */
    void truncate(int start) {
        body.truncate(start);
    }

    /** Copies record {@code i} of {@code src} (its lines and meta data) to the end of this chunk. */
    void appendFrom(BulkChunk src, int i) {
        int start = body.length();
        int s = src.starts[i];
        body.write(src.body.array(), s, src.end(i) - s);
        add(start, start + (src.docStarts[i] - s), src.indexes[i], null, null, -1, LogRecord.NO_LINE_HASH);
        origins.copy(count - 1, src.origins, i);
        errors[count - 1] = src.errors[i];
        statuses[count - 1] = src.statuses[i];
    }

    /** Records that the last attempt of record {@code i} failed with {@code error}. */
    void failed(int i, int status, String error) {
        errors[i] = error;
        statuses[i] = status;
    }

    /** Records that the last attempt of every record failed with {@code error} (the whole request did). */
    void failedAll(int status, String error) {
        Arrays.fill(errors, 0, count, error);
        Arrays.fill(statuses, 0, count, status);
    }

    /** The dead letter of record {@code i} with what made its last attempt fail, after {@code prefix}. */
    DeadLetter letterOfLastFailure(int i, String prefix, long timeMillis) {
        return letter(i, statuses[i], prefix + errors[i], timeMillis);
    }

    int end(int i) {
        return i + 1 < count ? starts[i + 1] : body.length();
    }

    /** The action and document lines of record {@code i}, as sent. */
    String lines(int i) {
        return new String(body.array(), starts[i], end(i) - starts[i], StandardCharsets.UTF_8);
    }

    /** The whole request body, as sent (before compression). */
    String text() {
        return new String(body.array(), 0, body.length(), StandardCharsets.UTF_8);
    }

    /** The document line of record {@code i}, without its newline. */
    byte[] document(int i) {
        return Arrays.copyOfRange(body.array(), docStarts[i], end(i) - 1);
    }

    /** The dead letter of record {@code i}: its document, index and origin. */
    DeadLetter letter(int i, int status, String reason, long timeMillis) {
        return origins.letter(i, document(i), indexes[i], status, reason, timeMillis);
    }
}
