package dev.ferry.pipeline.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The types a plugin option can have, each with Fluent Bit's value syntax and the words an error uses
 * to say what is allowed.
 */
public enum OptionType {
    /** Any text. */
    STRING("a string"),
    /** {@code on/off}, {@code true/false}, {@code yes/no}, {@code 1/0}, any case. */
    BOOL("on, off, true, false, yes or no"),
    /** A whole number. */
    INT("a whole number"),
    /** Bytes: a number with an optional unit {@code K/KB/KiB, M/MB/MiB, G/GB/GiB} (1024-based). */
    SIZE("a size such as 32k, 5MB or 1GiB"),
    /**
     * A time: a number with a unit {@code ms, s, m, h, d}; a bare number means seconds, as in Fluent Bit's
     * own options (new ferry options are documented with units).
     */
    DURATION("a duration such as 500ms, 5s or 1m (a bare number means seconds)"),
    /** One of the option's listed choices (case-insensitive). */
    CHOICE("one of the listed values");

    private final String allowed;

    OptionType(String allowed) {
        this.allowed = allowed;
    }

    /** What an error message says is allowed. */
    public String allowed() {
        return allowed;
    }

    /** Parses a boolean, or returns null if the text is not one. */
    public static Boolean parseBool(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> Boolean.TRUE;
            case "off", "false", "no", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Parses a size in bytes, or returns -1 if the text is not one. */
    public static long parseSize(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return -1;
        }
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            return -1;
        }
        long mult = switch (s.substring(i).trim()) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> -1L;
        };
        return mult < 0 ? -1 : (long) (n * mult);
    }

    /** Parses a duration, or returns null if the text is not one. */
    public static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            return null;
        }
        double millis = switch (s.substring(i).trim()) {
            case "ms" -> n;
            case "", "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            case "d" -> n * 86_400_000; // Fluent Bit's flb_utils_time_to_seconds takes d too
            default -> -1;
        };
        return millis < 0 ? null : Duration.ofNanos((long) (millis * 1_000_000));
    }
}
