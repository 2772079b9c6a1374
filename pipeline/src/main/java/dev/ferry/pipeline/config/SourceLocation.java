package dev.ferry.pipeline.config;

/**
 * A place in a configuration file: the file as the user named it and a 1-based line number.
 * Every configuration error names one, so the operator can go straight to the line.
 */
public record SourceLocation(String file, int line) {

    /** For settings that come from the command line or a built-in default rather than a file. */
    public static SourceLocation of(String origin) {
        return new SourceLocation(origin, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
