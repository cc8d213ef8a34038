package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segflow.insight.InsightRun;
import io.segflow.model.Retrainer;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.EmailSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: help for every command, options parsed into settings. */
class SegflowCliTest {

    private static String run(String... args) {
        CommandLine cli = SegflowCli.commandLine(args, Map.of());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute(args);
        return exit + "\n" + out;
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).startsWith("0\n").contains("run", "demo");
        assertThat(run("run", "--help"))
                .startsWith("0\n")
                .contains("--kafka", "--jdbc-url", "SEGFLOW_JDBC_PASSWORD", "--k", "--half-life")
                // a source of the user's own: its topic's setting, the placeholder spelt out
                .contains("SEGFLOW_TOPIC_NAME", "${topic.")
                .doesNotContain("any null in");
        assertThat(run("backfill", "--help"))
                .startsWith("0\n")
                .contains("--kafka", "--freeze-model", "BATCH", "SEGFLOW_JDBC_PASSWORD");
        assertThat(run("demo", "--help"))
                .startsWith("0\n")
                .contains("--customers", "--generator-seed", "--k");
    }

    @Test
    void validateListsTheFeaturesOfTheRepositorySql() {
        String out = run("validate", "--sql-dir", repositorySql());
        assertThat(out)
                .startsWith("0\n")
                .contains(
                        "is valid for streaming and for backfill",
                        "web: website_sessions, website_views",
                        "product: product_features_used",
                        "Not compared with the published models: no --jdbc-url");
    }

    @Test
    void failingOnAFeatureChangeNeedsADatabase() {
        assertThat(run("validate", "--sql-dir", repositorySql(), "--fail-on-feature-change"))
                .startsWith("2\n")
                .contains("--fail-on-feature-change compares with the published models");
    }

    @Test
    void validateNamesFileAndLineOfAMistake(@TempDir Path dir) throws Exception {
        for (Path file : Files.list(Path.of(repositorySql())).toList()) {
            Files.copy(file, dir.resolve(file.getFileName()));
        }
        Path features = dir.resolve("50_features.sql");
        String original = Files.readString(features);
        String misspelt =
                original.replaceFirst(
                        "visitor_id AS external_id, session_id AS item",
                        "visitor_id AS external_id, sesion_id AS item");
        assertThat(misspelt).isNotEqualTo(original);
        Files.writeString(features, misspelt);
        String out = run("validate", "--sql-dir", dir.toString());
        assertThat(out).startsWith("1\n").contains("is not valid", "50_features.sql:", "sesion_id");
    }

    @Test
    void validatePlansTheBackfillToo(@TempDir Path dir) throws Exception {
        for (Path file : Files.list(Path.of(repositorySql())).toList()) {
            Files.copy(file, dir.resolve(file.getFileName()));
        }
        // streaming accepts a time attribute carried through LATERAL TABLE; Flink's batch planner
        // does not
        Path sources = dir.resolve("10_sources.sql");
        String declared = Files.readString(sources);
        String withWatermark =
                declared.replaceFirst(
                        "(CREATE TABLE web_events_raw \\(\n"
                            + "(?:.*\n"
                            + ")*?  kafka_timestamp TIMESTAMP_LTZ\\(3\\) METADATA FROM 'timestamp'"
                            + " VIRTUAL)",
                        "$1,\n  rowtime AS kafka_timestamp,\n  WATERMARK FOR rowtime AS rowtime");
        assertThat(withWatermark).isNotEqualTo(declared);
        Files.writeString(sources, withWatermark);
        Path staging = dir.resolve("20_staging.sql");
        String original = Files.readString(staging);
        String withRowtime =
                original.replaceFirst(
                        "(?s)(CREATE TEMPORARY VIEW stg_web_events AS\\s+SELECT)",
                        "$1\n  r.rowtime,");
        assertThat(withRowtime).isNotEqualTo(original);
        Files.writeString(staging, withRowtime);
        String out = run("validate", "--sql-dir", dir.toString());
        assertThat(out)
                .startsWith("1\n")
                .contains("is not valid in backfill (BATCH) mode", "20_staging.sql:");
    }

    private static String repositorySql() {
        Path here = Path.of("").toAbsolutePath();
        return (Files.isDirectory(here.resolve("sql"))
                        ? here.resolve("sql")
                        : here.getParent().resolve("sql"))
                .toString();
    }

    @Test
    void theTopicOfAnyPlaceholderComesFromTheFileTheEnvironmentOrItsName(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(
                config,
                "kafka=k:9092\n"
                        + "jdbc-url=jdbc:postgresql://db/crm\n"
                        + "topic.email-events=esp.engagement\n"
                        + "topic.sales-visits=crm.visits\n"
                        // the shipped names too, as in the SQL
                        + "topic.customers=cdc.customers\n"
                        + "topic-identities=cdc.identities\n");
        JobSettings settings =
                parseRun(
                                Map.of(
                                        "SEGFLOW_CONFIG",
                                        config.toString(),
                                        "SEGFLOW_TOPIC_SALES_VISITS",
                                        "field.visits",
                                        "SEGFLOW_TOPIC_PRODUCT_EVENTS",
                                        "app.events"),
                                "run",
                                "--topic-web-events",
                                "site.events")
                        .settings(Map.of());
        assertThat(settings.topic("email-events")).isEqualTo("esp.engagement");
        // the environment wins over the file, as for every option
        assertThat(settings.topic("sales-visits")).isEqualTo("field.visits");
        assertThat(settings.topic("sales_visits")).isEqualTo("field.visits");
        // a name set nowhere is its own topic
        assertThat(settings.topic("newsletter")).isEqualTo("newsletter");
        assertThat(settings.customersTopic()).isEqualTo("cdc.customers");
        assertThat(settings.identitiesTopic()).isEqualTo("cdc.identities");
        assertThat(settings.webEventsTopic()).isEqualTo("site.events");
        assertThat(settings.productEventsTopic()).isEqualTo("app.events");
        assertThat(settings.placeholders())
                .containsEntry("topic.email-events", "esp.engagement")
                .containsEntry("topic.customers", "cdc.customers")
                .containsEntry("topic.web-events", "site.events")
                .containsEntry("topic.dead-letter", "segflow.dead_letter");
    }

    @Test
    void aFlagOfAShippedTopicWinsOverItsGenericSetting(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "topic.models=file.models\ntopic.dead-letter=file.dlq\n");
        JobSettings settings =
                parseRun(
                                Map.of(
                                        "SEGFLOW_CONFIG",
                                        config.toString(),
                                        "SEGFLOW_TOPIC_DEAD_LETTER",
                                        "env.dlq"),
                                "run",
                                "--kafka",
                                "k:9092",
                                "--jdbc-url",
                                "jdbc:postgresql://db/crm",
                                "--topic-models",
                                "flag.models")
                        .settings(Map.of());
        assertThat(settings.modelsTopic()).isEqualTo("flag.models");
        assertThat(settings.deadLetterTopic()).isEqualTo("env.dlq");
    }

    @Test
    void aMisspeltTopicKeyIsStillAnUnknownKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "topic-email-events=esp.engagement\n");
        assertThatThrownBy(() -> run("validate", "--config", config.toString()))
                .hasMessageContaining("unknown keys [topic-email-events]")
                .hasMessageContaining("topic.NAME");
    }

    @Test
    void validateListsTheInputTopicsOfASourceAddedBySql(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(Path.of(repositorySql()), dir.resolve("sql"));
        String[] args = {"validate", "--sql-dir", sql.toString()};
        CommandLine cli =
                SegflowCli.commandLine(
                        args, Map.of("SEGFLOW_TOPIC_EMAIL_EVENTS", "esp.engagement"));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertThat(cli.execute(args)).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "Input tables (10_sources.sql) and their topics:",
                        "  crm_customers_raw: crm.public.customers",
                        "  email_events_raw: esp.engagement");
    }

    @Test
    void runNeedsItsAddresses() {
        assertThat(run("run")).startsWith("2\n").contains("Missing required options");
    }

    @Test
    void backfillReadsEverythingInItsOwnConsumerGroup() {
        String[] args = {
            "backfill",
            "--kafka",
            "k:9092",
            "--jdbc-url",
            "jdbc:postgresql://db/crm",
            "--group-id",
            "segflow-prod",
            "--startup-mode",
            "latest-offset"
        };
        BackfillCommand backfill =
                (BackfillCommand)
                        SegflowCli.commandLine(args, Map.of())
                                .parseArgs(args)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        var settings = backfill.settings(Map.of());
        assertThat(settings.backfill()).isTrue();
        assertThat(settings.placeholders())
                .containsEntry("kafka.group-id", "segflow-prod-backfill")
                .containsEntry("kafka.startup-mode", "earliest-offset")
                .containsEntry("kafka.bounded-mode", "latest-offset");
        assertThat(settings.trainer().frozen()).isFalse();
    }

    @Test
    void aFrozenModelNeedsTheVersionToFreeze() {
        assertThat(
                        run(
                                "backfill",
                                "--kafka",
                                "k:9092",
                                "--jdbc-url",
                                "jdbc:postgresql://db/crm",
                                "--freeze-model"))
                .contains("--freeze-model needs the model to freeze: --warm-start-version");
        String[] args = {
            "backfill",
            "--kafka",
            "k:9092",
            "--jdbc-url",
            "jdbc:postgresql://db/crm",
            "--freeze-model",
            "--warm-start-version",
            "17"
        };
        BackfillCommand backfill =
                (BackfillCommand)
                        SegflowCli.commandLine(args, Map.of())
                                .parseArgs(args)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        assertThat(backfill.settings(Map.of()).trainer().frozen()).isTrue();
        assertThat(backfill.settings(Map.of()).warmStartVersion()).isEqualTo(17L);
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void thePseudonymKeyComesFromTheEnvironmentOnlyAndIsNeverPrinted(@TempDir Path dir)
            throws Exception {
        String key = "0123456789abcdef0123456789abcdef-secret";
        String[] args = {"run", "--kafka", "k:9092", "--jdbc-url", "jdbc:postgresql://db/crm"};
        JobSettings fromEnvironment =
                parseRun(Map.of(), args).settings(Map.of("SEGFLOW_PSEUDONYM_KEY", key));
        assertThat(new String(fromEnvironment.pseudonymKey(), StandardCharsets.UTF_8))
                .isEqualTo(key);
        assertThat(fromEnvironment.toString()).contains("pseudonym-key=(set)").doesNotContain(key);
        Path file = dir.resolve("pseudonym-key");
        Files.writeString(file, key + "\n");
        assertThat(
                        parseRun(Map.of(), args)
                                .settings(Map.of("SEGFLOW_PSEUDONYM_KEY_FILE", file.toString()))
                                .pseudonymKey())
                .isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        // not from the config file, not from a flag
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "pseudonym-key=" + key + "\n");
        assertThatThrownBy(() -> run("run", "--config", config.toString(), "--help"))
                .hasMessageContaining("unknown keys [pseudonym-key]")
                .message()
                .doesNotContain(key);
        assertThat(run("run", "--pseudonym-key", key)).startsWith("2\n");
        // without a key, run and backfill do not start; a short key is refused, not printed
        assertThat(run(args)).startsWith("2\n").contains("no pseudonym key");
        assertThat(run("backfill", "--kafka", "k:9092", "--jdbc-url", "jdbc:postgresql://db/crm"))
                .startsWith("2\n")
                .contains("no pseudonym key");
        assertThatThrownBy(
                        () ->
                                parseRun(Map.of(), args)
                                        .settings(Map.of("SEGFLOW_PSEUDONYM_KEY", "too-short")))
                .hasMessageContaining("at least 32")
                .message()
                .doesNotContain("too-short");
        // told it is a demo: raw ids, and a warning
        JobSettings demo =
                parseRun(
                                Map.of(),
                                "run",
                                "--kafka",
                                "k:9092",
                                "--jdbc-url",
                                "jdbc:x",
                                "--no-pseudonymisation")
                        .settings(Map.of());
        assertThat(demo.pseudonymisationOff()).isTrue();
        StringWriter console = new StringWriter();
        assertThat(Pseudonymisation.check(demo, new PrintWriter(console))).isTrue();
        assertThat(console.toString()).contains("WARNING", "NOT pseudonymised");
        assertThat(demo.toString()).contains("pseudonym-key=OFF");
    }

    private static RunCommand parseRun(Map<String, String> environment, String... args) {
        CommandLine cli = SegflowCli.commandLine(args, environment);
        return (RunCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(
                config,
                "kafka = broker-from-file:9092\n"
                        + "jdbc-url=jdbc:postgresql://db/crm\n"
                        + "batch-size=1024\n"
                        + "k=9\n"
                        + "half-life=7\n");

        RunCommand fromFile = parseRun(Map.of(), "run", "--config", config.toString());
        assertThat(fromFile.addresses.kafka).isEqualTo("broker-from-file:9092");
        assertThat(fromFile.trainer.batchSize).isEqualTo(1024);
        assertThat(fromFile.trainer.k).isEqualTo(9);

        RunCommand fromEnvironment =
                parseRun(
                        Map.of(
                                "SEGFLOW_CONFIG",
                                config.toString(),
                                "SEGFLOW_BATCH_SIZE",
                                "2048",
                                "SEGFLOW_KAFKA",
                                "env:9092"),
                        "run",
                        "--k",
                        "4");
        assertThat(fromEnvironment.addresses.kafka).isEqualTo("env:9092");
        assertThat(fromEnvironment.trainer.batchSize).isEqualTo(2048);
        assertThat(fromEnvironment.trainer.k).isEqualTo(4);
        assertThat(fromEnvironment.trainer.halfLife).isEqualTo(7);
        assertThat(fromEnvironment.addresses.database.jdbcUrl)
                .isEqualTo("jdbc:postgresql://db/crm");
        assertThat(fromEnvironment.trainer.sampleSize)
                .isEqualTo(50_000); // built-in default still applies
    }

    @Test
    void theInputGuardsComeFromFlagsTheEnvironmentAndTheConfigFile(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(
                config,
                "kafka=k:9092\n"
                        + "jdbc-url=jdbc:postgresql://db/crm\n"
                        + "blocked-ids=guest, /x+/\n"
                        + "earliest-event-time=2000-01-01T00:00:00Z\n");
        JobSettings settings =
                parseRun(
                                Map.of(
                                        "SEGFLOW_CONFIG",
                                        config.toString(),
                                        "SEGFLOW_MAX_TIME_AHEAD",
                                        "2h"),
                                "run",
                                "--max-payload-bytes",
                                "4096")
                        .settings(Map.of());
        assertThat(settings.placeholders())
                .containsEntry("input.max-payload-bytes", "4096")
                .containsEntry("input.max-time-ahead", "PT2H")
                .containsEntry("events.earliest-time", "2000-01-01T00:00:00Z")
                .containsEntry("identity.blocked-ids", "guest,/x+/");
        assertThat(JobSettings.defaults().placeholders())
                .containsEntry("input.max-payload-bytes", "1048576")
                .containsEntry("input.max-time-ahead", "PT24H")
                .containsEntry("events.earliest-time", "1970-01-01T00:00:00Z")
                .containsEntry("identity.blocked-ids", "null,undefined,anonymous,/0[0-]*/");
        assertThatThrownBy(() -> JobSettings.defaults().withBlockedIds(List.of("/[/")))
                .hasMessageContaining("no regular expression");
    }

    /**
     * The defaults are the product: a run with no options has exactly the settings' own defaults.
     */
    @Test
    void withNoOptionsARunHasTheSettingsDefaults() {
        RunCommand run =
                parseRun(
                        Map.of(),
                        "run",
                        "--kafka",
                        "k:9092",
                        "--jdbc-url",
                        "jdbc:postgresql://db/crm");
        JobSettings settings = run.settings(Map.of());
        JobSettings expected =
                JobSettings.defaults()
                        .withKafkaBootstrapServers("k:9092")
                        .withJdbcUrl("jdbc:postgresql://db/crm");
        assertThat(settings.placeholders()).isEqualTo(expected.placeholders());
        assertThat(settings.trainer()).isEqualTo(TrainerSettings.defaults());
        assertThat(settings.checkpointInterval()).isEqualTo(expected.checkpointInterval());
        assertThat(settings.miniBatchLatency()).isEqualTo(expected.miniBatchLatency());
        assertThat(settings.warmStartVersion()).isNull();
        assertThat(settings.createTopics()).isTrue();
    }

    @Test
    void insightAndTargetsHaveHelpAndTheInsightDefaults() {
        assertThat(run("insight", "--help"))
                .startsWith("0\n")
                .contains("--jdbc-url", "--holdout", "--folds", "--candidates", "customer_score")
                // optional: announcing to a running job is a choice, the run needs only PostgreSQL
                .contains("[--kafka=SERVERS]", "--report=FILE", "--no-report");
        assertThat(run("targets", "--help"))
                .startsWith("0\n")
                .contains("--segment", "--top", "--csv", "--control");
        String[] args = {"insight", "--jdbc-url", "jdbc:postgresql://db/crm"};
        InsightCommand insight =
                (InsightCommand)
                        SegflowCli.commandLine(args, Map.of())
                                .parseArgs(args)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        assertThat(insight.insightSettings()).isEqualTo(InsightRun.Settings.defaults());
    }

    @Test
    void theHoldoutIsAShareOrAPercentageBelowAll() {
        for (String holdout : List.of("10%", "0.1")) {
            String[] args = {
                "insight", "--jdbc-url", "jdbc:postgresql://db/crm", "--holdout", holdout
            };
            InsightCommand insight =
                    (InsightCommand)
                            SegflowCli.commandLine(args, Map.of())
                                    .parseArgs(args)
                                    .subcommand()
                                    .commandSpec()
                                    .userObject();
            assertThat(insight.insightSettings().holdout()).isEqualTo(0.1, within(1e-12));
        }
        assertThat(run("insight", "--jdbc-url", "jdbc:postgresql://db/crm", "--holdout", "150%"))
                .startsWith("2\n")
                .contains("--holdout takes a share below 100%");
    }

    @Test
    void withNoOptionsARetrainFitsAsTheRetrainerDefaults() {
        String[] args = {"retrain", "--kafka", "k:9092", "--jdbc-url", "jdbc:postgresql://db/crm"};
        RetrainCommand retrain =
                (RetrainCommand)
                        SegflowCli.commandLine(args, Map.of())
                                .parseArgs(args)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        assertThat(retrain.fitSettings()).isEqualTo(Retrainer.Settings.defaults());
    }

    /**
     * Every option whose help names a default has one, and every built-in default belongs to an
     * option.
     */
    @Test
    void everyDocumentedDefaultExists() {
        CommandLine root = SegflowCli.commandLine(new String[0], Map.of());
        Set<String> keys = new TreeSet<>();
        for (CommandLine command : root.getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                String key = ConfigurationSources.key(option);
                keys.add(key);
                if (String.join(" ", option.description()).contains("${DEFAULT-VALUE}")) {
                    assertThat(
                                    root.getDefaultValueProvider() == null
                                            ? option.defaultValue()
                                            : defaultOf(root, option))
                            .as(command.getCommandName() + " --" + key)
                            .isNotNull();
                }
            }
        }
        for (String key :
                List.of("k", "batch-size", "checkpoint-interval", "topic-customers", "restarts")) {
            assertThat(keys).contains(key);
            assertThat(OptionDefaults.of(key)).isNotNull();
        }
    }

    private static String defaultOf(CommandLine root, CommandLine.Model.OptionSpec option) {
        try {
            return root.getDefaultValueProvider().defaultValue(option);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Commands list only the options they use: a retrain does not offer the streaming trainer's.
     */
    @Test
    void commandsShowOnlyTheOptionsTheyUse() {
        String retrain = run("retrain", "--help");
        assertThat(retrain).contains("--k", "--k-range", "--restarts", "--seed", "--topic-models");
        assertThat(retrain)
                .doesNotContain(
                        "--batch-size",
                        "--half-life",
                        "--freeze-model",
                        "--checkpoint-interval",
                        "--dedup-window",
                        "--topic-web-events",
                        "--group-id");
        String validate = run("validate", "--help");
        assertThat(validate)
                .contains("--sql-dir", "--mini-batch-latency")
                .doesNotContain("--batch-size", "--hysteresis");
        String run = run("run", "--help");
        assertThat(run)
                .contains("--batch-size", "--checkpoint-interval", "Default: 10s", "Default: 512");
    }

    @Test
    void helpShowsTheValuesInEffect(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "batch-size=1024\n");
        String help = run("run", "--config", config.toString(), "--help");
        assertThat(help).contains("Default: 1024", "SEGFLOW_SQL_DIR", "SEGFLOW_JDBC_PASSWORD");
    }

    @Test
    void aConfigFileWithATypoIsRefused(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "batch_size=1024\n");
        assertThatThrownBy(
                        () ->
                                SegflowCli.commandLine(
                                        new String[] {"run", "--config", config.toString()},
                                        Map.of()))
                .hasMessageContaining("unknown keys [batch_size]");
    }

    @Test
    void aConfigFileCannotHoldThePassword(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, "jdbc-password=hunter2\n");
        assertThatThrownBy(
                        () ->
                                SegflowCli.commandLine(
                                        new String[] {"run", "--config=" + config}, Map.of()))
                .hasMessageContaining("secrets are read only from the environment")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theSettingsShownAtStartHideThePassword() {
        RunCommand run =
                parseRun(
                        Map.of(),
                        "run",
                        "--kafka",
                        "k:9092",
                        "--jdbc-url",
                        "jdbc:postgresql://db/crm");
        String shown =
                run.settings(
                                Map.of(
                                        "SEGFLOW_JDBC_USER",
                                        "segflow_writer",
                                        "SEGFLOW_JDBC_PASSWORD",
                                        "hunter2"))
                        .toString();
        assertThat(shown).contains("segflow_writer").doesNotContain("hunter2");
    }

    @Test
    void printedSettingsShowNoParameterOfTheDatabaseUrl() {
        JobSettings settings =
                JobSettings.defaults()
                        .withJdbcUrl(
                                "jdbc:postgresql://db:5432/crm?sslmode=verify-full&sslpassword=s3cret");
        assertThat(settings.toString())
                .contains("jdbc.url=jdbc:postgresql://db:5432/crm (parameters not shown)")
                .doesNotContain("s3cret")
                .doesNotContain("sslmode");
    }

    @Test
    void kafkaClientPropertiesComeFromTheConfigFileTheirOwnFileAndTheEnvironment(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(
                config,
                "kafka-property.security.protocol=SASL_PLAINTEXT\n"
                        + "kafka-property.sasl.mechanism=PLAIN\n"
                        + "kafka-property.client.id=from-config\n");
        Path client = dir.resolve("client.properties");
        Files.writeString(
                client,
                "security.protocol=SASL_SSL\n"
                        + "ssl.truststore.location=/etc/kafka/truststore.p12\n"
                        + "ssl.truststore.password=trust-me\n");
        RunCommand run =
                parseRun(
                        Map.of(),
                        "run",
                        "--config",
                        config.toString(),
                        "--kafka",
                        "k:9093",
                        "--jdbc-url",
                        "jdbc:postgresql://db/crm",
                        "--kafka-properties",
                        client.toString());
        JobSettings settings =
                run.settings(
                        Map.of(
                                "SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                        + " username=\"segflow\" password=\"s3cret-from-env\";",
                                "SEGFLOW_KAFKA_PROPERTY_CLIENT_ID",
                                "from-env"));
        // the properties file wins over the config file, the environment over both
        assertThat(settings.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.password", "trust-me")
                .containsEntry("client.id", "from-env")
                .containsKey("sasl.jaas.config");
        assertThat(settings.kafkaConnection().clientProperties())
                .containsEntry("bootstrap.servers", "k:9093")
                .containsEntry("security.protocol", "SASL_SSL");
        String shown = settings.toString();
        assertThat(shown)
                .contains("kafka.properties.security.protocol=SASL_SSL")
                .contains("kafka.properties.sasl.jaas.config=(set)")
                .doesNotContain("s3cret-from-env")
                .doesNotContain("trust-me");
        assertThat(settings.kafkaConnection().toString())
                .doesNotContain("s3cret-from-env")
                .doesNotContain("trust-me");
        assertThat(run("run", "--help")).contains("--kafka-properties", "SEGFLOW_KAFKA_PROPERTY_");
    }

    @Test
    void aConfigFileCannotHoldAKafkaSecret(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("segflow.properties");
        Files.writeString(
                config,
                "kafka-property.sasl.jaas.config=org.apache.kafka.common.security.plain"
                        + ".PlainLoginModule required username=\"u\" password=\"hunter2\";\n");
        assertThatThrownBy(
                        () ->
                                SegflowCli.commandLine(
                                        new String[] {"run", "--config=" + config}, Map.of()))
                .hasMessageContaining("secrets are read only from the environment")
                .hasMessageContaining("kafka-property.sasl.jaas.config")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void kafkaPropertiesThatSegflowSetsItselfAreRefused() {
        RunCommand run =
                parseRun(
                        Map.of(),
                        "run",
                        "--kafka",
                        "k:9092",
                        "--jdbc-url",
                        "jdbc:postgresql://db/crm");
        assertThatThrownBy(() -> run.settings(Map.of("SEGFLOW_KAFKA_PROPERTY_GROUP_ID", "other")))
                .hasMessageContaining("'group.id' is set by segflow itself (--group-id)");
    }

    @Test
    void aJdbcUrlWithAPasswordIsRefusedOnTheCommandLineAndTakenFromTheEnvironment() {
        String secretUrl = "jdbc:postgresql://db:5432/crm?sslmode=verify-full&sslpassword=hunter2";
        assertThatThrownBy(
                        () ->
                                SegflowCli.commandLine(
                                        new String[] {
                                            "run", "--kafka", "k:9092", "--jdbc-url", secretUrl
                                        },
                                        Map.of()))
                .hasMessageContaining("--jdbc-url carries a password")
                .hasMessageContaining("SEGFLOW_JDBC_URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(
                        () ->
                                SegflowCli.commandLine(
                                        new String[] {
                                            "backfill",
                                            "--kafka",
                                            "k:9092",
                                            "--jdbc-url=" + secretUrl
                                        },
                                        Map.of()))
                .hasMessageContaining("--jdbc-url carries a password");

        Map<String, String> environment = Map.of("SEGFLOW_JDBC_URL", secretUrl);
        RunCommand run = parseRun(environment, "run", "--kafka", "k:9092");
        JobSettings settings = run.settings(environment);
        // every JDBC client gets the one URL with its SSL settings...
        assertThat(settings.jdbcUrl()).isEqualTo(secretUrl);
        assertThat(settings.placeholders().get("jdbc.url")).startsWith(secretUrl);
        // ...and none of it is shown
        assertThat(settings.toString())
                .contains("jdbc.url=jdbc:postgresql://db:5432/crm (parameters not shown)")
                .doesNotContain("sslmode")
                .doesNotContain("hunter2");
    }
}
