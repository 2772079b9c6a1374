package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.LineBuffer;
import dev.ferry.agent.source.MultilineBatchSink;
import dev.ferry.agent.source.NewlineScanner;
import dev.ferry.parsers.multiline.MultilineAssembler;
import dev.ferry.pipeline.record.RecordOrigin;
import dev.ferry.pipeline.ring.LineBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file a tail input reads: its open channel, identity, read buffer and positions, and the
 * {@link RecordOrigin} its records point back to.
 *
 * <p>Threads: everything but {@link #acknowledge} runs on the input's thread. {@link #acknowledge} is
 * called by the ring's last stage, from one thread, in offset order; it only moves {@link #acked()}
 * forward and tells the input (in-flight bytes, DB dirty).
 *
 * <p>Data: an open file ({@link ChannelTailData}), or a rotated segment read through its decompressed
 * stream ({@link SegmentTailData}, a "segment" here); offsets are always uncompressed offsets. Every
 * file belongs to a family: the path Path matched, whose rotated siblings hold its older data.
 *
 * <p>Reading: positional reads from {@link #readPos()} into a {@link LineBuffer} (the framing
 * {@code ferry replay} uses too: lines, {@code \r} stripping, {@code Buffer_Max_Size} and long-line
 * skips); each complete line is published with its offset and the offset after its newline. An
 * unfinished last line stays in the buffer until its newline arrives: it is not published at shutdown
 * and its offset is never acknowledged, so a restart reads it whole. A long line skipped is counted.
 * The unfinished last line of a rotated file let go is published ({@link #publishRemainder}), unless
 * the data ended in a cut (a compressed segment cut short or damaged): then it is a fragment, counted
 * as lost bytes and logged, not published.
 *
 * <p>Multiline ({@code multiline.parser}): lines go to the file's assembler, which hands on records.
 * Lines of a record still pending are not published, so {@link #acked()} (the DB position) stays before
 * them. The pending record is forced out when the file is let go after rotation ({@link
 * #publishRemainder}), and when the input ends ({@link #flushMultiline} with {@code force}: at
 * {@code Exit_On_Eof}, or at stop without a DB); otherwise it waits for its next line or Flush_Timeout.
 */
final class TailedFile implements RecordOrigin {

    private static final Logger log = LoggerFactory.getLogger(TailedFile.class);

    /** How many leading bytes are compared before each read to notice a file rewritten in place. */
    private static final int PROBE_BYTES = 64;

    private final TailInput input;
    private final TailData data;
    private final String tag;
    private volatile Path family;
    private final boolean segment;
    private volatile Path path;
    /** {@link #path} under the name Fluent Bit gives it (relative if its Path glob is): the records' Path_Key. */
    private volatile String name;
    private volatile String id;
    private FileIdentity identity;
    private boolean ownsData = true;
    private long lastSize;
    private long expectedEnd = -1;
    /** The data's first bytes (up to PROBE_BYTES), to notice a rewrite in place before reading on. */
    private byte[] probe = new byte[0];
    private boolean replaced;
    private Fingerprint doneFingerprint;
    /** Whether the data was overwritten in place (see {@link #overwrittenWhenAcknowledged}). */
    private boolean overwritten;
    /** The generation of a disk_log wrap file this reading is of, or null for any other file. */
    private final WrapGeneration wrap;
    /** Complete lines taken from the data before {@link #unpublishedOffset()} (handed on, or skipped). */
    private long linesTaken;

    private final LineBuffer lines;

    /** Offset up to which bytes were counted as in flight (published, or skipped before a published line). */
    private long accountedNext;
    private volatile long acked;

    private boolean rotated;
    private long rotatedAtNanos;
    private long lastDataNanos;

    // Multiline: joins lines of this file into records; null without multiline.parser.
    private final MultilineAssembler multiline;
    private final MultilineBatchSink multilineSink;
    /** The assembler's split records already counted in the input's counters. */
    private long splitsCounted;

    /**
     * @param path where the data is read from (the segment's path for a segment)
     * @param family the path Path matched whose data this is (for a segment: the watched file it was
     *     rotated from); the DB entry names it
     * @param segment whether this is a rotated sibling read after the fact (it is let go at its end)
     * @param id the origin id saved in the DB, or null to fix it at the first published line
     * @param startOffset where reading starts; everything before counts as acknowledged
     */
    TailedFile(TailInput input, Path path, Path family, boolean segment, TailData data, FileIdentity identity,
               String id, String tag, long startOffset, int chunkSize, int maxLineSize) {
        this.input = input;
        this.path = path;
        this.name = input.nameAsFound(path);
        this.family = family;
        this.segment = segment;
        this.data = data;
        this.identity = identity;
        this.id = id;
        this.tag = tag;
        this.lines = new LineBuffer(path.toString(), input.config().skipLongLines(), chunkSize, maxLineSize,
                startOffset);
        this.accountedNext = startOffset;
        this.acked = startOffset;
        this.lastDataNanos = System.nanoTime();
        this.multiline = input.multiline() == null ? null : MultilineAssembler.create(input.multiline());
        this.multilineSink = multiline == null ? null : new MultilineBatchSink(this::publish);
        if (segment) {
            markRotated(System.nanoTime());
        }
        this.wrap = WrapGeneration.of(path);
        if (wrap != null && startOffset > 0) {
            countLinesBefore(startOffset);
        }
    }

    /**
     * For a wrap file read from a saved or end offset: the lines before it count as taken, so that
     * what disk_log recorded for the file compares with them; if they cannot be counted, neither can
     * the lines lost.
     */
    private void countLinesBefore(long offset) {
        if (!data.growing()) {
            wrap.startUnknown();
            return;
        }
        byte[] buf = lines.array(); // nothing read into it yet: scratch space
        try {
            long pos = 0;
            while (pos < offset) {
                int n = data.read(buf, 0, (int) Math.min(buf.length, offset - pos), pos);
                if (n <= 0) {
                    wrap.startUnknown();
                    return;
                }
                for (int i = NewlineScanner.indexOf(buf, 0, n); i >= 0; i = NewlineScanner.indexOf(buf, i + 1, n)) {
                    linesTaken++;
                }
                pos += n;
            }
        } catch (IOException e) {
            wrap.startUnknown();
        }
    }

    @Override
    public String path() {
        return name;
    }

    /** The id fixed at the first published line, see {@link FileIdentity#originId}; before that, the file identity's id. */
    @Override
    public String id() {
        String i = id;
        return i != null ? i : identity.id();
    }

    @Override
    public void acknowledge(long nextOffset) {
        long prev = acked;
        if (nextOffset <= prev) {
            return;
        }
        acked = nextOffset;
        input.acknowledged(nextOffset - prev);
    }

    Path file() {
        return path;
    }

    /** A file Path matches went on under another matched name: that is its family now. */
    void movedTo(Path newPath) {
        path = newPath;
        name = input.nameAsFound(newPath);
        family = newPath;
    }

    /** The watched path whose data this is. */
    Path family() {
        return family;
    }

    /** Whether this is a rotated sibling read after the fact. */
    boolean segment() {
        return segment;
    }

    /** Whether the data is complete (a compressed segment): no need to wait Rotate_Wait at its end. */
    boolean complete() {
        return !data.growing();
    }

    /**
     * Marks a file that was read to its end (call before it is closed): once acknowledged it is
     * remembered as done ({@link #doneEntry()}), with a fingerprint as long as its data allows, so that
     * its rotated copies are known.
     */
    void doneWhenAcknowledged() {
        Fingerprint fp = identity.fingerprint();
        try {
            byte[] head = data.head();
            if (head.length > fp.length() && fp.matches(head)) {
                fp = Fingerprint.of(head, head.length);
            }
        } catch (IOException e) {
            // keep the fingerprint taken while reading
        }
        doneFingerprint = fp;
    }

    /**
     * As {@link #doneWhenAcknowledged}, for data overwritten in place with no copy to read the rest from (copytruncate,
     * a disk_log wrap file reused): what was not read of it, if anything, is counted lost, and its done entry carries
     * {@link FileKey#overwritten()}, so a compressed copy of that data made later is not read on.
     */
    void overwrittenWhenAcknowledged() {
        overwritten = true;
        doneWhenAcknowledged();
    }

    boolean isDoneWhenAcknowledged() {
        return doneFingerprint != null;
    }

    /**
     * The largest size seen before reading (and found to be this data still), or the read offset if
     * larger: how far the data is known to have reached.
     */
    long knownEnd() {
        return Math.max(lastSize, lines.readPos());
    }

    /** Offset of the first byte not handed on yet (the start of an unfinished line in the buffer). */
    long unpublishedOffset() {
        return lines.unpublishedOffset();
    }

    /**
     * Whether the data was found rewritten in place (truncated and written again past the read offset,
     * or an OTP wrap file reused): nothing more is read from this reading of it.
     */
    boolean replaced() {
        return replaced;
    }

    /**
     * Whether the data still starts with the bytes it started with; once it does not, {@link #replaced()}
     * is true. Checked after every read of a plain file and by the input's maintenance.
     */
    boolean sameData() throws IOException {
        if (replaced) {
            return false;
        }
        if (probe.length < PROBE_BYTES) {
            // Little read yet (or nothing: held back by Mem_Buf_Limit): the fingerprint taken when the data
            // was found decides too, so that a probe is never taken from data that replaced it meanwhile.
            byte[] head = data.head();
            Fingerprint fp = identity.fingerprint();
            if (!startsWith(head, probe) || (fp.length() > 0 && !fp.matches(head))) {
                replaced = true;
                return false;
            }
            if (lines.readPos() > probe.length) {
                probe = Arrays.copyOf(head, (int) Math.min(PROBE_BYTES, Math.min(head.length, lines.readPos())));
            } else if (lines.readPos() == 0 && head.length > fp.length()) {
                // found (nearly) empty and not read since: what it holds now is what it will be read as, so
                // the next look can tell when it is replaced (an OTP wrap file reused while reading is held)
                identity = identity.withFingerprint(Fingerprint.of(head, head.length));
            }
            return true;
        }
        if (!data.startsWith(probe)) {
            replaced = true;
        }
        return !replaced;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** For the rest of a file read from its copy: how far the original was seen, to count what the copy misses. */
    void expectEnd(long end) {
        expectedEnd = end;
    }

    /** Bytes the original was seen to have beyond this copy's end, once read to its end; 0 if none. */
    long missingFromCopy() {
        return expectedEnd > lines.readPos() ? expectedEnd - lines.readPos() : 0;
    }

    /** The disk_log wrap generation this reading is of, or null if the file is not a disk_log wrap file. */
    WrapGeneration wrapGeneration() {
        return wrap;
    }

    /**
     * Complete lines taken from this data so far, from its start (lines before the offset reading
     * started at included for a disk_log wrap file): handed on, or skipped (empty or too long).
     */
    long linesTaken() {
        return linesTaken;
    }

    /** The data's leading bytes as they are now. */
    byte[] head() throws IOException {
        return data.head();
    }

    FileIdentity identity() {
        return identity;
    }

    /** The saved id, or null while no line was published. */
    String savedId() {
        return id;
    }

    long acked() {
        return acked;
    }

    long readPos() {
        return lines.readPos();
    }

    long size() throws IOException {
        return data.size();
    }

    boolean rotated() {
        return rotated;
    }

    void markRotated(long nowNanos) {
        rotated = true;
        rotatedAtNanos = nowNanos;
    }

    void clearRotated() {
        rotated = false;
    }

    /** Whether a rotated file has had no data for {@code waitNanos} since it rotated or last grew. */
    boolean rotateWaitOver(long nowNanos, long waitNanos) {
        return rotated && nowNanos - Math.max(rotatedAtNanos, lastDataNanos) >= waitNanos;
    }

    /** Whether every byte of the file was read and every complete line published. */
    boolean atEof() throws IOException {
        return lines.scannedAll() && size() <= lines.readPos();
    }

    /**
     * Whether the file is read to its end, no multiline record is pending, and everything published from
     * it was acknowledged.
     */
    boolean drained() throws IOException {
        return atEof() && !hasPendingRecord() && acked >= accountedNext;
    }

    /** Whether a multiline record is waiting for more lines (its lines are read, not yet published). */
    boolean hasPendingRecord() {
        return multiline != null && multiline.hasPending();
    }

    /** The offset of the first line of the pending multiline record, or -1 if none is pending. */
    long pendingRecordOffset() {
        return multiline == null ? -1 : multiline.pendingOffset();
    }

    /** Whether everything published from this file was acknowledged. */
    boolean fullyAcknowledged() {
        return acked >= accountedNext;
    }

    /**
     * Publishes buffered lines, then reads once and publishes the new complete lines.
     *
     * @return whether anything was read or published
     * @throws InterruptedException if interrupted while the ring is full
     */
    boolean poll(long readTimeNanos) throws IOException, InterruptedException {
        if (lines.readPos() > 0) {
            ensureId(); // else from the bytes of the first read, below
        }
        boolean worked = lines.hasUnscanned();
        if (!publishLines(readTimeNanos)) {
            return worked;
        }
        long size = size();
        if (size <= lines.readPos()) {
            return worked;
        }
        if (replaced) {
            return worked;
        }
        if (lines.makeRoom() >= 0) {
            input.counters().longLineSkipped();
        }
        long from = lines.readPos();
        int at = lines.end();
        int n = data.read(lines.array(), at, lines.free(), from);
        // A plain file is checked AFTER the read: rewritten in place between a look and a read (a disk_log wrap
        // file reused, a copytruncate), the read returns the new data's bytes from the middle of a line. Those
        // are left in the buffer's free space, unread; the input reads the new data from its start
        // (RotationHandler#replacedInPlace). The size was measured before the read: when the data is still the
        // same after it, the size is this data's, not that of what replaced it. A read from the start is checked
        // against one look at the head, which then gives the fingerprint and origin id (headOfFirstRead).
        byte[] firstHead = null;
        if (data.growing()) {
            boolean same;
            if (from == 0 && n > 0) {
                firstHead = headOfFirstRead(at, n);
                same = firstHead != null;
            } else {
                same = sameData();
            }
            if (!same) {
                return n > 0 || worked;
            }
            lastSize = Math.max(lastSize, size);
        }
        if (n <= 0) {
            return worked;
        }
        if (lines.filled(n)) {
            linesTaken++; // a long line skipped up to its newline
        }
        input.counters().bytesRead(n);
        lastDataNanos = System.nanoTime();
        if (!identity.fingerprint().complete() && lines.readPos() > identity.fingerprint().length()) {
            byte[] head = firstHead != null ? firstHead : data.head();
            identity = identity.withFingerprint(Fingerprint.of(head, head.length));
        }
        if (firstHead != null) {
            ensureId(firstHead);
        } else {
            ensureId();
        }
        publishLines(readTimeNanos);
        return true;
    }

    /**
     * For a read from the data's start ({@code n} bytes at {@code at} of the buffer): the head as it is now, if it
     * is this data's (it has the fingerprint the data was found with) and begins with the bytes read; else null,
     * and the data counts as replaced. A file found empty, then written and rewritten around the read, would
     * otherwise take the replacing data's head for its fingerprint and origin id. The one look serves the check
     * ({@link #sameData} for later reads), the fingerprint and the origin id.
     */
    private byte[] headOfFirstRead(int at, int n) throws IOException {
        byte[] head = data.head();
        int k = Math.min(n, head.length);
        Fingerprint fp = identity.fingerprint();
        if (k == 0 || !fp.matches(head) || !Arrays.equals(head, 0, k, lines.array(), at, at + k)) {
            replaced = true;
            return null;
        }
        if (head.length > fp.length()) {
            identity = identity.withFingerprint(Fingerprint.of(head, head.length));
        }
        return head;
    }

    /** Fixes the origin id from the file's first line, once, before anything of the file is published. */
    private void ensureId() throws IOException {
        if (id == null && size() > 0) {
            ensureId(data.head());
        }
    }

    /** Fixes the origin id from {@code head}, the data's leading bytes, if it holds the first line whole. */
    private void ensureId(byte[] head) {
        if (id == null && (NewlineScanner.indexOf(head, 0, head.length) >= 0 || head.length == Fingerprint.MAX_BYTES)) {
            id = FileIdentity.originId(head, head.length);
        }
    }

    /**
     * Publishes what is left when a rotated file is let go, as it cannot grow any more: its unfinished
     * last line, then the multiline record still pending (forced out: no line can join it now). If the
     * data ended in a cut (see {@link TailData#endedInCut()}), the last line is a fragment: counted as
     * lost and logged, not published (under the offset the whole line has, it would stand in for it); the
     * pending record, made of complete lines before it, is published all the same.
     */
    void publishRemainder(long readTimeNanos) throws InterruptedException {
        if (data.endedInCut()) {
            int dropped = lines.dropCutRemainder();
            if (dropped > 0) {
                input.counters().lost(dropped);
            }
        } else if (lines.takeRemainder()) {
            if (id == null) {
                try {
                    byte[] head = data.head();
                    id = FileIdentity.originId(head, head.length);
                } catch (IOException e) {
                    id = identity.id();
                }
            }
            LineBatch batch = input.batch();
            batch.begin(lines.array(), tag, input.decoder(), this, readTimeNanos);
            if (multiline != null) {
                acceptLine(batch, lines.lineStart(), lines.lineLength(), lines.lineOffset(), lines.lineNextOffset());
            } else {
                batch.add(lines.lineStart(), lines.lineLength(), lines.lineOffset(), lines.lineNextOffset());
            }
            publish(batch);
            linesTaken++;
        }
        flushMultiline(readTimeNanos, true);
    }

    /** A new reading of the same open file from offset 0, after it was truncated; this one keeps no channel. */
    TailedFile restartAfterTruncation(int chunkSize, int maxLineSize) throws IOException {
        ownsData = false;
        byte[] head = data.head();
        TailedFile t = new TailedFile(input, path, family, segment, data,
                identity.withFingerprint(Fingerprint.of(head, head.length)), null, tag, 0, chunkSize, maxLineSize);
        t.rotated = rotated;
        t.rotatedAtNanos = rotatedAtNanos;
        return t;
    }

    void closeChannel() {
        if (ownsData) {
            data.close();
        }
    }

    /** The DB entry for this file, or null while it has no data to identify it by. */
    PositionDb.Entry entry() {
        if (identity.fingerprint().length() == 0) {
            return null;
        }
        return new PositionDb.Entry(id, identity.fingerprint(), identity.key(), acked, family.toString(), false);
    }

    /** The DB entry saying this file was read to its end and acknowledged (see {@link #doneWhenAcknowledged}). */
    PositionDb.Entry doneEntry() {
        return new PositionDb.Entry(id, doneFingerprint, overwritten ? identity.key().overwritten() : identity.key(),
                acked, family.toString(), true);
    }

    /**
     * Hands on a multiline record whose Flush_Timeout has passed (no continuation came), or, with
     * {@code force}, whatever is pending (the file was let go, or the input ends).
     */
    void flushMultiline(long readTimeNanos, boolean force) throws InterruptedException {
        // ensureId() ran in poll() before any line reached the assembler.
        if (multiline == null || !multiline.hasPending()) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now < multiline.flushDeadlineNanos()) {
            return;
        }
        LineBatch batch = input.batch();
        batch.begin(lines.array(), tag, input.decoder(), this, readTimeNanos);
        multilineSink.into(batch);
        multiline.flush(now, force, multilineSink);
        multilineSink.rethrowInterrupt();
        publish(batch);
    }

    /** Publishes complete lines in the buffer; false if Mem_Buf_Limit says to stop reading for now. */
    private boolean publishLines(long readTimeNanos) throws InterruptedException {
        LineBatch batch = input.batch();
        byte[] buf = lines.array();
        batch.begin(buf, tag, input.decoder(), this, readTimeNanos);
        boolean skipEmpty = input.config().skipEmptyLines();
        long budget = input.memBudget();
        while (lines.nextLine()) {
            int from = lines.lineStart();
            int len = lines.lineLength();
            linesTaken++;
            if (len == 0 && skipEmpty) {
                continue;
            }
            long next = lines.lineNextOffset();
            if (multiline != null) {
                acceptLine(batch, from, len, lines.lineOffset(), next);
                if (input.held()) {
                    publish(batch);
                    return false;
                }
                continue;
            }
            // A full batch goes out; so does one that reaches Mem_Buf_Limit, so reading stops at the
            // line that crossed it, not a batch later (or at the batch after which the spool was full).
            if (batch.add(from, len, lines.lineOffset(), next) || next - accountedNext > budget) {
                publish(batch);
                if (input.held()) {
                    return false;
                }
            }
        }
        publish(batch);
        return true;
    }

    /**
     * Gives the line {@code lines.array()[from, from+len)} to the multiline assembler, whose records join
     * {@code batch} (or go out at once when joined), and counts the records it split at max_record_size.
     */
    private void acceptLine(LineBatch batch, int from, int len, long offset, long nextOffset)
            throws InterruptedException {
        multilineSink.into(batch);
        input.counters().linesRead(1);
        multiline.accept(lines.array(), from, len, offset, nextOffset, System.nanoTime(), multilineSink);
        long splits = multiline.counters().oversize();
        if (splits > splitsCounted) {
            input.multilineRecordsSplit(this, splits - splitsCounted, offset);
            splitsCounted = splits;
        }
        multilineSink.rethrowInterrupt();
    }

    /** Hands the batch to the ring and accounts for it (Mem_Buf_Limit, counters); empties it. */
    private void publish(LineBatch batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        if (id == null) {
            id = identity.id(); // not reached: ensureId ran before anything was read
        }
        input.publisher().publish(batch);
        long next = batch.lastNextOffset();
        input.published(next - accountedNext);
        accountedNext = next;
        if (multiline == null) {
            input.counters().linesRead(batch.size()); // one record per line (with multiline: counted in acceptLine)
        }
        batch.clear();
    }
}
