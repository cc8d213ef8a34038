package io.segflow.pipeline;

import io.segflow.infra.KafkaTopics;
import io.segflow.infra.PostgresSchema;
import io.segflow.insight.CustomerScorer;
import io.segflow.insight.InsightRun;
import io.segflow.insight.OutOfFoldPotentials;
import io.segflow.insight.Propensity;
import io.segflow.model.SegmentModel;
import io.segflow.profile.FeatureSet;
import io.segflow.registry.InsightRows;
import io.segflow.registry.ModelRecord;
import io.segflow.registry.ModelRegistry;
import io.segflow.registry.PropensityRecord;
import io.segflow.registry.PropensityRegistry;
import io.segflow.sql.SqlScripts;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Expressions;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The insight run as a bounded job: the snapshot of customer_profile is read with the JDBC
 * connector, {@link InsightRun} fits and measures on it, and the results go out through the sinks
 * of sql/90_sinks.sql. Every customer is scored by Flink operators that carry the fitted {@link
 * CustomerScorer}, so the scoring and SHAP of every customer run on the cluster's slots.
 */
public final class InsightJob {

    private static final Logger LOG = LoggerFactory.getLogger(InsightJob.class);

    /** scored_by of the customer_score rows an insight run writes. */
    static final String SCORED_BY = "insight";

    private final JobSettings settings;
    private final InsightRun.Settings insight;

    private final boolean announce;

    /**
     * @param announce whether to announce the run's propensity version on the models topic, so that
     *     the running streaming job scores every profile update with it
     */
    public InsightJob(JobSettings settings, InsightRun.Settings insight, boolean announce) {
        this.settings = settings;
        this.insight = insight;
        this.announce = announce;
    }

    /** A run that writes its tables and announces nothing (the streaming job keeps its scorer). */
    public InsightJob(JobSettings settings, InsightRun.Settings insight) {
        this(settings, insight, false);
    }

    /** What the run learnt and how many customer_score rows it wrote. */
    public record Outcome(InsightRun.Result result, long scored, boolean announced) {}

