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
    void formatsWeeksCenturiesAndShortFormsAsGlibcDoes() {
        // Expected texts from GNU date (TZ=UTC date -d @SECONDS '+...'), which uses glibc's strftime.
        assertThat(StrftimeFormat.compile("%C|%G|%g|%k|%l|%U|%W|%V|%u|%w|%D|%R").format(T))
                .isEqualTo("20|2024|24|13| 1|00|01|01|1|1|01/01/24|13:04");
        long sundayNewYear = 1_672_531_200L; // 2023-01-01T00:00:00Z, a Sunday in ISO week 52 of 2022
        assertThat(StrftimeFormat.compile("%U|%W|%V|%G|%g|%u|%w|%k|%l").format(sundayNewYear))
                .isEqualTo("01|00|52|2022|22|7|0| 0|12");
        long leapYearEnd = 1_609_390_800L; // 2020-12-31T05:00:00Z, ISO week 53
        assertThat(StrftimeFormat.compile("%Y.%U|%W|%V|%G|%j").format(leapYearEnd)).isEqualTo("2020.52|52|53|2020|366");
        assertThat(StrftimeFormat.compile("a%nb%tc").format(T)).isEqualTo("a\nb\tc");
    }

    @Test
    void knowsWhetherItIsConstant() {
        assertThat(StrftimeFormat.compile("erlmcp-logs").constant()).isTrue();
        assertThat(StrftimeFormat.compile("100%%").constant()).isTrue();
        assertThat(StrftimeFormat.compile("logs-%Y").constant()).isFalse();
    }

    @Test
    void spansTheUnitOfItsFinestDirective() {
        long day = 1_704_067_200L; // 2024-01-01T00:00:00Z
        assertThat(StrftimeFormat.compile("%Y.%m.%d").spanStart(T)).isEqualTo(day);
        assertThat(StrftimeFormat.compile("%G.%V|%a|%U").spanStart(T)).isEqualTo(day);
        assertThat(StrftimeFormat.compile("erlmcp-logs").spanStart(T)).isEqualTo(day);
        assertThat(StrftimeFormat.compile("%Y.%m.%d.%p").spanStart(T)).isEqualTo(day + 13 * 3600);
        assertThat(StrftimeFormat.compile("%F-%H").spanStart(T)).isEqualTo(day + 13 * 3600);
        assertThat(StrftimeFormat.compile("%F %R").spanStart(T)).isEqualTo(day + 13 * 3600 + 4 * 60);
        assertThat(StrftimeFormat.compile("%Y-%m-%dT%H:%M:%S").spanStart(T)).isEqualTo(T);
        assertThat(StrftimeFormat.compile("%s").spanStart(T)).isEqualTo(T);
        assertThat(StrftimeFormat.compile("%Y.%m.%d").spanStart(-1)).isEqualTo(-86_400); // 1969-12-31
    }

    @Test
    void rejectsUnsupportedDirectives() {
        assertThatThrownBy(() -> StrftimeFormat.compile("%Y.%L")).hasMessage("'%L'");
        assertThatThrownBy(() -> StrftimeFormat.compile("%Y%")).hasMessage("'%' at the end");
    }
}
