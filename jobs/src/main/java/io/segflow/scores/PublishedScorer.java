package io.segflow.scores;

import io.segflow.insight.CustomerScorer;
import io.segflow.registry.PropensityRecord;

/**
 * A propensity version as the live scoring keeps it in broadcast state: the stored bytes ({@link
 * PropensityRecord}), decoded once per operator instance, not on every checkpoint.
 */
public class PublishedScorer {

    public long version;
    public byte[] scorer;

    private transient CustomerScorer decoded;

    public PublishedScorer() {}

    public PublishedScorer(long version, byte[] scorer) {
        this.version = version;
        this.scorer = scorer;
    }

    CustomerScorer decoded() {
        if (decoded == null) {
            decoded = PropensityRecord.decode(version, scorer);
        }
        return decoded;
    }
}
