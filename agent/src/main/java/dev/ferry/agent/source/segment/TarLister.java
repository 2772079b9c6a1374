package dev.ferry.agent.source.segment;

import static dev.ferry.agent.source.segment.TarArchives.damage;
import static dev.ferry.agent.source.segment.TarArchives.openTar;
import static dev.ferry.agent.source.segment.TarArchives.regularFile;
import static dev.ferry.agent.source.segment.TarArchives.stripDot;

import dev.ferry.agent.source.segment.ArchiveWalker.Member;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the log files of a tar archive given to {@code ferry replay}, reading it through once (the
 * first of the two reads {@link ArchiveWalker} makes of a tar).
 *
 * <p>Regular files are members, in archive order; a name the archive holds twice is two members.
 * Symbolic and hard links, devices and other entries that are not regular files are left out and
 * logged (directories silently). disk_log {@code .idx}/{@code .siz} files are read into
 * {@link Listing#indexFiles}. An archive cut short or damaged does not fail the listing: the members
 * before the damage are listed and {@link Listing#damage} says where it is.
 *
 * <p>Stateless; {@link #list} may be called from any thread.
 */
final class TarLister {

    /** ArchiveWalker's logger, so that the log lines name the class they always named. */
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWalker.class);

    private TarLister() {
    }

    static Listing list(Path file) throws IOException {
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
}
