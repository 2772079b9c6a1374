package dev.ferry.pipeline.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The table of options one plugin accepts, in the manner of Fluent Bit's {@code config_map}: every key a
 * section may hold is declared here with its type, default and description, and {@link #bind} checks a
 * section against it.
 *
 * <p>Errors name the file, line, section and key and say what is allowed. Immutable and thread-safe.
 */
public final class OptionTable {

    private final String kind;
    private final String plugin;
    private final List<OptionSpec> specs;

    /**
     * @param kind the section kind ({@code INPUT}, {@code FILTER}, ...)
     * @param plugin the plugin name ({@code tail})
     * @param groups option lists, typically the kind's common options followed by the plugin's own
     */
    @SafeVarargs
    public OptionTable(String kind, String plugin, List<OptionSpec>... groups) {
        this.kind = kind.toUpperCase(Locale.ROOT);
        this.plugin = plugin;
        // A key declared by several groups belongs to the first (the plugin's own spec wins over the
        // kind's common one).
        List<OptionSpec> all = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (List<OptionSpec> g : groups) {
            for (OptionSpec spec : g) {
                if (names.add(spec.name().toLowerCase(Locale.ROOT))) {
                    all.add(spec);
                }
            }
        }
        this.specs = List.copyOf(all);
    }

    public String kind() {
        return kind;
    }

    public String plugin() {
        return plugin;
    }

    public List<OptionSpec> specs() {
        return specs;
    }

    /** Validates {@code section} against the table and returns its typed view. */
    public Options bind(ConfigSection section) {
        List<String> warnings = new ArrayList<>();
        List<OptionSpec> seen = new ArrayList<>();
        List<ConfigEntry> firstSeen = new ArrayList<>();
        for (ConfigEntry e : section.entries()) {
            OptionSpec spec = find(e.key());
            if (spec == null) {
                throw ConfigException.at(e.location(), section,
                        "unknown key '" + e.key() + "'" + suggestion(e.key()) + "; allowed keys: " + allowedKeys());
            }
            if (spec.ignored()) {
                warnings.add(e.location() + ": " + section.label() + ": key '" + e.key()
                        + "' has no effect in ferry (" + spec.description() + ")");
                continue;
            }
            int prev = indexOf(seen, spec);
            if (prev >= 0 && !spec.repeatable() && !spec.name().endsWith(".*")) {
                throw ConfigException.at(e.location(), section, "key '" + e.key() + "' is set twice (first at "
                        + firstSeen.get(prev).location() + "); it takes one value");
            }
            seen.add(spec);
            firstSeen.add(e);
            checkValue(section, spec, e);
        }
        for (OptionSpec spec : specs) {
            if (spec.required() && indexOf(seen, spec) < 0) {
                throw ConfigException.at(section.location(), section,
                        "missing required key '" + spec.name() + "' (" + spec.description() + ")");
            }
        }
        return new Options(this, section, warnings);
    }

    /**
     * Where {@code spec} (one of this table's) is in {@code seen}, or -1. By identity: a record's equals is bound
     * at its first call through method handles, which spins classes at every start.
     */
    private static int indexOf(List<OptionSpec> seen, OptionSpec spec) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i) == spec) {
                return i;
            }
        }
        return -1;
    }

    /** The spec for {@code key}, or null. */
    public OptionSpec find(String key) {
        for (OptionSpec s : specs) {
            if (s.matches(key)) {
                return s;
            }
        }
        return null;
    }

    private void checkValue(ConfigSection section, OptionSpec spec, ConfigEntry e) {
        String v = e.value();
        boolean ok = switch (spec.type()) {
            case STRING -> true;
            case BOOL -> OptionType.parseBool(v) != null;
            case INT -> v.trim().matches("-?\\d+");
            case SIZE -> OptionType.parseSize(v) >= 0;
            case DURATION -> OptionType.parseDuration(v) != null;
            case CHOICE -> spec.choices().stream().anyMatch(c -> c.equalsIgnoreCase(v.trim()));
        };
        if (!ok) {
            String allowed = spec.type() == OptionType.CHOICE
                    ? "one of " + String.join(", ", spec.choices())
                    : spec.type().allowed();
            throw ConfigException.at(e.location(), section,
                    "bad value '" + v + "' for key '" + e.key() + "'; allowed: " + allowed);
        }
    }

    /** Every key the table accepts, ignored ones too: a section may hold them without an error. */
    private String allowedKeys() {
        return String.join(", ", specs.stream().map(OptionSpec::name)
                .sorted(String.CASE_INSENSITIVE_ORDER).toList());
    }

    private String suggestion(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return specs.stream().filter(s -> !s.ignored())
                .min(Comparator.comparingInt(s -> distance(k, s.name().toLowerCase(Locale.ROOT))))
                .filter(s -> distance(k, s.name().toLowerCase(Locale.ROOT)) <= Math.max(1, k.length() / 4))
                .map(s -> " (did you mean '" + s.name() + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
