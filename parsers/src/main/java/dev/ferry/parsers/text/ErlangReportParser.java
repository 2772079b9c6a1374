package dev.ferry.parsers.text;

import dev.ferry.parsers.time.IsoTime;
import dev.ferry.parsers.time.TimeFormat;
import dev.ferry.pipeline.record.LogRecord;
import dev.ferry.pipeline.record.RecordFields;
import dev.ferry.pipeline.spi.Parser;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code erlang_report} parser: one Erlang/OTP report, joined from its lines by the {@code erlang}
 * multiline parser, to fields.
 *
 * <p>Two shapes are read (both as OTP 21+ {@code logger_formatter} writes them with
 * {@code single_line => false}, and the first as the old {@code error_logger} wrote it):
 * <pre>
 *  =CRASH REPORT==== 22-Nov-2026::03:42:38.070914 ===       legacy_header => true; the date is local
 *    crasher:                                                time, read as UTC plus Time_Offset
 *      initial call: crash_srv:init/1
 *      pid: &lt;0.85.0&gt;
 *      exception error: no match of right hand side value {error,enoent}
 *  ...
 *  2026-11-22T03:42:39.883708+00:00 error:                  default header: RFC 3339 time and level
 *    crasher: ...
 * </pre>
 *
 * <p>Fields, each only where the report has it, in this order:
 * <ul>
 *   <li>{@code report_type}: from the header ({@code error}, {@code crash}, {@code supervisor},
 *       {@code progress}, {@code info}, {@code warning}, ...); for the default header, {@code crash} with a
 *       {@code crasher:} section, {@code supervisor} with {@code errorContext:}, {@code progress} with
 *       {@code supervisor:} and {@code started:}, else the level;</li>
 *   <li>{@code level}: from the default header, or {@code error} / {@code info} / {@code warning} from the
 *       legacy report type;</li>
 *   <li>{@code time}: the header's time as written (the record time is set from it);</li>
 *   <li>{@code pid}: the {@code pid:} line, else the first {@code {pid,&lt;...&gt;}};</li>
 *   <li>{@code registered_name};</li>
 *   <li>{@code initial_call}: {@code initial call:} as {@code mod:fun/arity} (a {@code {mod,fun,Args}}
 *       term is converted, the arity being the length of {@code Args});</li>
 *   <li>{@code mfa}: the child's {@code {mfargs,{mod,fun,Args}}} as {@code mod:fun/arity};</li>
 *   <li>{@code supervisor}: {@code supervisor:}, with {@code {local,Name}} / {@code {global,Name}}
 *       unwrapped to {@code Name};</li>
 *   <li>{@code child}: the child's {@code {id,Id}};</li>
 *   <li>{@code error_context}: {@code errorContext:};</li>
 *   <li>{@code reason}: the {@code reason:} term (over all its lines), the crash's
 *       {@code exception CLASS: REASON} line (as {@code CLASS: REASON}), or a gen_server's
 *       {@code ** Reason for termination ==} term;</li>
 *   <li>{@code message}: the whole text, trailing blank lines removed.</li>
 * </ul>
 * Parts that do not read stay only in {@code message}. Text that has neither header: false, with
 * {@code parseError("not an OTP report: ...")}.
 *
 * <p>Stateless and thread-safe. Reports are rare and multi-line, so this favours clarity over speed
 * (the record is decoded once and searched with regexes).
 */
public final class ErlangReportParser implements Parser {

