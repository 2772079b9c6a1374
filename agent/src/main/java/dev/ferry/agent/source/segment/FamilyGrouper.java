package dev.ferry.agent.source.segment;

import dev.ferry.agent.source.segment.ArchiveWalker.Family;
import dev.ferry.agent.source.segment.ArchiveWalker.Member;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the members a source listed into {@link Family families} (same directory, same
 * {@link RotationName#base()}) and orders each oldest first, the active file last: by
 * {@link DiskLogWrapIndex} where the family has a disk_log {@code .idx} file, else by
 * {@link RotationName#sortOldestFirst}.
 *
 * <p>Stateless; may be called from any thread.
 */
final class FamilyGrouper {

    private FamilyGrouper() {
    }

    /**
     * Groups members into families and orders them; disk_log wrap families by their index. Members of
     * one name (a tar may hold a name twice) keep the order they were listed in.
     */
    static List<Family> group(List<Member> members, Map<String, byte[]> indexFiles) throws IOException {
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
}
