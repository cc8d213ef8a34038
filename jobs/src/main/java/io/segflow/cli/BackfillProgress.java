package io.segflow.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * How far a backfill is: records read of the records the input topics held at its start, the recent
 * read rate and the time left at that rate. Fed with (time, records read) samples; knows nothing of
 * Flink or the console, so it is tested with plain numbers.
 */
final class BackfillProgress {

    /** The rate is taken over this much recent time: a backfill's rate changes as stages change. */
    static final long RATE_WINDOW_NANOS = Duration.ofSeconds(10).toNanos();

    private record Sample(long nanos, long read) {}

    private final long total;
    private final long startNanos;
    private final ArrayDeque<Sample> recent = new ArrayDeque<>();
    private long read;
    private long lastNanos;

    BackfillProgress(long total, long startNanos) {
        this.total = Math.max(0, total);
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
        recent.add(new Sample(startNanos, 0));
    }

    /** Records read so far at this moment (never goes back: a restarted source re-reads). */
    void update(long nanos, long recordsRead) {
        read = Math.max(read, recordsRead);
        lastNanos = nanos;
        recent.add(new Sample(nanos, read));
        while (recent.size() > 2 && nanos - recent.peekFirst().nanos() > RATE_WINDOW_NANOS) {
            recent.removeFirst();
        }
    }

    long total() {
        return total;
    }

    long read() {
        return read;
    }

    /** Share of the total read, in [0, 1]; the topics may have grown after the total was taken. */
    double fraction() {
        return total == 0 ? 1.0 : Math.min(1.0, (double) read / total);
    }

    /** Records per second over the recent window; 0 before there are two samples apart in time. */
    double recordsPerSecond() {
        Sample first = recent.peekFirst();
        long nanos = lastNanos - first.nanos();
        return nanos <= 0 ? 0 : (read - first.read()) / (nanos / 1e9);
    }

    /** Time left at the recent rate; null while the rate is unknown. */
    Duration remaining() {
        double rate = recordsPerSecond();
        if (read >= total) {
            return Duration.ZERO;
        }
        return rate <= 0 ? null : Duration.ofMillis((long) ((total - read) / rate * 1000));
    }

    Duration elapsed() {
        return Duration.ofNanos(lastNanos - startNanos);
    }

    /** One console line: bar, percentage, read of total, rate, time left. */
    String line(int barWidth) {
        int filled = (int) Math.round(fraction() * barWidth);
        Duration left = remaining();
        return String.format(
                Locale.ROOT,
                "backfill [%s%s] %5.1f%%  %,d / %,d records  %,.0f rec/s  left %s",
                "#".repeat(filled),
                "-".repeat(barWidth - filled),
                fraction() * 100,
                read,
                total,
                recordsPerSecond(),
                left == null ? "?" : clock(left));
    }

    /** The closing line: what was read, how long it took, the mean rate. */
    String summary() {
        double seconds = elapsed().toNanos() / 1e9;
        return String.format(
                Locale.ROOT,
                "backfill: %,d records read in %s (%,.0f rec/s)",
                read,
                clock(elapsed()),
                seconds <= 0 ? 0.0 : read / seconds);
    }

    static String clock(Duration duration) {
        long seconds = Math.max(0, (duration.toMillis() + 999) / 1000);
        return seconds >= 3600
                ? String.format(
                        Locale.ROOT,
                        "%d:%02d:%02d",
                        seconds / 3600,
                        seconds / 60 % 60,
                        seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
