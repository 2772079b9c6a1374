package dev.ferry.agent.source.segment;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the log files in what {@code ferry replay} is given — a directory, a single log file (plain,
 * {@code .gz} or {@code .zst}), or a tar archive (plain, gzip or zstd compressed: {@code .tar},
 * {@code .tar.gz}/{@code .tgz}, {@code .tar.zst}) — grouped into file families and handed over
 * oldest first, each as a {@link SegmentReader} of its uncompressed data.
 *
 * <pre>
 *  source ──▶ kind (by content: a tar is recognised by "ustar" at offset 257 of its decompressed data)
 *         ──▶ members (regular files; disk_log .idx/.siz left out, but used for ordering;
 *                      tar symbolic and hard links left out, logged; a file a directory reaches twice
 *                      through a symbolic link listed once)
 *         ──▶ families: same directory + same {@link RotationName#base()}:
 *               app.log.2.gz, app.log.1.gz, app.log.0, app.log        (oldest first, the active file last)
 *         ──▶ walk: handler(member, reader) for each member of each family, in that order
 * </pre>
 *
 * <h2>Tar archives are read twice</h2>
 * A tar can only be read front to back, and its order is whatever the archiver saw. {@link #open}
 * reads it once to list the members (and the small disk_log index files); {@link #walk} reads it once
 * more and hands each member over in family order. A member met before its turn is copied, as stored
 * (still compressed), into a temporary directory and handed over from there when its turn comes; so
 * at worst the temporary space is the archive's unpacked size, and none is used when the archive is
 * already in order. A name the archive holds twice is two members, handed over in the archive's order.
 * Every member listed is handed over (or reported to {@link MemberHandler#unreadable}); none is
 * skipped silently.
 *
 * <h2>What is refused, what is reported</h2>
 * <ul>
 *   <li>A member in a format ferry does not read (disk_log internal, xz, bzip2, zip, 7z, lz4, by its
 *       first bytes), or whose data, once decompressed, is a tar or compressed again (a nested archive):
 *       {@link UnsupportedSegmentException} to {@link MemberHandler#unreadable}; none of it is handed on.</li>
 *   <li>A file that cannot be opened (unreadable, a dangling symbolic link) or a directory that cannot
 *       be listed: {@link MemberHandler#unreadable}, then the walk goes on.</li>
 *   <li>A tar cut short or damaged: the members before the damage are handed over as usual; the member
 *       the damage is in is handed over up to it, and its reader then throws a
 *       {@link SegmentCorruptException} naming {@code archive!member}; damage between members goes to
 *       {@link MemberHandler#damaged}. Nothing after the damage can be read (tar has no index).</li>
 * </ul>
 * In a directory, symbolic links to directories are followed (a link back to a directory above it is
 * not, and is logged); a file reached by more than one path (a symbolic or hard link: same device and
 * inode) is listed once, under the path that has no symbolic link in it, else the first by name.
 *
 * <p>Not thread-safe: one thread walks. Readers handed to the handler are closed by the walker after
 * the handler returns; the handler must not keep them.
 */
public final class ArchiveWalker {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWalker.class);

    /** What the source is. */
    public enum SourceKind { DIRECTORY, FILE, TAR }

    /**
     * One log file in the source.
     *
     * @param name the path relative to the source directory or inside the archive ({@code /}-separated);
     *     the file name for a single file
     * @param size bytes as stored (compressed size for a compressed member)
     * @param modifiedMillis modification time
     */
    public record Member(String name, long size, long modifiedMillis) {

        /** The file name without its directory. */
        public String fileName() {
            int slash = name.lastIndexOf('/');
            return slash < 0 ? name : name.substring(slash + 1);
        }

        String directory() {
            int slash = name.lastIndexOf('/');
            return slash < 0 ? "" : name.substring(0, slash);
        }
    }

    /**
     * Files of one log: the rotated ones oldest first, then the active one.
     *
     * @param directory the members' directory in the source ({@code ""} at the top)
     * @param base the name of the active file ({@code app.log} for {@code app.log.1.gz})
     */
    public record Family(String directory, String base, List<Member> members) {
    }

    /** Receives members in order. */
    public interface MemberHandler {

        /** Reads {@code reader} (closed by the walker afterwards). */
        void member(Member member, SegmentReader reader) throws IOException;

        /**
         * A member that cannot be opened or listed ({@link UnsupportedSegmentException} for a format
         * ferry does not read). Rethrows by default, which ends the walk; return to go on with the next
         * member.
         */
        default void unreadable(Member member, IOException error) throws IOException {
            throw error;
        }

        /**
         * The tar archive cannot be read past some point, and no member's reader reported it: every
         * member before it was handed over, nothing after it can be read. Called once, at the end of the
         * walk, with a {@link SegmentCorruptException} naming the archive. Rethrows by default.
         */
        default void damaged(SegmentCorruptException error) throws IOException {
            throw error;
        }
    }

    /** A file or directory of a directory source that cannot be listed or opened. */
    private record Problem(Member member, IOException error) {
    }

    private final Path source;
    private final SourceKind kind;
    private final List<Family> families;
    /** Regular members in the order the source listed them (tar order for an archive). */
    private final List<Member> listed;
    private final List<Problem> problems;
    /** Where the first read of a tar found it cut short or damaged; null if it did not. */
    private final SegmentCorruptException listDamage;

    private ArchiveWalker(Path source, SourceKind kind, Listing listing) throws IOException {
        this.source = source;
        this.kind = kind;
        this.families = group(listing.members, listing.indexFiles);
        this.listed = List.copyOf(listing.members);
        this.problems = List.copyOf(listing.problems);
        this.listDamage = listing.damage;
    }

    /**
     * Inspects {@code source}: lists a directory (recursively), or reads a tar archive through once.
     * Damage found in a tar does not fail this: it is reported by {@link #walk}.
     *
     * @throws IOException if the source itself cannot be read
     */
    public static ArchiveWalker open(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return new ArchiveWalker(source, SourceKind.DIRECTORY, listDirectory(source));
        }
        if (isTar(source)) {
            return new ArchiveWalker(source, SourceKind.TAR, listTar(source));
        }
        BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
        Listing l = new Listing();
        l.members.add(new Member(source.getFileName().toString(), a.size(), a.lastModifiedTime().toMillis()));
        return new ArchiveWalker(source, SourceKind.FILE, l);
    }

    public SourceKind kind() {
        return kind;
    }

    /** The families, by directory then base name; members oldest first. */
    public List<Family> families() {
        return families;
    }

    /**
     * Whether the source holds nothing to hand over or report: no log file, no file that cannot be
     * read, no damage (an empty directory, a tar of only directories or links).
     */
    public boolean empty() {
        return families.isEmpty() && problems.isEmpty() && listDamage == null;
    }

    /**
     * Hands every member to {@code handler}, family by family, oldest first (files of a directory that
     * cannot be opened or listed first, to {@link MemberHandler#unreadable}).
     */
    public void walk(MemberHandler handler) throws IOException {
        for (Problem p : problems) {
            handler.unreadable(p.member(), p.error());
        }
        if (kind == SourceKind.TAR) {
            walkTar(handler);
            return;
        }
        for (Family f : families) {
            for (Member m : f.members()) {
                Path p = kind == SourceKind.FILE ? source : source.resolve(m.name());
                hand(handler, m, () -> SegmentReaderFactory.open(p));
            }
        }
    }

    private interface Opener {
        SegmentReader open() throws IOException;
    }

    /**
     * Opens a member and hands it over, or reports it unreadable: if it cannot be opened, or its data
     * (decompressed) is a tar or compressed data again, which would be shipped as binary lines.
     */
    private static void hand(MemberHandler handler, Member m, Opener opener) throws IOException {
        SegmentReader r;
        try {
            r = opener.open();
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            handler.unreadable(m, e);
            return;
        }
        PeekingSegmentReader peeked;
        try {
            peeked = new PeekingSegmentReader(r, SegmentFormat.TAR_HEADER);
        } catch (InterruptedIOException | ClosedByInterruptException | RuntimeException e) {
            r.close();
            throw e;
        } catch (IOException e) {
            r.close();
            handler.unreadable(m, e);
            return;
        }
        byte[] head = peeked.head();
        SegmentFormat inner = SegmentFormat.isTar(head, head.length) ? SegmentFormat.TAR
                : SegmentFormat.detect(head, head.length);
        if (inner != SegmentFormat.PLAIN) {
            peeked.close();
            handler.unreadable(m, new UnsupportedSegmentException(r.name(), r.format(), inner));
            return;
        }
        try (peeked) {
            handler.member(m, peeked);
        }
    }

    /** What the first look at a source found. */
    private static final class Listing {
        final List<Member> members = new ArrayList<>();
        final Map<String, byte[]> indexFiles = new HashMap<>();
        final List<Problem> problems = new ArrayList<>();
        SegmentCorruptException damage;
    }

    /** A regular file of a directory, with whether its path has no symbolic link in it. */
    private record Found(Path path, String name, BasicFileAttributes attributes, boolean direct) {
    }

    private static Listing listDirectory(Path dir) throws IOException {
        Listing out = new Listing();
        Path realRoot = dir.toRealPath();
        Map<Object, Found> byFile = new LinkedHashMap<>(); // by file key (device and inode), else real path
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                if (!d.equals(dir) && Files.isSymbolicLink(d)) {
                    LOG.info("A symbolic link to a directory is followed; its files are replayed. source={} link={}",
                            dir, relative(dir, d));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                String name = relative(dir, p);
                if (a.isSymbolicLink()) {
                    out.problems.add(new Problem(new Member(name, 0, 0), new NoSuchFileException(p.toString(), null,
                            "a symbolic link to " + linkTarget(p) + ", which does not exist")));
                } else if (!a.isRegularFile()) {
                    LOG.info("A directory entry that is not a regular file is not replayed. source={} file={}", dir, name);
                } else {
                    try {
                        Path real = p.toRealPath();
                        Found f = new Found(p, name, a, real.equals(realRoot.resolve(dir.relativize(p))));
                        byFile.merge(a.fileKey() != null ? a.fileKey() : real, f, ArchiveWalker::preferred);
                    } catch (IOException e) {
                        out.problems.add(new Problem(new Member(name, 0, 0), e));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) {
                if (e instanceof FileSystemLoopException) {
                    LOG.warn("A symbolic link leads back to a directory it is in; it is not followed again (its files"
                            + " are replayed once, from the directory itself). source={} link={}", dir, relative(dir, p));
                } else {
                    out.problems.add(new Problem(new Member(relative(dir, p), 0, 0), e));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Found f : byFile.values()) {
            Member m = new Member(f.name(), f.attributes().size(), f.attributes().lastModifiedTime().toMillis());
            if (RotationName.parse(m.fileName()).diskLogIndex()) {
                try {
                    out.indexFiles.put(m.name(), Files.readAllBytes(f.path()));
                } catch (IOException e) {
                    out.problems.add(new Problem(m, e));
                }
            } else {
                out.members.add(m);
            }
        }
        return out;
    }

    /** Of two paths to one file: the one without a symbolic link in it, else the first by name; logs the other. */
    private static Found preferred(Found a, Found b) {
        Found kept = a.direct() != b.direct() ? (a.direct() ? a : b) : (a.name().compareTo(b.name()) <= 0 ? a : b);
        Found other = kept == a ? b : a;
        LOG.info("A file is reached twice in a directory (through a symbolic or hard link); it is replayed once. file={}"
                + " also_reached_as={}", kept.path(), other.path());
        return kept;
    }

    private static String relative(Path dir, Path p) {
        return dir.relativize(p).toString().replace('\\', '/');
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static boolean isTar(Path file) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            byte[] h = new byte[SegmentFormat.TAR_HEADER];
            int n = 0;
            while (n < h.length) {
                int k = r.read(h, n, h.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
            return SegmentFormat.isTar(h, n);
        } catch (UnsupportedSegmentException | SegmentCorruptException e) {
            return false;
        }
    }

    private static TarArchiveInputStream openTar(Path file) throws IOException {
        return new TarArchiveInputStream(SegmentReaderFactory.open(file).asInputStream());
    }

    /**
     * Whether a tar entry is a regular file's data. commons-compress's {@code isFile()} is also true for
     * symbolic and hard links (which have no data of their own) and devices.
     */
    private static boolean regularFile(TarArchiveEntry e) {
        return e.isFile() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice() && !e.isBlockDevice()
                && !e.isFIFO();
    }

    private static Listing listTar(Path file) throws IOException {
        Listing out = new Listing();
        Set<String> names = new HashSet<>();
        String last = null;
        try (TarArchiveInputStream tar = openTar(file)) {
            while (true) {
                TarArchiveEntry e;
                try {
                    e = tar.getNextEntry();
                } catch (IOException x) {
                    out.damage = damage(file, tar.getBytesRead(), last, x);
                    break;
                }
                if (e == null) {
                    break;
                }
                String name = stripDot(e.getName());
                if (e.isSymbolicLink()) {
                    LOG.info("A symbolic link in the archive is not replayed (its target is, if it is a file of the"
                            + " archive). archive={} entry={} target={}", file, name, e.getLinkName());
                    continue;
                }
                if (e.isLink()) {
                    String target = stripDot(e.getLinkName());
                    if (names.contains(target)) {
                        LOG.info("A hard link in the archive is the same file as a member replayed already; it is not"
                                + " replayed twice. archive={} entry={} same_as={}", file, name, target);
                    } else {
                        LOG.warn("A hard link in the archive names a file that is not in it; nothing is replayed for it."
                                + " archive={} entry={} target={}", file, name, target);
                    }
                    continue;
                }
                if (!regularFile(e)) {
                    if (!e.isDirectory()) {
                        LOG.info("An entry of the archive that is not a regular file is not replayed. archive={} entry={}",
                                file, name);
                    }
                    continue;
                }
                last = name;
                names.add(name);
                Member m = new Member(name, e.getSize(), e.getModTime().getTime());
                if (RotationName.parse(m.fileName()).diskLogIndex()) {
                    try {
                        out.indexFiles.put(m.name(), tar.readAllBytes());
                    } catch (IOException x) {
                        out.damage = damage(file, tar.getBytesRead(), last, x);
                        break;
                    }
                } else {
                    out.members.add(m);
                }
            }
        }
        return out;
    }

    private static SegmentCorruptException damage(Path archive, long tarOffset, String lastMember, IOException cause) {
        long compressed = cause instanceof SegmentCorruptException s ? s.compressedOffset() : -1;
        return new SegmentCorruptException(archive.toString(), SegmentFormat.TAR, reason(cause), tarOffset, compressed,
                (lastMember == null ? "no member can be read from it" : "nothing can be read after its member " + lastMember)
                        + " (" + cause.getMessage() + ")", cause);
    }

    private static SegmentCorruptException.Reason reason(IOException e) {
        boolean truncated = e instanceof EOFException
                || e instanceof SegmentCorruptException s && s.reason() == SegmentCorruptException.Reason.TRUNCATED
                || String.valueOf(e.getMessage()).contains("Truncated");
        return truncated ? SegmentCorruptException.Reason.TRUNCATED : SegmentCorruptException.Reason.CORRUPT;
    }

    private static String stripDot(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    /**
     * Groups members into families and orders them; disk_log wrap families by their index. Members of
     * one name (a tar may hold a name twice) keep the order they were listed in.
     */
    private static List<Family> group(List<Member> members, Map<String, byte[]> indexFiles) throws IOException {
        Map<String, List<Member>> byFamily = new LinkedHashMap<>();
        for (Member m : members) {
            String key = m.directory() + "/" + RotationName.parse(m.fileName()).base();
            byFamily.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
        }
        List<Family> out = new ArrayList<>();
        for (Map.Entry<String, List<Member>> e : byFamily.entrySet()) {
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            String directory = key.substring(0, slash);
            String base = key.substring(slash + 1);
            List<Member> ms = e.getValue();
            String prefix = directory.isEmpty() ? base : directory + "/" + base;
            byte[] idx = indexFiles.get(prefix + ".idx");
            if (idx != null) {
                ms = wrapOrder(ms, DiskLogWrapIndex.parse(prefix + ".idx", idx, indexFiles.get(prefix + ".siz")));
            } else {
                ms = new ArrayList<>(ms);
                RotationName.sortOldestFirst(ms, m -> RotationName.parse(m.fileName()), Member::modifiedMillis);
            }
            out.add(new Family(directory, base, listedOrderForEqualNames(ms, e.getValue())));
        }
        out.sort(Comparator.comparing(Family::directory).thenComparing(Family::base));
        return List.copyOf(out);
    }

    /** {@code sorted}, with the members that share a name put back in their {@code listed} order. */
    private static List<Member> listedOrderForEqualNames(List<Member> sorted, List<Member> listed) {
        Map<String, ArrayDeque<Member>> byName = new HashMap<>();
        for (Member m : listed) {
            byName.computeIfAbsent(m.name(), k -> new ArrayDeque<>()).add(m);
        }
        List<Member> out = new ArrayList<>(sorted.size());
        for (Member m : sorted) {
            out.add(byName.get(m.name()).poll());
        }
        return List.copyOf(out);
    }

    private static List<Member> wrapOrder(List<Member> ms, DiskLogWrapIndex idx) {
        Map<Long, List<Member>> byNumber = new LinkedHashMap<>();
        List<Member> rest = new ArrayList<>();
        for (Member m : ms) {
            RotationName n = RotationName.parse(m.fileName());
            if (n.kind() == RotationName.Kind.NUMBERED && n.compression().isEmpty()) {
                byNumber.computeIfAbsent(n.number(), k -> new ArrayList<>()).add(m);
            } else {
                rest.add(m);
            }
        }
        RotationName.sortOldestFirst(rest, m -> RotationName.parse(m.fileName()), Member::modifiedMillis);
        List<Member> out = new ArrayList<>(rest);
        for (int f : idx.oldestFirst()) {
            List<Member> m = byNumber.remove((long) f);
            if (m != null) {
                out.addAll(m);
            }
        }
        List<Member> notInIndex = new ArrayList<>();
        byNumber.values().forEach(notInIndex::addAll);
        out.addAll(0, notInIndex);
        return out;
    }

    /** A member copied to the temporary directory before its turn; {@code failure} if its data was cut short. */
    private record Spooled(Path path, SegmentCorruptException failure) {
    }

    private void walkTar(MemberHandler handler) throws IOException {
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
                        new MemberStream(tar, false, name, null, () -> { }).transferTo(out);
                    } catch (SegmentCorruptException x) {
                        failure = x; // what was copied is handed over, then this
                    }
                    spooled.put(t, new Spooled(p, failure));
                    continue;
                }
                next++;
                MemberStream data = new MemberStream(tar, false, name, null, shown);
                hand(handler, m, () -> SegmentReaderFactory.open(name, data));
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
                hand(handler, m, () -> SegmentReaderFactory.open(name,
                        new MemberStream(Files.newInputStream(s.path()), true, name, s.failure(), shown)));
            } finally {
                Files.deleteIfExists(s.path());
            }
            next++;
        }
        return next;
    }

    /**
     * One member's data as stored. A failure to read it (the archive cut short or damaged inside it)
     * becomes a {@link SegmentCorruptException} naming {@code archive!member}; {@code atEnd}, if not
     * null, is thrown instead of the end of the data (a spooled copy of a member that was cut short).
     */
    private static final class MemberStream extends FilterInputStream {

        private final boolean ownsStream;
        private final String name;
        private final SegmentCorruptException atEnd;
        private final Runnable onFailure;
        private long read;

        MemberStream(InputStream in, boolean ownsStream, String name, SegmentCorruptException atEnd, Runnable onFailure) {
            super(in);
            this.ownsStream = ownsStream;
            this.name = name;
            this.atEnd = atEnd;
            this.onFailure = onFailure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (InterruptedIOException | ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                onFailure.run();
                throw new SegmentCorruptException(name, SegmentFormat.TAR, reason(e), read, -1,
                        "the archive ends or is damaged after " + read + " bytes of this member as stored ("
                                + e.getMessage() + "); nothing after it in the archive can be read", e);
            }
            if (n < 0 && atEnd != null && len > 0) {
                onFailure.run();
                throw atEnd;
            }
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int k = read(scratch, 0, (int) Math.min(scratch.length, n - done));
                if (k < 0) {
                    break;
                }
                done += k;
            }
            return done;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] buf = new byte[64 * 1024];
            long done = 0;
            for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
                out.write(buf, 0, n);
                done += n;
            }
            return done;
        }

        /**
         * Always 0: a {@link java.io.BufferedInputStream} reads on within one call while the stream says
         * more is available, and drops the bytes it has when a later read in that call throws, so the
         * bytes before a damaged part would be lost instead of shipped.
         */
        @Override
        public int available() {
            return 0;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() throws IOException {
            if (ownsStream) {
                in.close(); // the archive itself stays open for the next member
            }
        }
    }
}
