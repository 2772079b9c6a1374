package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.SourceLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Include resolution shared by both file readers: classic {@code @INCLUDE path} and YAML {@code includes:}.
 * A YAML path is relative to the directory of the file that names it. A classic path, and a parsers file, is
 * found where Fluent Bit finds it: as given (absolute, or relative to the working directory) when that exists,
 * else relative to the directory of the main configuration file, whichever file names it
 * (src/config_format/flb_cf_fluentbit.c read_config, src/flb_parser.c flb_parser_conf_file); a classic glob
 * is relative to the main file's directory (read_glob). A path with glob characters
 * ({@code * ? [ {}) includes every regular file it matches, sorted by path; no match is a warning. A plain
 * path that does not exist is an error, and so is a file that includes itself, directly or through others;
 * a format that reads each file once (YAML) also marks what it reads with {@link #readOnce}.
 *
 * <p>One instance tracks the files open in one load; single-threaded.
 */
final class Includes {

    private static final String GLOB_CHARS = "*?[{";

    private final Deque<Open> open = new ArrayDeque<>();
    private final Map<Path, SourceLocation> includedAt = new HashMap<>();
    private final List<String> warnings;

    Includes(List<String> warnings) {
        this.warnings = warnings;
    }

    /** How a main-relative path is looked up, for messages. */
    static final String FROM_MAIN = "a relative path is looked up in the working directory, then in the main"
            + " configuration file's directory, as Fluent Bit does";

    /**
     * The files {@code pattern} names, relative to the directory of {@code includingFile}, in the order they
     * are to be read (YAML {@code includes:}).
     *
     * @param directive how the user wrote the include, for messages: {@code @INCLUDE} or {@code includes:}
     * @throws ConfigException if a plain path names no regular file
     */
    List<Path> resolve(String pattern, Path includingFile, SourceLocation where, String directive) {
        Path path = directoryOf(includingFile).resolve(pattern);
        return matches(pattern, path, path, where, directive, "paths are relative to the including file's directory");
    }

    /**
     * The files {@code pattern} names as Fluent Bit's classic reader finds them, in the order they are to be
     * read: a plain path by {@link #fromMain}, a glob relative to {@code mainDir}.
     *
     * @throws ConfigException if a plain path names no regular file
     */
    List<Path> resolveFromMain(String pattern, Path mainDir, SourceLocation where, String directive) {
        return matches(pattern, fromMain(pattern, mainDir), mainDir.resolve(pattern), where, directive, FROM_MAIN);
    }

    /**
     * The file Fluent Bit opens for {@code path}: the path as given if it exists (absolute, or relative to
     * the working directory), else {@code path} in {@code mainDir}.
     */
    static Path fromMain(String path, Path mainDir) {
        Path given = Path.of(path);
        return given.isAbsolute() || Files.exists(given) ? given : mainDir.resolve(given);
    }

    /**
     * The directory of the main configuration file, symbolic links resolved, as Fluent Bit takes it
     * ({@code realpath}); the directory as named if the file cannot be resolved.
     */
    static Path mainDirectoryOf(Path mainFile) {
        try {
            return directoryOf(mainFile.toRealPath());
        } catch (IOException e) {
            return directoryOf(mainFile);
        }
    }

    private List<Path> matches(String pattern, Path plain, Path glob, SourceLocation where, String directive,
            String rule) {
        if (pattern.chars().noneMatch(c -> GLOB_CHARS.indexOf(c) >= 0)) {
            if (!Files.isRegularFile(plain)) {
                throw new ConfigException(where + ": " + directive + " " + pattern + ": no such file " + plain
                        + "; " + rule);
            }
            return List.of(plain);
        }
        List<Path> matches = glob(glob, where, directive + " " + pattern);
        if (matches.isEmpty()) {
            warnings.add(where + ": " + directive + " " + pattern + " matches no files");
        }
        return matches;
    }

    /**
     * Runs {@code body} (which reads {@code file}) with {@code file} marked open, so that including it
     * again from inside is caught.
     *
     * @param where the include line, or null for the main file
     * @throws ConfigException {@code where: directive file: include cycle a -> b -> a; ...}
     */
    <T> T within(Path file, SourceLocation where, String directive, Supplier<T> body) {
        Path key = canonical(file);
        for (Open o : open) {
            if (o.key.equals(key)) {
                throw cycle(file, where, directive, key);
            }
        }
        open.push(new Open(key, file));
        try {
            return body.get();
        } finally {
            open.pop();
        }
    }

    /**
     * Records that an include at {@code where} reads {@code file}, for formats that read a file once per load
     * (YAML: Fluent Bit's src/config_format/flb_cf_yaml.c refuses "file '...' is already included").
     *
     * @throws ConfigException {@code where: directive file: already included at first:line; ...}
     */
    void readOnce(Path file, SourceLocation where, String directive) {
        SourceLocation first = includedAt.putIfAbsent(canonical(file), where);
        if (first != null) {
            throw new ConfigException(where + ": " + directive + " " + file + ": already included at " + first
                    + "; a file is read once (Fluent Bit refuses it too), as reading it again would run its"
                    + " plugins twice");
        }
    }

    /** The directory relative paths in {@code file} are resolved against. */
    static Path directoryOf(Path file) {
        Path parent = file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    private ConfigException cycle(Path file, SourceLocation where, String directive, Path key) {
        List<Open> chain = new ArrayList<>(open);
        Collections.reverse(chain);
        int first = 0;
        while (!chain.get(first).key.equals(key)) {
            first++;
        }
        String path = Stream.concat(chain.subList(first, chain.size()).stream().map(o -> o.shown.toString()),
                Stream.of(file.toString())).collect(Collectors.joining(" -> "));
        return new ConfigException(where + ": " + directive + " " + file + ": include cycle " + path
                + "; a file must not include itself, directly or through other files");
    }

    private static List<Path> glob(Path pattern, SourceLocation where, String include) {
        int fixed = 0;
        while (fixed < pattern.getNameCount()
                && pattern.getName(fixed).toString().chars().noneMatch(c -> GLOB_CHARS.indexOf(c) >= 0)) {
            fixed++;
        }
        Path base = fixed == 0 ? rootOrEmpty(pattern) : rootOrEmpty(pattern).resolve(pattern.subpath(0, fixed));
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        String rest = pattern.subpath(fixed, pattern.getNameCount()).toString();
        String prefix = base.toString().isEmpty() ? "" : escape(base.toString()) + "/";
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + prefix + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : pattern.getNameCount() - fixed;
        try (Stream<Path> walk = Files.walk(base, depth)) {
            return walk.filter(p -> matcher.matches(p) && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException(where + ": " + include + ": cannot list " + base + ": " + e.getMessage(), e);
        }
    }

    private static Path rootOrEmpty(Path p) {
        return p.getRoot() == null ? Path.of("") : p.getRoot();
    }

    /** Escapes glob characters in the literal directory part, e.g. a temp dir named {@code a[1]}. */
    private static String escape(String literal) {
        StringBuilder out = new StringBuilder(literal.length());
        for (char c : literal.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static Path canonical(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private record Open(Path key, Path shown) {}
}
