package dev.ferry.agent.source.segment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rotated siblings of a watched log file, oldest first: where the data written before the
 * current file went ({@code app.log.0.gz}, {@code app.log-20240101}, an OTP wrap log's files).
 *
 * <h2>Which files ({@code Rotated_Path}, proposed tail key)</h2>
 * {@code Rotated_Path} is a comma-separated list of glob patterns matched against the names of the
 * files in the watched file's directory (never below it: a {@code /} is refused), in which
 * {@code ${name}} stands for the watched file's name. The default,
 * <pre>
 *  Rotated_Path  ${name}.*, ${name}-*
 * </pre>
 * keeps from those matches only names of the forms OTP {@code logger_std_h} and logrotate write
 * ({@code name.N}, {@code name.N.gz}, {@code name.N.zst}, {@code name-DATE}, {@code name-DATE.gz},
 * {@code name-DATE.zst}, DATE like {@code 20240101} or {@code 2024-01-01}, optionally with a time; see
 * {@link RotationName}); with configured patterns, every match counts (so {@code app-*.log} works for
 * schemes that put the date before the extension). Always left out: the watched file itself, and the
 * {@code .idx}/{@code .siz} files of a disk_log wrap log.
 *
 * <h2>Order</h2>
 * Oldest first: {@code name.N} by N descending (OTP and logrotate shift older files up), dates
 * ascending, mixed or unrecognised forms by modification time; ties by modification time then name.
 * A file and its compressed copy ({@code app.log.0} and {@code app.log.0.gz} while OTP's
 * {@code compress_on_rotate} runs) are both listed, the plain one first; they have the same
 * fingerprint, which is how the tail knows they are one piece of data.
 *
 * <p>If {@code name.idx} exists, the family is an OTP disk_log wrap log ({@link DiskLogWrapIndex}):
 * the files {@code name.1 .. name.N} are ordered by the index (the ring from the file after the
 * current one), not by number, and the current file, still being written, is the last one and marked
 * {@link Sibling#active()}. The watched path {@code name} itself does not exist in that case.
 *
 * <p>Immutable and thread-safe; {@link #list} reads the directory each time it is called.
 */
public final class RotatedSiblings {

    /** The default {@code Rotated_Path}. */
    public static final List<String> DEFAULT_PATTERNS = List.of("${name}.*", "${name}-*");

    private static final String NAME = "${name}";

    /**
     * One rotated file.
     *
     * @param path where it is
     * @param name what its name says (number, date, compression)
     * @param modifiedMillis its modification time
     * @param active true only for the current file of a disk_log wrap log, which is still written
     */
    public record Sibling(Path path, RotationName name, long modifiedMillis, boolean active) {
    }

    private final List<String> patterns;
    private final boolean defaults;

    private RotatedSiblings(List<String> patterns, boolean defaults) {
        this.patterns = List.copyOf(patterns);
        this.defaults = defaults;
    }

    /** The OTP and logrotate forms. */
    public static RotatedSiblings defaults() {
        return new RotatedSiblings(DEFAULT_PATTERNS, true);
    }

    /**
     * Configured patterns ({@code Rotated_Path}).
     *
     * @throws IllegalArgumentException if the list is empty or a pattern is blank, contains {@code /},
     *     or is not a valid glob
     */
    public static RotatedSiblings of(List<String> patterns) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("Rotated_Path needs at least one pattern");
        }
        for (String p : patterns) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("Rotated_Path has an empty pattern");
            }
            if (p.contains("/")) {
                throw new IllegalArgumentException("Rotated_Path pattern '" + p + "' contains '/': patterns name files"
                        + " in the watched file's directory");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + p.replace(NAME, "x"));
            } catch (IllegalArgumentException e) {
                String why = e instanceof java.util.regex.PatternSyntaxException x ? x.getDescription() : e.getMessage();
                throw new IllegalArgumentException("Rotated_Path pattern '" + p + "' is not a valid glob: " + why, e);
            }
        }
        return new RotatedSiblings(patterns, patterns.equals(DEFAULT_PATTERNS));
    }

    /** Parses the value of {@code Rotated_Path}: patterns separated by commas, blanks around them dropped. */
    public static RotatedSiblings parse(String value) {
        List<String> ps = new ArrayList<>();
        for (String p : value.split(",", -1)) {
            ps.add(p.strip());
        }
        return of(ps);
    }

    public List<String> patterns() {
        return patterns;
    }

    /**
     * The rotated siblings of {@code watched}, oldest first (see the class documentation).
     *
     * @param watched the path of the file the tail follows; it need not exist
     * @return an empty list if the directory does not exist
     * @throws IOException if the directory or a disk_log index cannot be read
     */
    public List<Sibling> list(Path watched) throws IOException {
        Path abs = watched.toAbsolutePath();
        Path dir = abs.getParent();
        String watchedName = abs.getFileName().toString();
        DiskLogWrapIndex wrap = DiskLogWrapIndex.read(abs);
        List<PathMatcher> matchers = new ArrayList<>();
        for (String p : patterns) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p.replace(NAME, globQuote(watchedName))));
        }
        List<Sibling> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.equals(watchedName) || !matches(matchers, p.getFileName())) {
                    continue;
                }
                RotationName rn = RotationName.parseSibling(n, watchedName);
                if (rn.diskLogIndex()) {
                    continue;
                }
                if (defaults && !(rn.base().equals(watchedName)
                        && (rn.kind() == RotationName.Kind.NUMBERED || rn.kind() == RotationName.Kind.DATED))) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // rotated away between listing and looking
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                out.add(new Sibling(p, rn, a.lastModifiedTime().toMillis(), false));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (wrap != null) {
            return wrapOrder(out, wrap, watchedName);
        }
        RotationName.sortOldestFirst(out, Sibling::name, Sibling::modifiedMillis);
        return out;
    }

    /** The files {@code name.1..N} in ring order, the current one last and active; others after by time. */
    private static List<Sibling> wrapOrder(List<Sibling> found, DiskLogWrapIndex wrap, String watchedName) {
        Map<Long, Sibling> byNumber = new HashMap<>();
        List<Sibling> rest = new ArrayList<>();
        for (Sibling s : found) {
            RotationName n = s.name();
            if (n.kind() == RotationName.Kind.NUMBERED && n.compression().isEmpty() && n.base().equals(watchedName)) {
                byNumber.put(n.number(), s);
            } else {
                rest.add(s);
            }
        }
        List<Sibling> out = new ArrayList<>();
        RotationName.sortOldestFirst(rest, Sibling::name, Sibling::modifiedMillis);
        out.addAll(rest);
        for (int f : wrap.oldestFirst()) {
            Sibling s = byNumber.remove((long) f);
            if (s != null) {
                out.add(f == wrap.currentFile() ? new Sibling(s.path(), s.name(), s.modifiedMillis(), true) : s);
            }
        }
        // numbers beyond the ring (left from a larger max_no_files): oldest of all
        List<Sibling> stale = new ArrayList<>(byNumber.values());
        RotationName.sortOldestFirst(stale, Sibling::name, Sibling::modifiedMillis);
        out.addAll(0, stale);
        return out;
    }

    private static boolean matches(List<PathMatcher> matchers, Path name) {
        for (PathMatcher m : matchers) {
            if (m.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static String globQuote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("*?[]{}\\!".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
