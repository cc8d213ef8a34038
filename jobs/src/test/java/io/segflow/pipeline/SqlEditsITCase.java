package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SegflowCli;
import io.segflow.testing.EmailSource;
import io.segflow.testing.Feeds;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The edits docs/sql-features.md shows, each made in a copy of the repository's sql/ exactly as
 * written there, and the job run on the copy: a CRM column and an event feature reach
 * customer_profile in PostgreSQL (the job adds the columns), and the feature reaches the model.
 * Nothing but the named places changes: the sink, the UNION branches and the table follow.
 */
class SqlEditsITCase extends SegflowITCaseBase {

    @Test
    void aCrmColumnAndAnEventFeatureEachTakeTheirPlacesAndNothingElse(@TempDir Path dir)
            throws Exception {
        Path sql = dir.resolve("sql");
        Files.createDirectories(sql);
        for (Path file : Files.list(repositorySql()).toList()) {
            Files.copy(file, sql.resolve(file.getFileName()));
        }
        // a CRM column (declared in staging already): its expression and its description
        edit(
                sql.resolve("50_features.sql"),
                "  f._crm.segment_label AS segment_label,\n",
                "  f._crm.segment_label AS segment_label,\n  f._crm.country AS country,\n");
        describe(sql, "country", "attribute", "crm", "The CRM's country code.");
        // an event feature: computed per visitor, summed per customer, described
        edit(
                sql.resolve("50_features.sql"),
                "    COUNT(*) AS website_views,\n",
                "    COUNT(*) AS website_views,\n"
                    + "    COUNT(*) FILTER (WHERE url LIKE '%/checkout%') AS checkout_views,\n");
        edit(
                sql.resolve("50_features.sql"),
                "    COALESCE(SUM(website_views), 0) AS website_views,\n",
                "    COALESCE(SUM(website_views), 0) AS website_views,\n"
                        + "    COALESCE(SUM(checkout_views), 0) AS checkout_views,\n");
        describe(sql, "checkout_views", "feature", "web", "Views of the checkout pages.");

        JobSettings settings = freshSettings().withSqlDirectory(sql);
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer();
                Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            RecordedHistory.write(producer, settings, 60, 2, 21);
            feeds.customerInsert(
                    customer(900001, LocalDate.of(1990, 1, 1), "PT", false, null, at()), true);
            feeds.customerInsert(
                    customer(900002, LocalDate.of(1985, 1, 1), "IE", false, null, at()), false);
            feeds.link("web", "v-900001", 900001, true);
            feeds.link("web", "v-900002", 900002, true);
            web(producer, settings, "x1", "v-900001", "https://example.com/checkout/teams");
            web(producer, settings, "x2", "v-900001", "https://example.com/checkout");
            web(producer, settings, "x2", "v-900001", "https://example.com/checkout"); // a copy
            web(producer, settings, "x3", "v-900001", "https://example.com/blog/why");
            web(producer, settings, "x4", "v-900002", "https://example.com/docs");
            producer.flush();
        }
        runBounded(settings);

