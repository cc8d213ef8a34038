package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.infra.JdbcUrls;
import io.segflow.pipeline.JobSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints or exports the target list that the last insight run ranked. */
@Command(
        name = "targets",
        mixinStandardHelpOptions = true,
        description = {
            "Print the target list (the target_list view of customer_score): customers ranked by"
                    + " potential, within a",
            "segment or overall, with the conversions expected from the top down to each; the"
                    + " control group apart.",
            "Customers known to have converted are left out unless --include-converted.",
            "Run `segflow insight` first. Credentials from SEGFLOW_JDBC_USER,"
                    + " SEGFLOW_JDBC_PASSWORD."
        })
final class TargetsCommand implements Callable<Integer> {

    @Mixin Database database;

    @Option(
            names = "--segment",
            paramLabel = "ID",
            description = "Only this segment's customers, ranked within it.")
    Integer segment;

    @Option(
            names = "--top",
            paramLabel = "N",
            description = "Customers printed. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description =
                    "Also write every customer of the list (not only the top) to this CSV file.")
    Path csv;

    @Option(
            names = "--control",
            description =
                    "List the control group (held out by `segflow insight --holdout`) instead"
                            + " of the targets.")
    boolean control;

    @Option(
            names = "--include-converted",
            description =
                    "Rank customers known to have converted (converted_to_sale true) too. By"
                            + " default they are left out, unless the insight run was made with"
                            + " --include-converted.")
    boolean includeConverted;

    @Spec CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        JobSettings settings = database.applyTo(JobSettings.defaults(), System.getenv());
        PrintWriter out = spec.commandLine().getOut();
        String order =
                control
                        ? "potential_score DESC, customer_id"
                        : segment != null ? "rank_in_segment" : "rank_overall";
        String sql =
                "SELECT customer_id, segment_id, segment_name, potential_score, percentile,"
                        + " rank_in_segment, rank_overall, expected_conversions_in_segment,"
                        + " expected_conversions_overall, control_group, top_drivers,"
                        + " model_version, converted FROM target_list WHERE control_group = ?"
                        + (segment != null ? " AND segment_id = ?" : "")
                        + " ORDER BY "
                        + order;
        try (Connection connection =
                        DriverManager.getConnection(
                                settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setBoolean(1, control);
            if (segment != null) {
                statement.setInt(2, segment);
            }
            if (includeConverted) {
                // target_list reads it: known buyers are listed and ranked with the others
                try (var set = connection.createStatement()) {
                    set.execute("SET segflow.include_converted = on");
                }
            }
            statement.setFetchSize(10_000);
            // a cursor, not the whole list in memory: autocommit off makes the driver stream
            connection.setAutoCommit(false);
            try (ResultSet rs = statement.executeQuery()) {
                return print(rs, out, settings);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                out.println(
                        "There is no target_list in "
                                + JdbcUrls.withoutParameters(settings.jdbcUrl())
                                + " yet: run `segflow insight` first.");
                return 1;
            }
            throw e;
        }
    }

    private int print(ResultSet rs, PrintWriter out, JobSettings settings)
            throws SQLException, IOException {
        List<String> lines = new ArrayList<>();
        long rows = 0;
        long buyers = 0;
        long version = -1;
        CSVPrinter file = null;
        Writer writer = null;
        try {
            if (csv != null) {
                writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                ResultSetMetaData meta = rs.getMetaData();
                String[] header = new String[meta.getColumnCount()];
                for (int i = 0; i < header.length; i++) {
                    header[i] = meta.getColumnLabel(i + 1);
                }
                file = CSVFormat.DEFAULT.builder().setHeader(header).build().print(writer);
            }
            while (rs.next()) {
                rows++;
                version = rs.getLong("model_version");
                if (rs.getBoolean("converted")) {
                    buyers++;
                }
                if (file != null) {
                    List<Object> values = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        values.add(rs.getObject(i));
                    }
                    file.printRecord(values);
                }
                if (rows <= top) {
                    lines.add(line(rs));
                } else if (file == null) {
                    break;
                }
            }
        } finally {
            if (file != null) {
                file.close(true);
            }
        }
        if (rows == 0) {
            out.println(
                    (control ? "No control group" : "No customers")
                            + (segment != null ? " in segment " + segment : "")
                            + " in target_list of "
                            + JdbcUrls.withoutParameters(settings.jdbcUrl())
                            + (control
                                    ? ": `segflow insight --holdout 10%` holds one out."
                                    : ": run `segflow insight` first (it scores customers once"
                                            + " 100 have converted and 100 have not)."));
            return control ? 0 : 1;
        }
        out.printf(
                Locale.ROOT,
                "%s%s, propensity version %d%s (rank, customer, segment, potential, percentile,"
                        + " conversions expected down to here, top drivers):%n",
                control ? "Control group" : "Target list",
                segment != null ? " of segment " + segment : "",
                version,
                includeConverted || buyers > 0
                        ? ", known buyers included (marked *)"
                        : ", known buyers left out");
        lines.forEach(out::println);
        if (csv != null) {
            out.printf(Locale.ROOT, "Wrote %,d customers to %s%n", rows, csv);
        } else if (rows > top) {
            out.printf(Locale.ROOT, "(the first %d; --top N for more, --csv FILE for all)%n", top);
        }
        out.flush();
        return 0;
    }

    private String line(ResultSet rs) throws SQLException {
        Object rank = rs.getObject(segment != null ? "rank_in_segment" : "rank_overall");
        Object expected =
                rs.getObject(
                        segment != null
                                ? "expected_conversions_in_segment"
                                : "expected_conversions_overall");
        return String.format(
                Locale.ROOT,
                "  %6s%s %10d  %3d %-36s %6.3f %6.1f %9s  %s",
                rank == null ? "-" : rank.toString(),
                rs.getBoolean("converted") ? "*" : " ",
                rs.getLong("customer_id"),
                rs.getInt("segment_id"),
                abbreviate(rs.getString("segment_name"), 36),
                rs.getDouble("potential_score"),
                rs.getDouble("percentile"),
                expected == null
                        ? "-"
                        : String.format(Locale.ROOT, "%.1f", ((Number) expected).doubleValue()),
                drivers(rs.getString("top_drivers")));
    }

    private static String abbreviate(String text, int width) {
        if (text == null) {
            return "";
        }
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }

    /** [{"feature": f, "contribution": c}, ...] as "f +0.42, g -0.10". */
    static String drivers(String json) {
        if (json == null) {
            return "";
        }
        try {
            List<String> parts = new ArrayList<>();
            for (JsonNode driver : JSON.readTree(json)) {
                parts.add(
                        String.format(
                                Locale.ROOT,
                                "%s %+.2f",
                                driver.path("feature").asText(),
                                driver.path("contribution").asDouble()));
            }
            return String.join(", ", parts);
        } catch (IOException e) {
            return json;
        }
    }
}
