package dev.ferry.agent.source.segment;

import static dev.ferry.agent.source.segment.TarArchives.damage;
import static dev.ferry.agent.source.segment.TarArchives.openTar;
import static dev.ferry.agent.source.segment.TarArchives.regularFile;
import static dev.ferry.agent.source.segment.TarArchives.stripDot;

import dev.ferry.agent.source.segment.ArchiveWalker.Family;
import dev.ferry.agent.source.segment.ArchiveWalker.Member;
import dev.ferry.agent.source.segment.ArchiveWalker.MemberHandler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Walks a tar archive for {@link ArchiveWalker#walk}: reads it through a second time and hands each
 * member to the {@link MemberHandler} in family order (see "Tar archives are read twice" on
 * {@link ArchiveWalker}). A member met before its turn is copied, as stored, into a temporary
 * directory and handed over from there when its turn comes; the directory is deleted when the walk
 * ends. A listed member the second read does not find goes to {@link MemberHandler#unreadable}; damage
 * that no member's reader reported goes to {@link MemberHandler#damaged} once, at the end.
 *
 * <p>Not thread-safe: one thread walks.
 */
final class TarWalker {

    private final Path source;
    private final List<Family> families;
    /** Regular members in tar order, as {@link TarLister} listed them. */
    private final List<Member> listed;
    /** Where the first read of the tar found it cut short or damaged; null if it did not. */
    private final SegmentCorruptException listDamage;

    TarWalker(Path source, List<Family> families, List<Member> listed, SegmentCorruptException listDamage) {
        this.source = source;
        this.families = families;
        this.listed = listed;
        this.listDamage = listDamage;
    }

    /** A member copied to the temporary directory before its turn; {@code failure} if its data was cut short. */
    private record Spooled(Path path, SegmentCorruptException failure) {
    }

    void walk(MemberHandler handler) throws IOException {
        List<Member> plan = new ArrayList<>();
        for (Family f : families) {
            plan.addAll(f.members());
        }
        Map<Member, Integer> turn = new IdentityHashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            turn.put(plan.get(i), i);
        }
        Map<String, ArrayDeque<Member>> byName = new HashMap<>();
        for (Member m : listed) {
            byName.computeIfAbsent(m.name(), k -> new ArrayDeque<>()).add(m);
        }
        boolean[] damageShown = {false};
        Runnable shown = () -> damageShown[0] = true;
        SegmentCorruptException walkDamage = null;
        Map<Integer, Spooled> spooled = new HashMap<>();
        Path spool = null;
        int next = 0;
        try (TarArchiveInputStream tar = openTar(source)) {
            String last = null;
            while (next < plan.size()) {
                TarArchiveEntry e;
                try {
                    e = tar.getNextEntry();
                } catch (InterruptedIOException | ClosedByInterruptException x) {
                    throw x;
                } catch (IOException x) {
                    walkDamage = damage(source, tar.getBytesRead(), last, x);
                    break;
                }
                if (e == null) {
                    break;
                }
                ArrayDeque<Member> same = regularFile(e) ? byName.get(stripDot(e.getName())) : null;
                Member m = same == null ? null : same.poll();
                if (m == null) {
                    continue; // not a member: a link, a directory, a disk_log index file
                }
                last = m.name();
                int t = turn.get(m);
                String name = source + "!" + m.name();
                if (t > next) {
                    if (spool == null) {
                        spool = Files.createTempDirectory("ferry-replay-");
                    }
                    Path p = spool.resolve(Integer.toString(t));
                    SegmentCorruptException failure = null;
                    try (OutputStream out = Files.newOutputStream(p)) {
                        new TarMemberStream(tar, false, name, null, () -> { }).transferTo(out);
                    } catch (SegmentCorruptException x) {
                        failure = x; // what was copied is handed over, then this
                    }
                    spooled.put(t, new Spooled(p, failure));
                    continue;
                }
                next++;
                TarMemberStream data = new TarMemberStream(tar, false, name, null, shown);
                ArchiveWalker.hand(handler, m, () -> SegmentReaderFactory.open(name, data));
                next = handSpooled(handler, plan, spooled, next, shown);
            }
            for (; next < plan.size(); next++) {
                next = handSpooled(handler, plan, spooled, next, shown);
                if (next < plan.size()) {
                    Member m = plan.get(next);
                    handler.unreadable(m, new IOException("Member " + m.name() + " of archive " + source
                            + " was listed, but not found when the archive was read again to replay it"
                            + (walkDamage != null || listDamage != null ? " (the archive is damaged before it)"
                                    : " (was the archive changed meanwhile?)") + "; it was not replayed"));
                }
            }
        } finally {
            if (spool != null) {
                for (Spooled s : spooled.values()) {
                    Files.deleteIfExists(s.path());
                }
                Files.deleteIfExists(spool);
            }
        }
        SegmentCorruptException damage = walkDamage != null ? walkDamage : listDamage;
        if (damage != null && !damageShown[0]) {
            handler.damaged(damage);
        }
    }

    private int handSpooled(MemberHandler handler, List<Member> plan, Map<Integer, Spooled> spooled, int next,
                            Runnable shown) throws IOException {
        while (next < plan.size() && spooled.containsKey(next)) {
            Member m = plan.get(next);
            Spooled s = spooled.remove(next);
            String name = source + "!" + m.name();
            try {
                ArchiveWalker.hand(handler, m, () -> SegmentReaderFactory.open(name,
                        new TarMemberStream(Files.newInputStream(s.path()), true, name, s.failure(), shown)));
            } finally {
                Files.deleteIfExists(s.path());
            }
            next++;
        }
        return next;
    }
}