        List<Map<String, Object>> rows =
                query(
                        settings,
                        "SELECT customer_id, country, checkout_views, website_views"
                                + " FROM customer_profile WHERE customer_id >= 900001"
                                + " ORDER BY customer_id");
        assertThat(rows)
                .containsExactly(
                        Map.of(
                                "customer_id", 900001L,
                                "country", "PT",
                                "checkout_views", 2L,
                                "website_views", 3L),
                        Map.of(
                                "customer_id", 900002L,
                                "country", "IE",
                                "checkout_views", 0L,
                                "website_views", 1L));
        // every customer of the history has the new columns too
        assertThat(
                        query(
                                settings,
                                "SELECT count(*) AS n FROM customer_profile"
                                        + " WHERE country IS NOT NULL AND checkout_views IS NOT"
                                        + " NULL"))
                .first()
                .satisfies(row -> assertThat((Long) row.get("n")).isGreaterThan(50));
        // and the feature is a model input
        assertThat(query(settings, "SELECT features FROM segment_model"))
                .isNotEmpty()
                .allSatisfy(
                        row -> assertThat((String) row.get("features")).contains("checkout_views"));
    }

    @Test
    void aFifthSourceBySqlAloneReachesTheProfileTheModelTheSourceValuationAndTheReport(
            @TempDir Path dir) throws Exception {
        Path sql = EmailSource.withFeatures(repositorySql(), dir.resolve("sql"));
        // every option at its default; the e-mail topic named apart from other tests' only
        JobSettings defaults = defaultSettings().withSqlDirectory(sql);
        JobSettings settings =
                defaults.withTopic(
                        EmailSource.TOPIC_NAME, defaults.consumerGroup() + ".email.events");
        createTopics(settings); // the SQL's inputs: the e-mail topic among them
        int customers = 400;
        try (KafkaProducer<String, String> producer = kafka().newProducer();
                Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            RecordedHistory.write(producer, settings, customers, 2, 23);
            for (long id = 1; id <= customers; id++) {
                feeds.link("email", "r-" + id, id, false);
                // half the customers open and click, so the source tells them apart
                int opens = id % 2 == 0 ? 5 : 0;
                for (int k = 0; k < opens; k++) {
                    email(producer, settings, "o-" + id + "-" + k, "r-" + id, "open");
                    if (k < 2) {
                        email(producer, settings, "c-" + id + "-" + k, "r-" + id, "click");
                    }
                }
            }
            producer.flush();
        }
        runBounded(settings);

        assertThat(
                        query(
                                settings,
                                "SELECT email_opens, email_clicks FROM customer_profile"
                                        + " WHERE customer_id IN (2, 4) ORDER BY customer_id"))
                .containsOnly(Map.of("email_opens", 5L, "email_clicks", 2L));
        assertThat(query(settings, "SELECT features FROM segment_model"))
                .isNotEmpty()
                .allSatisfy(
                        row -> assertThat((String) row.get("features")).contains("email_opens"));

        Path report = dir.resolve("report.html");
        StringWriter printed = new StringWriter();
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(printed, true));
        cli.setErr(new PrintWriter(printed, true));
        int exit =
                cli.execute(
                        "insight",
                        "--jdbc-url",
                        settings.jdbcUrl(),
                        "--sql-dir",
                        sql.toString(),
                        "--report",
                        report.toString());
        assertThat(exit).as(printed.toString()).isZero();
        assertThat(query(settings, "SELECT source FROM data_source_value ORDER BY source"))
                .extracting(row -> row.get("source"))
                .containsExactly("crm", "email", "product", "web");
        assertThat(Files.readString(report)).contains("email_opens");
    }

    private static void email(
            KafkaProducer<String, String> producer,
            JobSettings settings,
            String eventId,
            String recipient,
            String type) {
        producer.send(
                new ProducerRecord<>(
                        settings.topic(EmailSource.TOPIC_NAME),
                        recipient,
                        EmailSource.event(
                                eventId,
                                recipient,
                                type,
                                "winter",
                                Instant.parse("2026-11-20T10:00:00Z"))));
    }

    private static void edit(Path file, String anchor, String replacement) throws Exception {
        String text = Files.readString(file);
        assertThat(text).as("%s has the place the docs name", file.getFileName()).contains(anchor);
        Files.writeString(file, text.replace(anchor, replacement));
    }

    private static void describe(
            Path sql, String name, String role, String source, String description)
            throws Exception {
        Files.writeString(
                sql.resolve("profile.yml"),
                Files.readString(sql.resolve("profile.yml"))
                        + "  - name: "
                        + name
                        + "\n    role: "
                        + role
                        + "\n    source: "
                        + source
                        + "\n    description: "
                        + description
                        + "\n");
    }

    private static void web(
            KafkaProducer<String, String> producer,
            JobSettings settings,
            String eventId,
            String visitor,
            String url) {
        producer.send(
                new ProducerRecord<>(
                        settings.webEventsTopic(),
                        visitor,
                        "{\"event_id\":\""
                                + eventId
                                + "\",\"visitor_id\":\""
                                + visitor
                                + "\",\"session_id\":\"s-"
                                + visitor
                                + "\",\"event_type\":\"page_view\",\"url\":\""
                                + url
                                + "\",\"event_time\":\"2026-11-20T10:00:00.000Z\"}"));
    }

    private static Instant at() {
        return Instant.parse("2026-11-19T08:00:00Z");
    }
}
