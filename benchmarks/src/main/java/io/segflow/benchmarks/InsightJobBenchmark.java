package io.segflow.benchmarks;

import io.segflow.cli.SegflowCli;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.PostgresSchema;
import io.segflow.udfs.Evenness;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.postgresql.PGConnection;

/**
 * `segflow retrain` and `segflow insight` end to end, as a user runs them, on N customers in a real
 * PostgreSQL: customer_profile is filled with generated customers of four personas (a quarter
 * converted, a fifth labelled), then the commands run in this JVM exactly as the jar's main runs
 * them (local MiniCluster, JDBC connector both ways), then `segflow report` and `segflow targets
 * --csv`. Not a test: it prints the time of each command and what the insight printed.
 *
 * <pre>java -Xmx10g -cp jobs/target/segflow.jar:benchmarks/target/benchmarks.jar \
 *     io.segflow.benchmarks.InsightJobBenchmark 100000
 * </pre>
 */
public final class InsightJobBenchmark {

    private InsightJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            String database = postgres.createDatabase("insight_bench");
            String url = postgres.plainJdbcUrl(database);
            PostgresSchema.apply(
                    url,
                    EmbeddedPostgresDatabase.USER,
                    "",
                    ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT())));
            long filling = System.nanoTime();
            try (Connection connection = postgres.connect(database)) {
                fill(connection, n);
            }
            System.out.printf(
                    Locale.ROOT,
                    "customer_profile: %,d generated customers written in %.1f s%n",
                    n,
                    (System.nanoTime() - filling) / 1e9);

            double retrain =
                    timed(
                            "retrain",
                            "--kafka",
                            kafka.bootstrapServers(),
                            "--jdbc-url",
                            url,
                            "--no-insight");
            // the report apart from the run, to time it alone
            double insight = timed("insight", "--jdbc-url", url, "--no-report");
            Path page = Files.createTempFile("segflow-report", ".html");
            double report = timed("report", "--jdbc-url", url, "--out", page.toString());
            Path csv = Files.createTempFile("targets", ".csv");
            double targets =
                    timed("targets", "--jdbc-url", url, "--top", "5", "--csv", csv.toString());
            try (Connection connection = postgres.connect(database);
                    Statement statement = connection.createStatement();
                    ResultSet scored =
                            statement.executeQuery("SELECT count(*) FROM customer_score")) {
                scored.next();
                System.out.printf(
                        Locale.ROOT,
                        "%nsegflow retrain %.1f s; segflow insight %.1f s (%,d customer_score"
                                + " rows); segflow report %.1f s (%,d bytes); segflow targets --csv"
                                + " %.1f s (%,d lines)%n",
                        retrain,
                        insight,
                        scored.getLong(1),
                        report,
                        Files.size(page),
                        targets,
                        Files.lines(csv).count() - 1);
            }
        }
    }

    private static double timed(String... args) {
        long started = System.nanoTime();
        System.out.println("\n$ segflow " + String.join(" ", args));
        int exit = SegflowCli.commandLine(args, Map.of()).execute(args);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("segflow " + args[0] + " ended with " + exit);
        }
        return seconds;
    }

    /** Four personas: readers, video learners, power users (who mostly buy), browsers. */
    private static void fill(Connection connection, int n) throws Exception {
        Random random = new Random(3);
        StringBuilder rows = new StringBuilder();
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        String columns =
                "customer_id, customer_age, website_sessions, website_views, pages_per_session,"
                        + " blogs_viewed, videos_viewed, whitepapers_viewed, product_features_used,"
                        + " product_features_used_per_day, avg_sessions_per_day,"
                        + " avg_time_per_session, topic_share_pricing, topic_share_product,"
                        + " topic_share_tutorials, topic_share_careers, topic_share_news,"
                        + " topic_diversity, converted_to_sale, segment_label, updated_at";
        String[] labels = {"reader", "video learner", "power user", "browser"};
        double[] conversion = {0.15, 0.25, 0.6, 0.03};
        // what each persona's views show: pricing, product, tutorials, careers, news, other
        double[][] topicMix = {
            {0.05, 0.10, 0.45, 0.05, 0.30, 0.05},
            {0.05, 0.15, 0.65, 0.05, 0.05, 0.05},
            {0.35, 0.45, 0.10, 0.00, 0.05, 0.05},
            {0.10, 0.10, 0.10, 0.25, 0.25, 0.20}
        };
        for (int i = 1; i <= n; i++) {
            int persona = random.nextInt(4);
            long sessions = 1 + poisson(random, persona == 2 ? 3 : 6);
            long views = sessions * (1 + poisson(random, persona == 3 ? 1 : 3));
            long blogs =
                    persona == 0 ? poisson(random, views * 0.4) : poisson(random, views * 0.05);
            long videos =
                    persona == 1 ? poisson(random, views * 0.6) : poisson(random, views * 0.05);
            long papers =
                    persona == 0 ? poisson(random, views * 0.2) : poisson(random, views * 0.02);
            boolean product = persona == 2 || persona == 1 && random.nextBoolean();
            long features = product ? 1 + poisson(random, persona == 2 ? 8 : 2) : 0;
            double perDay = product ? features * (0.5 + random.nextDouble()) : 0;
            double sessionsPerDay = product ? 1 + random.nextDouble() * (persona == 2 ? 3 : 1) : 0;
            double seconds = product ? 60 + random.nextDouble() * (persona == 2 ? 1_800 : 300) : 0;
            String age = random.nextInt(12) == 0 ? "" : Integer.toString(18 + random.nextInt(60));
            boolean converted = random.nextDouble() < conversion[persona];
            String label = random.nextInt(5) == 0 ? labels[persona] : "";
            long[] topicViews = new long[topicMix[persona].length];
            for (long v = 0; v < views; v++) {
                topicViews[pick(random, topicMix[persona])]++;
            }
            rows.append(i)
                    .append(',')
                    .append(age)
                    .append(',')
                    .append(sessions)
                    .append(',')
                    .append(views)
                    .append(',')
                    .append((double) views / sessions)
                    .append(',')
                    .append(blogs)
                    .append(',')
                    .append(videos)
                    .append(',')
                    .append(papers)
                    .append(',')
                    .append(features)
                    .append(',')
                    .append(perDay)
                    .append(',')
                    .append(sessionsPerDay)
                    .append(',')
                    .append(seconds)
                    .append(',');
            for (int topic = 0; topic < 5; topic++) {
                rows.append((double) topicViews[topic] / views).append(',');
            }
            rows.append(
                            Evenness.of(
                                    topicViews[0],
                                    topicViews[1],
                                    topicViews[2],
                                    topicViews[3],
                                    topicViews[4]))
                    .append(',')
                    .append(converted)
                    .append(',')
                    .append(label)
                    .append(",2026-11-30 12:00:00\n");
            if (i % 50_000 == 0 || i == n) {
                copy.copyIn(
                        "COPY customer_profile (" + columns + ") FROM STDIN WITH (FORMAT csv)",
                        new StringReader(rows.toString()));
                rows.setLength(0);
            }
        }
    }

    private static int pick(Random random, double[] shares) {
        double u = random.nextDouble();
        for (int i = 0; i < shares.length - 1; i++) {
            u -= shares[i];
            if (u < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }

    private static long poisson(Random random, double mean) {
        // Knuth's method; the means here are small
        double limit = Math.exp(-mean);
        long k = 0;
        double p = random.nextDouble();
        while (p > limit) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }
}
