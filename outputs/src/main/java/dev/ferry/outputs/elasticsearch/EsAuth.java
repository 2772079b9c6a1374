package dev.ferry.outputs.elasticsearch;

import dev.ferry.outputs.Secrets;

/**
 * How the {@code es} output authenticates: basic auth ({@code HTTP_User}/{@code HTTP_Passwd}, or
 * {@code Cloud_Auth}'s user and password), or an API key ({@code HTTP_API_Key}); {@link EsConfig} refuses two of
 * them together. Immutable.
 *
 * <p>Holds secrets: {@link #toString()} shows {@code *****} in place of the password, the API key and
 * Cloud_Auth, and nothing else in ferry may print these components.
 *
 * @param user basic-auth user, or null
 * @param password basic-auth password, or null (secret)
 * @param apiKey the base64 API key sent as {@code Authorization: ApiKey ...}, or null (secret)
 * @param cloudAuth Elastic Cloud {@code user:password}, or null (secret)
 */
public record EsAuth(String user, String password, String apiKey, String cloudAuth) {

    public static final EsAuth NONE = new EsAuth(null, null, null, null);

    /** The basic-auth user in effect: Cloud_Auth's when set, else HTTP_User. */
    public String effectiveUser() {
        return cloudAuth != null ? cloudAuth.substring(0, cloudAuth.indexOf(':')) : user;
    }

    /** The basic-auth password in effect: Cloud_Auth's when set, else HTTP_Passwd (secret). */
    public String effectivePassword() {
        return cloudAuth != null ? cloudAuth.substring(cloudAuth.indexOf(':') + 1) : password;
    }

    @Override
    public String toString() {
        return "EsAuth[user=" + user + ", password=" + Secrets.mask(password) + ", apiKey=" + Secrets.mask(apiKey)
                + ", cloudAuth=" + Secrets.mask(cloudAuth) + "]";
    }
}
