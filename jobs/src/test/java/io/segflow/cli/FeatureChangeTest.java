package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.registry.PublishedFeatures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a user is told when the SQL's features and the published models part ways. */
class FeatureChangeTest {

    private static final List<String> OLD = List.of("customer_age", "blogs_viewed", "visits");
    private static final List<String> NEW = List.of("customer_age", "blogs_viewed", "email_opens");
    private static final FeatureChange.Commands COMMANDS =
            new FeatureChange.Commands(
                    "jdbc:postgresql://db:5432/crm", "broker:9092", "/etc/segflow/sql", null);

    private static Optional<PublishedFeatures.Version> segments(List<String> features) {
        return Optional.of(new PublishedFeatures.Version("model version 17", 17, features));
    }

    private static Optional<PublishedFeatures.Version> propensity(List<String> features) {
        return Optional.of(new PublishedFeatures.Version("propensity version 18", 18, features));
    }

    @Test
    void sameFeaturesOrNothingPublishedSaysNothingAtStart() {
        assertThat(
                        new FeatureChange(NEW, segments(NEW), propensity(NEW))
                                .notice(FeatureChange.Moment.RUN, COMMANDS))
                .isEmpty();
        FeatureChange nothing = new FeatureChange(NEW, Optional.empty(), Optional.empty());
        assertThat(nothing.differs()).isFalse();
        assertThat(nothing.notice(FeatureChange.Moment.RUN, COMMANDS)).isEmpty();
        assertThat(nothing.agreement()).contains("nothing to compare");
        assertThat(new FeatureChange(NEW, segments(NEW), propensity(NEW)).agreement())
                .contains("model version 17, propensity version 18");
    }

    @Test
    void aChangedFeatureNamesBothVersionsWhatTheRunDoesAndTheRetrain() {
        FeatureChange change = new FeatureChange(NEW, segments(OLD), propensity(OLD));
        assertThat(change.differs()).isTrue();
        List<String> notice = change.notice(FeatureChange.Moment.RUN, COMMANDS);
        String text = String.join("\n", notice);
        assertThat(notice.get(0)).contains("FEATURES CHANGED");
        assertThat(notice.get(1))
                .isEqualTo(
                        "The SQL's model features differ from the latest published models in"
                                + " jdbc:postgresql://db:5432/crm:");
        // the difference in FeatureMismatchException.describe's words, the SQL as "whose"
        assertThat(text)
                .contains(
                        "segments: model version 17 was trained on [customer_age, blogs_viewed,"
                                + " visits] but the SQL has [customer_age, blogs_viewed,"
                                + " email_opens]; added: [email_opens]; removed: [visits]",
                        "potential scores: propensity version 18 was trained on",
                        "This run does not take model version 17",
                        "starts a new model on the SQL's features",
                        "This run does not load propensity version 18: the potential scores stop",
                        "  segflow retrain --kafka broker:9092 --jdbc-url"
                                + " jdbc:postgresql://db:5432/crm --sql-dir /etc/segflow/sql")
                .doesNotContain("segflow insight --kafka", "--fresh", "--topic-models");
        assertThat(notice.get(notice.size() - 1)).matches("-+");
    }

    @Test
    void onlyThePropensityBehindAsksForInsight() {
        List<String> notice =
                new FeatureChange(NEW, segments(NEW), propensity(OLD))
                        .notice(
                                FeatureChange.Moment.BACKFILL,
                                new FeatureChange.Commands(
                                        "jdbc:postgresql://db/crm", "k:9092", null, "my.models"));
        String text = String.join("\n", notice);
        assertThat(text)
                .contains(
                        "potential scores: propensity version 18",
                        "This backfill does not load propensity version 18",
                        "after this backfill",
                        "  segflow insight --kafka k:9092 --jdbc-url jdbc:postgresql://db/crm"
                                + " --topic-models my.models")
                .doesNotContain("segments:", "segflow retrain", "--sql-dir");
    }

    @Test
    void aReorderIsAChangeAndAResumedRunIsToldToStartFresh() {
        List<String> reordered = List.of("blogs_viewed", "customer_age", "visits");
        String text =
                String.join(
                        "\n",
                        new FeatureChange(reordered, segments(OLD), Optional.empty())
                                .notice(FeatureChange.Moment.RUN_RESUMING, COMMANDS));
        assertThat(text)
                .contains("; the order differs", "segflow retrain", "start with --fresh")
                .doesNotContain("potential scores:");
    }
}
