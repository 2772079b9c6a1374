package dev.ferry.outputs.loki;

import dev.ferry.outputs.HttpClients;
import dev.ferry.outputs.Secrets;

/**
 * How the {@code loki} output authenticates: basic auth ({@code HTTP_User}/{@code HTTP_Passwd}) or a bearer
 * token ({@code Bearer_Token}), as Fluent Bit does; {@link LokiConfig#from} refuses both at once (Fluent Bit
 * would send basic auth). Immutable.
 *
 * <p>Holds secrets: {@link #toString()} shows {@code *****} for the password and the token, and nothing else
 * in ferry prints them.
 *
 * @param user basic-auth user, or null
 * @param password basic-auth password, or null (secret)
 * @param bearerToken the token sent as {@code Authorization: Bearer ...}, or null (secret)
 */
public record LokiAuth(String user, String password, String bearerToken) {

    public static final LokiAuth NONE = new LokiAuth(null, null, null);

    /** The {@code Authorization} header value, or null for none. Secret: never log it. */
    public String header() {
        if (user != null) {
            return HttpClients.basicAuth(user, password);
        }
        return bearerToken == null ? null : "Bearer " + bearerToken;
    }

    @Override
    public String toString() {
        return "LokiAuth[user=" + user + ", password=" + Secrets.mask(password) + ", bearerToken="
                + Secrets.mask(bearerToken) + "]";
    }
}
