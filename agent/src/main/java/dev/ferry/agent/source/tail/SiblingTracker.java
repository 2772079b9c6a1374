package dev.ferry.agent.source.tail;

import dev.ferry.agent.source.FileKey;
import dev.ferry.agent.source.Fingerprint;
import dev.ferry.agent.source.segment.RotatedSiblings;
import dev.ferry.agent.source.segment.SegmentCorruptException;
import dev.ferry.agent.source.segment.SegmentReader;
import dev.ferry.agent.source.segment.SegmentReaderFactory;
import dev.ferry.agent.source.segment.UnsupportedSegmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tail knows about the rotated siblings of the files it watches: their data's leading bytes
 * (cached, since reading them means decompressing), which data was already read to its end
 * ({@code done} entries of the position DB), and in which order a family's files are read.
 *
 * <h2>Order within a family</h2>
 * A family is a watched path and its rotated siblings. Its files queued here (rotated files still
 * draining, segments being read) are read one after the other, oldest first, and the live file only
 * once all of them are at their end: lines go out in the order they were written wherever that is
 * possible. A file that grows again after it was at its end (a writer still holding a rotated file) is
 * read on, out of order, rather than held back.
 *
 * <h2>Done entries</h2>
 * Kept per family while a sibling of it holds their data; dropped when a complete look at the
 * siblings finds none that does (rotated out of the family or deleted), and at most
 * {@value TailInput#MAX_DONE_ENTRIES} in all (the oldest go first).
 *
 * <p>Used by the input's thread only; not thread-safe.
 */
final class SiblingTracker {

    private static final Logger log = LoggerFactory.getLogger(SiblingTracker.class);

    /** A segment cut short and modified this recently may still be being written. */
    static final long STILL_WRITTEN_MILLIS = 30_000;

    /**
     * One rotated sibling as found now.
     *
     * @param head its uncompressed leading bytes, or null if they cannot be read now (a segment still
     *     being compressed, or one that cannot be read at all)
     */
    record Found(RotatedSiblings.Sibling sibling, FileKey key, byte[] head) {
        Path path() {
            return sibling.path();
        }
    }

    private record CachedHead(long size, long modifiedMillis, FileKey key, byte[] head) {
    }

    private final RotatedSiblings siblings;
    private final int maxDone;
    private final List<PositionDb.Entry> done = new ArrayList<>();
    /** Done entries that the last complete look at their family found in no sibling. */
    private final java.util.Set<PositionDb.Entry> missedOnce = new java.util.HashSet<>();
    private final Map<Path, CachedHead> heads = new HashMap<>();
    private final Map<Path, List<TailedFile>> queues = new LinkedHashMap<>();

    SiblingTracker(RotatedSiblings siblings, int maxDone) {
        this.siblings = siblings;
        this.maxDone = maxDone;
    }

    /** The rotated siblings of {@code family}, oldest first, with their heads. */
    List<Found> list(Path family) throws IOException {
        List<Found> out = new ArrayList<>();
        for (RotatedSiblings.Sibling s : siblings.list(family)) {
            Path p = s.path();
            BasicFileAttributes a;
            FileKey key;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
                key = FileKey.of(p);
            } catch (NoSuchFileException e) {
                heads.remove(p);
                continue; // rotated on between listing and looking
            }
            CachedHead c = heads.get(p);
            if (c == null || c.size != a.size() || c.modifiedMillis != a.lastModifiedTime().toMillis()
                    || !c.key.equals(key)) {
                c = new CachedHead(a.size(), a.lastModifiedTime().toMillis(), key,
                        readHead(p, a.lastModifiedTime().toMillis()));
                if (c.head != null) {
                    heads.put(p, c); // an unreadable one is tried again next time
                }
            }
            out.add(new Found(s, key, c.head));
        }
        return out;
    }

    /**
     * The first up to {@value Fingerprint#MAX_BYTES} uncompressed bytes; null while a segment cut short
     * may still be being written (modified in the last {@value #STILL_WRITTEN_MILLIS} ms), or if it
     * cannot be read. A damaged segment gives the bytes before the damage.
     */
    private static byte[] readHead(Path p, long modifiedMillis) {
        byte[] buf = new byte[Fingerprint.MAX_BYTES];
        int n = 0;
        try (SegmentReader r = SegmentReaderFactory.open(p)) {
            while (n < buf.length) {
                int k = r.read(buf, n, buf.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
        } catch (SegmentCorruptException e) {
            if (e.reason() == SegmentCorruptException.Reason.TRUNCATED
                    && System.currentTimeMillis() - modifiedMillis < STILL_WRITTEN_MILLIS) {
                log.debug("Rotated sibling not complete yet (still being written?). path={} error={}", p,
                        e.getMessage());
                return null;
            }
            // damaged: the bytes before the damage identify it; reading it reports the damage
        } catch (UnsupportedSegmentException e) {
            log.debug("Rotated sibling in a format ferry does not read. path={} error={}", p, e.getMessage());
            return null;
        } catch (IOException e) {
            return null;
        }
        return Arrays.copyOf(buf, n);
    }

    /** Forgets the cached heads of files that no longer exist (rotated out, deleted). */
    void forgetMissing() {
        heads.keySet().removeIf(p -> !Files.exists(p));
    }

    // ---- done entries

    void loadDone(PositionDb.Entry e) {
        addDone(e);
    }

    /** Remembers data read to its end (or left unread on purpose at the very first start). */
    void addDone(PositionDb.Entry e) {
        if (e.fingerprint().length() == 0) {
            return;
        }
        done.removeIf(d -> d.fingerprint().equals(e.fingerprint()) && d.path().equals(e.path()) && forget(d));
        done.add(e);
        if (done.size() > maxDone) {
            PositionDb.Entry dropped = done.remove(0);
            forget(dropped);
            log.info("Too many done entries in the position DB; the oldest is forgotten. path={} fingerprint={}"
                    + " max={}", dropped.path(), dropped.fingerprint(), maxDone);
        }
    }

    /** Forgets that {@code d} was missed at a look, as it leaves {@link #done}; always true. */
    private boolean forget(PositionDb.Entry d) {
        missedOnce.remove(d);
        return true;
    }

    /** The done entry of data starting with {@code head}, or null if none was read to its end. */
    PositionDb.Entry doneWith(byte[] head) {
        for (PositionDb.Entry d : done) {
            if (d.fingerprint().matches(head)) {
                return d;
            }
        }
        return null;
    }

    /** Forgets that {@code d}'s data was read to its end: it is being read on. */
    void removeDone(PositionDb.Entry d) {
        done.remove(d);
        forget(d);
    }

    /**
     * Drops the done entries of {@code family} whose data no sibling in {@code found} holds any more, and
     * held in none at the previous complete look either. One look is not enough: while a rotation renames
     * the siblings one by one (OTP's std handler: {@code .35.gz} to {@code .36.gz} down to {@code .0.gz}, every
     * 0.2 s at 3,000 lines/s), a directory listing can miss a file or find it gone by the time it is looked
     * at. Its done entry was then dropped, and the next look read it again as never read: a rotated file's
     * lines twice (OtpRotationIT, under load).
     */
    void pruneDone(Path family, List<Found> found) {
        String name = family.toString();
        for (Iterator<PositionDb.Entry> it = done.iterator(); it.hasNext(); ) {
            PositionDb.Entry d = it.next();
            if (!d.path().equals(name)) {
                continue;
            }
            boolean held = false;
            for (Found f : found) {
                if (f.head() != null && d.fingerprint().matches(f.head())) {
                    held = true;
                    break;
                }
            }
            if (held) {
                missedOnce.remove(d);
            } else if (!missedOnce.add(d)) {
                missedOnce.remove(d);
                it.remove();
            }
        }
    }

    /** Drops the done entries of families for which {@code keep} is false. */
    void retainDoneFamilies(java.util.function.Predicate<Path> keep) {
        done.removeIf(d -> !keep.test(Path.of(d.path())) && forget(d));
    }

    List<PositionDb.Entry> done() {
        return done;
    }

    // ---- order within a family

    /** Queues a rotated file or a segment behind the family's earlier ones. */
    void enqueue(TailedFile f) {
        List<TailedFile> q = queues.computeIfAbsent(f.family(), k -> new ArrayList<>());
        if (!q.contains(f)) {
            q.add(f);
        }
    }

    /** Takes a file out of its family's queue (let go, or back at its path). */
    void dequeue(TailedFile f) {
        List<TailedFile> q = queues.get(f.family());
        if (q != null && q.remove(f) && q.isEmpty()) {
            queues.remove(f.family());
        }
    }

    /** Whether {@code f} must wait: an older file of its family is not read to its end yet. */
    boolean waiting(TailedFile f) throws IOException {
        List<TailedFile> q = queues.get(f.family());
        if (q == null) {
            return false;
        }
        for (TailedFile older : q) {
            if (older == f) {
                return false;
            }
            if (!older.atEof()) {
                return true;
            }
        }
        return false;
    }
}
