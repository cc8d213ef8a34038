package io.segflow.report;

import io.segflow.report.ReportData.CalibrationBin;
import io.segflow.report.ReportData.Distinction;
import io.segflow.report.ReportData.DriftCheck;
import io.segflow.report.ReportData.Driver;
import io.segflow.report.ReportData.GainsPoint;
import io.segflow.report.ReportData.Heatmap;
import io.segflow.report.ReportData.Insight;
import io.segflow.report.ReportData.ModelVersion;
import io.segflow.report.ReportData.RocPoint;
import io.segflow.report.ReportData.Segment;
import io.segflow.report.ReportData.SegmentTargets;
import io.segflow.report.ReportData.SourceValue;
import io.segflow.report.ReportData.StepFailure;
import io.segflow.report.ReportData.Target;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Report data as the tables would give it: two segments, a scored run, a refused one, none. */
final class ReportFixtures {

    static final String DATABASE = "jdbc:postgresql://db:5432/crm";

    private ReportFixtures() {}

    static ReportData scored(String firstSegmentName) {
        Insight insight =
                new Insight(
                        1_700_000_000_000L,
                        "2026-12-01 10:00",
                        1_699_000_000_000L,
                        "converted_to_sale",
                        "gradient-boosted trees chosen",
                        "gradient-boosted trees",
                        0.87,
                        0.41,
                        2.4,
                        0.02,
                        1_000L,
                        250L,
                        750L,
                        0.1,
                        0.25,
                        0.31);
        List<Segment> segments = segments(firstSegmentName, 0.6, 2.4);
        return new ReportData(
                DATABASE,
                "2026-12-01 10:05 UTC",
                insight,
                segments,
                heatmap(segments, List.of("website_views", "customer_age"), 1.5, -0.5),
                List.of(new Driver("website_views", 0.8), new Driver("customer_age", 0.3)),
                heatmap(segments, List.of("website_views", "customer_age"), 0.6, 0.2),
                List.of(new RocPoint(0, 0), new RocPoint(0.2, 0.7), new RocPoint(1, 1)),
                List.of(new GainsPoint(0.05, 0.1, 2.0), new GainsPoint(0.1, 0.16, 1.6)),
                List.of(new CalibrationBin(0.1, 0.2, 400, 0.15, 0.14)),
                List.of(
                        new SegmentTargets(
                                1,
                                segments.get(0).label(),
                                540,
                                60,
                                List.of(
                                        new Target(
                                                1,
                                                4711,
                                                0.93,
                                                99.9,
                                                0.93,
                                                List.of(new Driver("website_views", 0.42))))),
                        new SegmentTargets(2, segments.get(1).label(), 360, 40, List.of())),
                List.of(
                        new SourceValue(
                                "web",
                                List.of("website_views"),
                                0.87,
                                0.75,
                                0.12,
                                0.4,
                                0.3,
                                0.2,
                                0.1)),
                List.of(
                        new ModelVersion(
                                1L,
                                "2026-11-30 09:00",
                                "batch",
                                2,
                                Map.of("1", 500L, "2", 500L),
                                null,
                                null,
                                null,
                                null,
                                null),
                        new ModelVersion(
                                1_699_000_000_000L,
                                "2026-12-01 09:00",
                                "batch",
                                2,
                                Map.of("1", 600L, "2", 400L),
                                0.9,
                                1L,
                                0.31,
                                2.05,
                                2.04)),
                List.of(),
                lifecycles(firstSegmentName),
                new ReportData.MethodChoice(
                        1_699_000_000_000L,
                        "2026-12-01 09:00",
                        "pca-kmeans",
                        "pca-kmeans",
                        List.of(
                                new ReportData.Method(
                                        "kmeans", 4, 0.21, 1.6, 0.93, 3.1, 0.12, 0.4, null),
                                new ReportData.Method(
                                        "pca-kmeans",
                                        3,
                                        0.34,
                                        1.1,
                                        0.95,
                                        3.4,
                                        0.14,
                                        0.5,
                                        "4 of 11 components, 90% of the variance"),
                                new ReportData.Method(
                                        "gmm", 0, null, null, null, null, null, 0.1, "failed"))),
                List.of(
                        new DriftCheck(
                                1,
                                4_000,
                                "2026-12-01 09:30:00",
                                0.6,
                                0.6,
                                1.1,
                                1.0,
                                0.0,
                                false,
                                null),
                        new DriftCheck(
                                2,
                                4_000,
                                "2026-12-01 09:30:00",
                                0.4,
                                0.4,
                                1.2,
                                1.2,
                                0.0,
                                false,
                                null),
                        new DriftCheck(
                                1,
                                6_000,
                                "2026-12-01 09:31:00",
                                0.5,
                                0.6,
                                1.1,
                                1.0,
                                0.041,
                                true,
                                "retrain: segment 1's share fell from 60% to 50% of recent"
                                        + " updates"),
                        new DriftCheck(
                                2,
                                6_000,
                                "2026-12-01 09:31:00",
                                0.5,
                                0.4,
                                1.2,
                                1.2,
                                0.041,
                                true,
                                "retrain: segment 2's share rose from 40% to 50% of recent"
                                        + " updates")));
    }

