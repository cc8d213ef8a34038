package io.segflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleViewTest {

    private static final DemoStatus RUNNING =
            new DemoStatus(
                    12_345,
                    480.4,
                    1_200,
                    950,
                    List.of(
                            new DemoStatus.SegmentSize(1, "researchers: high blogs_viewed", 300),
                            new DemoStatus.SegmentSize(2, "video learners", 150)),
                    1_764_000_000_123L,
                    7,
                    3,
                    "RUNNING",
                    null,
                    0);

    @Test
    void theLiveViewShowsEverythingTheIssueAsksFor() {
        String screen =
                new ConsoleView(
                                List.of(
                                        "segflow demo",
                                        "  JDBC URL : jdbc:postgresql://localhost:5432/segflow"))
                        .screen(RUNNING);
        assertThat(screen)
                .contains("JDBC URL : jdbc:postgresql://localhost:5432/segflow")
                .contains("events in      12,345  (480/s)")
                .contains("lag            1,200 records")
                .contains("profiles       950")
                .contains("dead letters   3")
                .contains("model version  1764000000123  (7 published)")
                .contains("segments       450 customers assigned");
        // bars are relative to the largest segment
        assertThat(screen).containsPattern("1 researchers: high blogs_vie… +300 #{30}\n");
        assertThat(screen).containsPattern("2 video learners +150 #{15}\n");
    }

    @Test
    void onceAPropensityModelIsPublishedEachSegmentShowsItsMeanPotential() {
        DemoStatus scored =
                new DemoStatus(
                        12_345,
                        480.4,
                        1_200,
                        950,
                        List.of(
                                new DemoStatus.SegmentSize(1, "researchers", 300, 0.4213),
                                new DemoStatus.SegmentSize(2, "video learners", 150, 0.0871)),
                        1_764_000_000_123L,
                        7,
                        3,
                        "RUNNING",
                        1_764_000_500_000L,
                        1_234);
        String screen = new ConsoleView(List.of()).screen(scored);
        assertThat(screen)
                .contains(
                        "potential      propensity version 1764000500000, 1,234 scores updated"
                                + " live")
                .contains("(mean potential)")
                .containsPattern("1 researchers +300 +0\\.421 #{30}\n")
                .containsPattern("2 video learners +150 +0\\.087 #{15}\n");
        assertThat(new ConsoleView(List.of()).screen(RUNNING))
                .contains("potential      none yet: run the insight command above");
    }

    @Test
    void beforeTheFirstCheckpointAndModelNothingIsMadeUp() {
        DemoStatus starting =
                new DemoStatus(0, 0, -1, 0, List.of(), null, 0, 0, "INITIALIZING", null, 0);
        assertThat(new ConsoleView(List.of()).lines(starting))
                .contains("  lag            n/a until the first checkpoint")
                .anyMatch(line -> line.contains("none yet"));
        assertThat(ConsoleView.summary(starting))
                .contains("lag n/a", "model version none", "segments []");
    }

    @Test
    void theSummaryLineListsSegmentSizes() {
        assertThat(ConsoleView.summary(RUNNING))
                .isEqualTo(
                        "job RUNNING | events in 12,345 (480/s) | lag 1,200 | profiles 950 | dead"
                            + " letters 3 | model version 1764000000123 | segments [1:300 2:150] |"
                            + " propensity none");
    }
}
