package io.segflow.pipeline;

import io.segflow.sql.SqlScripts;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Expressions;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.expressions.Expression;

/**
 * Copies everything the input topics hold now into an archive in files (see {@link
 * ArchiveSources}), a bounded BATCH job through the SQL's own source tables: what a backfill can
 * read later, when the topics no longer hold it (retention) or the cluster has no Kafka at hand.
 */
public final class ArchiveJob {

    public static final String JOB_NAME = "segflow archive";

    private final JobSettings settings;
    private final Path archive;

    public ArchiveJob(JobSettings settings, Path archive) {
        // from the earliest to the latest offsets at start, as a backfill reads them
        this.settings = settings.withBackfill(true);
        this.archive = archive;
    }

    /** Submits the export; the caller waits on the returned client. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        tableEnv.getConfig().set(PipelineOptions.NAME, JOB_NAME);
        SegflowPipeline pipeline =
                SegflowPipeline.create(
                        tableEnv, SqlScripts.locate(settings.sqlDirectory()), settings);
        StatementSet export = tableEnv.createStatementSet();
        for (String table : pipeline.inputTables()) {
            List<String> columns = ArchiveSources.storedColumns(tableEnv, table);
            export.add(
                    tableEnv.from(table)
                            .select(columns.stream().map(Expressions::$).toArray(Expression[]::new))
                            .insertInto(ArchiveSources.archiveSink(tableEnv, table, archive)));
        }
        return export.execute().getJobClient().orElseThrow();
    }
}
