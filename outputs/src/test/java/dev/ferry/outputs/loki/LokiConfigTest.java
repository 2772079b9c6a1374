package dev.ferry.outputs.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.outputs.Sections;
import dev.ferry.pipeline.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LokiConfigTest {

    private static LokiConfig config(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "loki";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return LokiConfig.from(Sections.bind(LokiConfig.OPTIONS, all));
    }

    @Test
    void aFluentBitLokiSectionWithNetworkingKeysStartsWithAWarningPerKey() {
        var o = Sections.bind(LokiConfig.OPTIONS, "Name", "loki", "net.keepalive", "off", "net.tcp_keepalive", "on",
                "Compress", "gzip");
        assertThat(o.warnings()).containsExactly(
                "test.conf:5: [OUTPUT] loki: key 'net.keepalive' has no effect in ferry (ferry keeps its HTTP "
                        + "connections alive and pools them per host; a connection that fails or that the server closed "
                        + "is replaced by a new one)",
                "test.conf:6: [OUTPUT] loki: key 'net.tcp_keepalive' has no effect in ferry (ferry turns TCP keepalive "
                        + "on for its connections with the system's timings)");
        assertThat(LokiConfig.from(o).protobuf()).isFalse();
    }

    @Test
    void defaults() {
        LokiConfig c = config();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(3100);
        assertThat(c.uri()).isEqualTo("/loki/api/v1/push");
        assertThat(c.protobuf()).isTrue();
        assertThat(c.batchMaxSize()).isEqualTo(1 << 20);
        assertThat(c.rateLimit()).isEqualTo(3 << 20);
        assertThat(c.acceptanceWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(c.maxLabelValues()).isEqualTo(1000);
        assertThat(c.retryLimit().toString()).isEqualTo("1");
        assertThat(c.replaySortBuffer()).isEqualTo(32L << 20);
    }

    @Test
    void replaySortBufferHoldsAtLeastOnePush() {
        assertThatThrownBy(() -> config("batch_max_size", "2MiB", "replay_sort_buffer", "1MiB"))
                .hasMessageContaining("bad value '1MiB' for key 'replay_sort_buffer'; allowed: a size from "
                        + "batch_max_size (2097152 bytes) to 4GiB");
        assertThat(config("replay_sort_buffer", "256MiB").replaySortBuffer()).isEqualTo(256L << 20);
    }

    @Test
    void secretsAreMaskedInDescribe() {
        LokiConfig c = config("HTTP_User", "u", "HTTP_Passwd", "hunter2");
        assertThat(String.join("\n", c.describe())).contains("user=u").contains("password=*****")
                .doesNotContain("hunter2");
        assertThat(config("Bearer_Token", "tok3n").toString()).doesNotContain("tok3n");
    }

    @Test
    void highCardinalityLabelIsAStartUpError() {
        assertThatThrownBy(() -> config("Labels", "job=x, rid=$request_id")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.conf:5").hasMessageContaining("label 'rid' takes its value from "
                        + "$request_id, a high-cardinality key (request_id)");
        assertThat(config("Labels", "job=x, rid=$request_id", "label_cardinality_check", "off").labels().isFixed())
                .isFalse();
    }

    @Test
    void gzipOnlyForJson() {
        assertThatThrownBy(() -> config("Compress", "gzip", "push_format", "protobuf")).hasMessageContaining(
                "Compress gzip applies to push_format json; protobuf pushes are always snappy-compressed");
        assertThat(config("Compress", "gzip", "push_format", "json").gzip()).isTrue();
    }

    @Test
    void compressGzipWithoutPushFormatSelectsJsonAsFluentBitSends() {
        // A stock Fluent Bit loki section (Fluent Bit pushes JSON, gzipped with Compress gzip) must start.
        LokiConfig c = config("Compress", "gzip");
        assertThat(c.protobuf()).isFalse();
        assertThat(c.gzip()).isTrue();
        assertThat(config().protobuf()).isTrue();
    }

    @Test
    void otherValidationRules() {
        assertThatThrownBy(() -> config("Drop_Single_Key", "maybe"))
                .hasMessageContaining("bad value 'maybe' for key 'Drop_Single_Key'; allowed: on, off or raw");
        assertThatThrownBy(() -> config("HTTP_User", "u", "Bearer_Token", "t"))
                .hasMessageContaining("HTTP_User and Bearer_Token are both set; use one of them");
        assertThatThrownBy(() -> config("HTTP_Passwd", "p")).hasMessageContaining("HTTP_Passwd is set without HTTP_User");
        assertThatThrownBy(() -> config("rate_limit", "fast"))
                .hasMessageContaining("bad value 'fast' for key 'rate_limit'; allowed: bytes per second such as 3MiB, "
                        + "or off");
        assertThat(config("rate_limit", "off").rateLimit()).isZero();
        assertThatThrownBy(() -> config("Label_Map_Path", "/nonexistent/map.json"))
                .hasMessageContaining("cannot read Label_Map_Path /nonexistent/map.json");
        assertThatThrownBy(() -> config("Tenant_ID_Key", "$a[")).hasMessageContaining("invalid record accessor '$a['");
        assertThatThrownBy(() -> config("Tenant_ID", "team a")).hasMessageContaining(
                "bad value for key 'Tenant_ID': Loki refuses it: tenant ID 'team a' contains unsupported character ' '");
        assertThatThrownBy(() -> config("Tenant_ID", "..")).hasMessageContaining("tenant ID is '.' or '..'");
        assertThatThrownBy(() -> config("Tenant_ID", "t".repeat(151)))
                .hasMessageContaining("tenant ID is too long: max 150 characters");
        assertThat(config("Tenant_ID", "Team_1.prod-(eu)!*'").tenantId()).isEqualTo("Team_1.prod-(eu)!*'");
    }

    @Test
    void headersAreSentAsFluentBitSendsThemAndTheirValuesAreNeverShown() {
        LokiConfig c = config("Header", "X-Env prod", "Header", "Authorization Bearer hunter2");
        assertThat(c.headers()).containsExactly("X-Env", "prod", "Authorization", "Bearer hunter2");
        assertThat(String.join("\n", c.describe())).contains("headers=[X-Env, Authorization]")
                .doesNotContain("hunter2");
        // X-Scope-OrgID is the tenant, checked and sent as Tenant_ID is.
        assertThat(config("Header", "X-Scope-OrgID team-b").tenantId()).isEqualTo("team-b");
        assertThat(config("Header", "X-Scope-OrgID team-b").headers()).isEmpty();
    }

    @Test
    void headerValidationRules() {
        assertThatThrownBy(() -> config("Header", "X-Env")).hasMessageContaining(
                "invalid Header 'X-Env'; allowed: a header name and its value, such as 'Header X-Env prod'");
        assertThatThrownBy(() -> config("Tenant_ID", "a", "Header", "X-Scope-OrgID b")).hasMessageContaining(
                "Header X-Scope-OrgID and Tenant_ID (or Tenant_ID_Key) both set the tenant; use one of them");
        assertThatThrownBy(() -> config("Header", "X-Scope-OrgID a b")).hasMessageContaining(
                "bad value for Header X-Scope-OrgID: Loki refuses it: tenant ID 'a b' contains unsupported character ' '");
        assertThatThrownBy(() -> config("Bearer_Token", "hunter2", "Header", "Authorization Basic hunter3"))
                .hasMessageContaining("Header Authorization and Bearer_Token both set the credentials; use one of them")
                .message().doesNotContain("hunter");
        assertThatThrownBy(() -> config("Header", "Content-Type text/plain")).hasMessageContaining(
                "Header Content-Type is set by ferry itself (the push's format, compression and connection; see "
                        + "push_format and Compress)");
    }

    @Test
    void structuredMetadataMapKeysTakesRecordAccessorsOnly() {
        assertThat(config("Structured_Metadata_Map_Keys", "$kubernetes['labels'], $tags").structuredMetadataMaps())
                .extracting(Object::toString).containsExactly("$kubernetes['labels']", "$tags");
        assertThatThrownBy(() -> config("Structured_Metadata_Map_Keys", "kubernetes")).hasMessageContaining(
                "invalid item 'kubernetes' in Structured_Metadata_Map_Keys; allowed: a record accessor of a map, such "
                        + "as $kubernetes['labels']");
    }
}
