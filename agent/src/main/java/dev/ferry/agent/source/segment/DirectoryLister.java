package dev.ferry.agent.source.segment;

import dev.ferry.agent.source.segment.ArchiveWalker.Member;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the log files of a directory source of {@code ferry replay}, recursively.
 *
 * <p>Symbolic links to directories are followed (a link back to a directory above it is not, and is
 * logged); a file reached by more than one path (a symbolic or hard link: same device and inode) is
 * listed once, under the path that has no symbolic link in it, else the first by name. A dangling
 * symbolic link, a file that cannot be opened and a directory that cannot be listed become
 * {@link Listing.Problem}s; disk_log {@code .idx}/{@code .siz} files are read into
 * {@link Listing#indexFiles} instead of being listed as members.
 *
 * <p>Stateless; {@link #list} may be called from any thread.
 */
final class DirectoryLister {

    /** ArchiveWalker's logger, so that the log lines name the class they always named. */
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWalker.class);

    private DirectoryLister() {
    }

    /** A regular file of a directory, with whether its path has no symbolic link in it. */
    private record Found(Path path, String name, BasicFileAttributes attributes, boolean direct) {
    }

    static Listing list(Path dir) throws IOException {
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
                    out.problems.add(new Listing.Problem(new Member(name, 0, 0), new NoSuchFileException(p.toString(), null,
                            "a symbolic link to " + linkTarget(p) + ", which does not exist")));
                } else if (!a.isRegularFile()) {
                    LOG.info("A directory entry that is not a regular file is not replayed. source={} file={}", dir, name);
                } else {
                    try {
                        Path real = p.toRealPath();
                        Found f = new Found(p, name, a, real.equals(realRoot.resolve(dir.relativize(p))));
                        byFile.merge(a.fileKey() != null ? a.fileKey() : real, f, DirectoryLister::preferred);
                    } catch (IOException e) {
                        out.problems.add(new Listing.Problem(new Member(name, 0, 0), e));
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
                    out.problems.add(new Listing.Problem(new Member(relative(dir, p), 0, 0), e));
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
                    out.problems.add(new Listing.Problem(m, e));
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
}
