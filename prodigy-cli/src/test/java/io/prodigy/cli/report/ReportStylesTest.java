package io.prodigy.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunStatus;
import io.prodigy.cli.report.ReportModel.Outcome;
import io.prodigy.cli.report.ReportModel.WaitKind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportStylesTest {
    @Test
    void everyOutcomeAndWaitHasAClassTheStyleSheetDefinesAndItsOwnLabel() {
        Set<String> labels = new HashSet<>();
        for (Outcome o : Outcome.values()) {
            assertThat(ReportCss.CSS).as(o.name()).contains(".b-" + ReportStyles.css(o) + "{");
            assertThat(labels.add(ReportStyles.label(o))).as(o.name()).isTrue();
        }
        for (WaitKind w : WaitKind.values()) {
            assertThat(ReportCss.CSS).as(w.name()).contains(".w-" + ReportStyles.css(w) + "{");
            assertThat(labels.add(ReportStyles.label(w))).as(w.name()).isTrue();
        }
    }

    @Test
    void everyRunStatusPillHasAClass() {
        for (RunStatus s : RunStatus.values()) {
            String css = ReportStyles.runStatusCss(s.name());
            assertThat(css.equals("other") || ReportCss.CSS.contains(".st-" + css + "{"))
                    .as(s.name())
                    .isTrue();
        }
        assertThat(ReportStyles.runStatusCss("COMPLETED_WITH_FAILURES")).isEqualTo("warn");
    }
}
