package io.segflow.demo;

import java.util.List;

/**
 * The pages of the demo's web site, by topic: what a generated web event shows, its URL and title.
 * The topics are those of sql/content_topics.csv; pages of {@link #OFF_TOPIC} are in none of them.
 * Page views and white papers tell their topic by their path or title, blog posts and videos (at
 * /blog/n and /watch?v=n) only by their title, as on real sites. Some URLs carry a query string or
 * a trailing slash, as links from campaigns do.
 */
public final class ContentCatalog {

    /** The topics, in the order of a persona's topic weights; then {@link #OFF_TOPIC}. */
    public static final List<String> TOPICS =
            List.of("pricing", "product", "tutorials", "careers", "news");

    public static final String OFF_TOPIC = "other";

    public record Page(String url, String title) {}

    private static final String SITE = "https://example.com";

    // per topic (TOPICS order, then off-topic): page paths with their titles
    private static final String[][][] PAGES = {
        {
            {"/pricing", "Pricing"},
            {"/pricing/enterprise", "Enterprise plans"},
            {"/plans/compare", "Compare plans"}
        },
        {
            {"/product", "Product tour"},
            {"/features/segments", "Live segments"},
            {"/integrations/kafka", "Kafka"}
        },
        {
            {"/docs/getting-started", "Getting started"},
            {"/docs/guides/segments", "Segments"},
            {"/academy/course-%d", "Course %d"}
        },
        {
            {"/careers", "Work with us"},
            {"/careers/jobs/%d", "Data engineer"},
            {"/jobs/%d", "Account executive"}
        },
        {
            {"/news/%d", "Example opens an office in Berlin"},
            {"/press/2026-%d", "Example in the press"}
        },
        {
            {"/", "Example"},
            {"/about", "About us"},
            {"/contact", "Contact"},
            {"/legal/privacy", "Privacy"}
        }
    };

    // per topic: titles of blog posts, videos and white papers, whose paths say nothing
    private static final String[][] TITLES = {
        {
            "What segmentation costs: pricing explained",
            "Discounts for teams and non-profits",
            "The price of a customer data platform"
        },
        {
            "New features in the spring release",
            "Product update: live segments",
            "Integrations for every warehouse"
        },
        {
            "How to build your first segment",
            "Tutorial: scoring leads step by step",
            "A guide to predictive segmentation"
        },
        {
            "Life at Example: we are hiring",
            "Career paths for data engineers",
            "Internships at Example"
        },
        {
            "News from the Example community",
            "Example announces its Series B",
            "Press release: Example 3.0"
        },
        {"Our favourite books of the year", "Behind the scenes at Example", "Customer story: Acme"}
    };

    private ContentCatalog() {}

    /**
     * A page about {@code topic} (one of {@link #TOPICS} or {@link #OFF_TOPIC}) shown by an event
     * of {@code eventType}; {@code number} picks among the topic's pages.
     */
    public static Page page(String topic, String eventType, int number) {
        int t = topic.equals(OFF_TOPIC) ? TOPICS.size() : TOPICS.indexOf(topic);
        if (t < 0) {
            throw new IllegalArgumentException("no topic " + topic);
        }
        int n = Math.abs(number);
        String title = TITLES[t][n % TITLES[t].length];
        return switch (eventType) {
            case "blog_view" -> new Page(SITE + "/blog/" + n, title);
            case "video_view" -> new Page(SITE + "/watch?v=" + n, title);
            case "whitepaper_view" -> new Page(SITE + "/resources/whitepapers/" + n, title);
            default -> {
                String[] page = PAGES[t][n % PAGES[t].length];
                String path = page[0].formatted(n);
                // campaign links and sloppy ones: the same page all the same
                String url =
                        SITE
                                + path
                                + (n % 5 == 0 && !path.equals("/") ? "/" : "")
                                + (n % 7 == 0 ? "?utm_source=newsletter" : "");
                yield new Page(url, page[1].formatted(n) + " | Example");
            }
        };
    }

    /**
     * The topic that {@code draw} (uniform in [0, 1)) picks by {@code weights}: one per topic of
     * {@link #TOPICS}, then one for off-topic pages.
     */
    public static String topic(double[] weights, double draw) {
        double r = draw;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i < TOPICS.size() ? TOPICS.get(i) : OFF_TOPIC;
            }
        }
        return OFF_TOPIC;
    }
}
