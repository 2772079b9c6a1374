package dev.ferry.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigEntryTest {

    private static ConfigEntry entry(String key, String value) {
        return new ConfigEntry(key, value, new SourceLocation("fluent-bit.conf", 9));
    }

    @Test
    void secretsAreNeverShown() {
        for (String key : new String[] {"HTTP_Passwd", "http_password", "Bearer_Token", "HTTP_API_Key", "Cloud_Auth",
                "tls.key_passwd"}) {
            ConfigEntry e = entry(key, "hunter2");
            assertThat(e.secret()).as(key).isTrue();
            assertThat(e.toString()).as(key).isEqualTo("fluent-bit.conf:9: " + key + " *****").doesNotContain("hunter2");
            assertThat(e.displayValue()).isEqualTo("*****");
        }
        assertThat(entry("HTTP_Passwd", "").displayValue()).isEqualTo("(empty)");
    }

    @Test
    void ordinaryValuesAreShown() {
        assertThat(entry("HTTP_User", "elastic").toString()).isEqualTo("fluent-bit.conf:9: HTTP_User elastic");
        assertThat(entry("Kube_Token_File", "/var/run/secrets/token").secret()).isFalse();
    }

    @Test
    void aHeaderCarryingCredentialsShowsItsNameOnly() {
        for (String header : new String[] {"Authorization Bearer hunter2", "Proxy-Authorization Basic hunter2",
                "X-Api-Key hunter2", "X-Auth-Token hunter2", "Cookie session=hunter2"}) {
            ConfigEntry e = entry("Header", header);
            String name = header.substring(0, header.indexOf(' '));
            assertThat(e.displayValue()).as(header).isEqualTo(name + " *****");
            assertThat(e.toString()).as(header).isEqualTo("fluent-bit.conf:9: Header " + name + " *****");
        }
        assertThat(entry("Header", "X-Env prod").displayValue()).isEqualTo("X-Env prod");
    }
}
