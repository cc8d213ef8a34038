package io.segflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * A fifth data source as a SQL user adds it, by SQL alone: e-mail engagement events (sends, opens,
 * clicks, unsubscribes) on their own topic, {@code ${topic.email-events}}. Written into a copy of
 * the repository's sql/: the Kafka table in 10_sources.sql, its staging view in 20_staging.sql and,
 * for the staged rows to be seen somewhere, a JDBC sink of them ({@value #TABLE}) in 90_sinks.sql.
 * No feature is made of them: the profile is another change.
 */
public final class EmailSource {

    /** The input table the copy's 10_sources.sql declares. */
    public static final String INPUT_TABLE = "email_events_raw";

    /** The topic name of the placeholder, {@code ${topic.email-events}}. */
    public static final String TOPIC_NAME = "email-events";

    /** The PostgreSQL table the staged rows go to; the test creates it, as a deployment would. */
    public static final String TABLE = "email_engagement";

    public static final String CREATE_TABLE =
            "CREATE TABLE "
                    + TABLE
                    + " (event_id TEXT PRIMARY KEY, recipient_id TEXT, event_type TEXT,"
                    + " campaign TEXT, event_time TIMESTAMP)";

    static final String SOURCE =
            """

            -- E-mail engagement: sends, opens, clicks and unsubscribes of the e-mail platform.
            CREATE TABLE email_events_raw (
              payload BYTES,
              kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
              kafka_partition INT METADATA FROM 'partition' VIRTUAL,
              kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
              kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
            ) WITH (
              'connector' = 'kafka',
              'topic' = '${topic.email-events}',
              'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
              'properties.group.id' = '${kafka.group-id}',
              'scan.startup.mode' = '${kafka.startup-mode}',
              'scan.bounded.mode' = '${kafka.bounded-mode}',
              'properties.isolation.level' = 'read_committed',
              'format' = 'raw'
            );
            """;

    static final String STAGING =
            """

            -- E-mail engagement events; recipient_id is the e-mail platform's id of the person.
            CREATE TEMPORARY VIEW stg_email_events AS
            SELECT
              r.kafka_topic,
              r.kafka_partition,
              r.kafka_offset,
              r.kafka_timestamp,
              PAYLOAD_TEXT(r.payload) AS payload,
              e.event_id,
              PSEUDONYM(e.recipient_id) AS recipient_id,
              e.event_type,
              e.campaign,
              e.event_time,
              COALESCE(
                e.parse_error,
                CHECK_ID('event_id', e.event_id),
                CHECK_ID('recipient_id', e.recipient_id, '${identity.blocked-ids}')
              ) AS reject_reason
            FROM email_events_raw AS r,
              LATERAL TABLE(PARSE_JSON(r.payload,
                'event_id STRING NOT NULL, recipient_id STRING NOT NULL, event_type STRING NOT NULL, campaign STRING, event_time TIMESTAMP_LTZ(3) NOT NULL',
                '${input.max-payload-bytes}'
              )) AS e;
            """;

    static final String SINK =
            """

            CREATE TABLE email_engagement_sink (
              event_id STRING NOT NULL,
              recipient_id STRING,
              event_type STRING,
              campaign STRING,
              event_time TIMESTAMP(3),
              PRIMARY KEY (event_id) NOT ENFORCED
            ) WITH (
              'connector' = 'jdbc',
              'url' = '${jdbc.url}',
              'table-name' = 'email_engagement',
              'username' = '${jdbc.user}',
              'password' = '${jdbc.password}',
              'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
              'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
            );

            INSERT INTO email_engagement_sink
            SELECT event_id, recipient_id, event_type, campaign, CAST(event_time AS TIMESTAMP(3))
            FROM stg_email_events
            WHERE reject_reason IS NULL;
            """;

    /** The last branch of the dead letters' UNION in 30_dead_letters.sql, where one is added. */
    private static final String LAST_DEAD_LETTERS =
            "  FROM stg_product_events WHERE reject_reason IS NOT NULL\n";

    static final String DEAD_LETTERS =
            """
              UNION ALL
              SELECT kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reject_reason, MASK_PERSONAL_DATA(payload)
              FROM stg_email_events WHERE reject_reason IS NOT NULL
            """;

    private EmailSource() {}

    /** A copy of {@code sql} in {@code into} with the e-mail table added to 10_sources.sql only. */
    public static Path withTableOnly(Path sql, Path into) throws IOException {
        copy(sql, into);
        append(into.resolve("10_sources.sql"), SOURCE);
        return into;
    }

    /**
     * A copy of {@code sql} in {@code into} with the e-mail source, its staging (its rejects among
     * the dead letters) and its sink.
     */
    public static Path withStagedRowsInPostgres(Path sql, Path into) throws IOException {
        withTableOnly(sql, into);
        append(into.resolve("20_staging.sql"), STAGING);
        Path deadLetters = into.resolve("30_dead_letters.sql");
        String text = Files.readString(deadLetters);
        if (!text.contains(LAST_DEAD_LETTERS)) {
            throw new IllegalStateException(
                    "30_dead_letters.sql changed: add stg_email_events to its UNION here anew");
        }
        Files.writeString(
                deadLetters, text.replace(LAST_DEAD_LETTERS, LAST_DEAD_LETTERS + DEAD_LETTERS));
        append(into.resolve("90_sinks.sql"), SINK);
        return into;
    }

    /**
     * The end of the last branch of customer_activity in 50_features.sql, after which a source adds
     * its own.
     */
    private static final String LAST_ACTIVITY =
            "JOIN product_links AS l ON l.external_id = a.external_id;\n";

    /** The links of system 'email', keyed by recipient id, as 40_entities.sql keys web_links. */
    static final String LINKS =
            """

            CREATE TEMPORARY VIEW email_links AS
            SELECT external_id, customer_id
            FROM (
              SELECT external_id, customer_id,
                ROW_NUMBER() OVER (PARTITION BY external_id ORDER BY kafka_offset DESC) AS row_num
              FROM identity_links
              WHERE id_system = 'email')
            WHERE row_num = 1;
            """;

    /** Where the profile's aggregation sums the figures of the sources' rows. */
    private static final String AGGREGATION =
            "    COALESCE(SUM(website_views), 0) AS website_views,\n";

    /**
     * A copy of {@code sql} in {@code into} with the e-mail source made into features, by SQL alone
     * as docs/sql-features.md shows it: the table, its staging and dead letters, its links (the
     * identity links of system 'email'), its 'counts' rows per recipient in {@code
     * customer_activity}, their sums in the profile, and two features in profile.yml with source
     * {@code email}.
     */
    public static Path withFeatures(Path sql, Path into) throws IOException {
        withTableOnly(sql, into);
        append(into.resolve("20_staging.sql"), STAGING);
        replace(
                into.resolve("30_dead_letters.sql"),
                LAST_DEAD_LETTERS,
                LAST_DEAD_LETTERS + DEAD_LETTERS);
        append(into.resolve("40_entities.sql"), LINKS);
        replace(
                into.resolve("50_features.sql"),
                LAST_ACTIVITY,
                LAST_ACTIVITY.replace(";\n", "\n")
                        + """
                        UNION ALL BY NAME
                        SELECT l.customer_id, 'email' AS id_system, 'counts' AS kind, a.*
                        FROM (
                          SELECT recipient_id AS external_id,
                            COUNT(*) FILTER (WHERE event_type = 'open') AS email_opens,
                            COUNT(*) FILTER (WHERE event_type = 'click') AS email_clicks
                          FROM stg_email_events WHERE reject_reason IS NULL
                          GROUP BY recipient_id
                        ) AS a
                        JOIN email_links AS l ON l.external_id = a.external_id;
                        """);
        replace(
                into.resolve("50_features.sql"),
                AGGREGATION,
                AGGREGATION
                        + "    COALESCE(SUM(email_opens), 0) AS email_opens,\n"
                        + "    COALESCE(SUM(email_clicks), 0) AS email_clicks,\n");
        append(
                into.resolve("profile.yml"),
                """
                  - name: email_opens
                    role: feature
                    source: email
                    description: E-mails the customer opened.
                  - name: email_clicks
                    role: feature
                    source: email
                    description: Links the customer clicked in e-mails.
                """);
        return into;
    }

    private static void replace(Path file, String anchor, String replacement) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(anchor)) {
            throw new IllegalStateException(
                    file.getFileName() + " changed: the place to add the e-mail source is gone");
        }
        Files.writeString(file, text.replace(anchor, replacement));
    }

    /** One e-mail engagement event as the platform sends it. */
    public static String event(
            String eventId, String recipientId, String type, String campaign, Instant time) {
        return "{\"event_id\":\""
                + eventId
                + "\",\"recipient_id\":\""
                + recipientId
                + "\",\"event_type\":\""
                + type
                + "\",\"campaign\":\""
                + campaign
                + "\",\"event_time\":\""
                + time
                + "\"}";
    }

    private static void copy(Path sql, Path into) throws IOException {
        Files.createDirectories(into);
        try (Stream<Path> files = Files.list(sql)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, into.resolve(file.getFileName()));
                }
            }
        }
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
