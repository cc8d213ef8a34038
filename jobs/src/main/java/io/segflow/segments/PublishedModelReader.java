package io.segflow.segments;

import io.segflow.model.SegmentModel;
import io.segflow.registry.ModelMessages;
import io.segflow.registry.PropensityRecord;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the models topic in the job: a message that is not a model, or a model of other features,
 * is logged with its reason and counted (segflow.rejectedPublishedModels), never fatal: the job
 * keeps the model it has.
 */
final class PublishedModelReader extends RichFlatMapFunction<Row, SegmentModel> {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedModelReader.class);
    private final List<String> features;
    private transient Counter rejected;

    PublishedModelReader(List<String> features) {
        this.features = List.copyOf(features);
    }

    @Override
    public void open(OpenContext openContext) {
        rejected =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("segflow")
                        .counter("rejectedPublishedModels");
    }

    @Override
    public void flatMap(Row row, Collector<SegmentModel> out) {
        String message = (String) row.getField(0);
        if (PropensityRecord.isAnnouncement(message)) {
            return; // the live scoring's (LiveScoring), not a segment model
        }
        try {
            SegmentModel model = ModelMessages.fromMessage(message);
            model.requireFeatures(features);
            out.collect(model);
        } catch (IllegalArgumentException
                | IllegalStateException e) { // FeatureMismatchException too
            rejected.inc();
            LOG.error(
                    "Ignored a message on the models topic, the job keeps its model: {}",
                    e.getMessage());
        }
    }
}