    public Outcome run(StreamExecutionEnvironment env, Consumer<String> progress) throws Exception {
        // bounded reads (JDBC scans) and writes: the job ends by itself, as RetrainJob's does
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        SqlScripts scripts = SqlScripts.locate(settings.sqlDirectory());
        SegflowPipeline pipeline = SegflowPipeline.create(tableEnv, scripts, settings);
        FeatureSet features = pipeline.features();
        PostgresSchema.apply(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                pipeline.schemaOf(SegflowPipeline.PROFILE_SINK));
        SegmentModel model =
                ModelRegistry.loadLatestOrNull(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        if (model == null) {
            throw new IllegalStateException(
                    "segment_model holds no model version yet: run the streaming job (segflow run"
                            + " or segflow demo) or segflow retrain first; the insight run explains"
                            + " the segments in use");
        }
        model.requireFeatures(features.names());
        SegmentModel previous =
                ModelRegistry.loadPreviousOrNull(
                        settings.jdbcUrl(),
                        settings.jdbcUser(),
                        settings.jdbcPassword(),
                        model.version());

        progress.accept("reading customer_profile");
        InsightRun.Input input = snapshot(tableEnv, features, model, previous);
        LOG.info("Read {} profiles for the insight run", input.customers().length);
        long version = System.currentTimeMillis();
        InsightRun.Result result = InsightRun.run(input, insight, version, progress);

        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        StatementSet outputs = tableEnv.createStatementSet();
        write(
                env,
                tableEnv,
                pipeline,
                outputs,
                InsightRows.QUALITY_SINK,
                shape -> List.of(InsightRows.quality(shape, result, now)));
        write(
                env,
                tableEnv,
                pipeline,
                outputs,
                InsightRows.PROFILE_SINK,
                shape -> InsightRows.segmentProfiles(shape, result, now));
        write(
                env,
                tableEnv,
                pipeline,
                outputs,
                InsightRows.PROPENSITY_SINK,
                shape -> List.of(InsightRows.propensity(shape, result, insight, now)));
        write(
                env,
                tableEnv,
                pipeline,
                outputs,
                InsightRows.SOURCE_VALUE_SINK,
                shape -> InsightRows.sourceValues(shape, result));
        long scored = 0;
        if (result.scorer().isPresent()) {
            outputs.add(scores(tableEnv, pipeline, features, result, now));
            scored = input.customers().length;
            progress.accept(
                    String.format(
                            "scoring and explaining %,d customers into customer_score", scored));
        }
        outputs.execute().await();
        LOG.info("Insight version {} written ({} customer scores)", version, scored);
        int erased =
                PropensityRegistry.deleteScoresOfErasedCustomers(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        if (erased > 0) {
            LOG.info(
                    "Deleted the scores of {} customers the CRM deleted while this run read them",
                    erased);
        }
        boolean announced = false;
        if (announce && result.scorer().isPresent()) {
            // after the registry row is committed: a job that reads the announcement finds it
            announce(tableEnv, result);
            announced = true;
            progress.accept(
                    "announced propensity version "
                            + version
                            + " on the models topic: the streaming job scores every profile"
                            + " update with it");
        }
        return new Outcome(result, scored, announced);
    }

    private interface RowsOf {
        List<Row> rows(InsightRows.Shape shape);
    }

    private static void write(
            StreamExecutionEnvironment env,
            StreamTableEnvironment tableEnv,
            SegflowPipeline pipeline,
            StatementSet outputs,
            String sink,
            RowsOf rows) {
        DataType type = pipeline.schemaOf(sink).toPhysicalRowDataType();
        List<Row> values = rows.rows(new InsightRows.Shape(pipeline.schemaOf(sink)));
        if (!values.isEmpty()) {
            // a collection source, not fromValues: the scorer's megabyte of bytes would become a
            // literal in generated code
            var stream = env.fromData(values, ExternalTypeInfo.<Row>of(type)).name(sink + " rows");
            outputs.add(tableEnv.fromDataStream(stream).insertInto(sink));
        }
    }

    /** Tells running jobs on the models topic that this propensity version is in the registry. */
    private void announce(StreamTableEnvironment tableEnv, InsightRun.Result result)
            throws Exception {
        if (settings.createTopics()) {
            KafkaTopics.ensure(settings.kafkaConnection(), List.of(settings.modelsTopic()), 1);
        }
        PropensityRecord.Announcement announcement =
                new PropensityRecord.Announcement(
                        result.version(),
                        result.input().features(),
                        result.input().segmentation().version(),
                        result.propensity().orElseThrow().chosen().title());
        tableEnv.fromValues(
                        DataTypes.ROW(DataTypes.FIELD("model_json", DataTypes.STRING())),
                        Row.of(announcement.toMessage()))
                .insertInto(ModelRecord.TOPIC)
                .execute()
                .await();
        LOG.info("Announced propensity version {} on the models topic", result.version());
    }

    /** customer_profile scored again by the job's operators, the scorer shipped to them. */
    private static org.apache.flink.table.api.TablePipeline scores(
            StreamTableEnvironment tableEnv,
            SegflowPipeline pipeline,
            FeatureSet features,
            InsightRun.Result result,
            LocalDateTime scoredAt) {
        Table profiles =
                profileColumns(tableEnv, features, labelColumn(features), outcomeColumn(features));
        InsightRows.Shape shape = new InsightRows.Shape(pipeline.schemaOf(InsightRows.SCORE_SINK));
        DataType scoreType = pipeline.schemaOf(InsightRows.SCORE_SINK).toPhysicalRowDataType();
        var scoredRows =
                tableEnv.toDataStream(profiles)
                        // one JDBC scan split feeds one subtask: spread the scoring over all
                        .rebalance()
                        .map(
                                new ScoreCustomer(
                                        result.scorer().orElseThrow(),
                                        result.outOfFold(),
                                        shape,
                                        result.version(),
                                        scoredAt))
                        .returns(ExternalTypeInfo.of(scoreType))
                        .name("score customers")
                        .uid("insight-score-customers");
        return tableEnv.fromDataStream(scoredRows).insertInto(InsightRows.SCORE_SINK);
    }

    /** customer_profile's key and features, then the given columns. */
    private static Table profileColumns(
            StreamTableEnvironment tableEnv, FeatureSet features, Expression... more) {
        List<Expression> columns = new ArrayList<>();
        columns.add(Expressions.$(features.keyColumn()));
        features.names().forEach(name -> columns.add(Expressions.$(name)));
        columns.addAll(List.of(more));
        return tableEnv.from(SegflowPipeline.PROFILE_SINK)
                .select(columns.toArray(Expression[]::new));
    }

    private static Expression outcomeColumn(FeatureSet features) {
        return features.targets().isEmpty()
                ? Expressions.nullOf(DataTypes.BOOLEAN())
                : Expressions.$(features.targets().get(0));
    }

    private static Expression labelColumn(FeatureSet features) {
        return features.labels().isEmpty()
                ? Expressions.nullOf(DataTypes.STRING()).as("segment_label")
                : Expressions.$(features.labels().get(0)).cast(DataTypes.STRING());
    }

    /**
     * One profile row (key, features, label, outcome) to its customer_score row; a customer the
     * model was fitted on shows their out-of-fold potential.
     */
    static final class ScoreCustomer implements MapFunction<Row, Row> {
        private final CustomerScorer scorer;
        private final OutOfFoldPotentials outOfFold;
        private final InsightRows.Shape shape;
        private final long version;
        private final LocalDateTime scoredAt;

        ScoreCustomer(
                CustomerScorer scorer,
                OutOfFoldPotentials outOfFold,
                InsightRows.Shape shape,
                long version,
                LocalDateTime scoredAt) {
            this.scorer = scorer;
            this.outOfFold = outOfFold;
            this.shape = shape;
            this.version = version;
            this.scoredAt = scoredAt;
        }

        @Override
        public Row map(Row profile) {
            int d = scorer.features().size();
            long customer = ((Number) profile.getField(0)).longValue();
            double[] values = new double[d];
            for (int j = 0; j < d; j++) {
                values[j] = numberOrNaN(profile.getField(1 + j));
            }
            return InsightRows.score(
                    shape,
                    customer,
                    outOfFold.shown(
                            customer,
                            scorer.score(customer, values, labelOf(profile.getField(1 + d))),
                            scorer),
                    profile.getField(2 + d) instanceof Boolean known ? known : null,
                    version,
                    scorer.segmentModelVersion(),
                    scoredAt,
                    SCORED_BY);
        }
    }

    /** A blank segment_label is no label. */
    private static String labelOf(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static double numberOrNaN(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    /** Keys, features, outcome and label of every customer in customer_profile. */
    private static InsightRun.Input snapshot(
            StreamTableEnvironment tableEnv,
            FeatureSet features,
            SegmentModel model,
            SegmentModel previous)
            throws Exception {
        Table profiles =
                profileColumns(tableEnv, features, outcomeColumn(features), labelColumn(features));
        int d = features.size();
        List<Long> ids = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        List<Integer> converted = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        try (CloseableIterator<Row> it = profiles.execute().collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                ids.add(((Number) row.getField(0)).longValue());
                double[] values = new double[d];
                for (int j = 0; j < d; j++) {
                    values[j] = numberOrNaN(row.getField(1 + j));
                }
                rows.add(values);
                // NULL is unknown (a prospect), not "not converted"
                Object outcome = row.getField(1 + d);
                converted.add(
                        outcome == null
                                ? Propensity.UNKNOWN
                                : Boolean.TRUE.equals(outcome) ? 1 : 0);
                labels.add(labelOf(row.getField(2 + d)));
            }
        }
        return new InsightRun.Input(
                ids.stream().mapToLong(Long::longValue).toArray(),
                rows.toArray(double[][]::new),
                features.names(),
                features.bySource(),
                converted.stream().mapToInt(Integer::intValue).toArray(),
                labels.toArray(String[]::new),
                model,
                previous);
    }
}
