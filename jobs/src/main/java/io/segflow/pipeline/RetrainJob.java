package io.segflow.pipeline;

import io.segflow.infra.KafkaTopics;
import io.segflow.infra.PostgresSchema;
import io.segflow.model.MethodComparison;
import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import io.segflow.registry.ModelMessages;
import io.segflow.registry.ModelRecord;
import io.segflow.registry.ModelRegistry;
import io.segflow.sql.SqlScripts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Expressions;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.expressions.Expression;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retraining as a bounded run: the profile snapshot in customer_profile is read with the JDBC
 * connector, a full k-means is fitted ({@link Retrainer}: Smile, restarts, optional choice of k,
 * segment ids matched to the version in use), and the new version is published through the job's
 * own sinks: segment_model (the registry) and the models topic, which running jobs read.
 */
public final class RetrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

    private final JobSettings settings;
    private final Retrainer.Settings fit;
    private final MethodComparison.Settings comparison;

    public RetrainJob(JobSettings settings, Retrainer.Settings fit) {
        this(settings, fit, null);
    }

    /**
     * @param comparison how to compare methods ({@code retrain --compare}), or null for k-means
     *     only
     */
    public RetrainJob(
            JobSettings settings, Retrainer.Settings fit, MethodComparison.Settings comparison) {
        this.settings = settings;
        this.fit = fit;
        this.comparison = comparison;
    }

    public Retrainer.Result run(StreamExecutionEnvironment env) throws Exception {
        // Both reads and writes here are bounded (a JDBC scan, one row per sink), so the job
        // ends by itself in the default runtime mode; BATCH mode would also re-plan the whole
        // streaming SQL (rowtime attributes, unbounded Kafka tables) that this run only declares.
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        SqlScripts scripts = SqlScripts.locate(settings.sqlDirectory());
        SegflowPipeline pipeline = SegflowPipeline.create(tableEnv, scripts, settings);
        List<String> features = pipeline.features().names();
        // the outcome the comparison measures segments against (profile.yml's first target)
        String outcome =
                pipeline.features().targets().isEmpty()
                        ? null
                        : pipeline.features().targets().get(0);
        // the same tables and topic the streaming job creates; a retrain may come first
        PostgresSchema.apply(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                pipeline.schemaOf(SegflowPipeline.PROFILE_SINK));
        if (settings.createTopics()) {
            KafkaTopics.ensure(settings.kafkaConnection(), List.of(settings.modelsTopic()), 1);
        }

        List<String> columns = new ArrayList<>(features);
        if (comparison != null && outcome != null) {
            columns.add(outcome);
        }
        double[][] read = snapshot(tableEnv, columns);
        double[][] profiles = read;
        double[] converted = new double[read.length];
        Arrays.fill(converted, Double.NaN);
        if (columns.size() > features.size()) {
            int at = features.size();
            for (int i = 0; i < read.length; i++) {
                converted[i] = read[i][at];
                profiles[i] = Arrays.copyOf(read[i], at);
            }
        }
        LOG.info(
                "Read {} profiles with {} features from customer_profile",
                profiles.length,
                features.size());
        if (profiles.length < fit.kMax()) {
            throw new IllegalStateException(
                    "customer_profile holds "
                            + profiles.length
                            + " profiles, fewer than k="
                            + fit.kMax()
                            + ": run the streaming job or a backfill first");
        }
        SegmentModel previous =
                ModelRegistry.loadLatestOrNull(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        int highestUsed =
                ModelRegistry.highestSegmentId(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        Retrainer.Result result =
                comparison == null
                        ? Retrainer.retrain(
                                profiles,
                                features,
                                previous,
                                highestUsed,
                                fit,
                                System.currentTimeMillis())
                        : Retrainer.retrainCompared(
                                profiles,
                                converted,
                                features,
                                previous,
                                highestUsed,
                                fit,
                                comparison,
                                System.currentTimeMillis());
        publish(tableEnv, result);
        return result;
    }

    /**
     * customer_profile as the job keeps it in PostgreSQL, the given columns only; NULL is NaN, a
     * boolean is 1 or 0.
     */
    private static double[][] snapshot(StreamTableEnvironment tableEnv, List<String> features)
            throws Exception {
        Table profiles =
                tableEnv.from(SegflowPipeline.PROFILE_SINK)
                        .select(features.stream().map(Expressions::$).toArray(Expression[]::new));
        List<double[]> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = profiles.execute().collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                double[] values = new double[features.size()];
                for (int j = 0; j < values.length; j++) {
                    Object value = row.getField(j);
                    values[j] =
                            value == null
                                    ? Double.NaN
                                    : value instanceof Boolean flag
                                            ? (flag ? 1.0 : 0.0)
                                            : ((Number) value).doubleValue();
                }
                rows.add(values);
            }
        }
        return rows.toArray(double[][]::new);
    }

    private static void publish(StreamTableEnvironment tableEnv, Retrainer.Result result)
            throws Exception {
        SegmentModel model = result.model();
        Table version =
                tableEnv.fromValues(
                        ModelRecord.ROW_TYPE, ModelRecord.toRow(model, result.metrics()));
        Table message =
                tableEnv.fromValues(
                        DataTypes.ROW(DataTypes.FIELD("model_json", DataTypes.STRING())),
                        Row.of(ModelMessages.toMessage(model, result.metrics())));
        StatementSet publish = tableEnv.createStatementSet();
        publish.add(version.insertInto(ModelRecord.SINK));
        publish.add(message.insertInto(ModelRecord.TOPIC));
        publish.execute().await();
        LOG.info(
                "Published model version {} (k={}) to segment_model and the models topic",
                model.version(),
                model.k());
    }
}
