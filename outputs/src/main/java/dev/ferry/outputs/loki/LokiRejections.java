package dev.ferry.outputs.loki;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text body of Loki's 400 answer to a push and finds which entries of the batch it names.
 * Stateless.
 *
 * <p>Loki answers 400 for a whole push when some entries or streams are invalid, after storing the valid
 * ones; the body lists the problems. The forms read (Loki 2.x and 3.x, {@code pkg/validation} and the
 * ingester's {@code stream.go}):
 * <pre>
 * entry with timestamp 2024-01-01 10:00:00.5 +0000 UTC ignored, reason: 'entry too far behind, entry
 *     timestamp is: 2024-01-01T10:00:00Z, oldest acceptable timestamp is: 2024-01-01T11:00:00Z',
 * entry with timestamp ... ignored, reason: 'entry out of order',
 * user 'tenant', total ignored: 2 out of 10 for stream: {job="x"}        (names the stream of the lines above)
 * entry for stream '{job="x"}' has timestamp too old: 2024-01-01 10:00:00 +0000 UTC, oldest acceptable
 *     timestamp is: 2024-01-08 10:00:00 +0000 UTC
 * entry for stream '{job="x"}' has timestamp too new: ...
 * Max entry size '256' bytes exceeded for stream '{job="x"}' while adding an entry with length '300' bytes
 * max entry size '256' for stream '{job="x"}' exceeded                   (older Loki: every longer line)
 * stream '{job="x"}' has label value too long: '...'                     (and other per-stream errors: every
 * Error parsing labels '{...}' with error: ...                            entry of that stream)
 * </pre>
 * The distributor's errors come on one line, joined by {@code "; "} ({@code 1 errors like: entry for stream
 * ...; 1 errors like: stream '...' has label value too long: ...}, in Go map order); the ingester's, one per
 * line.
 * Timestamps are Go's {@code time.Time.String()}; an entry is named by stream and timestamp (or by stream
 * and line length). Stream names are label sets as Loki holds them, which Loki 3 gives a {@code service_name}
 * ferry did not send; {@link LokiPrintedLabels} matches them to the batch's streams. A rejection naming a
 * stream the batch does not have names no entry. Loki caps the listed entries ({@code max_returned_stream_errors}, default 10), and an
 * ingester reports one stream per answer: entries it refused but did not name are sent again with the
 * rest and named by the next answer, so each round dead-letters at least one entry and the loop ends.
 * Entries Loki did store but that the answer does not show stored are sent again too (nothing says which
 * they are); Loki drops an identical entry it holds, but when the push reached further ahead than Loki's
 * window behind it, Loki may refuse it as too far behind, and ferry dead-letters an entry Loki holds: the
 * dead letters can over-count what Loki lacks, never under-count it. (The output sends one stream per push,
 * and a stream's pushes one at a time, so no other push of the stream comes between.)
 *
 * <p>The ingester's totals line ({@code total ignored: N out of M for stream: S}) tells whether the named
 * entries are all it refused in stream S: if they are, and M is every entry of S in the push (the
 * distributor refused none), the other entries of S were stored and are not sent again ({@link #markStored}); sent again, an entry older than the stream's newest by more
 * than the acceptance window would come back "entry too far behind" although Loki has it.
 */
public final class LokiRejections {

    /**
     * One problem Loki named.
     *
     * @param stream the stream's labels as Loki printed them, or null if not named
     * @param timeNanos the entry's timestamp, or {@link Long#MIN_VALUE} when not named
     * @param lineLength the length of the entry's line in bytes, or -1; with {@code maxLine} >= 0 and length
     *     -1: every line longer than {@code maxLine}
     * @param maxLine the line size limit Loki named, or -1
     * @param reason Loki's words
     */
    public record Rejection(String stream, long timeNanos, int lineLength, int maxLine, String reason) {
    }

    private static final String GO_TIME = "(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?) ([+-]\\d{4})"
            + "(?: [A-Za-z0-9+-]+)?";
    private static final Pattern IGNORED = Pattern.compile("entry with timestamp " + GO_TIME
            + " ignored, reason: '(.*?)',?\\s*$", Pattern.MULTILINE);
    private static final Pattern FOR_STREAM = Pattern.compile("total ignored: (\\d+) out of (\\d+) for stream: "
            + "(\\{.*\\})", Pattern.MULTILINE);
    private static final Pattern TOO_OLD_OR_NEW = Pattern.compile("entry for stream '(\\{.*?\\})' has timestamp too "
            + "(?:old|new): " + GO_TIME + "(?:, oldest acceptable timestamp is: " + GO_TIME + ")?");
    private static final Pattern LINE_TOO_LONG = Pattern.compile("Max entry size '(\\d+)' bytes exceeded for stream "
            + "'(\\{.*?\\})' while adding an entry with length '(\\d+)' bytes");
    private static final Pattern LINE_TOO_LONG_OLD = Pattern.compile("max entry size '(\\d+)' for stream '(\\{.*?\\})'"
            + " exceeded");
    /**
     * A per-stream error, to the end of its line or to the next error of a distributor answer: the distributor
     * joins its errors on one line as {@code util.GroupedErrors.Error()} does ({@code "; "}, each prefixed
     * {@code "N errors like: "} when there are several kinds).
     */
    private static final Pattern STREAM_ERROR = Pattern.compile("(?:stream|Error parsing labels) '(\\{.*?\\})'"
            + "(?:(?!; \\d+ errors like: )[^\\n])*");

    private static final DateTimeFormatter GO_LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter();

    private LokiRejections() {
    }

    /** The problems {@code body} names, in the order found (empty if it names none). */
    public static List<Rejection> parse(String body) {
        List<Rejection> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        // Ingester form: entry lines, then the line naming their stream.
        Matcher stream = FOR_STREAM.matcher(body);
        List<int[]> streamAt = new ArrayList<>();
        List<String> streamNames = new ArrayList<>();
        while (stream.find()) {
            streamAt.add(new int[] {stream.start()});
            streamNames.add(stream.group(3));
        }
        Matcher m = IGNORED.matcher(body);
        while (m.find()) {
            String name = null;
            for (int k = 0; k < streamAt.size(); k++) {
                if (streamAt.get(k)[0] > m.start()) {
                    name = streamNames.get(k);
                    break;
                }
            }
            out.add(new Rejection(name, goTime(m.group(1), m.group(2)), -1, -1, m.group(3)));
        }
        boolean[] used = new boolean[body.length() + 1];
        m = TOO_OLD_OR_NEW.matcher(body);
        while (m.find()) {
            out.add(new Rejection(m.group(1), goTime(m.group(2), m.group(3)), -1, -1, m.group()));
            mark(used, m);
        }
        m = LINE_TOO_LONG.matcher(body);
        while (m.find()) {
            out.add(new Rejection(m.group(2), Long.MIN_VALUE, Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(1)), m.group()));
            mark(used, m);
        }
        m = LINE_TOO_LONG_OLD.matcher(body);
        while (m.find()) {
            out.add(new Rejection(m.group(2), Long.MIN_VALUE, -1, Integer.parseInt(m.group(1)), m.group()));
            mark(used, m);
        }
        m = STREAM_ERROR.matcher(body);
        while (m.find()) {
            if (!used[m.start(1)] && !body.startsWith("entry with timestamp", lineStart(body, m.start()))) {
                out.add(new Rejection(m.group(1), Long.MIN_VALUE, -1, -1, m.group().trim()));
            }
        }
        return out;
    }

    private static int lineStart(String body, int i) {
        int nl = body.lastIndexOf('\n', i);
        return nl + 1;
    }

    private static void mark(boolean[] used, Matcher m) {
        for (int i = m.start(); i < m.end(); i++) {
            used[i] = true;
        }
    }

    /** Nanoseconds since the epoch of a Go {@code time.Time.String()} value. */
    static long goTime(String local, String offset) {
        LocalDateTime t = LocalDateTime.parse(local, GO_LOCAL);
        ZoneOffset z = ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3));
        java.time.Instant i = t.toInstant(z);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * Marks the entries of {@code batch} that {@code rejections} name.
     *
     * @param reasons filled with the reason of each marked entry
     * @return how many entries are marked
     */
    static int attribute(LokiBatch batch, List<Rejection> rejections, boolean[] marked, String[] reasons) {
        int n = 0;
        for (Rejection r : rejections) {
            // A rejection that names a stream counts only for that stream's entries; one naming a stream the
            // batch does not have names none (never an entry of another stream at the same time).
            Map<String, String> printed = r.stream == null ? null : LokiPrintedLabels.parse(r.stream);
            if (r.stream != null && printed == null) {
                continue;
            }
            for (int i = 0; i < batch.count; i++) {
                if (marked[i]) {
                    continue;
                }
                if (printed != null && !LokiPrintedLabels.names(printed, batch.stream(i))) {
                    continue;
                }
                boolean hit;
                if (r.timeNanos != Long.MIN_VALUE) {
                    hit = batch.time(i) == r.timeNanos;
                } else if (r.lineLength >= 0) {
                    hit = batch.lineLength(i) == r.lineLength;
                } else if (r.maxLine >= 0) {
                    hit = batch.lineLength(i) > r.maxLine;
                } else {
                    hit = printed != null;
                }
                if (hit) {
                    marked[i] = true;
                    reasons[i] = r.reason;
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Marks in {@code stored} the entries of {@code batch} that Loki stored although it answered 400: the
     * entries not in {@code marked} of each stream for which the body's totals line says the named entries
     * are all it ignored and that it received all the stream's entries of the push. Entries of streams without such a line are left unmarked: the ingester reports only
     * one failing stream per answer, and the distributor's refusals are not reported when the ingester also
     * refused something, so nothing can be said of them and they are sent again.
     *
     * @param marked the entries the body names ({@link #attribute})
     * @return how many entries are marked stored
     */
    static int markStored(LokiBatch batch, String body, boolean[] marked, boolean[] stored) {
        int n = 0;
        for (StreamTotals totals : streamTotals(body)) {
            Map<String, String> printed = totals.printed();
            int named = 0;
            int sent = 0;
            for (int i = 0; i < batch.count; i++) {
                if (LokiPrintedLabels.names(printed, batch.stream(i))) {
                    sent++;
                    if (marked[i]) {
                        named++;
                    }
                }
            }
            // Named fewer than it ignored: which others it refused is unknown. Received fewer than were sent:
            // the distributor refused some and its errors are not in an ingester's answer. Either way, send
            // the rest of the stream again.
            if (named == 0 || named < totals.ignored() || totals.outOf() != sent) {
                continue;
            }
            for (int i = 0; i < batch.count; i++) {
                if (!marked[i] && !stored[i] && LokiPrintedLabels.names(printed, batch.stream(i))) {
                    stored[i] = true;
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Marks in {@code out} the entries of {@code batch} whose stream a totals line of {@code body} names
     * ({@code total ignored: N out of M for stream: S}).
     */
    static void markNamedStreams(LokiBatch batch, String body, boolean[] out) {
        for (StreamTotals totals : streamTotals(body)) {
            for (int i = 0; i < batch.count; i++) {
                out[i] |= LokiPrintedLabels.names(totals.printed(), batch.stream(i));
            }
        }
    }

    /** A totals line of an answer: {@code total ignored: IGNORED out of OUT_OF for stream: PRINTED}. */
    private record StreamTotals(long ignored, long outOf, Map<String, String> printed) {
    }

    /** The totals lines of {@code body} (none for a null body), in order. */
    private static List<StreamTotals> streamTotals(String body) {
        List<StreamTotals> all = new ArrayList<>();
        if (body == null) {
            return all;
        }
        Matcher m = FOR_STREAM.matcher(body);
        while (m.find()) {
            all.add(new StreamTotals(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    LokiPrintedLabels.parse(m.group(3))));
        }
        return all;
    }
}
