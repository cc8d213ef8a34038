package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillProgressTest {

    private static final long START = 1_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void showsReadOfTotalRateAndTimeLeft() {
        BackfillProgress progress = new BackfillProgress(100_000, START);
        progress.update(START + 2 * SECOND, 20_000);
        progress.update(START + 4 * SECOND, 40_000);

        assertThat(progress.fraction()).isEqualTo(0.4);
        assertThat(progress.recordsPerSecond()).isCloseTo(10_000, within(1e-6));
        assertThat(progress.remaining()).isEqualTo(Duration.ofSeconds(6));
        assertThat(progress.line(10))
                .isEqualTo(
                        "backfill [####------]  40.0%  40,000 / 100,000 records  10,000 rec/s  left"
                                + " 0:06");
    }

    @Test
    void theRateFollowsTheRecentWindowNotTheWholeRun() {
        BackfillProgress progress = new BackfillProgress(1_000_000, START);
        progress.update(START + 30 * SECOND, 0); // planning and scheduling: nothing read yet
        progress.update(START + 35 * SECOND, 50_000);
        progress.update(START + 40 * SECOND, 100_000);

        assertThat(progress.recordsPerSecond()).isCloseTo(10_000, within(1e-6));
        assertThat(progress.remaining()).isEqualTo(Duration.ofSeconds(90));
        assertThat(progress.summary())
                .isEqualTo("backfill: 100,000 records read in 0:40 (2,500 rec/s)");
    }

    @Test
    void timeLeftIsUnknownUntilRecordsMoveAndZeroWhenAllAreRead() {
        BackfillProgress progress = new BackfillProgress(500, START);
        assertThat(progress.remaining()).isNull();
        assertThat(progress.line(4)).endsWith("left ?");
        progress.update(START + SECOND, 500);
        assertThat(progress.remaining()).isEqualTo(Duration.ZERO);
        assertThat(progress.fraction()).isEqualTo(1.0);
    }

    @Test
    void neverGoesBackNorPastTheWholeBar() {
        BackfillProgress progress = new BackfillProgress(1_000, START);
        progress.update(START + SECOND, 800);
        progress.update(START + 2 * SECOND, 300); // a source restarted after a failure re-reads
        assertThat(progress.read()).isEqualTo(800);
        progress.update(START + 3 * SECOND, 1_200); // the topics grew after the total was taken
        assertThat(progress.fraction()).isEqualTo(1.0);
        assertThat(progress.line(4)).startsWith("backfill [####] 100.0%");
    }

    @Test
    void anEmptyInputIsDoneAtOnce() {
        BackfillProgress progress = new BackfillProgress(0, START);
        assertThat(progress.fraction()).isEqualTo(1.0);
        assertThat(progress.remaining()).isEqualTo(Duration.ZERO);
    }

    @Test
    void clockReadsAsPeopleWriteIt() {
        assertThat(BackfillProgress.clock(Duration.ofSeconds(75))).isEqualTo("1:15");
        assertThat(BackfillProgress.clock(Duration.ofMinutes(125))).isEqualTo("2:05:00");
        assertThat(BackfillProgress.clock(Duration.ofMillis(1))).isEqualTo("0:01");
    }
}
