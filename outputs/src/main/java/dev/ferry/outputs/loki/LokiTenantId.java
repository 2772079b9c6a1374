package dev.ferry.outputs.loki;

/**
 * Loki's rule for tenant ids ({@code X-Scope-OrgID}), as its distributor applies it (Grafana dskit
 * {@code tenant.ValidTenantID}): at most {@value #MAX_LENGTH} characters, each an ASCII letter or digit or
 * one of {@code ! - _ . * ' ( )}, and not {@code .} or {@code ..}. Loki refuses a push whose tenant breaks
 * it, whatever its entries, so ferry checks a tenant before it sends: a configured {@code Tenant_ID} when
 * the configuration is read, a tenant taken from a record ({@code Tenant_ID_Key}) when the record is
 * written, and such a record is dead-lettered at once with the reason below (retrying cannot help).
 *
 * <p>The messages are dskit's, so an operator can search for them. Stateless.
 */
final class LokiTenantId {

    /** dskit {@code tenant.MaxTenantIDLength}. */
    static final int MAX_LENGTH = 150;

    private LokiTenantId() {
    }

    /** Why Loki refuses {@code id} as a tenant, in Loki's words, or null if it is valid. */
    static String problem(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!supported(c)) {
                return "tenant ID '" + printable(id) + "' contains unsupported character '" + printable(String.valueOf(c))
                        + "'";
            }
        }
        if (id.length() > MAX_LENGTH) {
            return "tenant ID is too long: max " + MAX_LENGTH + " characters";
        }
        if (id.equals(".") || id.equals("..")) {
            return "tenant ID is '.' or '..'";
        }
        return null;
    }

    private static boolean supported(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '!' || c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' || c == '(' || c == ')';
    }

    /** {@code s} with control characters shown as {@code \\uXXXX}, so a message stays on one line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
