package dev.ferry.pipeline.config;

import java.util.List;
import java.util.Locale;

/**
 * One {@code key value} setting of a configuration section, with where it was written.
 * The value is already expanded ({@code ${VAR}} and {@code @SET} variables), never null.
 *
 * <p>Values of keys that may hold secrets (passwords, tokens, API keys) are never shown: {@link
 * #toString()} and {@link #displayValue()} print {@code *****} for them.
 */
public record ConfigEntry(String key, String value, SourceLocation location) {

    private static final List<String> SECRET_WORDS = List.of("passwd", "password", "token", "secret", "api_key",
            "apikey", "cloud_auth", "key_passwd");

    /** Keys are case-insensitive, as in Fluent Bit. */
    public boolean is(String name) {
        return key.equalsIgnoreCase(name);
    }

    /** Whether the key may hold a secret ({@code HTTP_Passwd}, {@code Bearer_Token}, {@code HTTP_API_Key}, ...). */
    public boolean secret() {
        return secretName(key);
    }

    /**
     * Whether a key or variable of this name may hold a secret: it has one of the words passwd, password,
     * token, secret, api_key, apikey, cloud_auth (any case), and does not end in {@code _file} or {@code _path}
     * ({@code ELASTICSEARCH_PASSWORD}, {@code HTTP_Passwd}, {@code Kube_Token_File} is not).
     */
    public static boolean secretName(String name) {
        String k = name.toLowerCase(Locale.ROOT);
        if (k.endsWith("_file") || k.endsWith("_path")) {
            return false; // where a secret is kept, not the secret
        }
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value as it may be shown in logs and {@code ferry check}: {@code *****} for secrets. A {@code Header}
     * (an HTTP output's {@code Header Name value}) shows its name and {@code *****} for a value that is
     * credentials: {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}, or a name with a secret
     * word ({@code X-Api-Key}, {@code X-Auth-Token}).
     */
    public String displayValue() {
        if (secret()) {
            return value.isEmpty() ? "(empty)" : "*****";
        }
        if (is("Header")) {
            String[] header = splitFirstWord(value.strip());
            String name = header[0];
            String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
            if (!header[1].isEmpty() && (n.contains("auth") || n.equals("cookie") || n.endsWith("key") || secretName(n))) {
                return name + " *****";
            }
        }
        return value;
    }

    /**
     * {@code [first word, rest]} of {@code text}: the characters up to the first whitespace, and what follows,
     * stripped (empty when nothing follows). A classic configuration line is a key and its value this way, and
     * a {@code Header} value a header name and the header's value.
     */
    public static String[] splitFirstWord(String text) {
        int space = 0;
        while (space < text.length() && !Character.isWhitespace(text.charAt(space))) {
            space++;
        }
        return new String[] {text.substring(0, space), text.substring(space).strip()};
    }

    @Override
    public String toString() {
        return location + ": " + key + " " + displayValue();
    }
}
