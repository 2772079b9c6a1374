package dev.ferry.agent.source.tail;

import dev.ferry.pipeline.regex.RubyRegex;
import java.util.regex.Matcher;

/**
 * The tag of the records read from a file, composed from the configured {@code Tag} as Fluent Bit's
 * tail does (tag_compose in plugins/in_tail/tail_file.c). Immutable and thread-safe.
 *
 * <p>Without {@code Tag_Regex}: the first {@code *} of the tag is replaced by the file's path, then
 * {@code /}, {@code \} and {@code :} become {@code .} (dropped at the very start), runs of {@code .} collapse
 * to one, any further {@code *} is dropped, and a trailing {@code .} is removed. {@code erlmcp.*} with
 * {@code /var/log/erlmcp/application.log} gives {@code erlmcp.var.log.erlmcp.application.log}. A tag without
 * {@code *} is used as it is.
 *
 * <p>With {@code Tag_Regex}: the regex is searched for in the file's path, and each {@code <name>} of the tag
 * is replaced by what the named group matched, or by {@code _} when it matched nothing (or there is no such
 * group); the rest of the tag is kept as written ({@code *} is not expanded, nothing is sanitized).
 * {@code kube.<namespace_name>.<pod_name>.<container_name>} with
 * {@code (?<pod_name>[a-z0-9.-]+)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\.log$}
 * and {@code /var/log/containers/web-1_shop_nginx-<id>.log} gives {@code kube.shop.web-1.nginx}. A path the
 * regex is not found in has no tag: Fluent Bit does not read such a file, and neither does ferry.
 */
public final class TailTag {

    private final String tag;
    private final RubyRegex regex;

    /**
     * @param tag the configured tag (or the instance name when none is set)
     * @param regex the {@code Tag_Regex}, or null
     */
    public TailTag(String tag, RubyRegex regex) {
        this.tag = tag;
        this.regex = regex;
    }

    /** The tag of the records read from {@code path} (the path as found, not resolved), or null (see the type). */
    public String of(String path) {
        return regex == null ? expand(tag, path) : fromGroups(path);
    }

    /** The {@code Tag_Regex}, or null. */
    public RubyRegex regex() {
        return regex;
    }

    /** The tag from {@code Tag} alone: {@code *} expanded with {@code path} (see the type). */
    public static String expand(String tag, String path) {
        int star = tag.indexOf('*');
        if (star < 0) {
            return tag;
        }
        String raw = tag.substring(0, star) + path + tag.substring(star + 1);
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '/' || c == '\\' || c == ':') {
                if (out.length() == 0) {
                    continue;
                }
                c = '.';
            } else if (c == '*') {
                continue;
            }
            if (c == '.' && out.length() > 0 && out.charAt(out.length() - 1) == '.') {
                continue;
            }
            out.append(c);
        }
        if (out.length() > 0 && out.charAt(out.length() - 1) == '.') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /**
     * Where a tag for {@code Tag_Regex} has a {@code <} without a {@code >} after it (or with another {@code <}
     * before it), as an index into {@code tag}; -1 when every {@code <name>} is closed. Fluent Bit fails such a
     * tag for every file; ferry refuses it in the configuration.
     */
    public static int unclosedBracket(String tag) {
        int from = 0;
        int open;
        while ((open = tag.indexOf('<', from)) >= 0) {
            int close = tag.indexOf('>', open + 1);
            if (close < 0 || tag.substring(open + 1, close).indexOf('<') >= 0) {
                return open;
            }
            from = close + 1;
        }
        return -1;
    }

    private String fromGroups(String path) {
        Matcher m = regex.pattern().matcher(path);
        if (!m.find()) {
            return null;
        }
        StringBuilder out = new StringBuilder(tag.length() + path.length());
        int from = 0;
        int open;
        while ((open = tag.indexOf('<', from)) >= 0) {
            int close = tag.indexOf('>', open + 1);
            out.append(tag, from, open);
            String value = regex.group(m, tag.substring(open + 1, close));
            out.append(value != null ? value : "_");
            from = close + 1;
        }
        return out.append(tag, from, tag.length()).toString();
    }
}
