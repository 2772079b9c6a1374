package dev.ferry.agent.source.segment;

import dev.ferry.agent.source.segment.ArchiveWalker.Member;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the first look at a source found: its log files in the order the source listed them (tar
 * order for an archive), the disk_log index files by name, the files that could not be listed or
 * opened, and where a tar was found cut short or damaged.
 *
 * <p>Filled by one thread ({@link DirectoryLister} or {@link TarLister}), then handed to
 * {@link ArchiveWalker}, which copies what it keeps.
 */
final class Listing {

    /** A file or directory of a directory source that cannot be listed or opened. */
    record Problem(Member member, IOException error) {
    }

    final List<Member> members = new ArrayList<>();
    final Map<String, byte[]> indexFiles = new HashMap<>();
    final List<Problem> problems = new ArrayList<>();
    /** Where a tar was found cut short or damaged; null if it was not. */
    SegmentCorruptException damage;
}
