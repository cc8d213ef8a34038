package io.segflow.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the report shows of customers' life cycles, from segment_history and customer_segment
 * (README, "Segments"): per month, how many customers moved from which segment to which (the first
 * segment of a customer comes from "new"); the segments customers went through, in order, with how
 * many of them converted (customer_profile.converted_to_sale); and how many customers of each
 * segment are provisional or confirmed.
 *
 * @param months transition matrices, oldest month first
 * @param paths the most frequent paths, most customers first
 * @param statuses per current segment, by segment id
 */
public record Lifecycles(List<Month> months, List<Path> paths, List<StatusShare> statuses) {

    /** Paths shown: the most frequent ones. */
    public static final int PATHS = 15;

    /** The row of a customer's first segment in a transition matrix. */
    public static final String NEW = "new";

    /**
     * One month's transitions: {@code counts.get(i).get(j)} customers moved from {@code
     * from.get(i)} to {@code to.get(j)} (segment labels; a zero where none did).
     */
    public record Month(String month, List<String> from, List<String> to, List<List<Long>> counts) {
        public long total() {
            return counts.stream().flatMap(List::stream).mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Customers whose history went through these segments in this order (a segment once per stay;
     * the first rows of a history may be past the retention), and the share of them with
     * converted_to_sale true among those where it is known (null when it is known for none).
     */
    public record Path(List<String> segments, long customers, long known, Double conversionRate) {}

    /** A segment's customers by status now. */
    public record StatusShare(String segment, long provisional, long confirmed) {
        public double confirmedShare() {
            long all = provisional + confirmed;
            return all == 0 ? 0.0 : (double) confirmed / all;
        }
    }

    public static Lifecycles none() {
        return new Lifecycles(List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return months.isEmpty() && paths.isEmpty() && statuses.isEmpty();
    }

    static final String NAMES =
            "SELECT segment_id, min(segment_name) AS segment_name FROM customer_segment"
                    + " GROUP BY segment_id";

    static final String TRANSITIONS =
            "SELECT to_char(date_trunc('month', changed_at), 'YYYY-MM') AS month, from_segment,"
                    + " to_segment, count(*) AS customers FROM segment_history"
                    + " GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS FIRST, 3";

    static final String PATHS_SQL =
            "SELECT h.path, count(*) AS customers,"
                    + " count(p.converted_to_sale) AS known,"
                    + " count(*) FILTER (WHERE p.converted_to_sale) AS converted"
                    + " FROM (SELECT customer_id, string_agg(to_segment::text, ',' ORDER BY seq)"
                    + " AS path FROM segment_history GROUP BY customer_id) h"
                    + " LEFT JOIN customer_profile p ON p.customer_id = h.customer_id"
                    + " GROUP BY h.path ORDER BY customers DESC, h.path LIMIT ?";

    static final String STATUSES =
            "SELECT segment_id, count(*) FILTER (WHERE status = 'provisional') AS provisional,"
                    + " count(*) FILTER (WHERE status = 'confirmed') AS confirmed"
                    + " FROM customer_segment GROUP BY segment_id ORDER BY segment_id";

    /** Reads them; a database without segment_history (an older segflow) gives {@link #none()}. */
    static Lifecycles read(Connection connection) throws SQLException {
        Map<Integer, String> names = new LinkedHashMap<>();
        List<StatusShare> statuses = new ArrayList<>();
        List<Month> months = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        try (PreparedStatement names0 = connection.prepareStatement(NAMES);
                ResultSet rs = names0.executeQuery()) {
            while (rs.next()) {
                names.put(rs.getInt("segment_id"), rs.getString("segment_name"));
            }
        }
        try (PreparedStatement query = connection.prepareStatement(STATUSES);
                ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                statuses.add(
                        new StatusShare(
                                label(rs.getInt("segment_id"), names),
                                rs.getLong("provisional"),
                                rs.getLong("confirmed")));
            }
        }
        try (PreparedStatement query = connection.prepareStatement(TRANSITIONS);
                ResultSet rs = query.executeQuery()) {
            String month = null;
            Map<List<String>, Long> cells = new LinkedHashMap<>();
            while (rs.next()) {
                String rowMonth = rs.getString("month");
                if (month != null && !month.equals(rowMonth)) {
                    months.add(matrix(month, cells));
                    cells.clear();
                }
                month = rowMonth;
                int from = rs.getInt("from_segment");
                String fromLabel = rs.wasNull() ? NEW : label(from, names);
                cells.put(
                        List.of(fromLabel, label(rs.getInt("to_segment"), names)),
                        rs.getLong("customers"));
            }
            if (month != null) {
                months.add(matrix(month, cells));
            }
        }
        try (PreparedStatement query = connection.prepareStatement(PATHS_SQL)) {
            query.setInt(1, PATHS);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    List<String> segments = new ArrayList<>();
                    for (String id : rs.getString("path").split(",")) {
                        segments.add(label(Integer.parseInt(id), names));
                    }
                    long known = rs.getLong("known");
                    paths.add(
                            new Path(
                                    segments,
                                    rs.getLong("customers"),
                                    known,
                                    known == 0 ? null : (double) rs.getLong("converted") / known));
                }
            }
        }
        return new Lifecycles(months, paths, statuses);
    }

    private static Month matrix(String month, Map<List<String>, Long> cells) {
        // "new" first, then the segments in the order of their labels (ids first)
        TreeSet<String> from = new TreeSet<>(Lifecycles::compareLabels);
        TreeSet<String> to = new TreeSet<>(Lifecycles::compareLabels);
        cells.keySet()
                .forEach(
                        cell -> {
                            from.add(cell.get(0));
                            to.add(cell.get(1));
                        });
        List<List<Long>> counts = new ArrayList<>();
        for (String f : from) {
            List<Long> row = new ArrayList<>();
            for (String t : to) {
                row.add(cells.getOrDefault(List.of(f, t), 0L));
            }
            counts.add(row);
        }
        return new Month(month, List.copyOf(from), List.copyOf(to), counts);
    }

    private static int compareLabels(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (a.equals(NEW) || b.equals(NEW)) {
            return a.equals(NEW) ? -1 : 1;
        }
        int byId = Integer.compare(idOf(a), idOf(b));
        return byId != 0 ? byId : a.compareTo(b);
    }

    private static int idOf(String label) {
        int space = label.indexOf(' ');
        return Integer.parseInt(space < 0 ? label : label.substring(0, space));
    }

    /** "3 Readers": the id, which stays across model versions, and today's name. */
    private static String label(int segmentId, Map<Integer, String> names) {
        String name = names.get(segmentId);
        return name == null || name.isBlank() ? String.valueOf(segmentId) : segmentId + " " + name;
    }
}
