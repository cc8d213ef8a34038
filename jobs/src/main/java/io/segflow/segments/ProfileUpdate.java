package io.segflow.segments;

/**
 * A change of one customer's profile as the model sees it: the feature values in the order of the
 * FeatureSet (NaN where unknown), or the customer's deletion.
 */
public class ProfileUpdate {

    public long customerId;
    public double[] features;
    public boolean deleted;

    public ProfileUpdate() {}

    public ProfileUpdate(long customerId, double[] features, boolean deleted) {
        this.customerId = customerId;
        this.features = features;
        this.deleted = deleted;
    }

    public static ProfileUpdate of(long customerId, double... features) {
        return new ProfileUpdate(customerId, features, false);
    }

    public static ProfileUpdate deletion(long customerId) {
        return new ProfileUpdate(customerId, new double[0], true);
    }
}
