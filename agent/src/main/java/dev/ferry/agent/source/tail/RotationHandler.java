package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.FileIdentity;
import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.segment.DiskLogWrapIndex;
import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentFormat;
import dev.ferry.agent.source.segment.SegmentLength;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a tail input does when data moves under it: it looks at a watched file's rotated siblings
 * ({@link #catchUp}) and opens the segments not read yet, and it reads a file that holds new data in
 * place again from its start, taking what was not read of the old data from its rotated copy
 * ({@link #replacedInPlace}), counting what was lost then; for the files of OTP disk_log wrap logs it
 * follows the item counts in their {@code .idx} ({@link #observeWrapIndexes}) so that lost lines can be
 * counted, not only bytes. See {@link TailInput} for the rules.
 *
 * <p>Works on the input's file set, saved positions and let-go files, which it shares with
 * {@link TailInput}; called by the input's thread only.
 */
final class RotationHandler {

    private static final Logger log = LoggerFactory.getLogger(RotationHandler.class);

    private final TailInput input;
    private final TailConfig config;
    private final TailTag tag;
    private final TailCounters counters;
    private final FileDiscovery discovery;
    private final SiblingTracker siblings;
    private final Map<FileKey, TailedFile> files;
    private final List<TailedFile> releasing;
    private final List<PositionDb.Entry> saved;
    private final AtomicBoolean dbDirty;
    /** Families to look at again: a sibling could not be read (still being compressed, or opened). */
    private final Set<Path> recheck = new LinkedHashSet<>();

    /**
     * @param files the input's open files by key (segments opened here are added)
     * @param releasing files let go whose acknowledgements are awaited
     * @param saved DB entries not matched to a file yet (entries matched here are taken out)
     * @param dbDirty set when something the DB holds changed
     */
    RotationHandler(TailInput input, TailTag tag, FileDiscovery discovery, SiblingTracker siblings,
                    Map<FileKey, TailedFile> files, List<TailedFile> releasing, List<PositionDb.Entry> saved,
                    AtomicBoolean dbDirty) {
        this.input = input;
        this.config = input.config();
        this.tag = tag;
        this.counters = input.counters();
        this.discovery = discovery;
        this.siblings = siblings;
        this.files = files;
        this.releasing = releasing;
        this.saved = saved;
        this.dbDirty = dbDirty;
    }

    /** Asks for another look at {@code family}'s siblings (see {@link #recheckNow}). */
    void recheckLater(Path family) {
        recheck.add(family);
    }

    /** Looks again at the families asked for. */
    void recheckNow() {
        if (recheck.isEmpty()) {
            return;
        }
        List<Path> again = new ArrayList<>(recheck);
        recheck.clear();
        for (Path family : again) {
            catchUp(family, true);
        }
    }

    /**
     * A file that holds new data at the same path and inode (truncated: copytruncate; or reused in
     * place: OTP disk_log wrap): read again from offset 0; what was not read of the old data comes from
     * a rotated sibling holding it (logrotate's copy), else it is counted as lost: the bytes seen and
     * not read, and, for a disk_log wrap file, the lines disk_log recorded for the old data and ferry
     * did not take (unknown, and said so, if ferry never saw that count; see {@link WrapGeneration}).
     */
    void replacedInPlace(TailedFile f, String how, long readTimeNanos) throws IOException, InterruptedException {
        try {
            readAgainFromTheStart(f, how, readTimeNanos);
        } finally {
            // Counted last, so that whoever sees the truncation also sees what it cost (lost lines and bytes).
            counters.truncation();
        }
    }

    private void readAgainFromTheStart(TailedFile f, String how, long readTimeNanos) throws IOException, InterruptedException {
        long resumeAt = f.unpublishedOffset();
        long knownEnd = f.knownEnd();
        f.flushMultiline(readTimeNanos, true); // the old data's pending record goes out before any new line
        TailedFile again = f.restartAfterTruncation(config.bufferChunkSize(), config.bufferMaxSize());
        files.put(f.identity().key(), again);
        siblings.dequeue(f);
        if (again.rotated()) {
            siblings.enqueue(again);
        }
        dbDirty.set(true);
        // The copy is looked for even when everything ferry saw of the old data was read: lines written after its
        // last look and before the truncation (a busy file; a tail held by a full spool) are only in the copy.
        SiblingTracker.Found copy = findCopy(f);
        if (copy != null && !mayHoldMoreThan(copy, resumeAt)) {
            copy = null;
        }
        TailedFile rest = copy == null ? null : openSegment(copy, f.family(), resumeAt, f.savedId(), "copy");
        if (rest == null) {
            // The old data is over: once acknowledged it is done, so that a copy of it (logrotate's
            // app.log.1) is never taken for data not seen. When a copy is read on, the copy becomes done.
            f.overwrittenWhenAcknowledged();
        }
        if (!f.fullyAcknowledged()) {
            releasing.add(f);
        } else if (rest == null) {
            siblings.addDone(f.doneEntry());
        }
        if (rest != null) {
            rest.expectEnd(knownEnd);
            log.info("File {} before it was read to its end; its unread part is read from its rotated copy, then"
                    + " the file from the start. path={} copy={} offset={}", how, f.file(), copy.path(), resumeAt);
            return;
        }
        long lostBytes = Math.max(0, knownEnd - resumeAt);
        WrapGeneration wrap = f.wrapGeneration();
        long lostLines = wrap == null ? 0 : lostLines(f, wrap);
        if (lostBytes == 0 && lostLines == 0) {
            log.info("File {}; everything in it was read. Reading it again from the start. path={} offset={}",
                    how, f.file(), f.readPos());
            return;
        }
        counters.lost(lostBytes);
        if (wrap == null) {
            log.warn("File {} before it was read to its end, and no rotated copy holds the rest: the unread bytes are"
                    + " lost. Reading it again from the start. path={} lost_bytes={} offset={} size_seen={}", how,
                    f.file(), lostBytes, resumeAt, knownEnd);
            return;
        }
        if (lostLines < 0) {
            if (lostBytes > 0) {
                log.warn("OTP disk_log wrap file reused before it was read to its end: the unread lines are lost, and"
                        + " how many is not known (ferry did not see disk_log's count for them). Reading it again"
                        + " from the start. path={} lost_lines=unknown lost_bytes={} offset={} size_seen={}",
                        f.file(), lostBytes, resumeAt, knownEnd);
            } else {
                log.info("File {}; everything seen in it was read (lines written after ferry's last look cannot be"
                        + " counted: disk_log's count for them was not seen). Reading it again from the start. path={}"
                        + " offset={}", how, f.file(), f.readPos());
            }
            return;
        }
        counters.lostLines(lostLines);
        log.warn("OTP disk_log wrap file reused before it was read to its end: the lines disk_log wrote to it and ferry"
                + " had not read are lost. Reading it again from the start. path={} lost_lines={} lost_bytes={}"
                + " lines_recorded={} lines_read={} offset={} size_seen={}", f.file(), lostLines, lostBytes,
                wrap.recordedItems(), f.linesTaken(), resumeAt, knownEnd);
    }

    /** Lines disk_log recorded for {@code f}'s data and ferry did not take; -1 if not known. */
    private static long lostLines(TailedFile f, WrapGeneration wrap) {
        long recorded = wrap.recordedItems();
        if (recorded < 0) {
            return -1;
        }
        if (recorded < f.linesTaken()) {
            log.warn("OTP disk_log recorded fewer items for a wrap file than ferry read lines from it (items that are"
                    + " not one line each?); lines lost are not counted for it. path={} lines_recorded={}"
                    + " lines_read={}", f.file(), recorded, f.linesTaken());
            return -1;
        }
        return recorded - f.linesTaken();
    }

    /**
     * Looks at the {@code .idx} of every disk_log wrap log whose files are read, and records for each
     * file the count disk_log wrote for the data it holds, once that count is final (see
     * {@link WrapGeneration}); called at every maintenance round, also while reading is paused, so
     * that a file reused while ferry lags is counted. Each index is read once per round, before the
     * files are checked.
     */
    void observeWrapIndexes() {
        Map<Path, DiskLogWrapIndex> indexes = null;
        for (TailedFile f : files.values()) {
            WrapGeneration g = f.wrapGeneration();
            if (g == null || g.settled() || f.replaced() || f.identity().fingerprint().length() == 0) {
                continue;
            }
            indexes = indexes == null ? new HashMap<>() : indexes;
            DiskLogWrapIndex idx = indexes.computeIfAbsent(g.log(), RotationHandler::readIndex);
            if (idx == null) {
                continue;
            }
            try {
                if (g.observe(idx, f.sameData())) { // after the index was read: see WrapGeneration
                    counters.wrapCountRecorded();
                }
            } catch (IOException e) {
                log.debug("Cannot check a wrap file; looking again later. path={} error={}", f.file(), e.toString());
            }
        }
    }

    private static DiskLogWrapIndex readIndex(Path wrapLog) {
        try {
            return DiskLogWrapIndex.read(wrapLog);
        } catch (IOException e) {
            log.debug("Cannot read a disk_log index; looking again later. log={} error={}", wrapLog, e.toString());
            return null;
        }
    }

    /** Whether {@code copy} may hold bytes past {@code offset}: a plain copy longer than that, or a compressed one. */
    private static boolean mayHoldMoreThan(SiblingTracker.Found copy, long offset) {
        try {
            return SegmentFormat.of(copy.path()) != SegmentFormat.PLAIN || Files.size(copy.path()) > offset;
        } catch (IOException e) {
            return true; // opening it says what is wrong
        }
    }

    /** The youngest rotated sibling holding the data {@code f} held before it was replaced, not read yet. */
    private SiblingTracker.Found findCopy(TailedFile f) {
        Fingerprint old = f.identity().fingerprint();
        if (old.length() == 0) {
            return null;
        }
        List<SiblingTracker.Found> found;
        try {
            found = siblings.list(f.family());
        } catch (IOException e) {
            log.warn("Cannot list the rotated siblings of a file. path={} error={}", f.family(), e.toString());
            return null;
        }
        for (int i = found.size() - 1; i >= 0; i--) {
            SiblingTracker.Found s = found.get(i);
            if (s.head() != null && !s.key().equals(f.identity().key()) && !files.containsKey(s.key())
                    && old.matches(s.head())) {
                return s;
            }
        }
        return null;
    }

    /**
     * Looks at the rotated siblings of {@code family} and reads those not read yet (see the class
     * documentation); with {@code readUnseen} false (very first start without Read_from_Head), records
     * data never seen as done instead.
     */
    void catchUp(Path family, boolean readUnseen) {
        List<SiblingTracker.Found> found;
        try {
            found = siblings.list(family);
        } catch (IOException e) {
            log.warn("Cannot list the rotated siblings of a file; trying again later. path={} error={}", family,
                    e.toString());
            recheck.add(family);
            return;
        }
        boolean complete = true;
        for (SiblingTracker.Found s : found) {
            if (s.sibling().active() || (discovery.matches(s.path()) && plain(s.path()))) {
                continue; // the file disk_log writes now, or one Path reads itself
            }
            if (discovery.excluded(s.path())) {
                // Exclude_Path vetoes a sibling as it does a file Path matches: Fluent Bit reads neither.
                log.debug("Rotated sibling left unread: Exclude_Path matches it. path={} family={}", s.path(), family);
                continue;
            }
            byte[] head = s.head();
            if (head == null) {
                complete = false; // still being compressed, or unreadable: look again later
                continue;
            }
            if (head.length == 0 || files.containsKey(s.key()) || beingRead(head)) {
                continue;
            }
            PositionDb.Entry done = siblings.doneWith(head);
            if (done != null) {
                String grew = growthSinceDone(s, family, found, done);
                if (grew != null && readOn(s, family, done, grew) == null) {
                    complete = false;
                }
                continue;
            }
            PositionDb.Entry resume = PositionDb.bestMatch(saved, head, s.key());
            if (resume != null) {
                saved.remove(resume);
                if (openSegment(s, family, resume.offset(), resume.id(), "db") == null) {
                    saved.add(resume);
                    complete = false;
                }
            } else if (readUnseen && !tooOld(s)) {
                if (openSegment(s, family, 0, null, "never read") == null) {
                    complete = false;
                }
            } else {
                // Done as far as it goes now: should its writer still write to it, what it adds is read.
                siblings.addDone(new PositionDb.Entry(FileIdentity.originId(head, head.length),
                        Fingerprint.of(head, head.length), s.key(), plainSize(s), family.toString(), true));
                dbDirty.set(true);
                log.info("Rotated sibling left unread: {}. path={} family={}", readUnseen
                        ? "older than Ignore_Older" : "history at the very first start (Read_from_Head Off)",
                        s.path(), family);
            }
        }
        siblings.forgetMissing();
        if (complete) {
            siblings.pruneDone(family, found);
            dbDirty.set(true);
        } else {
            recheck.add(family);
        }
    }

    /**
     * How {@code s} holds more than {@code done} was read to (said in the log), or null if it does not. A done entry at
     * offset 0 is history left unread as an earlier release recorded it (today's record its size then): it stays
     * unread.
     * <ul>
     *   <li>{@code s} is the very file (same inode) that {@code done} was read to the end of, and has grown since:
     *       its writer still held it after Rotate_Wait passed with no new data, and wrote on.</li>
     *   <li>{@code s} is a compressed copy of that data, made after its writer wrote on and before ferry looked
     *       again (logrotate's {@code compress}, the next run after a {@code delaycompress}), and its uncompressed
     *       data is longer. While the file itself is still there ({@code gzip -k}), it is compared instead. A copy's
     *       framing tells most lengths ({@link SegmentLength#byFraming}); otherwise it is decompressed once it has
     *       not changed for Rotate_Wait. Once per copy: a copy that holds no more takes over the done entry
     *       ({@link #coverCopy}). Data overwritten in place ({@link dev.ferry.agent.source.FileKey#overwritten()})
     *       has no such copies: what was not read of it was counted lost.</li>
     * </ul>
     */
    private String growthSinceDone(SiblingTracker.Found s, Path family, List<SiblingTracker.Found> found,
                                   PositionDb.Entry done) {
        if (done.offset() <= 0) {
            return null;
        }
        if (s.key().equals(done.key())) {
            return plainSize(s) > done.offset() ? "grew after it was let go" : null;
        }
        if (plain(s.path()) || done.key().isOverwritten() || stillThere(found, done)) {
            return null;
        }
        boolean longer;
        try {
            SegmentLength.Told told = SegmentLength.byFraming(s.path(), done.offset());
            if (told == SegmentLength.Told.NOT_TOLD && System.currentTimeMillis() - s.sibling().modifiedMillis()
                    < config.rotateWait().toMillis()) {
                recheck.add(family); // maybe still being compressed: decompressed once it is left alone
                return null;
            }
            longer = told == SegmentLength.Told.NOT_TOLD ? SegmentLength.longerThanByDecompressing(s.path(),
                    done.offset()) : told == SegmentLength.Told.LONGER;
        } catch (SegmentCorruptException e) {
            log.info("A compressed copy of a file read to its end is damaged or cut short within what was read; it is"
                    + " not read. path={} offset={} error={}", s.path(), done.offset(), e.getMessage());
            longer = false;
        } catch (IOException e) {
            log.debug("Cannot tell whether a compressed copy of a file read to its end holds more; looking again"
                    + " at the next Refresh_Interval. path={} error={}", s.path(), e.toString());
            return null;
        }
        if (longer) {
            return "compressed copy of a file that grew after it was let go";
        }
        coverCopy(s, done);
        return null;
    }

    /** Whether the file {@code done} was read from is among the siblings {@code found}, with its data. */
    private static boolean stillThere(List<SiblingTracker.Found> found, PositionDb.Entry done) {
        for (SiblingTracker.Found f : found) {
            if (f.key().equals(done.key()) && f.head() != null && done.fingerprint().matches(f.head())) {
                return true;
            }
        }
        return false;
    }

    /** Makes {@code done} the entry of its compressed copy {@code s}, so that {@code s} is not decompressed again. */
    private void coverCopy(SiblingTracker.Found s, PositionDb.Entry done) {
        siblings.addDone(new PositionDb.Entry(done.id(), done.fingerprint(), s.key(), done.offset(), done.path(), true));
        dbDirty.set(true);
    }

    /** The size of a plain (uncompressed) sibling; 0 for a compressed one, or one gone meanwhile. */
    private static long plainSize(SiblingTracker.Found s) {
        if (!plain(s.path())) {
            return 0;
        }
        try {
            return Files.size(s.path());
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Reads a done sibling on from where it was left ({@link #growthSinceDone}, which says how it {@code grew}); null if
     * it cannot be opened now.
     */
    private TailedFile readOn(SiblingTracker.Found s, Path family, PositionDb.Entry done, String grew) {
        siblings.removeDone(done);
        TailedFile f = openSegment(s, family, done.offset(), done.id(), grew);
        if (f == null) {
            siblings.addDone(done);
            return null;
        }
        counters.lateWrite();
        log.warn("A rotated file grew after it was let go: its writer still writes to it, though Rotate_Wait ({}) "
                + "passed without new data. Reading on from where it was left{}; raise Rotate_Wait, or have the writer "
                + "reopen its file at rotation. path={} family={} offset={}", config.rotateWait(),
                s.key().equals(done.key()) ? "" : ", in the compressed copy made since", s.path(), family,
                done.offset());
        dbDirty.set(true);
        return f;
    }

    /** Asks for a look at the siblings of every family with done entries (a done file may have grown since). */
    void recheckDoneFamilies() {
        for (PositionDb.Entry d : siblings.done()) {
            Path family = Path.of(d.path());
            if (discovery.matches(family)) {
                recheck.add(family);
            }
        }
    }

    /** Whether Ignore_Older leaves this sibling alone, as it does files Path matches. */
    private boolean tooOld(SiblingTracker.Found s) {
        return config.ignoreOlder() != null
                && s.sibling().modifiedMillis() < System.currentTimeMillis() - config.ignoreOlder().toMillis();
    }

    private static boolean plain(Path p) {
        try {
            return SegmentFormat.of(p) == SegmentFormat.PLAIN;
        } catch (IOException e) {
            return true;
        }
    }

    /** At start: the families of DB entries no file Path found now matched (their data may be in siblings). */
    void catchUpSavedFamilies() {
        Set<Path> families = new LinkedHashSet<>();
        for (PositionDb.Entry e : saved) {
            families.add(Path.of(e.path()));
        }
        for (PositionDb.Entry e : siblings.done()) {
            families.add(Path.of(e.path()));
        }
        for (Path family : families) {
            if (discovery.matches(family)) {
                catchUp(family, true);
            }
        }
        siblings.retainDoneFamilies(discovery::matches);
    }

    /** Whether data starting with {@code head} is being read now, or was and awaits acknowledgement. */
    private boolean beingRead(byte[] head) {
        for (TailedFile f : files.values()) {
            if (holds(f, head)) {
                return true;
            }
        }
        for (TailedFile f : releasing) {
            if (holds(f, head)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code head} is the start of {@code f}'s data (a copy still being written may be shorter).
     * The fingerprint taken while reading decides when it is complete; a shorter one (a file opened
     * nearly empty and rotated before it was read past it, as OTP logger_std_h does at 200 KB a file
     * between two looks) is not enough: then the data's leading bytes as they are now decide.
     */
    private static boolean holds(TailedFile f, byte[] head) {
        if (f.replaced()) {
            return false;
        }
        Fingerprint fp = f.identity().fingerprint();
        if (fp.length() > 0 && head.length >= fp.length()) {
            if (fp.matches(head)) {
                return true;
            }
            if (fp.complete()) {
                return false;
            }
        }
        try {
            byte[] ours = f.head();
            return ours.length >= head.length && Arrays.equals(ours, 0, head.length, head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens a rotated sibling to read from uncompressed offset {@code offset}, queued behind the older
     * files of its family; returns null (logged) if it cannot be opened now.
     */
    private TailedFile openSegment(SiblingTracker.Found s, Path family, long offset, String id, String from) {
        String familyTag = tag.of(discovery.asFound(family));
        if (familyTag == null) {
            log.debug("Tag_Regex is not found in the path of a rotated segment's file; the segment is not read. "
                    + "path={} file={}", s.path(), family);
            return null;
        }
        TailData data;
        long start;
        SegmentFormat format;
        try {
            format = SegmentFormat.of(s.path());
            if (format == SegmentFormat.PLAIN) {
                FileChannel ch = FileChannel.open(s.path(), StandardOpenOption.READ);
                if (!s.key().equals(FileKey.ofOrNull(s.path()))) {
                    ch.close();
                    return null; // rotated on meanwhile; the next look finds it under its new name
                }
                data = new ChannelTailData(ch, s.path().toString());
                start = Math.min(offset, ch.size());
            } else {
                long giveUp = Math.max(config.rotateWait().toNanos(),
                        TimeUnit.MILLISECONDS.toNanos(SiblingTracker.STILL_WRITTEN_MILLIS));
                SegmentTailData sd = new SegmentTailData(s.path(), s.head(), offset, counters, giveUp);
                data = sd;
                start = sd.position();
            }
        } catch (SegmentCorruptException e) {
            log.debug("Rotated segment not complete yet; trying again later. path={} error={}", s.path(),
                    e.getMessage());
            return null;
        } catch (SegmentTailData.MovedException e) {
            log.debug("Rotated segment renamed on meanwhile; the next look finds it under its new name. error={}",
                    e.getMessage());
            return null;
        } catch (IOException e) {
            log.warn("Cannot open a rotated segment; trying again later. path={} error={}", s.path(), e.getMessage());
            return null;
        }
        if (start < offset) {
            log.warn("Rotated segment is shorter than its saved position; nothing more is read from it. path={}"
                    + " saved_offset={} size={}", s.path(), offset, start);
        }
        byte[] head = s.head();
        TailedFile f = new TailedFile(input, s.path(), family, true, data,
                new FileIdentity(s.key(), Fingerprint.of(head, head.length)), id,
                familyTag, start, config.bufferChunkSize(), config.bufferMaxSize());
        files.put(s.key(), f);
        siblings.enqueue(f);
        counters.segmentOpened();
        dbDirty.set(true);
        log.info("Reading rotated segment. path={} family={} from={} offset={} format={}", s.path(), family, from,
                start, format.label());
        return f;
    }
}
