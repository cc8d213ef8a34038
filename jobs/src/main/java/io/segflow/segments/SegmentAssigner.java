package io.segflow.segments;

import io.segflow.model.Assignment;
import io.segflow.model.FeatureMismatchException;
import io.segflow.model.SegmentChooser;
import io.segflow.model.SegmentModel;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.ThrowingConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every customer in a segment. Keyed by customer_id; the model arrives on a broadcast stream.
 * A profile update is scored at once against the current model; a profile that arrives before any
 * model waits in keyed state and is scored when the first model comes; a new model re-scores every
 * customer in state (in a stream a slice at a time, by {@link SegmentAssignerOperator}). A row is
 * emitted only when a customer's segment, confidence class or status (provisional/confirmed)
 * changes (so downstream systems are not flooded), and always carries the model version. A change
 * of segment (the first one included) also numbers a segment_history row; a deleted customer's
 * assignment and history rows are deleted.
 */
public class SegmentAssigner
        extends KeyedBroadcastProcessFunction<
                Long, ProfileUpdate, SegmentModel, SegmentAssignment> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SegmentAssigner.class);

    public static final MapStateDescriptor<String, SegmentModel> MODEL =
            new MapStateDescriptor<>(
                    "segment-model", Types.STRING, VersionedTypeInfo.SEGMENT_MODEL);
    static final String CURRENT = "current";

    static final ValueStateDescriptor<CustomerSegment> CUSTOMER =
            new ValueStateDescriptor<>("customer-segment", VersionedTypeInfo.CUSTOMER_SEGMENT);

    /** What the assigner remembers of a customer: the latest profile and what was last emitted. */
    public static class CustomerSegment {
        public double[] features;
        public int segment = -1;
        public String confidenceClass;
        public long modelVersion;

        /** 'provisional' or 'confirmed' as last emitted; null before the first assignment. */
        public String status;

        /**
         * How many segment changes of this customer segment_history holds: the number of the last
         * one, (customer_id, seq) its key. In state, so that a replay after a restore writes the
         * same keys again (an upsert) instead of new rows.
         */
        public int historySeq;
    }

    private final List<String> features;
    private final double hysteresis;
    private transient SegmentChooser chooser;
    private transient ValueState<CustomerSegment> customers;
    private transient Counter rejectedModels;
    private transient ThrowingConsumer<Rescoring, Exception> inSlices;

    public SegmentAssigner(List<String> features, double hysteresis) {
        this.features = List.copyOf(features);
        this.hysteresis = hysteresis;
    }

    @Override
    public void open(OpenContext openContext) {
        chooser = new SegmentChooser(hysteresis);
        customers = getRuntimeContext().getState(CUSTOMER);
        rejectedModels =
                getRuntimeContext().getMetricGroup().addGroup("segflow").counter("rejectedModels");
    }

    @Override
    public void processElement(
            ProfileUpdate update, ReadOnlyContext ctx, Collector<SegmentAssignment> out)
            throws Exception {
        CustomerSegment customer = customers.value();
        SegmentModel model = ctx.getBroadcastState(MODEL).get(CURRENT);
        if (update.deleted) {
            if (customer != null && customer.segment >= 0) {
                out.collect(
                        SegmentAssignment.deletion(
                                update.customerId,
                                customer.modelVersion,
                                customer.historySeq,
                                now(ctx)));
            }
            customers.clear();
            return;
        }
        if (customer == null) {
            customer = new CustomerSegment();
        }
        customer.features = update.features;
        if (model != null) {
            score(update.customerId, customer, model, now(ctx), false, false, out);
        }
        customers.update(customer);
    }

    @Override
    public void processBroadcastElement(
            SegmentModel model, Context ctx, Collector<SegmentAssignment> out) throws Exception {
        try {
            model.requireFeatures(features);
        } catch (FeatureMismatchException e) {
            // never score with a model that reads other columns; keep the one we have
            LOG.error("Rejected segment model: {}", e.getMessage());
            rejectedModels.inc();
            return;
        }
        SegmentModel previous = ctx.getBroadcastState(MODEL).get(CURRENT);
        // the one trainer sends models in the order they take effect; a published model adopted
        // by the trainer may carry a lower version than the trainer's last own one, and still wins
        if (previous != null && previous.version() == model.version()) {
            return;
        }
        ctx.getBroadcastState(MODEL).put(CURRENT, model);
        // the trainer's own versions follow each other every few seconds: only changes are
        // written. A retrained or warm-start model is an event people look for: every customer's
        // row then names it, changed or not.
        boolean rewriteAll = !ModelTrainer.TRAINED_BY.equals(model.trainedBy());
        // a segment whose name changed (the stream's centres still finding their places): its
        // customers' rows are rewritten too, or customer_segment would keep every name it had
        Rescoring rescoring = new Rescoring(rewriteAll, renamedSegments(previous, model));
        if (inSlices != null) {
            inSlices.accept(rescoring);
            return;
        }
        // Flink's own operator (a backfill, where no customer is in state when the models come)
        Rescoring.Pass pass = new Rescoring.Pass();
        long at = ctx.currentProcessingTime();
        ctx.applyToKeyedState(
                CUSTOMER,
                (customerId, state) -> rescore(customerId, state, model, rescoring, at, pass, out));
        pass.busyNanos = System.nanoTime() - pass.startedNanos;
        pass.log(model, rescoring);
    }

    /**
     * Scores one customer in state again with a new model version; {@code state} holds the
     * customer's assignment (the current key's).
     */
    void rescore(
            long customerId,
            ValueState<CustomerSegment> state,
            SegmentModel model,
            Rescoring rescoring,
            long at,
            Rescoring.Pass pass,
            Collector<SegmentAssignment> out)
            throws Exception {
        CustomerSegment customer = state.value();
        if (customer == null || customer.features == null) {
            return;
        }
        boolean rewrite = rescoring.rewriteAll() || rescoring.renamed().contains(customer.segment);
        int before = customer.segment;
        pass.scored++;
        // most customers keep their segment: their state is not written again
        if (score(customerId, customer, model, at, rewrite, true, out)) {
            state.update(customer);
            pass.written++;
            pass.moved += customer.segment != before ? 1 : 0;
        }
    }

    /**
     * Makes this assigner hand each model version's re-scoring to its operator, which does it a
     * slice at a time ({@link SegmentAssignerOperator}), instead of all customers at once.
     */
    void rescoreInSlices(ThrowingConsumer<Rescoring, Exception> operator) {
        this.inSlices = operator;
    }

    /** The customers' state, to be read and written under the operator's current key. */
    ValueState<CustomerSegment> customers() {
        return customers;
    }

    /** The ids of both versions whose segment is named differently in the new one. */
    static Set<Integer> renamedSegments(SegmentModel previous, SegmentModel next) {
        Set<Integer> renamed = new HashSet<>();
        if (previous == null) {
            return renamed;
        }
        for (int c = 0; c < next.k(); c++) {
            int before = previous.indexOf(next.segmentId(c));
            if (before >= 0 && !Objects.equals(previous.segmentName(before), next.segmentName(c))) {
                renamed.add(next.segmentId(c));
            }
        }
        return renamed;
    }

    /**
     * Whether the customer's assignment was emitted (and {@code customer} changed with it). {@code
     * rescoring}: a new model version, not new data on the customer; only then do they keep their
     * class and status within the band (SegmentChooser), so that the model's small steps write no
     * rows, while data that changes their confidence is decided afresh.
     */
    private boolean score(
            long customerId,
            CustomerSegment customer,
            SegmentModel model,
            long at,
            boolean always,
            boolean rescoring,
            Collector<SegmentAssignment> out) {
        double[] scaled = model.scaling().scale(customer.features);
        Assignment nearest = model.assign(customer.features);
        // the customer's segment is a stable id; where is its centre in this version, if anywhere
        int current = customer.segment >= 0 ? model.indexOf(customer.segment) : -1;
        double toCurrent =
                current >= 0 ? model.distanceTo(scaled, current) : Double.POSITIVE_INFINITY;
        // a mixture model's hysteresis compares posteriors (SegmentChooser), needed only when the
        // most probable segment is another; NaN otherwise (and for a nearest-centre model)
        double posteriorOfCurrent =
                current >= 0 && current != nearest.segment()
                        ? model.posteriorOf(scaled, current)
                        : Double.NaN;
        SegmentChooser.Decision decision =
                chooser.choose(
                        nearest,
                        current,
                        toCurrent,
                        posteriorOfCurrent,
                        SegmentChooser.evidence(customer.features),
                        rescoring && customer.confidenceClass != null
                                ? SegmentChooser.ConfidenceClass.valueOf(customer.confidenceClass)
                                : null,
                        rescoring ? SegmentChooser.Status.ofColumn(customer.status) : null);
        int segmentId = model.segmentId(decision.segment());
        String confidenceClass = decision.confidenceClass().name();
        String status = decision.status().column();
        if (!always
                && segmentId == customer.segment
                && confidenceClass.equals(customer.confidenceClass)
                && status.equals(customer.status)) {
            return false;
        }
        // ids are matched across versions (SegmentIdMatcher): the same id is the same segment, so
        // a new version that leaves a customer's id alone is no change of their life cycle
        boolean moved = segmentId != customer.segment;
        int from = customer.segment;
        if (moved) {
            customer.historySeq++;
        }
        customer.status = status;
        customer.segment = segmentId;
        customer.confidenceClass = confidenceClass;
        customer.modelVersion = model.version();
        SegmentAssignment assignment = new SegmentAssignment();
        assignment.customerId = customerId;
        assignment.segmentId = segmentId;
        assignment.segmentName = model.segmentName(decision.segment());
        assignment.distance = decision.distance();
        assignment.confidence = decision.confidence();
        assignment.confidenceClass = confidenceClass;
        assignment.status = status;
        assignment.previousSegmentId = moved && from >= 0 ? from : null;
        assignment.historySeq = moved ? customer.historySeq : 0;
        assignment.modelVersion = model.version();
        assignment.assignedAtMillis = at;
        out.collect(assignment);
        return true;
    }

    private static long now(ReadOnlyContext ctx) {
        return ctx.currentProcessingTime();
    }
}
