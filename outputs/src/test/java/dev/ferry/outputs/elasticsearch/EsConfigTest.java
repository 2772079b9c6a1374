package dev.ferry.outputs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.outputs.RetryLimit;
import dev.ferry.outputs.Sections;
import dev.ferry.pipeline.config.ConfigException;
import dev.ferry.pipeline.config.OptionSpec;
import dev.ferry.pipeline.config.OptionTable;
import dev.ferry.pipeline.config.Options;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EsConfigTest {

    /** The es table with the Match key the assembler adds to every output. */
    private static final OptionTable WITH_MATCH = new OptionTable("OUTPUT", "es",
            List.of(OptionSpec.string("Match", "Tag pattern.")), EsConfig.OPTIONS.specs());

    private static Options bind(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "Name";
        all[1] = "es";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return Sections.bind(EsConfig.OPTIONS, all);
    }

    private static EsConfig config(String... keyValues) {
        return EsConfig.from(bind(keyValues));
    }

    @Test
    void seedSectionBindsWithOneWarningForType() {
        Options o = WITH_MATCH.bind(Sections.output(
                "Name", "es",
                "Match", "erlmcp.*",
                "Host", "elasticsearch-service.elasticsearch.svc.cluster.local",
                "Port", "9200",
                "Index", "erlmcp-logs",
                "Type", "_doc",
                "Logstash_Format", "On",
                "Logstash_Prefix", "erlmcp",
                "HTTP_User", "elastic",
                "HTTP_Passwd", "s3cret",
                "Generate_ID", "On",
                "Retry_Limit", "False"));
        assertThat(o.warnings()).containsExactly("test.conf:9: [OUTPUT] es: key 'Type' has no effect in ferry "
                + "(mapping types were removed in Elasticsearch 8)");
        EsConfig c = EsConfig.from(o);
        assertThat(c.host()).isEqualTo("elasticsearch-service.elasticsearch.svc.cluster.local");
        assertThat(c.port()).isEqualTo(9200);
        assertThat(c.index()).hasToString("erlmcp-logs");
        assertThat(c.logstashFormat()).isTrue();
        assertThat(c.logstashPrefix()).isEqualTo("erlmcp");
        assertThat(c.logstashDateFormat().format(1_704_103_200L)).isEqualTo("2024.01.01");
        assertThat(c.auth().user()).isEqualTo("elastic");
        assertThat(c.auth().password()).isEqualTo("s3cret");
        assertThat(c.generateId()).isTrue();
        assertThat(c.retryLimit()).isEqualTo(RetryLimit.FOREVER);
        assertThat(c.writeOperation()).isEqualTo(EsConfig.WriteOperation.CREATE);
    }

    @Test
    void defaultsAreFluentBits() {
        EsConfig c = config();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9200);
        assertThat(c.path()).isNull();
        assertThat(c.index()).hasToString("fluent-bit");
        assertThat(c.logstashFormat()).isFalse();
        assertThat(c.logstashPrefix()).isEqualTo("logstash");
        assertThat(c.logstashPrefixSeparator()).isEqualTo("-");
        assertThat(c.logstashDateFormat()).hasToString("%Y.%m.%d");
        assertThat(c.timeKey()).isEqualTo("@timestamp");
        assertThat(c.timeKeyFormat()).hasToString("%Y-%m-%dT%H:%M:%S");
        assertThat(c.timeKeyNanos()).isFalse();
        assertThat(c.tagKey()).isEqualTo("flb-key"); // es.h FLB_ES_DEFAULT_TAG_KEY (Fluent Bit's docs say _flb-key)
        assertThat(c.includeTagKey()).isFalse();
        assertThat(c.writeOperation()).isEqualTo(EsConfig.WriteOperation.CREATE);
        assertThat(c.auth()).isEqualTo(EsAuth.NONE);
        assertThat(c.retryLimit()).isEqualTo(new RetryLimit(1, false));
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.gzip()).isFalse();
        assertThat(c.tls().enabled()).isFalse();
        assertThat(c.tls().verify()).isTrue();
        assertThat(c.tls().verifyHostname()).isTrue();
    }

    @Test
    void tlsVerifyHostnameIsFluentBitsKey() {
        // Fluent Bit's output key (flb_output.c); Off checks the certificate's CA but not its host name
        assertThat(config("tls", "on", "tls.verify_hostname", "off").tls().verifyHostname()).isFalse();
        assertThat(config("tls", "on", "tls.verify_hostname", "on").tls().verifyHostname()).isTrue();
    }

    @Test
    void typedKeys() {
        EsConfig c = config("Write_Operation", "Upsert", "Id_Key", "id", "Retry_Limit",
                "no_retries", "Workers", "4", "Compress", "gzip", "tls", "on", "tls.verify", "off",
                "tls.ca_file", "/ca.pem", "tls.crt_file", "/c.pem", "tls.key_file", "/k.pem", "tls.vhost", "es.local",
                "Time_Key_Nanos", "on", "Path", "/es");
        assertThat(c.writeOperation()).isEqualTo(EsConfig.WriteOperation.UPSERT);
        assertThat(c.retryLimit()).isEqualTo(RetryLimit.NONE);
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.gzip()).isTrue();
        assertThat(c.tls().enabled()).isTrue();
        assertThat(c.tls().verify()).isFalse();
        assertThat(c.tls().crtFile()).isEqualTo("/c.pem");
        assertThat(c.tls().vhost()).isEqualTo("es.local");
        assertThat(c.timeKeyNanos()).isTrue();
        assertThat(c.path()).isEqualTo("/es");
    }

    @Test
    void awsKeysBesideAwsAuthOffAreAcceptedWithWarnings() {
        Options o = bind("AWS_Auth", "Off", "AWS_Region", "us-east-1");
        assertThat(o.warnings()).containsExactly("test.conf:6: [OUTPUT] es: key 'AWS_Region' has no effect in ferry "
                + "(AWS request signing is not supported; use HTTP_API_Key or HTTP_User)");
        assertThat(EsConfig.from(o).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void awsAuthOnIsRefused() {
        // Unsigned requests are refused by Amazon OpenSearch: every record would be retried, then dead-lettered.
        assertThatThrownBy(() -> config("AWS_Auth", "On", "AWS_Region", "us-east-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: AWS_Auth On is not supported: ferry cannot sign requests with "
                        + "AWS SigV4, so Amazon OpenSearch would refuse every request; use the domain's fine-grained "
                        + "access control with HTTP_User/HTTP_Passwd, or HTTP_API_Key, and set AWS_Auth Off");
    }

    @Test
    void upstreamIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> config("upstream", "/etc/fluent-bit/es-nodes.conf"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: upstream (a file of Elasticsearch nodes) is not supported: "
                        + "list the nodes in Host instead, comma-separated (host or host:port); ferry sends to one and "
                        + "fails over to the next when it cannot be reached");
    }

    @Test
    void idKeyAndPrefixKeyAreRecordAccessors() {
        EsConfig c = config("Id_Key", "$meta['id']", "Logstash_Prefix_Key", "kubernetes");
        assertThat(c.idKey().key()).isEqualTo("meta");
        assertThat(c.idKey().nested()).isTrue();
        // Fluent Bit prepends the '$' a Logstash_Prefix_Key lacks (es_conf.c config_set_ra_prefix_key).
        assertThat(c.logstashPrefixKey()).hasToString("$kubernetes");
        assertThatThrownBy(() -> config("Logstash_Prefix_Key", "$kubernetes['namespace_name'"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: invalid record accessor '$kubernetes['namespace_name'' in "
                        + "Logstash_Prefix_Key: expected ']' at position 28");
    }

    @Test
    void secretsAreNeverPrinted() {
        EsConfig c = config("HTTP_User", "elastic", "HTTP_Passwd", "s3cret", "tls.key_passwd", "k3ypass",
                "tls.crt_file", "/c", "tls.key_file", "/k");
        EsConfig k = config("HTTP_API_Key", "QXBpS2V5OnNlY3JldA==");
        EsConfig cloud = config("Cloud_Auth", "elastic:cl0ud");
        for (EsConfig e : List.of(c, k, cloud)) {
            for (String text : List.of(e.toString(), String.join("\n", e.describe()))) {
                assertThat(text).doesNotContain("s3cret", "k3ypass", "QXBpS2V5OnNlY3JldA==", "cl0ud").contains("*****");
            }
        }
        assertThat(c.toString()).contains("user=elastic", "password=*****", "keyPasswd=*****");
        assertThat(k.auth()).hasToString("EsAuth[user=null, password=null, apiKey=*****, cloudAuth=null]");
        assertThat(cloud.auth()).hasToString("EsAuth[user=null, password=null, apiKey=null, cloudAuth=*****]");
        assertThat(cloud.auth().effectiveUser()).isEqualTo("elastic");
        assertThat(cloud.auth().effectivePassword()).isEqualTo("cl0ud");
    }

    @Test
    void passwordAndApiKeyTogetherIsAnError() {
        assertThatThrownBy(() -> config("HTTP_User", "u", "HTTP_Passwd", "p", "HTTP_API_Key", "k"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:7: [OUTPUT] es: HTTP_Passwd and HTTP_API_Key are both set; use one of them");
        // Fluent Bit would take HTTP_User, then Cloud_Auth, then the API key, without a word.
        assertThatThrownBy(() -> config("Cloud_Auth", "elastic:cl0ud", "HTTP_API_Key", "k"))
                .hasMessage("test.conf:6: [OUTPUT] es: Cloud_Auth and HTTP_API_Key are both set; use one of them");
        assertThatThrownBy(() -> config("HTTP_User", "u", "HTTP_Passwd", "p", "Cloud_Auth", "elastic:cl0ud"))
                .hasMessage("test.conf:7: [OUTPUT] es: HTTP_User and Cloud_Auth are both set; use one of them")
                .hasMessageNotContaining("cl0ud");
    }

    @Test
    void passwordWithoutUserIsAnError() {
        assertThatThrownBy(() -> config("HTTP_Passwd", "p"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: HTTP_Passwd is set without HTTP_User");
    }

    @Test
    void clientCertificateWithoutKeyIsAnError() {
        assertThatThrownBy(() -> config("tls", "on", "tls.crt_file", "/c.pem"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [OUTPUT] es: tls.crt_file is set without tls.key_file");
    }

    @Test
    void weeklyIndicesAreAccepted() {
        // 2024-01-01 is in week 01 (%W, Monday first) and ISO week 01 of 2024; were refused before.
        assertThat(config("Logstash_Format", "on", "Logstash_DateFormat", "%Y.%W").logstashDateFormat()
                .format(1_704_103_200L)).isEqualTo("2024.01");
        assertThat(config("Logstash_Format", "on", "Logstash_DateFormat", "%G.%V").logstashDateFormat()
                .format(1_704_103_200L)).isEqualTo("2024.01");
    }

    @Test
    void unsupportedDateDirectiveIsAnError() {
        assertThatThrownBy(() -> config("Logstash_Format", "on", "Logstash_DateFormat", "%Y.%m.%q"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:6: [OUTPUT] es: unsupported directive '%q' in Logstash_DateFormat '%Y.%m.%q'; "
                        + "supported: " + StrftimeFormat.SUPPORTED);
        assertThatThrownBy(() -> config("Time_Key_Format", "%Y-%m-%dT%H:%M:%S.%L"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: unsupported directive '%L' in Time_Key_Format "
                        + "'%Y-%m-%dT%H:%M:%S.%L'; supported: " + StrftimeFormat.SUPPORTED + "; the fraction of a "
                        + "second is added after it (.123Z, or nanoseconds with Time_Key_Nanos On), as in Fluent Bit");
        assertThatThrownBy(() -> config("Index", "logs-%Y.%i"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: unsupported directive '%i' in Index 'logs-%Y.%i'; "
                        + "supported: " + StrftimeFormat.SUPPORTED);
    }

    @Test
    void badRetryLimitIsAnError() {
        assertThatThrownBy(() -> config("Retry_Limit", "forever"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value 'forever' for key 'Retry_Limit'; allowed: a number of "
                        + "retries, False or no_limits (retry forever), or no_retries");
    }

    @Test
    void optionsThatHaveNoEffectInFerryAreAcceptedWithAWarningThatSaysWhy() {
        Options o = bind("Buffer_Size", "False", "Suppress_Type_Name", "On");
        assertThat(o.warnings()).containsExactly(
                "test.conf:5: [OUTPUT] es: key 'Buffer_Size' has no effect in ferry (ferry reads every response whole; "
                        + "it asks Elasticsearch for the failed items only)",
                "test.conf:6: [OUTPUT] es: key 'Suppress_Type_Name' has no effect in ferry (ferry never writes _type: "
                        + "mapping types were removed in Elasticsearch 8)");
    }

    @Test
    void fluentBitsNetworkingKeysAreAcceptedWithAWarningThatSaysWhatFerryDoes() {
        Options o = bind("net.keepalive", "on", "net.connect_timeout", "30", "net.dns.mode", "TCP");
        assertThat(o.warnings()).containsExactly(
                "test.conf:5: [OUTPUT] es: key 'net.keepalive' has no effect in ferry (ferry keeps its HTTP connections "
                        + "alive and pools them per host; a connection that fails or that the server closed is replaced "
                        + "by a new one)",
                "test.conf:6: [OUTPUT] es: key 'net.connect_timeout' has no effect in ferry (ferry's HTTP outputs wait "
                        + "10 s to connect and 60 s for each read, TLS handshake included)",
                "test.conf:7: [OUTPUT] es: key 'net.dns.mode' has no effect in ferry (host names are resolved by the JVM "
                        + "with the system's resolver)");
        assertThatThrownBy(() -> bind("net.keepalives", "on")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.conf:5: [OUTPUT] es: unknown key 'net.keepalives'");
    }

    @Test
    void badPortIsAnError() {
        assertThatThrownBy(() -> config("Port", "70000"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value '70000' for key 'Port'; allowed: a port number from 1 "
                        + "to 65535");
    }

    @Test
    void negativeWorkersIsAnError() {
        assertThatThrownBy(() -> config("Workers", "-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value '-1' for key 'Workers'; allowed: a number from 0 to 256");
    }

    @Test
    void updateWithoutIdIsAnError() {
        assertThatThrownBy(() -> config("Write_Operation", "update"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: Write_Operation update needs Id_Key or Generate_ID to name the "
                        + "documents");
        assertThat(config("Write_Operation", "update", "Generate_ID", "on").writeOperation())
                .isEqualTo(EsConfig.WriteOperation.UPDATE);
    }

    @Test
    void badWriteOperationIsAnError() {
        assertThatThrownBy(() -> config("Write_Operation", "delete"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value 'delete' for key 'Write_Operation'; allowed: one of "
                        + "create, index, update, upsert");
    }

    @Test
    void cloudIdGivesHostAndPort() {
        String id = "prod:" + Base64.getEncoder().encodeToString(
                "eu-west-1.aws.found.io$abc123$kib456".getBytes(StandardCharsets.UTF_8));
        EsConfig c = config("Cloud_ID", id);
        assertThat(c.host()).isEqualTo("abc123.eu-west-1.aws.found.io");
        assertThat(c.port()).isEqualTo(443);
        String withPort = "prod:" + Base64.getEncoder().encodeToString(
                "eu-west-1.aws.found.io:9243$abc123$kib456".getBytes(StandardCharsets.UTF_8));
        assertThat(config("Cloud_ID", withPort).port()).isEqualTo(9243);
        // The port after the Elasticsearch id overrides (Fluent Bit reads it there, es_conf_parse.c).
        String esPort = "prod:" + Base64.getEncoder().encodeToString(
                "eu-west-1.aws.found.io$abc123:9244$kib456".getBytes(StandardCharsets.UTF_8));
        assertThat(config("Cloud_ID", esPort).host()).isEqualTo("abc123.eu-west-1.aws.found.io");
        assertThat(config("Cloud_ID", esPort).port()).isEqualTo(9244);
        assertThat(config("Cloud_ID", id, "Host", "es.internal").host()).isEqualTo("es.internal");
    }

    @Test
    void badCloudIdAndCloudAuthAreErrors() {
        assertThatThrownBy(() -> config("Cloud_ID", "prod:%%%"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value 'prod:%%%' for key 'Cloud_ID'; allowed: an Elastic "
                        + "Cloud ID (name:base64 text)");
        assertThatThrownBy(() -> config("Cloud_Auth", "justapassword"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.conf:5: [OUTPUT] es: bad value for key 'Cloud_Auth'; allowed: user:password")
                .message().doesNotContain("justapassword");
    }

    @Test
    void deadLetterIndexIsOffByDefaultAndMustBeAnIndexName() {
        assertThat(config().deadLetterIndex()).isNull();
        assertThat(config("dead_letter.index", "ferry-dead-letters").deadLetterIndex()).isEqualTo("ferry-dead-letters");
        for (String bad : new String[] {"Dead", "a b", "logs-*", "_x", "a,b"}) {
            assertThatThrownBy(() -> config("dead_letter.index", bad)).isInstanceOf(ConfigException.class)
                    .hasMessage("test.conf:5: [OUTPUT] es: bad value '" + bad + "' for key 'dead_letter.index'; allowed: "
                            + "an Elasticsearch index name (lowercase; no space or \\ / * ? \" < > | , # :; not starting "
                            + "with -, _ or +)");
        }
    }
}
