package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entry point for loading a configuration: a file in the format its extension says ({@code .yaml} and
 * {@code .yml} are YAML, anything else is Fluent Bit classic), or command-line pipeline flags. Both come
 * back as a {@link LoadedConfig}: sections plus warnings for the caller to report.
 *
 * <p>Immutable and thread-safe. Errors are {@link dev.ferry.pipeline.config.ConfigException}s naming the
 * file and line (or the path, for a file that cannot be read).
 */
public final class ConfigLoader {

    private final Map<String, String> environment;

    /** @param environment the process environment for {@code ${VAR}}; tests pass their own */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** A loader that expands variables from this process's environment. */
    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System.getenv());
    }

    /**
     * Loads {@code file} with its includes and parsers files.
     *
     * @throws dev.ferry.pipeline.config.ConfigException {@code cannot read configuration file PATH: REASON}
     *     if the file is missing or unreadable, or the first error in its content
     */
    public LoadedConfig load(Path file) {
        return FileConfigReader.forFile(file, environment).read(file);
    }

    /**
     * Loads a pipeline from command-line flags (see {@link QuickFlagsReader}) and reads its {@code -R}
     * parsers files, relative to the working directory.
     */
    public LoadedConfig loadFlags(List<String> args) {
        Configuration flags = new QuickFlagsReader().read(args);
        LoadContext context = new LoadContext(environment, Path.of(""));
        List<ConfigSection> sections = new ArrayList<>(flags.sections());
        sections.addAll(FileConfigReader.parsersFiles(flags.sections(), context));
        return new LoadedConfig(new Configuration(flags.origin(), sections), context.warnings());
    }
}
