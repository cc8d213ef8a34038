package io.segflow.segments;

import io.segflow.model.SegmentModel;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a new model version asks of the customers already in state, beyond scoring them again:
 * whether every one of them gets a row (a retrained or warm-start model), and the segments whose
 * customers get one because the segment's name changed.
 */
record Rescoring(boolean rewriteAll, Set<Integer> renamed) {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentAssigner.class);

    Rescoring {
        renamed = Set.copyOf(renamed);
    }

    /** The asks of this version and a later one, for a pass that scores with the later. */
    Rescoring and(Rescoring later) {
        Set<Integer> both = new HashSet<>(renamed);
        both.addAll(later.renamed);
        return new Rescoring(rewriteAll || later.rewriteAll, both);
    }

    /** The counts of one pass over the customers in state. */
    static final class Pass {
        final long startedNanos = System.nanoTime();
        long scored;
        long written;
        long moved;

        /** Time spent scoring, without the pauses in which the task took events. */
        long busyNanos;

        /**
         * A line for a version that changed many customers, or that everybody looks for; the
         * stream's small steps are not worth one.
         */
        void log(SegmentModel model, Rescoring rescoring) {
            boolean notable = written * 100 > scored || !rescoring.renamed.isEmpty();
            LOG.atLevel(notable || rescoring.rewriteAll ? Level.INFO : Level.DEBUG)
                    .log(
                            "Model version {} ({}): {} customers scored again in {} ms ({} ms of"
                                    + " work), {} rows written, {} of them to another segment{}",
                            model.version(),
                            model.trainedBy(),
                            scored,
                            (System.nanoTime() - startedNanos) / 1_000_000,
                            busyNanos / 1_000_000,
                            written,
                            moved,
                            rescoring.renamed.isEmpty()
                                    ? ""
                                    : ", segments renamed: " + rescoring.renamed);
        }
    }
}
