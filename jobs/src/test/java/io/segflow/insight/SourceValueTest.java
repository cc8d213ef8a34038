package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Customers in three web personas, whose conversion depends on the persona; the CRM carries a
 * feature with no signal at all: its value is about nothing, the web's is clear.
 */
class SourceValueTest {

    @Test
    void aSourceWithoutSignalIsWorthNothingAndTheInformativeOneIsWorthALot() {
        Random random = new Random(5);
        int n = 3_000;
        double[][] profiles = new double[n][];
        int[] converted = new int[n];
        double[][] personas = {{0, 0}, {6, 0}, {3, 6}};
        double[] rates = {0.1, 0.5, 0.8};
        for (int i = 0; i < n; i++) {
            int persona = i % 3;
            profiles[i] =
                    new double[] {
                        personas[persona][0] + random.nextGaussian(),
                        personas[persona][1] + random.nextGaussian(),
                        40 + 10 * random.nextGaussian()
                    };
            converted[i] = random.nextDouble() < rates[persona] ? 1 : 0;
        }
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("web", List.of("pages", "videos"));
        sources.put("crm", List.of("age"));
        List<String> steps = new java.util.ArrayList<>();

        List<SourceValue.Value> values =
                SourceValue.of(
                        profiles,
                        converted,
                        "converted_to_sale",
                        List.of("pages", "videos", "age"),
                        sources,
                        Candidate.LOGISTIC_REGRESSION,
                        5,
                        3,
                        7,
                        steps::add);

        SourceValue.Value web = values.get(0);
        SourceValue.Value crm = values.get(1);
        System.out.println(values);
        assertThat(crm.aucLoss()).isCloseTo(0, within(0.01));
        assertThat(web.aucLoss()).isGreaterThan(0.15);
        assertThat(web.aucWithout()).isCloseTo(0.5, within(0.05));
        // without the CRM the segments are the same personas; without the web, they are not
        assertThat(crm.segmentationAri()).isGreaterThan(0.9);
        assertThat(web.segmentationAri()).isLessThan(0.1);
        assertThat(crm.silhouetteChange()).isPositive(); // the noise dimension only blurred them
        assertThat(steps).contains("without web: propensity", "without crm: segmentation");
    }
}
