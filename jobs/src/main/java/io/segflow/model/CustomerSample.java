package io.segflow.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A uniform sample of customers with their latest profile, from which the trainer draws its
 * mini-batches. An update of a sampled customer replaces their profile; a new customer enters by
 * reservoir sampling (Vitter's algorithm R) once the sample is full; a deleted customer leaves. So
 * a mini-batch stands for the customer base, however often each customer is active: a customer with
 * a thousand events a day weighs as much as one with a single visit.
 */
public final class CustomerSample {

    private final int capacity;
    private final int d;
    private final long[] ids;
    private final double[][] profiles;
    private final Map<Long, Integer> slotOf = new HashMap<>();
    private final long seed;
    private int size;
    private long customersOffered;

    public CustomerSample(int capacity, int dimensions, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.d = dimensions;
        this.ids = new long[capacity];
        this.profiles = new double[capacity][];
        this.seed = seed;
    }

    /** The latest profile of a customer: kept if sampled, considered for the sample if new. */
    public void offer(long customerId, double[] profile) {
        Integer slot = slotOf.get(customerId);
        if (slot != null) {
            profiles[slot] = profile.clone();
            return;
        }
        customersOffered++;
        if (size < capacity) {
            put(size++, customerId, profile);
            return;
        }
        // a generator derived from the count, so a restored sample decides exactly as the original
        long r =
                (long)
                        (new Random(seed ^ (customersOffered * 0x9E3779B97F4A7C15L)).nextDouble()
                                * customersOffered);
        if (r < capacity) {
            slotOf.remove(ids[(int) r]);
            put((int) r, customerId, profile);
        }
    }

    public void remove(long customerId) {
        Integer slot = slotOf.remove(customerId);
        if (slot == null) {
            return;
        }
        int last = --size;
        if (slot != last) {
            put(slot, ids[last], profiles[last]);
        }
        profiles[last] = null;
    }

    private void put(int slot, long customerId, double[] profile) {
        ids[slot] = customerId;
        profiles[slot] = profile.clone();
        slotOf.put(customerId, slot);
    }

    public int size() {
        return size;
    }

    public int dimensions() {
        return d;
    }

    /** n profiles drawn uniformly without replacement (all of them when n >= size). */
    public double[][] draw(int n, Random random) {
        int count = Math.min(n, size);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        double[][] drawn = new double[count][];
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(size - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            drawn[i] = profiles[order[i]];
        }
        return drawn;
    }

    /** Every sampled profile. */
    public double[][] all() {
        return Arrays.copyOf(profiles, size);
    }

    /** For checkpoints: ids and profiles of the sample, and how many customers were offered. */
    public long[] ids() {
        return Arrays.copyOf(ids, size);
    }

    public long customersOffered() {
        return customersOffered;
    }

    public static CustomerSample restore(
            int capacity,
            int dimensions,
            long seed,
            long[] ids,
            double[][] profiles,
            long customersOffered) {
        CustomerSample sample = new CustomerSample(capacity, dimensions, seed);
        for (int i = 0; i < ids.length && i < capacity; i++) {
            sample.put(sample.size++, ids[i], profiles[i]);
        }
        sample.customersOffered = customersOffered;
        return sample;
    }
}
