package dev.ferry.outputs.loki;

import dev.ferry.pipeline.filter.RecordAccessor;
import dev.ferry.pipeline.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The stream labels of the {@code loki} output, compiled from {@code Labels}, {@code Label_Keys},
 * {@code Label_Map_Path} and {@code Auto_Kubernetes_Labels} as Fluent Bit reads them. Immutable and
 * thread-safe.
 *
 * <p>Rules, in this order (a later rule wins over an earlier one with the same label name):
 * <ul>
 *   <li>{@code name=value}: a fixed label;</li>
 *   <li>{@code name=$a['b']}: label {@code name} with the accessed value;</li>
 *   <li>{@code $a['b']} (in {@code Labels} or {@code Label_Keys}): the accessed value under the name made of
 *       the path joined with {@code _} ({@code a_b}), as Fluent Bit's {@code normalize_ra_key_name} does;</li>
 *   <li>{@code Label_Map_Path}: a JSON object whose nesting is the record path and whose string leaves
 *       are label names ({@code {"kubernetes":{"pod_name":"pod"}}} is {@code pod=$kubernetes['pod_name']});</li>
 *   <li>{@code Auto_Kubernetes_Labels}: every string member of {@code kubernetes.labels}.</li>
 * </ul>
 * Names from records are sanitized as Fluent Bit does: any character other than a letter, digit or
 * {@code _} becomes {@code _}, and a leading digit gets a {@code _} before it. An absent or empty value
 * leaves its label out; a record with no label at all gets {@code job="fluent-bit"} (Fluent Bit's default).
 * Non-string values are their JSON text.
 *
 * <p>The record keys that labels take their values from are removed from the log line (Fluent Bit's
 * {@code remove_keys_derived}): the value is in the stream already. See {@link #keysToRemove()}.
 *
 * <p>Canonical form ({@link #build}): {@code {a="x", b="y"}}, names sorted, values quoted like Go's
 * {@code strconv.Quote} — the form Loki itself prints stream labels in, so the streams named in Loki's
 * error messages can be matched to the batch's streams by text.
 *
 * <p>Cardinality guard: a label whose value comes from a record key named in {@link
 * #HIGH_CARDINALITY_KEYS} (last element of its path) is refused at start-up, unless
 * {@code label_cardinality_check off}. Each distinct value of a label makes a new Loki stream; those keys
 * have a new value nearly every record, which multiplies Loki's index and chunk count (Loki's own
 * guidance: keep labels bounded, put ids in the line or in structured metadata).
 */
public final class LokiLabels {

    /**
     * Record keys whose values are (nearly) unique per record or request, refused as label values at
     * start-up: trace and span ids, request and correlation ids, user and session ids, client addresses,
     * process ids and sequence numbers. Compared case-insensitively with {@code -} and {@code .} read as
     * {@code _}.
     */
    public static final Set<String> HIGH_CARDINALITY_KEYS = Set.of(
            "trace_id", "traceid", "span_id", "spanid", "parent_span_id",
            "request_id", "requestid", "req_id", "x_request_id", "correlation_id", "correlationid",
            "user_id", "userid", "uid", "session_id", "sessionid",
            "client_ip", "clientip", "remote_addr", "remote_ip", "src_ip", "source_ip",
            "pid", "seq", "sequence", "uuid", "message_id", "msg_id");

    /** The label every stream gets when no rule gave one. */
    public static final String DEFAULT_LABELS = "{job=\"fluent-bit\"}";

    private sealed interface Rule permits Fixed, FromRecord, KubernetesLabels {
    }

    private record Fixed(String name, String value) implements Rule {
    }

    private record FromRecord(String name, RecordAccessor accessor) implements Rule {
    }

    private record KubernetesLabels(RecordAccessor accessor) implements Rule {
    }

    private final List<Rule> rules;
    private final List<RecordAccessor> removed;
    private final String fixed;
    private final String[] fixedNames;
    private final String[] fixedValues;

    private LokiLabels(List<Rule> rules, List<RecordAccessor> removed) {
        this.rules = List.copyOf(rules);
        this.removed = List.copyOf(removed);
        boolean allFixed = rules.stream().allMatch(r -> r instanceof Fixed);
        if (allFixed) {
            Scratch s = new Scratch();
            for (Rule r : rules) {
                Fixed f = (Fixed) r;
                s.put(f.name, f.value);
            }
            if (s.size == 0) {
                s.put("job", "fluent-bit");
            }
            this.fixed = s.canonical();
            this.fixedNames = s.sortedNames();
            this.fixedValues = s.sortedValues();
        } else {
            this.fixed = null;
            this.fixedNames = null;
            this.fixedValues = null;
        }
    }

    /**
     * Compiles the label rules.
     *
     * @param labels the {@code Labels} items ({@code k=v}, {@code k=$a['b']} or {@code $a['b']})
     * @param labelKeys the {@code Label_Keys} items (each a {@code $} accessor)
     * @param labelMap the {@code Label_Map_Path} file's content as a map, or null
     * @param autoKubernetes {@code Auto_Kubernetes_Labels}
     * @param cardinalityCheck whether to refuse high-cardinality keys ({@code label_cardinality_check})
     * @throws IllegalArgumentException with the message a configuration error shows
     */
    public static LokiLabels compile(List<String> labels, List<String> labelKeys, Map<String, Object> labelMap,
            boolean autoKubernetes, boolean cardinalityCheck) {
        List<Rule> rules = new ArrayList<>();
        List<RecordAccessor> removed = new ArrayList<>();
        for (String item : labels) {
            if (item.startsWith("$")) {
                RecordAccessor a = accessor(item, "Labels");
                rules.add(new FromRecord(normalizedName(item), a));
                removed.add(a);
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new IllegalArgumentException("invalid key value pair '" + item + "' in Labels; allowed: "
                        + "name=value, name=$record['accessor'] or $record['accessor']");
            }
            String name = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (!validName(name)) {
                throw new IllegalArgumentException("invalid label name '" + name + "' in Labels; allowed: letters, "
                        + "digits and _, not starting with a digit");
            }
            if (value.startsWith("$")) {
                RecordAccessor a = accessor(value, "Labels");
                rules.add(new FromRecord(name, a));
                removed.add(a);
            } else {
                rules.add(new Fixed(name, value));
            }
        }
        for (String item : labelKeys) {
            if (!item.startsWith("$")) {
                throw new IllegalArgumentException("invalid label key '" + item + "' in Label_Keys: the name must "
                        + "start with '$'");
            }
            RecordAccessor a = accessor(item, "Label_Keys");
            rules.add(new FromRecord(normalizedName(item), a));
            removed.add(a);
        }
        if (labelMap != null) {
            mapRules(labelMap, "", rules, removed);
        }
        if (autoKubernetes) {
            rules.add(new KubernetesLabels(RecordAccessor.compile("$kubernetes['labels']")));
        }
        if (cardinalityCheck) {
            for (Rule r : rules) {
                if (r instanceof FromRecord f) {
                    String key = highCardinalityKey(f.accessor.toString());
                    if (key != null) {
                        throw new IllegalArgumentException("label '" + f.name + "' takes its value from "
                                + f.accessor + ", a high-cardinality key (" + key + "): every distinct value makes "
                                + "a new Loki stream; keep it in the line or use Structured_Metadata, or set "
                                + "label_cardinality_check off");
                    }
                }
            }
        }
        return new LokiLabels(rules, removed);
    }

    private static void mapRules(Map<String, Object> map, String path, List<Rule> rules, List<RecordAccessor> removed) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String p = path.isEmpty() ? "$" + e.getKey() : path + "['" + e.getKey() + "']";
            Object v = e.getValue();
            if (v instanceof String name) {
                if (!validName(name)) {
                    throw new IllegalArgumentException("invalid label name '" + name + "' in Label_Map_Path; allowed: "
                            + "letters, digits and _, not starting with a digit");
                }
                RecordAccessor a = accessor(p, "Label_Map_Path");
                rules.add(new FromRecord(name, a));
                removed.add(a);
            } else if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) m;
                mapRules(sub, p, rules, removed);
            } else {
                throw new IllegalArgumentException("Label_Map_Path: the value at " + p + " is neither a label name "
                        + "(a string) nor an object");
            }
        }
    }

    private static RecordAccessor accessor(String text, String option) {
        try {
            return RecordAccessor.compile(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid record accessor '" + text + "' in " + option + ": "
                    + e.getMessage());
        }
    }

    /** The high-cardinality key an accessor reads (the last element of its path), or null. */
    static String highCardinalityKey(String accessor) {
        String last = accessor.startsWith("$") ? accessor.substring(1) : accessor;
        int b = last.lastIndexOf('[');
        if (b >= 0) {
            last = last.substring(b + 1, last.length() - 1).replace("'", "").replace("\"", "");
        }
        String k = last.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        return HIGH_CARDINALITY_KEYS.contains(k) ? last : null;
    }

    /** Fluent Bit's label name for a bare accessor: its path joined with {@code _}, sanitized. */
    static String normalizedName(String accessor) {
        StringBuilder sb = new StringBuilder();
        String s = accessor.substring(1);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '[') {
                sb.append('_');
            } else if (c != ']' && c != '\'' && c != '"') {
                sb.append(c);
            }
            i++;
        }
        return sanitize(sb.toString());
    }

    /** Fluent Bit's {@code pack_label_key}: other characters than [A-Za-z0-9_] become _, a leading digit gets _. */
    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 1);
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
            sb.append('_');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return sb.toString();
    }

    static boolean validName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    /** Whether every stream has the same labels (no rule reads the record). */
    public boolean isFixed() {
        return fixed != null;
    }

    /** The record keys labels take their values from, to remove from the line. */
    public List<RecordAccessor> keysToRemove() {
        return removed;
    }

    /**
     * The labels of {@code record} in canonical form; {@code scratch} is left holding the sorted names
     * and values (for the JSON push format and the cardinality count).
     */
    public String build(LogRecord record, Scratch scratch) {
        scratch.clear();
        if (fixed != null) {
            scratch.setSorted(fixedNames, fixedValues);
            return fixed;
        }
        for (Rule r : rules) {
            if (r instanceof Fixed f) {
                scratch.put(f.name, f.value);
            } else if (r instanceof FromRecord f) {
                String v = f.accessor.text(record);
                if (v != null && !v.isEmpty()) {
                    scratch.put(f.name, v);
                }
            } else if (r instanceof KubernetesLabels k && k.accessor.get(record) instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getKey() instanceof String name && e.getValue() instanceof String v && !v.isEmpty()) {
                        scratch.put(sanitize(name), v);
                    }
                }
            }
        }
        if (scratch.size == 0) {
            scratch.put("job", "fluent-bit");
        }
        return scratch.canonical();
    }

    /** Appends {@code value} quoted as Go's {@code strconv.Quote} would (printable non-ASCII kept). */
    static void quote(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Reusable working space of one thread for {@link #build}: the label pairs of the last record, sorted
     * by name. Not thread-safe.
     */
    public static final class Scratch {
        /** How many label sets {@link #canonical} remembers the text of. */
        private static final int REMEMBERED = 16;

        private String[] names = new String[8];
        private String[] values = new String[8];
        private int size;
        private final StringBuilder sb = new StringBuilder(128);
        // The label sets met last and their canonical text: a record's labels are nearly always those of a record
        // before it (a few levels, one pod), and the text, the same String each time, is then neither built
        // again nor hashed again where streams are looked up by it.
        private final String[][] rememberedNames = new String[REMEMBERED][];
        private final String[][] rememberedValues = new String[REMEMBERED][];
        private final String[] rememberedText = new String[REMEMBERED];
        private int lastHit;
        private int nextSlot;

        void clear() {
            size = 0;
        }

        void setSorted(String[] n, String[] v) {
            while (names.length < n.length) {
                grow();
            }
            System.arraycopy(n, 0, names, 0, n.length);
            System.arraycopy(v, 0, values, 0, v.length);
            size = n.length;
        }

        /** Sets {@code name}: replaces an earlier value, else inserts in name order. */
        void put(String name, String value) {
            int i = 0;
            while (i < size && names[i].compareTo(name) < 0) {
                i++;
            }
            if (i < size && names[i].equals(name)) {
                values[i] = value;
                return;
            }
            if (size == names.length) {
                grow();
            }
            System.arraycopy(names, i, names, i + 1, size - i);
            System.arraycopy(values, i, values, i + 1, size - i);
            names[i] = name;
            values[i] = value;
            size++;
        }

        private void grow() {
            names = java.util.Arrays.copyOf(names, names.length * 2);
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }

        String canonical() {
            for (int n = 0, k = lastHit; n < REMEMBERED; n++, k = (k + 1) % REMEMBERED) {
                String text = rememberedText[k];
                if (text != null && holds(rememberedNames[k], rememberedValues[k])) {
                    lastHit = k;
                    return text;
                }
            }
            String text = build();
            int k = nextSlot;
            nextSlot = (k + 1) % REMEMBERED;
            rememberedNames[k] = sortedNames();
            rememberedValues[k] = sortedValues();
            rememberedText[k] = text;
            lastHit = k;
            return text;
        }

        /** Whether the labels now held are exactly {@code n} and {@code v}. */
        private boolean holds(String[] n, String[] v) {
            if (n.length != size) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                if (!values[i].equals(v[i]) || !names[i].equals(n[i])) {
                    return false;
                }
            }
            return true;
        }

        private String build() {
            sb.setLength(0);
            sb.append('{');
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(names[i]).append('=');
                quote(sb, values[i]);
            }
            return sb.append('}').toString();
        }

        /** How many labels. */
        public int size() {
            return size;
        }

        public String name(int i) {
            return names[i];
        }

        public String value(int i) {
            return values[i];
        }

        String[] sortedNames() {
            return java.util.Arrays.copyOf(names, size);
        }

        String[] sortedValues() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
