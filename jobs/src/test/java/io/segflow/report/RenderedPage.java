package io.segflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person checks on a report rendered in headless Chromium ({@link HeadlessChromium}): the
 * charts that drew themselves, the script errors the page recorded, and whether the screenshot
 * shows anything. For every test that opens a report: the report's own and the demo's.
 */
public final class RenderedPage {

    static final Pattern CHART_DIV = Pattern.compile("<div [^>]*data-chart=\"([^\"]+)\"[^>]*>");

    private static final Pattern ERRORS =
            Pattern.compile(
                    "<pre id=\"script-errors\" data-errors=\"(\\d+)\">(.*?)</pre>", Pattern.DOTALL);

    private RenderedPage() {}

    /** A screenshot of the page at this size. */
    public static void screenshot(
            java.nio.file.Path page, java.nio.file.Path png, int width, int height)
            throws Exception {
        HeadlessChromium.screenshot(page, png, width, height);
    }

    /** The page's DOM after its scripts ran. */
    public static String dumpDom(java.nio.file.Path page) throws Exception {
        return HeadlessChromium.dumpDom(page);
    }

    /**
     * The charts that drew themselves: their div carries data-rendered (set on ECharts' finished
     * event) and holds a canvas. Fails on a chart div that did not.
     */
    public static List<String> chartsDrawn(String dom) {
        List<String> drawn = new ArrayList<>();
        Matcher div = CHART_DIV.matcher(dom);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (div.find()) {
            spans.add(new int[] {div.start(), div.end()});
            names.add(div.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            String tag = dom.substring(spans.get(i)[0], spans.get(i)[1]);
            int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : dom.length();
            String inside = dom.substring(spans.get(i)[1], end);
            assertThat(tag).as("chart " + names.get(i)).contains("data-rendered=\"true\"");
            assertThat(inside).as("chart " + names.get(i) + " holds a canvas").contains("<canvas");
            drawn.add(names.get(i));
        }
        return drawn;
    }

    public static String scriptErrors(String dom) {
        Matcher errors = ERRORS.matcher(dom);
        assertThat(errors.find()).as("the page's error element").isTrue();
        return errors.group(1).equals("0")
                ? errors.group(2)
                : errors.group(1) + ": " + errors.group(2);
    }

    public static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    /** The share of pixels unlike the page's background (its bottom-right corner). */
    public static double paintedShare(BufferedImage image) {
        int background = image.getRGB(image.getWidth() - 1, image.getHeight() - 1);
        long painted = 0;
        long pixels = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                pixels++;
                painted += image.getRGB(x, y) != background ? 1 : 0;
            }
        }
        return (double) painted / pixels;
    }
}