    private static final String PREFIX = "not an OTP report: ";
    private static final Pattern LEGACY = Pattern.compile(
            "\\A=([A-Z][A-Z ]*?) REPORT==== (\\d{1,2})-([A-Z][a-z]{2})-(\\d{4})::(\\d\\d):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,9}))? ===[ \\t]*(?:\\n|\\z)");
    private static final Pattern DEFAULT = Pattern.compile(
            "\\A\\[?(\\d{4}-\\d\\d-\\d\\d[T ][0-9:.,]+(?:Z|[+-]\\d\\d:?\\d\\d)?)\\]? "
                    + "(emergency|alert|critical|error|warning|notice|info|debug):?(?=[ \\n]|\\z)");
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final Pattern PID_LINE = Pattern.compile("(?m)^[ \\t]+pid: (<[0-9.]+>)[ \\t]*$");
    private static final Pattern PID_TUPLE = Pattern.compile("\\{pid,(<[0-9.]+>)\\}");
    private static final Pattern REGISTERED = Pattern.compile("(?m)^[ \\t]+registered_name: (\\S+)[ \\t]*$");
    private static final Pattern INITIAL_CALL = Pattern.compile("(?m)^[ \\t]+initial call: (.+?)[ \\t]*$");
    private static final Pattern MFARGS = Pattern.compile("\\{mfargs,\\{([^,{}]+),([^,{}]+),(\\[[^\\]]*\\])\\}\\}");
    private static final Pattern SUPERVISOR = Pattern.compile("(?m)^[ \\t]+supervisor: (.+?)[ \\t]*$");
    private static final Pattern CHILD_ID = Pattern.compile("\\{id,([^{},]+)\\}");
    private static final Pattern ERROR_CONTEXT = Pattern.compile("(?m)^[ \\t]+errorContext: (.+?)[ \\t]*$");
    private static final Pattern REASON_KEY = Pattern.compile("(?m)^([ \\t]+)reason: ");
    private static final Pattern EXCEPTION = Pattern.compile("(?m)^[ \\t]+exception (error|exit|throw): (.+?)[ \\t]*$");
    private static final Pattern GEN_SERVER_REASON = Pattern.compile("(?m)^\\*\\* Reason for termination ?==[ \\t]*\\n\\*\\* ");
    private static final Pattern MFA_TERM = Pattern.compile("\\A\\{([^,{}]+),([^,{}]+),(\\[.*\\]|\\d+)\\}\\z");

    private final String name;
    private final int offsetSeconds;

