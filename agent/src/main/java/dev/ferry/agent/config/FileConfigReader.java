package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reader of one configuration file format; the variants differ only in how one file becomes sections.
 * What they share is done here once: the load context (variables, includes, warnings) and the
 * {@code Parsers_File} step, which reads every {@code Parsers_File} (or YAML {@code parsers_files}) named
 * in a {@code [SERVICE]} section, found as Fluent Bit finds it ({@link Includes#fromMain}: the working directory,
 * then the main file's directory), and appends its {@code [PARSER]}
 * and {@code [MULTILINE_PARSER]} sections. A parsers file is read in the format its extension says, so a
 * YAML configuration can use the usual classic {@code parsers.conf}.
 *
 * <p>Instances are immutable and may be shared between threads; each {@link #read} is independent.
 */
public abstract sealed class FileConfigReader permits ClassicConfigReader, YamlConfigReader {

    private final Map<String, String> environment;

    /** @param environment the process environment for {@code ${VAR}}, copied */
    FileConfigReader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The reader for {@code file}: YAML for {@code .yaml} and {@code .yml}, classic for anything else. */
    static FileConfigReader forFile(Path file, Map<String, String> environment) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml")
                ? new YamlConfigReader(environment)
                : new ClassicConfigReader(environment);
    }

    /**
     * Reads {@code file}, its includes and its parsers files.
     *
     * @return the sections in file order, parsers-file sections last, and the warnings found
     * @throws dev.ferry.pipeline.config.ConfigException for the first thing in the way, naming file and line
     */
    public final LoadedConfig read(Path file) {
        LoadContext context = new LoadContext(environment, Includes.mainDirectoryOf(file));
        defineVariables(file, context);
        List<ConfigSection> sections =
                new ArrayList<>(context.includes().within(file, null, null, () -> readSections(file, context)));
        sections.addAll(parsersFiles(sections, context));
        return new LoadedConfig(new Configuration(file.toString(), sections),
                List.copyOf(new LinkedHashSet<>(context.warnings())));
    }

    /**
     * Sets, before any section is read, the variables a format defines for the whole configuration wherever
     * they stand; nothing by default (the classic reader needs no pass of its own: it expands values only once
     * the file and its includes have been read, so every {@code @SET} is known by then).
     */
    void defineVariables(Path file, LoadContext context) {
    }

    /** The sections of {@code file} and of the files it includes, in order; parsers files are not read. */
    abstract List<ConfigSection> readSections(Path file, LoadContext context);

    /** The sections of every parsers file named in the {@code [SERVICE]} sections of {@code sections}. */
    static List<ConfigSection> parsersFiles(List<ConfigSection> sections, LoadContext context) {
        List<ConfigSection> out = new ArrayList<>();
        for (ConfigSection service : sections) {
            if (!service.kind().equals(SectionKind.SERVICE.name())) {
                continue;
            }
            for (ConfigEntry entry : service.entries()) {
                if (entry.is("Parsers_File") || entry.is("parsers_files")) {
                    out.addAll(parsersFile(entry, service, context));
                }
            }
        }
        return out;
    }

    private static List<ConfigSection> parsersFile(
            ConfigEntry entry, ConfigSection service, LoadContext context) {
        Path file = Includes.fromMain(entry.value(), context.mainDirectory());
        if (!Files.isRegularFile(file)) {
            throw ConfigException.at(entry.location(), service, entry.key() + " " + entry.value() + ": no such file "
                    + file + "; " + Includes.FROM_MAIN);
        }
        FileConfigReader reader = forFile(file, context.environment());
        reader.defineVariables(file, context);
        List<ConfigSection> sections = context.includes().within(file, entry.location(), entry.key(),
                () -> reader.readSections(file, context));
        for (ConfigSection section : sections) {
            if (!section.kind().equals(SectionKind.PARSER.name())
                    && !section.kind().equals(SectionKind.MULTILINE_PARSER.name())) {
                throw ConfigException.at(section.location(), section,
                        "not allowed in a parsers file; a parsers file holds only [PARSER] and [MULTILINE_PARSER] sections");
            }
        }
        return sections;
    }
}
