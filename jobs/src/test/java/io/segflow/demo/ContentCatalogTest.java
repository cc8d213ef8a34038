package io.segflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.udfs.ContentTaxonomy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's pages land in their topics by the repository's taxonomy, and personas differ. */
class ContentCatalogTest {

    private static final ContentTaxonomy SHIPPED =
            ContentTaxonomy.load(
                    Path.of("")
                            .toAbsolutePath()
                            .getParent()
                            .resolve("sql/content_topics.csv")
                            .toString());

    private static final List<String> WEB_TYPES =
            List.of("page_view", "blog_view", "video_view", "whitepaper_view");

    @Test
    void everyPageIsInItsTopicByTheShippedTaxonomy() {
        assertThat(SHIPPED.topics()).containsExactlyElementsOf(ContentCatalog.TOPICS);
        List<String> topics = new ArrayList<>(ContentCatalog.TOPICS);
        topics.add(ContentCatalog.OFF_TOPIC);
        for (String topic : topics) {
            for (String type : WEB_TYPES) {
                for (int n = 0; n < 50; n++) {
                    ContentCatalog.Page page = ContentCatalog.page(topic, type, n);
                    assertThat(SHIPPED.topicOf(page.url(), page.title()))
                            .as("%s %s %s", type, page.url(), page.title())
                            .isEqualTo(topic);
                }
            }
        }
    }

    @Test
    void blogPostsAndVideosTellTheirTopicOnlyByTheirTitle() {
        ContentCatalog.Page video = ContentCatalog.page("tutorials", "video_view", 3);
        assertThat(SHIPPED.topicOf(video.url(), null)).isEqualTo(ContentCatalog.OFF_TOPIC);
        assertThat(SHIPPED.topicOf(video.url(), video.title())).isEqualTo("tutorials");
    }

    @Test
    void eachPersonaReadsMostAboutATopicOfItsOwn() {
        Set<String> favourites = new HashSet<>();
        for (DemoGenerator.Persona persona : DemoGenerator.PERSONAS) {
            assertThat(persona.topicWeights()).hasSize(ContentCatalog.TOPICS.size() + 1);
            assertThat(sum(persona.topicWeights()))
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            Map<String, Integer> views = new HashMap<>();
            Random random = new Random(42);
            for (int i = 0; i < 10_000; i++) {
                views.merge(
                        ContentCatalog.topic(persona.topicWeights(), random.nextDouble()),
                        1,
                        Integer::sum);
            }
            String favourite =
                    views.entrySet().stream()
                            .max(Map.Entry.comparingByValue())
                            .orElseThrow()
                            .getKey();
            favourites.add(favourite);
        }
        assertThat(favourites).hasSize(DemoGenerator.PERSONAS.size());
    }

    private static double sum(double[] weights) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        return total;
    }
}
