package io.segflow.scores;

import io.segflow.registry.InsightRows;
import io.segflow.registry.RegistryAddress;
import io.segflow.segments.ProfileUpdate;
import io.segflow.segments.SegmentationStage;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The live half of the potential scores: profile updates scored by {@link LiveScorer} with the
 * propensity version that the models topic last announced, upserted into customer_score by
 * customer_id through customer_score_live_sink (sql/90_sinks.sql), as customer_segment is.
 */
public final class LiveScoring {

    private LiveScoring() {}

    /**
     * @param modelMessages the models topic's messages (segment models are skipped here)
     * @param batch whether the job runs in BATCH mode (a backfill): rows are then inserts
     */
    public static void attach(
            StreamTableEnvironment tableEnv,
            List<String> features,
            DataStream<ProfileUpdate> updates,
            DataStream<Row> modelMessages,
            RegistryAddress registry,
            boolean batch,
            StatementSet outputs) {
        ResolvedSchema sink = tableEnv.from(InsightRows.LIVE_SCORE_SINK).getResolvedSchema();
        DataType rowType = sink.toPhysicalRowDataType();
        DataStream<PublishedScorer> scorers =
                modelMessages
                        .flatMap(new PublishedScorerReader(features, registry))
                        .returns(TypeInformation.of(PublishedScorer.class))
                        .name("published propensity models")
                        .uid("published-propensity-models");
        DataStream<Row> scores =
                updates.keyBy(update -> update.customerId)
                        .connect(scorers.broadcast(LiveScorer.SCORER))
                        .process(new LiveScorer(new InsightRows.Shape(sink)))
                        .returns(ExternalTypeInfo.<Row>of(rowType))
                        .name("live potential scores")
                        .uid("live-potential-scores");
        if (batch) {
            // a backfill scores each customer once, on its final profile
            scores =
                    scores.map(new SegmentationStage.AsInsert())
                            .returns(ExternalTypeInfo.<Row>of(rowType))
                            .name("score inserts")
                            .uid("score-inserts");
        }
        Table table =
                tableEnv.fromChangelogStream(
                        scores,
                        Schema.newBuilder()
                                .fromRowDataType(rowType)
                                .primaryKey("customer_id")
                                .build(),
                        batch ? ChangelogMode.insertOnly() : ChangelogMode.upsert(false));
        outputs.add(table.insertInto(InsightRows.LIVE_SCORE_SINK));
    }
}
