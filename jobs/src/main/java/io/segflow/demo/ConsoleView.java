package io.segflow.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the demo's status. On a terminal the view is redrawn in place every second; when the
 * output goes to a file or a pipe, one summary line per refresh is written instead, so logs stay
 * readable.
 */
public final class ConsoleView {

    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";
    private static final int BAR_WIDTH = 30;

    private final List<String> header;

    public ConsoleView(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** The whole screen for a terminal: the header, then the status. */
    public String screen(DemoStatus status) {
        StringBuilder out = new StringBuilder(CLEAR_SCREEN);
        header.forEach(line -> out.append(line).append('\n'));
        lines(status).forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    List<String> lines(DemoStatus status) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  job            %s", status.jobStatus()));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "  events in      %,d  (%,.0f/s)",
                        Math.max(0, status.inputRecords()),
                        status.inputPerSecond()));
        lines.add(
                "  lag            "
                        + (status.lag() < 0
                                ? "n/a until the first checkpoint"
                                : String.format(
                                        Locale.ROOT,
                                        "%,d records (at the last checkpoint)",
                                        status.lag())));
        lines.add(String.format(Locale.ROOT, "  profiles       %,d", status.profiles()));
        lines.add(String.format(Locale.ROOT, "  dead letters   %,d", status.deadLetters()));
        lines.add(
                "  model version  "
                        + (status.modelVersion() == null
                                ? "none yet (the trainer waits for its first customers)"
                                : status.modelVersion()
                                        + String.format(
                                                Locale.ROOT,
                                                "  (%,d published)",
                                                status.modelVersions())));
        lines.add(
                "  potential      "
                        + (status.propensityVersion() == null
                                ? "none yet: run the insight command above (it publishes a"
                                        + " propensity model)"
                                : String.format(
                                        Locale.ROOT,
                                        "propensity version %d, %,d scores updated live",
                                        status.propensityVersion(),
                                        status.liveScores())));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "  segments       %,d customers assigned%s",
                        status.segmented(),
                        status.propensityVersion() == null ? "" : "  (mean potential)"));
        long largest =
                status.segments().stream()
                        .mapToLong(DemoStatus.SegmentSize::customers)
                        .max()
                        .orElse(1);
        for (DemoStatus.SegmentSize segment : status.segments()) {
            int bar =
                    (int)
                            Math.round(
                                    BAR_WIDTH
                                            * (double) segment.customers()
                                            / Math.max(1, largest));
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "    %3d %-28s %8s%s %s",
                            segment.segmentId(),
                            segment.name() == null ? "" : abbreviate(segment.name(), 28),
                            String.format(Locale.ROOT, "%,d", segment.customers()),
                            segment.meanPotential() == null
                                    ? ""
                                    : String.format(Locale.ROOT, " %5.3f", segment.meanPotential()),
                            "#".repeat(bar)));
        }
        return lines;
    }

    /** One line for logs and pipes. */
    public static String summary(DemoStatus status) {
        StringBuilder sizes = new StringBuilder();
        for (DemoStatus.SegmentSize segment : status.segments()) {
            sizes.append(sizes.length() == 0 ? "" : " ")
                    .append(segment.segmentId())
                    .append(':')
                    .append(segment.customers());
        }
        return String.format(
                Locale.ROOT,
                "job %s | events in %,d (%,.0f/s) | lag %s | profiles %,d | dead letters %,d |"
                        + " model version %s | segments [%s] | propensity %s",
                status.jobStatus(),
                Math.max(0, status.inputRecords()),
                status.inputPerSecond(),
                status.lag() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", status.lag()),
                status.profiles(),
                status.deadLetters(),
                status.modelVersion() == null ? "none" : status.modelVersion().toString(),
                sizes,
                status.propensityVersion() == null
                        ? "none"
                        : String.format(
                                Locale.ROOT,
                                "version %d, %,d live scores",
                                status.propensityVersion(),
                                status.liveScores()));
    }

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
