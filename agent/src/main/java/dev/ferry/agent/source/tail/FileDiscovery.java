package dev.ferry.agent.source.tail;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the files a tail input reads: regular files matching one of the {@code Path} globs, not
 * matching an {@code Exclude_Path} glob, and (with {@code Ignore_Older}) modified recently enough.
 *
 * <p>A {@code Path} glob may hold wildcards in directory parts ({@code /var/log/*}{@code /app*.log});
 * {@code *} stays within one path part as in {@code glob(3)}, {@code **} crosses parts. Relative globs
 * are taken from the working directory (files are reported under their absolute paths; {@link #asFound}
 * gives the name Fluent Bit would use), and a leading {@code ~} is the home directory ({@code $HOME}), as
 * {@code GLOB_TILDE}. As in {@code glob(3)}, a name starting with {@code .} is matched only by a pattern
 * part starting with {@code .}. Symbolic links are followed (Kubernetes' {@code
 * /var/log/containers/*.log} are links), and a file is reported under the path it was found at.
 * {@code Exclude_Path} globs are matched against the whole path with {@code *} crossing {@code /},
 * as Fluent Bit's {@code fnmatch} does, so {@code *.gz} excludes every {@code .gz} file. The
 * {@code .idx}/{@code .siz} files of an OTP disk_log wrap log are never matched.
 *
 * <p>Used by the input's thread only; not thread-safe. Unreadable directories are skipped silently:
 * the next scan tries again.
 */
final class FileDiscovery {

    /**
     * One Path glob: the directory without wildcards it is walked from, how deep, its matcher, and its
     * parts below that directory (to tell which leading dots it names), and that directory as the
     * pattern wrote it when the pattern is relative (null when absolute).
     */
    private record Glob(Path base, int depth, PathMatcher matcher, List<String> below, Path writtenBase) {

        /**
         * Whether every name of {@code file} below the base that starts with {@code .} is named with that
         * dot by the pattern: as {@code glob(3)} without {@code GLOB_PERIOD}, {@code *}, {@code ?} and
         * {@code [...]} never match a leading dot, so {@code *.log} leaves {@code .hidden.log} alone.
         */
        boolean dotsNamed(Path file) {
            if (!file.startsWith(base)) {
                return false;
            }
            Path rel = base.relativize(file);
            boolean recursive = depth == Integer.MAX_VALUE;
            for (int i = 0; i < rel.getNameCount(); i++) {
                if (!rel.getName(i).toString().startsWith(".")) {
                    continue;
                }
                boolean named = recursive ? below.stream().anyMatch(p -> p.startsWith("."))
                        : i < below.size() && below.get(i).startsWith(".");
                if (!named) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Glob> includes = new ArrayList<>();
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final Duration ignoreOlder;

    /** The globs must be valid (checked by {@link TailConfig#from}); {@code ~} is the user's home directory. */
    FileDiscovery(List<String> paths, List<String> excludePaths, Duration ignoreOlder) {
        this(paths, excludePaths, ignoreOlder, home());
    }

    /** As above, with {@code home} for a leading {@code ~} in a Path glob. */
    FileDiscovery(List<String> paths, List<String> excludePaths, Duration ignoreOlder, String home) {
        for (String p : paths) {
            includes.add(glob(expandTilde(p, home)));
        }
        for (String e : excludePaths) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + fnmatchStyle(e)));
        }
        this.ignoreOlder = ignoreOlder;
    }

    /** The matching files now, sorted by path and without duplicates. */
    List<Path> scan() {
        Set<Path> found = new TreeSet<>();
        Instant oldest = ignoreOlder == null ? null : Instant.now().minus(ignoreOlder);
        for (Glob g : includes) {
            if (!Files.isDirectory(g.base)) {
                continue;
            }
            try {
                Files.walkFileTree(g.base, EnumSet.of(FileVisitOption.FOLLOW_LINKS), g.depth,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                if (attrs.isRegularFile() && g.matcher.matches(file) && g.dotsNamed(file)
                                        && !excluded(file)
                                        && !diskLogIndex(file)
                                        && (oldest == null || !attrs.lastModifiedTime().toInstant().isBefore(oldest))) {
                                    found.add(file);
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e) {
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (IOException e) {
                // the base vanished while walking; the next scan tries again
            }
        }
        return new ArrayList<>(found);
    }

    /** Whether {@code file} is one Path names (whether or not it exists): a Path glob matches it and no Exclude_Path does. */
    boolean matches(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        for (Glob g : includes) {
            if (g.matcher.matches(abs) && g.dotsNamed(abs)) {
                return !excluded(abs);
            }
        }
        return false;
    }

    /**
     * Whether {@code Ignore_Older} leaves {@code file} alone now: it was last modified longer ago (false
     * without Ignore_Older, or if it cannot be read).
     */
    boolean tooOld(Path file) {
        if (ignoreOlder == null) {
            return false;
        }
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(ignoreOlder));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether {@code file} is the {@code .idx} or {@code .siz} file of an OTP disk_log wrap log (the
     * other one is next to it): binary bookkeeping, never log lines, so a glob like
     * {@code application.log.*} does not pick them up.
     */
    static boolean diskLogIndex(Path file) {
        String n = file.getFileName().toString();
        String other = n.endsWith(".idx") ? ".siz" : n.endsWith(".siz") ? ".idx" : null;
        return other != null && Files.isRegularFile(file.resolveSibling(n.substring(0, n.length() - 4) + other));
    }

    /**
     * The name {@code glob(3)} gives {@code file} (absolute, as {@link #scan} reports it): for a relative
     * Path glob, relative as the glob was written ({@code logs/*.log} finds {@code logs/app.log},
     * {@code ./*.log} finds {@code ./app.log}); otherwise the absolute path. Fluent Bit composes the tag,
     * fills {@code Path_Key} and matches {@code Exclude_Path} with that name; ferry does too, while it keeps
     * files, and their DB entries, under their absolute paths. A rotated sibling gets the name of the glob
     * its watched file was found by.
     */
    String asFound(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Glob under = null;
        for (Glob g : includes) {
            if (abs.startsWith(g.base) && g.matcher.matches(abs)) {
                under = g;
                break;
            }
            if (under == null && abs.startsWith(g.base)) {
                under = g;
            }
        }
        return under == null || under.writtenBase == null ? abs.toString()
                : under.writtenBase.resolve(under.base.relativize(abs)).toString();
    }

    /** Whether an Exclude_Path glob matches {@code file} under the name glob(3) gives it ({@link #asFound}). */
    boolean excluded(Path file) {
        Path name = Path.of(asFound(file));
        for (PathMatcher m : excludes) {
            if (m.matches(name)) {
                return true;
            }
        }
        return false;
    }

    /** The home directory a leading {@code ~} stands for: {@code $HOME}, as glob(3)'s GLOB_TILDE takes it. */
    private static String home() {
        String home = System.getenv("HOME");
        return home == null || home.isEmpty() ? System.getProperty("user.home") : home;
    }

    /**
     * {@code ~} or {@code ~/...} with the home directory put in, as Fluent Bit globs Path with
     * {@code GLOB_TILDE} ({@code ~user} is refused by {@link TailConfig#from}); other globs as they are.
     */
    static String expandTilde(String glob, String home) {
        return glob.equals("~") || glob.startsWith("~/") ? home + glob.substring(1) : glob;
    }

    /** Splits an absolute glob into the directory without wildcards and how deep below it to look. */
    private static Glob glob(String pattern) {
        String abs = Path.of("").toAbsolutePath().resolve(pattern).normalize().toString();
        String[] parts = abs.split("/");
        int firstWild = firstWildcardPart(parts);
        StringBuilder base = new StringBuilder("/");
        for (int i = 0; i < Math.min(firstWild, parts.length - 1); i++) {
            if (!parts[i].isEmpty()) {
                base.append(parts[i]).append('/');
            }
        }
        int baseParts = Math.min(firstWild, parts.length - 1);
        int depth = abs.contains("**") ? Integer.MAX_VALUE : parts.length - baseParts;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs);
        return new Glob(Path.of(base.toString()), depth, m, List.of(parts).subList(baseParts, parts.length),
                writtenBase(pattern));
    }

    /** A relative glob's directory without wildcards as written ({@code logs}, {@code .}, empty); null if absolute. */
    private static Path writtenBase(String pattern) {
        if (pattern.startsWith("/")) {
            return null;
        }
        String[] parts = pattern.split("/");
        int firstWild = firstWildcardPart(parts);
        return Path.of("", List.of(parts).subList(0, Math.min(firstWild, parts.length - 1)).toArray(String[]::new));
    }

    /** The index of the first part holding a wildcard, or {@code parts.length} when none does. */
    private static int firstWildcardPart(String[] parts) {
        for (int i = 0; i < parts.length; i++) {
            if (hasWildcard(parts[i])) {
                return i;
            }
        }
        return parts.length;
    }

    private static boolean hasWildcard(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** Turns single {@code *} into {@code **} so that it crosses {@code /}, as fnmatch without FNM_PATHNAME. */
    private static String fnmatchStyle(String glob) {
        StringBuilder out = new StringBuilder(glob.length() + 8);
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                out.append(c).append(glob.charAt(++i));
            } else if (c == '*') {
                out.append("**");
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
