package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentTaxonomyTest {

    /** The taxonomy the repository ships, as a SQL user finds it next to the SQL. */
    static final Path SHIPPED =
            Path.of("").toAbsolutePath().getParent().resolve("sql/content_topics.csv");

    private static final ContentTaxonomy RULES =
            ContentTaxonomy.parse(
                    "test.csv",
                    """
                    # a comment
                    topic,match,pattern

                    pricing,path,/pricing/**
                    careers,path,/**/careers
                    product,path,/product/*-overview
                    home,path,/
                    tutorials,title,tutorial*
                    tutorials,title,step by step
                    pricing,title,price
                    """);

    @Test
    void aPathRuleMatchesWhateverTheUrlsFormAround() {
        for (String url :
                new String[] {
                    "/pricing",
                    "/pricing/",
                    "/Pricing",
                    "/PRICING/Enterprise/",
                    "https://example.com/pricing",
                    "HTTPS://Example.com:8443/pricing/team?utm_source=mail#faq",
                    "//cdn.example.com/pricing",
                    "/pricing?plan=team",
                    "/pricing#compare",
                    "/pricing//team//",
                    "/%70ricing/%74eam",
                    "  /pricing  "
                }) {
            assertThat(RULES.topicOf(url, null)).as(url).isEqualTo("pricing");
        }
    }

    @Test
    void globsMatchSegmentsNotSubstrings() {
        assertThat(RULES.topicOf("/pricing-old", null)).isEqualTo("other");
        assertThat(RULES.topicOf("/blog/pricing", null)).isEqualTo("other");
        assertThat(RULES.topicOf("/careers", null)).isEqualTo("careers");
        assertThat(RULES.topicOf("/de/about/careers/", null)).isEqualTo("careers");
        assertThat(RULES.topicOf("/careers/engineer", null)).isEqualTo("other");
        assertThat(RULES.topicOf("/product/flow-overview", null)).isEqualTo("product");
        assertThat(RULES.topicOf("/product/-overview", null)).isEqualTo("product");
        assertThat(RULES.topicOf("/product/a/b-overview", null)).isEqualTo("other");
        // the home page, with or without host and slash
        assertThat(RULES.topicOf("https://example.com", null)).isEqualTo("home");
        assertThat(RULES.topicOf("https://example.com/?ref=ad", null)).isEqualTo("home");
        assertThat(RULES.topicOf("/", null)).isEqualTo("home");
        // a query string is not a path: ?page=pricing says nothing
        assertThat(RULES.topicOf("/index.php?page=pricing", null)).isEqualTo("other");
        assertThat(RULES.topicOf("mailto:pricing@example.com", null)).isEqualTo("other");
    }

    @Test
    void titleKeywordsAreWholeWordsIgnoringCase() {
        assertThat(RULES.topicOf("/watch", "Flink TUTORIALS for beginners")).isEqualTo("tutorials");
        assertThat(RULES.topicOf("/watch", "A tutorial")).isEqualTo("tutorials");
        assertThat(RULES.topicOf(null, "Segments, step  by\tstep")).isEqualTo("tutorials");
        assertThat(RULES.topicOf(null, "The price of cloud")).isEqualTo("pricing");
        assertThat(RULES.topicOf(null, "Priceless moments")).isEqualTo("other");
        assertThat(RULES.topicOf(null, "Überprice")).isEqualTo("other");
        assertThat(RULES.topicOf(null, "Price: 10 €")).isEqualTo("pricing");
    }

    @Test
    void theFirstMatchingRuleWinsInFileOrder() {
        // the path rule stands above the title rules
        assertThat(RULES.topicOf("/pricing", "Tutorial: choosing a plan")).isEqualTo("pricing");
        // both title rules match: the upper one wins
        assertThat(RULES.topicOf("/blog/1", "Tutorial: reading a price list"))
                .isEqualTo("tutorials");
    }

    @Test
    void unknownAndMissingContentIsOther() {
        assertThat(RULES.topicOf("/about", "About us")).isEqualTo(ContentTaxonomy.OTHER);
        assertThat(RULES.topicOf(null, null)).isEqualTo("other");
        assertThat(RULES.topicOf("", "")).isEqualTo("other");
        assertThat(RULES.topicOf(null, "Price")).isEqualTo("pricing");
        assertThat(ContentTaxonomy.parse("empty.csv", "topic,match,pattern\n").topicOf("/a", "b"))
                .isEqualTo("other");
    }

    @Test
    void aMistakeNamesTheFileAndLine() {
        assertMistake("pricing,path,pricing", "line 3: path pattern 'pricing' must start with /");
        assertMistake("pricing,path,/pricing?x=1", "line 3: path pattern '/pricing?x=1' must not");
        assertMistake("pricing,path,/docs**", "line 3: path pattern '/docs**' uses ** inside");
        assertMistake("pricing,path,/a//b", "line 3: path pattern '/a//b' has an empty segment");
        assertMistake("pricing,title,*price", "line 3: title keyword '*price': * may only end");
        assertMistake("pricing,title,pri*ce", "line 3: title keyword 'pri*ce'");
        assertMistake("pricing,url,/pricing", "line 3: match must be path or title, was 'url'");
        assertMistake("Pricing,path,/pricing", "line 3: topic 'Pricing' must be a lower-case name");
        assertMistake("pricing,path", "line 3: expected topic,match,pattern, was: pricing,path");
        assertMistake("pricing,path,  ", "line 3: the pattern is empty");
        assertThatThrownBy(() -> ContentTaxonomy.parse("t.csv", "pricing,path,/pricing\n"))
                .hasMessage(
                        "t.csv line 1: the first line must be the header topic,match,pattern,"
                                + " was: pricing,path,/pricing");
        assertThatThrownBy(() -> ContentTaxonomy.parse("t.csv", "# nothing\n"))
                .hasMessageContaining("t.csv is empty");
    }

    private static void assertMistake(String rule, String message) {
        assertThatThrownBy(
                        () ->
                                ContentTaxonomy.parse(
                                        "t.csv", "# rules\ntopic,match,pattern\n" + rule + "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("t.csv " + message);
    }

    @Test
    void theShippedTaxonomyNamesTheDefaultTopics() {
        ContentTaxonomy shipped = ContentTaxonomy.load(SHIPPED.toString());
        assertThat(shipped.topics())
                .containsExactly("pricing", "product", "tutorials", "careers", "news");
        assertThat(shipped.topicOf("https://example.com/pricing/?utm_source=ad", null))
                .isEqualTo("pricing");
        assertThat(shipped.topicOf("/watch?v=12", "Segmentation tutorial, step by step"))
                .isEqualTo("tutorials");
        assertThat(shipped.topicOf("/careers/jobs/4", "Data engineer")).isEqualTo("careers");
        assertThat(shipped.topicOf("/blog/7", "We are hiring!")).isEqualTo("careers");
        assertThat(shipped.topicOf("/about", "About us")).isEqualTo("other");
    }

    @Test
    void aFileIsParsedOnceAndAgainWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("topics.csv");
        Files.writeString(
                file, "topic,match,pattern\nnews,path,/news/**\n", StandardCharsets.UTF_8);
        ContentTaxonomy first = ContentTaxonomy.load(file.toString());
        assertThat(ContentTaxonomy.load(file.toString())).isSameAs(first);

        Files.writeString(
                file, "topic,match,pattern\nnews,path,/press/**\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(
                file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2_000));
        ContentTaxonomy edited = ContentTaxonomy.load(file.toString());
        assertThat(edited.topicOf("/press/1", null)).isEqualTo("news");
        assertThat(edited.topicOf("/news/1", null)).isEqualTo("other");

        assertThatThrownBy(() -> ContentTaxonomy.load(dir.resolve("missing.csv").toString()))
                .hasMessageContaining("missing.csv does not exist");
        assertThatThrownBy(() -> ContentTaxonomy.load("classpath:no/such/topics.csv"))
                .hasMessageContaining("is not on the class path");
    }
}
