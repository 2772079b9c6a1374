package dev.ferry.pipeline.config;

/**
 * A configuration the agent cannot run: an unknown key, a bad value, a missing required key, an unknown
 * plugin, an unreadable file. The message is complete and meant for the operator as it stands:
 * {@code fluent-bit.conf:12: [INPUT] tail: unknown key 'Pth'; allowed keys: ...}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error about one key of one section. */
    public static ConfigException at(SourceLocation where, ConfigSection section, String message) {
        return new ConfigException(where + ": " + section.label() + ": " + message);
    }
}
