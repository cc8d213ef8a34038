package io.segflow.sqlmodel;

import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/** Gives the planner the predict function that a segflow model factory configured. */
final class SegmentModelProvider implements PredictRuntimeProvider {

    private final PredictFunction function;

    SegmentModelProvider(PredictFunction function) {
        this.function = function;
    }

    @Override
    public PredictFunction createPredictFunction(Context context) {
        return function;
    }

    @Override
    public ModelProvider copy() {
        return new SegmentModelProvider(function);
    }
}