    /** Two months of changes between segments 1 and 2, a path each way, statuses now. */
    static Lifecycles lifecycles(String firstSegmentName) {
        String first = "1 " + firstSegmentName;
        String second = "2 low website_views";
        return new Lifecycles(
                List.of(
                        new Lifecycles.Month(
                                "2026-11",
                                List.of(Lifecycles.NEW),
                                List.of(first, second),
                                List.of(List.of(600L, 400L))),
                        new Lifecycles.Month(
                                "2026-12",
                                List.of(first, second),
                                List.of(first, second),
                                List.of(List.of(0L, 30L), List.of(12L, 0L)))),
                List.of(
                        new Lifecycles.Path(List.of(first), 570, 570, 0.21),
                        new Lifecycles.Path(List.of(second, first), 12, 10, 0.5),
                        new Lifecycles.Path(List.of(first, second), 30, 0, null)),
                List.of(
                        new Lifecycles.StatusShare(first, 150, 432),
                        new Lifecycles.StatusShare(second, 300, 118)));
    }

    static ReportData refused() {
        Insight insight =
                new Insight(
                        1_700_000_000_000L,
                        "2026-12-01 10:00",
                        1_699_000_000_000L,
                        "converted_to_sale",
                        "converted_to_sale is true for 7 customers and false for 43: a potential"
                                + " score needs at least 100 of each",
                        null,
                        null,
                        null,
                        null,
                        null,
                        50L,
                        7L,
                        43L,
                        0.0,
                        0.14,
                        0.2);
        List<Segment> segments = segments("high website_views", null, null);
        return new ReportData(
                DATABASE,
                "2026-12-01 10:05 UTC",
                insight,
                segments,
                heatmap(segments, List.of("website_views"), 1.0, -1.0),
                List.of(),
                heatmap(segments, List.of("website_views"), 0.5, 0.5),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(
                        new StepFailure(
                                "value of data source crm",
                                "without crm: 1 distinct profile, segmentation not comparable"
                                        + " (k = 2)")),
                Lifecycles.none(),
                null,
                List.of());
    }

    static ReportData empty() {
        return lifecyclesOnly(Lifecycles.none());
    }

    /** No insight run yet, but the stream has written segments and their history. */
    static ReportData lifecyclesOnly(Lifecycles lifecycles) {
        return new ReportData(
                DATABASE,
                "2026-12-01 10:05 UTC",
                null,
                List.of(),
                null,
                List.of(),
                null,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                lifecycles,
                null,
                List.of());
    }

    private static List<Segment> segments(String firstName, Double meanPotential, Double lift) {
        return List.of(
                new Segment(
                        1,
                        firstName,
                        600,
                        0.6,
                        0.3,
                        lift,
                        meanPotential,
                        List.of(new Distinction("website_views", 1.5)),
                        List.of(new Driver("website_views", 0.6))),
                new Segment(
                        2,
                        "low website_views",
                        400,
                        0.4,
                        0.17,
                        lift == null ? null : 0.7,
                        meanPotential,
                        List.of(new Distinction("website_views", -1.0)),
                        List.of(new Driver("customer_age", 0.2))));
    }

    private static Heatmap heatmap(
            List<Segment> segments, List<String> features, double first, double second) {
        return new Heatmap(
                segments.stream().map(Segment::label).toList(),
                features,
                List.of(
                        Arrays.asList(features.stream().map(f -> first).toArray(Double[]::new)),
                        Arrays.asList(features.stream().map(f -> second).toArray(Double[]::new))));
    }
}
