package dev.ferry.agent.source.segment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Lists the log files in what {@code ferry replay} is given — a directory, a single log file (plain,
 * {@code .gz} or {@code .zst}), or a tar archive (plain, gzip or zstd compressed: {@code .tar},
 * {@code .tar.gz}/{@code .tgz}, {@code .tar.zst}) — grouped into file families and handed over
 * oldest first, each as a {@link SegmentReader} of its uncompressed data.
 *
 * <pre>
 *  source ──▶ kind (by content: a tar is recognised by "ustar" at offset 257 of its decompressed data)
 *         ──▶ members (regular files; disk_log .idx/.siz left out, but used for ordering)
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
 * already in order. Nested archives are members like any other file (not opened).
 *
 * <p>Not thread-safe: one thread walks. Readers handed to the handler are closed by the walker after
 * the handler returns; the handler must not keep them.
 */
public final class ArchiveWalker {

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
         * A member that cannot be opened (a disk_log internal-format file). Rethrows by default,
         * which ends the walk; return to go on with the next member.
         */
        default void unreadable(Member member, IOException error) throws IOException {
            throw error;
        }
    }

    private static final int TAR_HEADER = 512;

    private final Path source;
    private final SourceKind kind;
    private final List<Family> families;

    private ArchiveWalker(Path source, SourceKind kind, List<Family> families) {
        this.source = source;
        this.kind = kind;
        this.families = families;
    }

    /**
     * Inspects {@code source}: lists a directory (recursively), or reads a tar archive through once.
     *
     * @throws IOException if it cannot be read, or a compressed tar is damaged
     */
    public static ArchiveWalker open(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return new ArchiveWalker(source, SourceKind.DIRECTORY, listDirectory(source));
        }
        if (isTar(source)) {
            return new ArchiveWalker(source, SourceKind.TAR, listTar(source));
        }
        BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
        Member m = new Member(source.getFileName().toString(), a.size(), a.lastModifiedTime().toMillis());
        return new ArchiveWalker(source, SourceKind.FILE, List.of(new Family("", RotationName.parse(m.name()).base(),
                List.of(m))));
    }

    public SourceKind kind() {
        return kind;
    }

    /** The families, by directory then base name; members oldest first. */
    public List<Family> families() {
        return families;
    }

    /** Hands every member to {@code handler}, family by family, oldest first. */
    public void walk(MemberHandler handler) throws IOException {
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

    private static void hand(MemberHandler handler, Member m, Opener opener) throws IOException {
        SegmentReader r;
        try {
            r = opener.open();
        } catch (UnsupportedSegmentException e) {
            handler.unreadable(m, e);
            return;
        }
        try (r) {
            handler.member(m, r);
        }
    }

    private static List<Family> listDirectory(Path dir) throws IOException {
        List<Member> members = new ArrayList<>();
        Map<String, byte[]> indexFiles = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    continue;
                }
                String rel = dir.relativize(p).toString().replace('\\', '/');
                Member m = new Member(rel, a.size(), a.lastModifiedTime().toMillis());
                if (RotationName.parse(m.fileName()).diskLogIndex()) {
                    indexFiles.put(rel, Files.readAllBytes(p));
                } else {
                    members.add(m);
                }
            }
        }
        return group(members, indexFiles);
    }

    private static boolean isTar(Path file) throws IOException {
        try (SegmentReader r = SegmentReaderFactory.open(file)) {
            byte[] h = new byte[TAR_HEADER];
            int n = 0;
            while (n < h.length) {
                int k = r.read(h, n, h.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
            return n == TAR_HEADER && h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        } catch (UnsupportedSegmentException | SegmentCorruptException e) {
            return false;
        }
    }

    private static TarArchiveInputStream openTar(Path file) throws IOException {
        return new TarArchiveInputStream(SegmentReaderFactory.open(file).asInputStream());
    }

    private static List<Family> listTar(Path file) throws IOException {
        List<Member> members = new ArrayList<>();
        Map<String, byte[]> indexFiles = new HashMap<>();
        try (TarArchiveInputStream tar = openTar(file)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile()) {
                    continue;
                }
                Member m = new Member(stripDot(e.getName()), e.getSize(), e.getModTime().getTime());
                if (RotationName.parse(m.fileName()).diskLogIndex()) {
                    indexFiles.put(m.name(), tar.readAllBytes());
                } else {
                    members.add(m);
                }
            }
        }
        return group(members, indexFiles);
    }

    private static String stripDot(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    /** Groups members into families and orders them; disk_log wrap families by their index. */
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
            out.add(new Family(directory, base, List.copyOf(ms)));
        }
        out.sort(Comparator.comparing(Family::directory).thenComparing(Family::base));
        return List.copyOf(out);
    }

    private static List<Member> wrapOrder(List<Member> ms, DiskLogWrapIndex idx) {
        Map<Long, Member> byNumber = new HashMap<>();
        List<Member> rest = new ArrayList<>();
        for (Member m : ms) {
            RotationName n = RotationName.parse(m.fileName());
            if (n.kind() == RotationName.Kind.NUMBERED && n.compression().isEmpty()) {
                byNumber.put(n.number(), m);
            } else {
                rest.add(m);
            }
        }
        RotationName.sortOldestFirst(rest, m -> RotationName.parse(m.fileName()), Member::modifiedMillis);
        List<Member> out = new ArrayList<>(rest);
        for (int f : idx.oldestFirst()) {
            Member m = byNumber.remove((long) f);
            if (m != null) {
                out.add(m);
            }
        }
        out.addAll(0, byNumber.values());
        return out;
    }

    private void walkTar(MemberHandler handler) throws IOException {
        List<Member> plan = new ArrayList<>();
        for (Family f : families) {
            plan.addAll(f.members());
        }
        Map<String, Integer> turn = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            turn.put(plan.get(i).name(), i);
        }
        Map<Integer, Path> spooled = new HashMap<>();
        Path spool = null;
        int next = 0;
        try (TarArchiveInputStream tar = openTar(source)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null && next < plan.size(); ) {
                Integer t = e.isFile() ? turn.get(stripDot(e.getName())) : null;
                if (t == null || t < next || spooled.containsKey(t)) {
                    continue; // not a member, or a duplicate name already handed over
                }
                if (t > next) {
                    if (spool == null) {
                        spool = Files.createTempDirectory("ferry-replay-");
                    }
                    Path p = spool.resolve(Integer.toString(t));
                    Files.copy(tar, p);
                    spooled.put(t, p);
                    continue;
                }
                Member m = plan.get(next++);
                InputStream entry = new FilterInputStream(tar) {
                    @Override
                    public void close() {
                        // the archive stays open for the next member
                    }
                };
                hand(handler, m, () -> SegmentReaderFactory.open(source + "!" + m.name(), entry));
                next = handSpooled(handler, plan, spooled, next);
            }
            handSpooled(handler, plan, spooled, next);
        } finally {
            if (spool != null) {
                for (Path p : spooled.values()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(spool);
            }
        }
    }

    private int handSpooled(MemberHandler handler, List<Member> plan, Map<Integer, Path> spooled, int next)
            throws IOException {
        while (next < plan.size() && spooled.containsKey(next)) {
            Member m = plan.get(next);
            Path p = spooled.remove(next);
            try {
                hand(handler, m, () -> SegmentReaderFactory.open(source + "!" + m.name(), Files.newInputStream(p)));
            } finally {
                Files.deleteIfExists(p);
            }
            next++;
        }
        return next;
    }
}
