package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TargetListTest {

    @Test
    void customersAreRankedByPotentialWithinTheirSegmentAndOverall() {
        long[] customers = {11, 12, 13, 14, 15};
        int[] segments = {0, 1, 0, 1, 0};
        double[] potentials = {0.2, 0.9, 0.6, 0.4, 0.6};
        List<TargetList.Entry> list = TargetList.rank(customers, segments, potentials, 0, 1);

        assertThat(list)
                .extracting(TargetList.Entry::customerId)
                .containsExactly(12L, 13L, 15L, 14L, 11L); // ties by id
        assertThat(list).extracting(TargetList.Entry::rankOverall).containsExactly(1, 2, 3, 4, 5);
        assertThat(list).extracting(TargetList.Entry::rankInSegment).containsExactly(1, 1, 2, 2, 3);
        TargetList.Entry last = list.get(4);
        assertThat(last.expectedConversionsInSegment())
                .isCloseTo(1.4, within(1e-12)); // 0.6 + 0.6 + 0.2
        assertThat(last.expectedConversionsOverall()).isCloseTo(2.7, within(1e-12));
    }

    @Test
    void aControlGroupIsHeldOutAtRandomWithinEachSegmentTheSameForTheSameSeed() {
        int n = 10_000;
        long[] customers = new long[n];
        int[] segments = new int[n];
        double[] potentials = new double[n];
        Random random = new Random(2);
        for (int i = 0; i < n; i++) {
            customers[i] = 1_000 + i;
            segments[i] = i % 3;
            potentials[i] = random.nextDouble();
        }
        List<TargetList.Entry> list = TargetList.rank(customers, segments, potentials, 0.1, 42);
        var controlShareBySegment =
                list.stream()
                        .collect(
                                Collectors.groupingBy(
                                        TargetList.Entry::segmentId,
                                        Collectors.averagingDouble(e -> e.control() ? 1 : 0)));
        assertThat(controlShareBySegment.values())
                .allSatisfy(share -> assertThat(share).isCloseTo(0.1, within(0.02)));
        // held-out customers get no rank; the others are ranked without gaps
        assertThat(list.stream().filter(TargetList.Entry::control))
                .allSatisfy(e -> assertThat(e.rankOverall()).isZero());
        long ranked = list.stream().filter(e -> !e.control()).count();
        assertThat(
                        list.stream()
                                .filter(e -> !e.control())
                                .mapToInt(TargetList.Entry::rankOverall)
                                .max()
                                .orElseThrow())
                .isEqualTo((int) ranked);

        var again = TargetList.rank(customers, segments, potentials, 0.1, 42);
        assertThat(again).isEqualTo(list);
        var otherSeed = TargetList.rank(customers, segments, potentials, 0.1, 43);
        assertThat(
                        otherSeed.stream()
                                .filter(TargetList.Entry::control)
                                .map(TargetList.Entry::customerId)
                                .toList())
                .isNotEqualTo(
                        list.stream()
                                .filter(TargetList.Entry::control)
                                .map(TargetList.Entry::customerId)
                                .toList());
    }
}
