package io.segflow.scores;

import io.segflow.insight.CustomerScorer;
import io.segflow.registry.InsightRows;
import io.segflow.segments.ProfileUpdate;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every customer's potential current: each profile update is scored at once with the newest
 * published propensity version (potential, percentile, drivers, segment and its drivers: the row an
 * insight run writes, by the same {@link CustomerScorer}, but for the predicted segment_label,
 * which stays as the insight run wrote it), and a deleted customer's score is deleted. Keyed by
 * customer_id so that a customer's rows reach the sink in order; it keeps no state per customer (an
 * insight run scores everyone when it publishes a version), only the scorer, which arrives by
 * broadcast.
 */
public class LiveScorer
        extends KeyedBroadcastProcessFunction<Long, ProfileUpdate, PublishedScorer, Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LiveScorer.class);

    /** scored_by of the rows the stream writes. */
    public static final String SCORED_BY = "stream";

    public static final MapStateDescriptor<String, PublishedScorer> SCORER =
            new MapStateDescriptor<>(
                    "propensity-scorer", Types.STRING, TypeInformation.of(PublishedScorer.class));
    private static final String CURRENT = "current";

    private final InsightRows.Shape shape;
    private transient Counter scored;
    private transient Counter waiting;

    public LiveScorer(InsightRows.Shape shape) {
        this.shape = shape;
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup().addGroup("segflow");
        scored = metrics.counter("liveScores");
        // updates that came before any propensity version: the next insight run scores them
        waiting = metrics.counter("unscoredWithoutPropensityModel");
    }

    @Override
    public void processElement(ProfileUpdate update, ReadOnlyContext ctx, Collector<Row> out)
            throws Exception {
        if (update.deleted) {
            // whether or not a propensity version was announced: an insight run's row of this
            // customer goes too (an erased customer keeps no score of either origin)
            Row deletion = Row.withPositions(RowKind.DELETE, shape.size());
            deletion.setField(shape.indexOf("customer_id"), update.customerId);
            out.collect(deletion);
            return;
        }
        PublishedScorer published = ctx.getBroadcastState(SCORER).get(CURRENT);
        if (published == null) {
            waiting.inc();
            return;
        }
        CustomerScorer scorer = published.decoded();
        Row row =
                InsightRows.score(
                        shape,
                        update.customerId,
                        scorer.score(update.customerId, update.features, null, false),
                        published.version,
                        scorer.segmentModelVersion(),
                        LocalDateTime.ofInstant(
                                Instant.ofEpochMilli(ctx.currentProcessingTime()), ZoneOffset.UTC),
                        SCORED_BY);
        row.setKind(RowKind.UPDATE_AFTER);
        out.collect(row);
        scored.inc();
    }

    @Override
    public void processBroadcastElement(PublishedScorer scorer, Context ctx, Collector<Row> out)
            throws Exception {
        BroadcastState<String, PublishedScorer> state = ctx.getBroadcastState(SCORER);
        PublishedScorer current = state.get(CURRENT);
        // the topic is read from its start when a job starts: older versions come first, and a
        // version announced twice is the same version
        if (current != null && current.version >= scorer.version) {
            return;
        }
        state.put(CURRENT, scorer);
        LOG.info("Live scoring switched to propensity version {}", scorer.version);
    }
}
