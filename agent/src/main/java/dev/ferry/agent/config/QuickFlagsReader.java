package dev.ferry.agent.config;

import dev.ferry.pipeline.config.ConfigEntry;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.ConfigSection;
import dev.ferry.pipeline.config.Configuration;
import dev.ferry.pipeline.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reader of Fluent Bit's command-line pipeline flags, for one-off runs without a file:
 *
 * <pre>
 * ferry -R parsers.conf -f 1 -i tail -p path=/var/log/app.log -t app -F grep -p regex=log\ err -m app -o stdout
 * </pre>
 *
 * {@code -i}, {@code -F} and {@code -o} start an input, filter or output section with that {@code Name};
 * {@code -p key=value} adds a property to the plugin just before it; {@code -t TAG} sets the {@code Tag} of
 * the last input; {@code -m MATCH} sets the {@code Match} of the filter or output just before it;
 * {@code -R FILE} adds a {@code Parsers_File} and {@code -f SECONDS} the {@code Flush} of a
 * {@code [SERVICE]} section, which comes first. An output without {@code -m} gets {@code Match *}.
 *
 * <p>Every section and entry is located at {@code command line}. The shell has already expanded
 * variables, so values are taken as given, and parsers files are not read here (see
 * {@link ConfigLoader#loadFlags}). Stateless and thread-safe.
 */
public final class QuickFlagsReader {

    /** The configuration origin, and the location of every entry. */
    public static final String ORIGIN = "command line";

    private static final SourceLocation HERE = SourceLocation.of(ORIGIN);
    private static final Map<String, SectionKind> PLUGINS =
            Map.of("-i", SectionKind.INPUT, "-F", SectionKind.FILTER, "-o", SectionKind.OUTPUT);
    private static final List<String> FLAGS = List.of("-i", "-F", "-o", "-p", "-t", "-m", "-R", "-f");

    /**
     * Turns {@code args} (flags and their values, nothing else) into a configuration.
     *
     * @throws ConfigException for an unknown flag, a flag without its value, or a flag with nothing to apply to
     */
    public Configuration read(List<String> args) {
        List<Plugin> plugins = new ArrayList<>();
        List<ConfigEntry> service = new ArrayList<>();
        Plugin lastInput = null;
        for (int i = 0; i < args.size(); i += 2) {
            String flag = args.get(i);
            if (!FLAGS.contains(flag)) {
                throw new ConfigException(ORIGIN + ": unknown flag '" + flag + "'; allowed flags: " + String.join(", ", FLAGS));
            }
            if (i + 1 >= args.size()) {
                throw new ConfigException(ORIGIN + ": " + flag + " needs a value");
            }
            String value = args.get(i + 1);
            Plugin last = plugins.isEmpty() ? null : plugins.get(plugins.size() - 1);
            switch (flag) {
                case "-p" -> property(last, value);
                case "-t" -> {
                    if (lastInput == null) {
                        throw new ConfigException(ORIGIN + ": -t " + value
                                + " comes before any -i; put it after the input it tags");
                    }
                    lastInput.set("Tag", value);
                }
                case "-m" -> {
                    if (last == null || last.kind == SectionKind.INPUT) {
                        throw new ConfigException(ORIGIN + ": -m " + value
                                + " must follow a -F or -o; it sets the Match of the filter or output just before it");
                    }
                    last.set("Match", value);
                }
                case "-R" -> service.add(new ConfigEntry("Parsers_File", value, HERE));
                case "-f" -> {
                    service.removeIf(e -> e.is("Flush"));
                    service.add(new ConfigEntry("Flush", value, HERE));
                }
                default -> {
                    Plugin plugin = new Plugin(PLUGINS.get(flag), value);
                    plugins.add(plugin);
                    if (plugin.kind == SectionKind.INPUT) {
                        lastInput = plugin;
                    }
                }
            }
        }
        List<ConfigSection> sections = new ArrayList<>();
        if (!service.isEmpty()) {
            sections.add(new ConfigSection(SectionKind.SERVICE.name(), HERE, service));
        }
        for (Plugin plugin : plugins) {
            if (plugin.kind == SectionKind.OUTPUT && plugin.entries.stream().noneMatch(e -> e.is("Match") || e.is("Match_Regex"))) {
                plugin.set("Match", "*");
            }
            sections.add(new ConfigSection(plugin.kind.name(), HERE, plugin.entries));
        }
        return new Configuration(ORIGIN, sections);
    }

    private static void property(Plugin last, String keyValue) {
        if (last == null) {
            throw new ConfigException(ORIGIN + ": -p " + keyValue
                    + " comes before any -i, -F or -o; put it after the plugin it configures");
        }
        int eq = keyValue.indexOf('=');
        if (eq <= 0 || eq == keyValue.length() - 1 || keyValue.substring(0, eq).isBlank()) {
            throw new ConfigException(ORIGIN + ": -p '" + keyValue + "' is not key=value; write -p key=value");
        }
        last.add(keyValue.substring(0, eq).strip(), keyValue.substring(eq + 1));
    }

    /** A plugin section under construction; {@code set} replaces, {@code add} appends (keys may repeat). */
    private static final class Plugin {
        final SectionKind kind;
        final List<ConfigEntry> entries = new ArrayList<>();

        Plugin(SectionKind kind, String name) {
            this.kind = kind;
            add("Name", name);
        }

        void add(String key, String value) {
            entries.add(new ConfigEntry(key, value, HERE));
        }

        void set(String key, String value) {
            entries.removeIf(e -> e.is(key));
            add(key, value);
        }
    }
}