    /**
     * @param name the parser's name
     * @param offsetSeconds the zone of legacy header times, in seconds east of UTC ({@code Time_Offset})
     */
    public ErlangReportParser(String name, int offsetSeconds) {
        this.name = name;
        this.offsetSeconds = offsetSeconds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean parse(LogRecord record) {
        String text = record.fields().decodeText(0, record.lineLength());
        String type;
        String level;
        String time;
        long nanos;
        Matcher h = LEGACY.matcher(text);
        if (h.find()) {
            type = h.group(1).toLowerCase(Locale.ROOT).replace(' ', '_');
            level = switch (type) {
                case "error", "crash", "supervisor" -> "error";
                case "warning" -> "warning";
                default -> "info";
            };
            time = text.substring(h.start(2), h.end(h.group(8) != null ? 8 : 7));
            nanos = legacyTime(h);
        } else {
            Matcher d = DEFAULT.matcher(text);
            if (!d.find()) {
                return fail(record, "expected a '=... REPORT==== date ===' header or a 'time level:' first line");
            }
            time = d.group(1);
            level = d.group(2);
            byte[] t = time.getBytes(StandardCharsets.US_ASCII);
            nanos = IsoTime.parse(t, 0, t.length, offsetSeconds);
            type = REGISTERED.matcher(text).find() || text.contains("\n  crasher:") ? "crash"
                    : ERROR_CONTEXT.matcher(text).find() ? "supervisor"
                    : SUPERVISOR.matcher(text).find() && text.contains("started: ") ? "progress"
                    : level;
        }
        RecordFields f = record.fields();
        f.append("report_type", type);
        f.append("level", level);
        f.append("time", time);
        String pid = group(PID_LINE, text);
        appendIfSet(f, "pid", pid != null ? pid : group(PID_TUPLE, text));
        appendIfSet(f, "registered_name", group(REGISTERED, text));
        String initial = group(INITIAL_CALL, text);
        appendIfSet(f, "initial_call", initial == null ? null : mfa(initial));
        Matcher mf = MFARGS.matcher(text);
        if (mf.find()) {
            f.append("mfa", mf.group(1) + ":" + mf.group(2) + "/" + listLength(mf.group(3)));
        }
        String sup = group(SUPERVISOR, text);
        appendIfSet(f, "supervisor", sup == null ? null : unwrapName(sup));
        appendIfSet(f, "child", sup == null ? null : group(CHILD_ID, text));
        appendIfSet(f, "error_context", group(ERROR_CONTEXT, text));
        appendIfSet(f, "reason", reason(text));
        f.append("message", stripTrailing(text));
        if (nanos != TimeFormat.NO_TIME) {
            record.logTime(nanos);
        }
        return true;
    }

    private long legacyTime(Matcher h) {
        int month = -1;
        for (int m = 0; m < MONTHS.length; m++) {
            if (MONTHS[m].equals(h.group(3))) {
                month = m + 1;
            }
        }
        if (month < 0) {
            return TimeFormat.NO_TIME;
        }
        String frac = h.group(8);
        int nanos = frac == null ? 0 : Integer.parseInt((frac + "000000000").substring(0, 9));
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(h.group(4)), month, Integer.parseInt(h.group(2)),
                    Integer.parseInt(h.group(5)), Integer.parseInt(h.group(6)), Integer.parseInt(h.group(7)), nanos);
            return t.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds)) * 1_000_000_000L + nanos;
        } catch (DateTimeException e) {
            return TimeFormat.NO_TIME;
        }
    }

    /** The reason: a {@code reason:} term over its lines, an {@code exception} line, or a gen_server's. */
    private static String reason(String text) {
        Matcher k = REASON_KEY.matcher(text);
        if (k.find()) {
            int indent = k.group(1).length();
            int start = k.end();
            int end = termEnd(text, start, indent);
            return text.substring(start, end).strip();
        }
        Matcher e = EXCEPTION.matcher(text);
        if (e.find()) {
            return e.group(1) + ": " + e.group(2);
        }
        Matcher g = GEN_SERVER_REASON.matcher(text);
        if (g.find()) {
            int start = g.end();
            int next = text.indexOf("\n** ", start);
            return text.substring(start, next < 0 ? text.length() : next).strip();
        }
        return null;
    }

    /** Where a value that starts at {@code start} ends: before the next line indented {@code indent} or less. */
    private static int termEnd(String text, int start, int indent) {
        int nl = text.indexOf('\n', start);
        while (nl >= 0 && nl + 1 < text.length()) {
            int i = nl + 1;
            int spaces = 0;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
                spaces++;
            }
            if (i < text.length() && text.charAt(i) != '\n' && spaces <= indent) {
                return nl;
            }
            if (i >= text.length() || text.charAt(i) == '\n') {
                return nl; // a blank line ends the report
            }
            nl = text.indexOf('\n', i);
        }
        return text.length();
    }

    /** {@code {mod,fun,Args}} or {@code {mod,fun,Arity}} as {@code mod:fun/arity}; other text as it is. */
    static String mfa(String term) {
        Matcher m = MFA_TERM.matcher(term.strip());
        if (!m.find()) {
            return term;
        }
        String args = m.group(3);
        String arity = args.startsWith("[") ? Integer.toString(listLength(args)) : args;
        return m.group(1) + ":" + m.group(2) + "/" + arity;
    }

    /** The number of top-level elements of an Erlang list written as text, such as {@code [a,{b,c},"d,e"]}. */
    static int listLength(String list) {
        String inner = list.substring(1, list.length() - 1).strip();
        if (inner.isEmpty()) {
            return 0;
        }
        int depth = 0;
        int count = 1;
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quoted = false;
                }
            } else if (c == '"' || c == '\'') {
                quoted = true;
                quote = c;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            } else if (c == '<' && inner.startsWith("<<", i)) {
                depth++;
                i++;
            } else if (c == '>' && inner.startsWith(">>", i)) {
                depth--;
                i++;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }

    private static String unwrapName(String sup) {
        Matcher m = Pattern.compile("\\A\\{(?:local|global),(.+)\\}\\z").matcher(sup);
        return m.find() ? m.group(1) : sup;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static void appendIfSet(RecordFields f, String key, String value) {
        if (value != null) {
            f.append(key, value);
        }
    }

    private static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static boolean fail(LogRecord record, String why) {
        record.fields().clear();
        record.parseError(PREFIX + why);
        return false;
    }

    @Override
    public String toString() {
        return "ErlangReportParser[" + name + "]";
    }
}
