package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.DeadLetter;
import dev.ferry.outputs.DeadLetterStore;
import dev.ferry.outputs.RateLimitedLog;
import dev.ferry.outputs.RecordOrigins;
import dev.ferry.pipeline.record.ByteSink;
import dev.ferry.pipeline.record.JsonText;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter index ({@code dead_letter.index}): the records the es output gave up on, indexed into an
 * Elasticsearch index of their own besides the dead-letter file, so that they can be searched and
 * re-driven next to the data. Fluent Bit has no such option.
 *
 * <p>Document format, one per dead letter: the members of the dead-letter file's lines
 * ({@link DeadLetterStore}: {@code time}, {@code tag}, {@code origin}, {@code offset}, {@code target},
 * {@code status}, {@code reason}), then {@code record}, the document as sent as one JSON <em>string</em>,
 * so that a record whose fields broke the target's mapping cannot break this index's:
 *
 * <pre>
 * {"time":"2024-01-01T10:00:00.123Z","tag":"erlmcp.app","origin":"fp-6fc6ca04320260b8-1024","offset":4096,
 *  "target":"logs-2024.01.01","status":400,"reason":"HTTP 400 document_parsing_exception: ...",
 *  "record":"{\"log\":...}"}
 * </pre>
 *
 * <p>Action: {@code create}, with the {@code _id} the document itself had when the record has an origin:
 * {@code origin:offset:line_hash} ({@code origin:offset} for a record with no line hash; a long or unusual origin
 * id hashed as {@link EsEncoder} hashes it), so a record given up again (a replay, a restart before its position
 * was saved) stays one document: a 409 counts as indexed. Without an origin Elasticsearch picks the id.
 *
 * <p>Failure: one attempt, no retry, so that the dead-letter path cannot block the output. Letters that
 * get no answer, or that Elasticsearch refuses (the whole request or the item), are in the dead-letter
 * file only: counted in {@link #failed()} and logged (WARN, at most every 10 s: nothing is lost). The file is written
 * first and stays the record of truth.
 *
 * <p>Thread-safe: the output's workers call {@link #index} at once; each call builds its own body.
 */
public final class EsDeadLetterIndex {

    private static final Logger log = LoggerFactory.getLogger(EsDeadLetterIndex.class);

    private final String index;
    private final EsService service;
    private final String name;
    private final LongAdder indexed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final RateLimitedLog errorLog = new RateLimitedLog(10_000);

    /**
     * @param index the dead-letter index name
     * @param service sends the bulk requests (the output's own: same hosts, auth and TLS)
     * @param name the output instance name, for logs
     */
    public EsDeadLetterIndex(String index, EsService service, String name) {
        this.index = index;
        this.service = service;
        this.name = name;
    }

    /** The index the letters go to. */
    public String index() {
        return index;
    }

    /** Letters the dead-letter index holds (created now, or already there). */
    public long indexed() {
        return indexed.sum();
    }

    /** Letters that could not be indexed there and are in the dead-letter file only. */
    public long failed() {
        return failed.sum();
    }

    /**
     * Indexes {@code letters} with one bulk request; never throws for a refusal (see the type's javadoc).
     *
     * @throws InterruptedException if the calling worker was interrupted (the output is closing); the
     *     letters are then counted as failed
     */
    public void index(List<DeadLetter> letters) throws InterruptedException {
        if (letters.isEmpty()) {
            return;
        }
        ByteSink body = new ByteSink(1024 * letters.size());
        for (DeadLetter d : letters) {
            encode(index, d, body);
        }
        EsBulkResponse r;
        try {
            r = service.send(body.array(), body.length(), letters.size());
        } catch (IOException e) {
            refused(letters.size(), e.getMessage());
            return;
        } catch (InterruptedException e) {
            failed.add(letters.size());
            throw e;
        }
        if (r.httpStatus() < 200 || r.httpStatus() >= 300) {
            String b = r.body() == null ? "" : r.body().replace('\n', ' ');
            refused(letters.size(), "HTTP " + r.httpStatus() + " " + (b.length() <= 300 ? b : b.substring(0, 300) + "..."));
            return;
        }
        if (!r.errors()) {
            indexed.add(letters.size());
            return;
        }
        int ok = 0;
        String lastError = null;
        for (int i = 0; i < letters.size(); i++) {
            int s = r.status(i);
            if (s / 100 == 2 || s == 409) {
                ok++;
            } else {
                lastError = "HTTP " + s + " " + r.errorType(i) + ": " + r.reason(i);
            }
        }
        indexed.add(ok);
        if (ok < letters.size()) {
            refused(letters.size() - ok, lastError);
        }
    }

    private void refused(int letters, String error) {
        failed.add(letters);
        if (errorLog.allow("refused")) {
            log.warn("Cannot index dead letters into the dead-letter index; they are in the dead-letter file only. "
                    + "output={} index={} records={} failed_total={} error={}", name, index, letters, failed.sum(), error);
        }
    }

    /** Logs what became of the letters; called when the output closes. */
    public void close() {
        log.info("Elasticsearch dead-letter index closed. output={} index={} indexed={} failed={}", name, index,
                indexed.sum(), failed.sum());
    }

    /** Writes the bulk action and document of {@code d} (two lines) for {@code index}. */
    static void encode(String index, DeadLetter d, ByteSink out) {
        out.writeAscii("{\"create\":{\"_index\":");
        JsonText.writeString(out, index);
        if (d.originId() != null) {
            // The id the document itself had: its origin as EsEncoder writes it (a long or unusual origin id is
            // hashed, so the id stays within Elasticsearch's 512 bytes), then where the line was.
            out.writeAscii(",\"_id\":\"");
            out.write(EsEncoder.idOrigin(d.originId()));
            RecordOrigins.writeIdPlace(d.offset(), d.lineHash(), out);
            out.write('"');
        }
        out.writeAscii("}}\n{");
        DeadLetterStore.writeMembers(d, out);
        out.writeAscii(",\"record\":");
        JsonText.writeText(out, d.recordJson(), 0, d.recordJson().length);
        out.writeAscii("}\n");
    }
}
