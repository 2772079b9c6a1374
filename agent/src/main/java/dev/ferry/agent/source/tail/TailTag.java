package dev.ferry.agent.source.tail;

/**
 * Fluent Bit's tag expansion for files: the first {@code *} of the configured tag is replaced by the
 * file's path, then {@code /}, {@code \} and {@code :} become {@code .} (dropped at the very start),
 * runs of {@code .} collapse to one, any further {@code *} is dropped, and a trailing {@code .} is
 * removed. {@code erlmcp.*} with {@code /var/log/erlmcp/application.log} gives
 * {@code erlmcp.var.log.erlmcp.application.log}. A tag without {@code *} is used as it is.
 * Stateless.
 */
public final class TailTag {

    private TailTag() {
    }

    /** The tag of the records read from {@code path} (the path as found, not resolved). */
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
}
