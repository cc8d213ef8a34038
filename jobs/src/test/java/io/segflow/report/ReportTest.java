package io.segflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page as the template renders it, without a browser: its sections, data and escaping. */
class ReportTest {

    private static final String HOSTILE_NAME = "<b>\"A&B\"</b>";

    private static final Pattern DATA_SCRIPT =
            Pattern.compile(
                    "<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                    Pattern.DOTALL);

    @Test
    void aScoredRunShowsEverySectionWithItsChartAndWellFormedData() throws Exception {
        String html = render(ReportFixtures.scored(HOSTILE_NAME));
        assertThat(html).doesNotContain("step-failures");

        assertThat(withoutScripts(html))
                .contains(
                        "id=\"segments\"",
                        "id=\"propensity\"",
                        "id=\"segment-drivers\"",
                        "id=\"targets\"",
                        "id=\"sources\"",
                        "id=\"history\"",
                        "id=\"drift\"",
                        "share rose from 40% to 50% of recent updates");
        assertThat(charts(html))
                .containsExactly(
                        "segment-sizes",
                        "segment-conversion",
                        "profile-heatmap",
                        "roc",
                        "gains",
                        "calibration",
                        "global-drivers",
                        "segment-drivers",
                        "source-value",
                        "size-history",
                        "stability",
                        "drift-index",
                        "drift-share",
                        "drift-distance");
        // ECharts itself is in the page: it must open without a network
        assertThat(html.contains("<script src")).as("a script loaded from elsewhere").isFalse();
        assertThat(html.contains("t.version=\"5.3.1\"")).as("ECharts 5.3.1 inlined").isTrue();
        assertThat(html.length()).isGreaterThan(1_000_000);
        assertThat(withoutScripts(html)).contains("id=\"script-errors\" data-errors=\"0\"");

        JsonNode data = new ObjectMapper().readTree(dataJson(html));
        assertThat(data.path("segments")).hasSize(2);
        assertThat(data.path("segments").get(0).path("label").asText())
                .isEqualTo("1 · " + HOSTILE_NAME);
        assertThat(data.path("rocCurve")).hasSize(3);
        assertThat(data.path("drift")).hasSize(4);
        assertThat(data.path("liftCurve").get(1).path("lift").asDouble()).isEqualTo(1.6);
        assertThat(data.path("profileHeatmap").path("values").get(0).get(0).asDouble())
                .isEqualTo(1.5);
        assertThat(data.path("history")).hasSize(2);
        // the latest version's comparison with a batch fit with restarts, in words
        assertThat(withoutScripts(html))
                .contains(
                        "inertia per customer 2.050; a batch fit with restarts on the same"
                                + " customers: 2.040 (at the batch optimum)");
        // the target list's head is a table
        assertThat(withoutScripts(html))
                .contains("<td class=\"n\">4711</td>", "website_views +0.42");
        // the latest retrain --compare: every method, the chosen one marked
        assertThat(withoutScripts(html))
                .contains(
                        "id=\"method-choice\"",
                        "<td>pca-kmeans ← chosen</td><td class=\"n\">3</td>"
                                + "<td class=\"n\">0.340</td>",
                        "4 of 11 components, 90% of the variance",
                        "<td class=\"n\">14.0%</td>");
    }

    @Test
    void textFromTheDatabaseIsEscapedInTheMarkupAndInTheScriptData() throws Exception {
        String html = render(ReportFixtures.scored(HOSTILE_NAME));

        String markup = withoutScripts(html);
        assertThat(markup).doesNotContain(HOSTILE_NAME).doesNotContain("\"A&B\"");
        assertThat(markup).contains("1 · &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
        assertThat(html.contains(HOSTILE_NAME)).as("the raw name anywhere in the page").isFalse();
        String json = dataJson(html);
        assertThat(json).doesNotContain("<", ">", "&");
        assertThat(json).contains("\\u003Cb\\u003E\\\"A\\u0026B\\\"\\u003C/b\\u003E");
        // and JSON.parse (here Jackson) reads the name back as it was
        assertThat(new ObjectMapper().readTree(json).path("segments").get(0).path("name").asText())
                .isEqualTo(HOSTILE_NAME);
    }

    @Test
    void aRunWithoutPotentialsShowsTheSegmentsAndSaysWhy() throws Exception {
        String html = withoutScripts(render(ReportFixtures.refused()));

        assertThat(html).contains("id=\"segments\"", "id=\"no-potentials\"");
        assertThat(html).contains("converted_to_sale is true for 7 customers");
        assertThat(html)
                .contains(
                        "id=\"step-failures\"",
                        "value of data source crm: without crm: 1 distinct profile, segmentation"
                                + " not comparable");
        assertThat(html).doesNotContain("id=\"targets\"");
        assertThat(charts(html))
                .contains("segment-sizes", "profile-heatmap")
                .doesNotContain("roc", "gains", "calibration", "global-drivers");
    }

    @Test
    void noInsightYetSaysWhatToRunAndDrawsNoChart() throws Exception {
        String html = render(ReportFixtures.empty());

        assertThat(html).contains("id=\"no-insight\"");
        assertThat(html).contains("segflow insight --jdbc-url jdbc:postgresql://db:5432/crm");
        assertThat(charts(html)).isEmpty();
        assertThat(html).doesNotContain("report-data").doesNotContain("echarts.init");
    }

    @Test
    void lifeCyclesShowStatusesPathsAndMonthlyTransitionsWithOrWithoutInsight() throws Exception {
        for (ReportData data :
                List.of(
                        ReportFixtures.scored("readers"),
                        ReportFixtures.lifecyclesOnly(ReportFixtures.lifecycles("readers")))) {
            String html = withoutScripts(render(data));
            assertThat(html).contains("id=\"lifecycles\"", "kept 400 days");
            // statuses: 432 of 582 confirmed
            assertThat(html)
                    .contains(
                            "<tr><td>1 readers</td><td class=\"n\">150</td><td"
                                    + " class=\"n\">432</td><td class=\"n\">74.2%</td></tr>");
            // a path, in order, with its conversion; an unknown conversion is a dash
            assertThat(html)
                    .contains(
                            "<td>2 low website_views → 1 readers</td><td class=\"n\">12</td><td"
                                    + " class=\"n\">10</td><td class=\"n\">50.0%</td>",
                            "<td>1 readers → 2 low website_views</td><td class=\"n\">30</td><td"
                                    + " class=\"n\">0</td><td class=\"n\">–</td>");
            // December: 30 left readers for the other segment, 12 came back
            assertThat(html)
                    .contains(
                            "data-month=\"2026-12\"",
                            "<tr><td>1 readers</td><td class=\"n\">0</td><td"
                                    + " class=\"n\">30</td></tr>",
                            "<tr><td>new</td><td class=\"n\">600</td><td"
                                    + " class=\"n\">400</td></tr>");
        }
        assertThat(render(ReportFixtures.empty())).doesNotContain("id=\"lifecycles\"");
    }

    private static String render(ReportData data) throws Exception {
        StringWriter out = new StringWriter();
        Report.render(data, out);
        return out.toString();
    }

    private static String dataJson(String html) {
        Matcher matcher = DATA_SCRIPT.matcher(html);
        assertThat(matcher.find()).as("the page's data script").isTrue();
        return matcher.group(1);
    }

    /** The page without what is between script tags (the inlined library is 1 MB of code). */
    private static String withoutScripts(String html) {
        return html.replaceAll("(?s)(<script[^>]*>).*?</script>", "$1</script>");
    }

    /** The names of the chart divs, in page order. */
    static List<String> charts(String html) {
        Matcher matcher =
                Pattern.compile("<div class=\"chart\"[^>]*data-chart=\"([^\"]+)\"").matcher(html);
        List<String> names = new ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
