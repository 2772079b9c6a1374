package dev.ferry.outputs;

/**
 * How configuration records show secrets (passwords, API keys) in {@code toString()} and logs: as
 * {@code *****} when set, {@code null} when not, never the text itself. Stateless.
 */
public final class Secrets {

    public static final String MASK = "*****";

    private Secrets() {
    }

    /** {@code *****} for a set secret, {@code null} for an unset one. */
    public static String mask(String secret) {
        return secret == null ? "null" : MASK;
    }
}
