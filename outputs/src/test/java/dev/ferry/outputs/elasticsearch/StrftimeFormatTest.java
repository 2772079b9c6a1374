package dev.ferry.outputs.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrftimeFormatTest {

    private static final long T = 1_704_103_200L + 3 * 3600 + 4 * 60 + 5; // 2024-01-01T13:04:05Z, a Monday

    @Test
    void formatsTheSupportedDirectivesInUtc() {
        assertThat(StrftimeFormat.compile("%Y.%m.%d").format(T)).isEqualTo("2024.01.01");
        assertThat(StrftimeFormat.compile("%Y-%m-%dT%H:%M:%S").format(T)).isEqualTo("2024-01-01T13:04:05");
        assertThat(StrftimeFormat.compile("%y|%e|%I|%p|%j|%a|%A|%b|%h|%B").format(T))
                .isEqualTo("24| 1|01|PM|001|Mon|Monday|Jan|Jan|January");
        assertThat(StrftimeFormat.compile("%F %T %s %z %Z 100%%").format(T))
                .isEqualTo("2024-01-01 13:04:05 1704114245 +0000 UTC 100%");
    }

    @Test
    void rejectsUnsupportedDirectives() {
        assertThatThrownBy(() -> StrftimeFormat.compile("%Y.%k")).hasMessage("'%k'");
        assertThatThrownBy(() -> StrftimeFormat.compile("%Y%")).hasMessage("'%' at the end");
    }
}
