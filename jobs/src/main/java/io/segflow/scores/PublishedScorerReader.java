package io.segflow.scores;

import io.segflow.insight.CustomerScorer;
import io.segflow.registry.PropensityRecord;
import io.segflow.registry.PropensityRegistry;
import io.segflow.registry.RegistryAddress;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the propensity announcements of the models topic and loads each announced scorer from the
 * registry. A version of other features, one that is missing or unreadable is logged with its
 * reason and counted (segflow.rejectedPropensityModels), never fatal: the job keeps scoring with
 * the version it has.
 */
final class PublishedScorerReader extends RichFlatMapFunction<Row, PublishedScorer> {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedScorerReader.class);
    private final List<String> features;
    private final RegistryAddress registry;
    private transient Counter rejected;

    PublishedScorerReader(List<String> features, RegistryAddress registry) {
        this.features = List.copyOf(features);
        this.registry = registry;
    }

    @Override
    public void open(OpenContext openContext) {
        rejected =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("segflow")
                        .counter("rejectedPropensityModels");
    }

    @Override
    public void flatMap(Row row, Collector<PublishedScorer> out) {
        String message = (String) row.getField(0);
        try {
            Optional<PropensityRecord.Announcement> announced =
                    PropensityRecord.announcementOf(message);
            if (announced.isEmpty()) {
                return; // a segment model: PublishedModelReader's
            }
            long version = announced.get().version();
            String model = "propensity version " + version;
            // the announcement's features first: a model of other features is not even loaded
            CustomerScorer.requireFeatures(
                    announced.get().features(), features, model, "the profile");
            byte[] bytes =
                    PropensityRegistry.loadBytes(
                            registry.jdbcUrl(), registry.user(), registry.password(), version);
            PublishedScorer published = new PublishedScorer(version, bytes);
            published.decoded().requireFeatures(features, model, "the profile");
            LOG.info(
                    "Propensity version {} ({}) loaded from {}: the job scores every profile"
                            + " update with it",
                    version,
                    announced.get().chosen(),
                    registry);
            out.collect(published);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // FeatureMismatchException too
            rejected.inc();
            LOG.error(
                    "Ignored a propensity model on the models topic, the job keeps the one it"
                            + " has: {}",
                    e.getMessage());
        }
    }
}
