package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

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
 *
 * <p>This class is the entry point; the work is done by package-private classes, one job each:
 * {@link DirectoryLister} and {@link TarLister} list a source into a {@link Listing},
 * {@link FamilyGrouper} groups and orders the members, {@link TarWalker} walks a tar the second time
 * (through {@link TarMemberStream}, one member's data as stored), and {@link TarArchives} holds what
 * the tar classes share.
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

    private final Path source;
    private final SourceKind kind;
    private final List<Family> families;
    /** Regular members in the order the source listed them (tar order for an archive). */
    private final List<Member> listed;
    private final List<Listing.Problem> problems;
    /** Where the first read of a tar found it cut short or damaged; null if it did not. */
    private final SegmentCorruptException listDamage;

    private ArchiveWalker(Path source, SourceKind kind, Listing listing) throws IOException {
        this.source = source;
        this.kind = kind;
        this.families = FamilyGrouper.group(listing.members, listing.indexFiles);
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
            return new ArchiveWalker(source, SourceKind.DIRECTORY, DirectoryLister.list(source));
        }
        if (TarArchives.isTar(source) || TarArchives.isEmptyTar(source)) {
            return new ArchiveWalker(source, SourceKind.TAR, TarLister.list(source));
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

    /** The file a member is read from: the source itself, or a file of the source directory; null in a tar. */
    public Path fileOf(Member m) {
        return switch (kind) {
            case FILE -> source;
            case DIRECTORY -> source.resolve(m.name());
            case TAR -> null;
        };
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
        for (Listing.Problem p : problems) {
            handler.unreadable(p.member(), p.error());
        }
        if (kind == SourceKind.TAR) {
            new TarWalker(source, families, listed, listDamage).walk(handler);
            return;
        }
        for (Family f : families) {
            for (Member m : f.members()) {
                Path p = fileOf(m);
                if (kind == SourceKind.DIRECTORY && emptyTar(handler, m, p)) {
                    continue;
                }
                hand(handler, m, () -> SegmentReaderFactory.open(p));
            }
        }
    }

    /**
     * Reports a file of a directory that is an empty tar archive ({@link TarArchives#isEmptyTar}) as a tar inside
     * a directory, which {@link #hand} cannot tell from its head; false for any other file (and for one that cannot
     * be read, which {@link #hand} then reports).
     */
    private static boolean emptyTar(MemberHandler handler, Member m, Path p) throws IOException {
        SegmentFormat outer;
        try {
            if (!TarArchives.isEmptyTar(p)) {
                return false;
            }
            outer = SegmentFormat.of(p);
        } catch (InterruptedIOException | ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            return false;
        }
        handler.unreadable(m, new UnsupportedSegmentException(p.toString(), outer, SegmentFormat.TAR));
        return true;
    }

    /** Opens a member's reader for {@link #hand}. */
    interface Opener {
        SegmentReader open() throws IOException;
    }

    /**
     * Opens a member and hands it over, or reports it unreadable: if it cannot be opened, or its data
     * (decompressed) is a tar or compressed data again, which would be shipped as binary lines.
     */
    static void hand(MemberHandler handler, Member m, Opener opener) throws IOException {
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
}
