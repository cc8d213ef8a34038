package io.segflow.udfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a piece of content is about: a URL path and a title mapped to a topic by the rules of a
 * taxonomy file (sql/content_topics.csv), plain Java. Rules are tried in the file's order and the
 * first that matches gives the topic; content no rule matches is {@value #OTHER}.
 *
 * <p>The file: one rule a line, {@code topic,match,pattern}, after that header line; lines starting
 * with {@code #} and blank lines are skipped. {@code match} is
 *
 * <ul>
 *   <li>{@code path}: a pattern of the URL's path, starting with {@code /}; {@code *} stands for
 *       any characters within one segment, a segment {@code **} for any number of segments (none
 *       too): {@code /pricing}, {@code /docs/**}, {@code /blog/*-pricing}, {@code /**}{@code
 *       /careers}. The path is compared without scheme, host, query string and fragment,
 *       percent-decoded, in lower case, without a trailing slash: {@code
 *       https://Example.com/Pricing/?utm=x} is {@code /pricing}.
 *   <li>{@code title}: a keyword or phrase found as whole words in the title, ignoring case; a
 *       {@code *} ending a word stands for any ending ({@code tutorial*} finds "Tutorials").
 * </ul>
 *
 * <p>A topic is a lower-case name ({@code [a-z][a-z0-9_]*}): it becomes part of column names. A
 * mistake in the file is an {@link IllegalArgumentException} naming the file and line.
 */
public final class ContentTaxonomy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The topic of content that no rule matches, and of an event without url and title. */
    public static final String OTHER = "other";

    /** The location prefix of a file on the class path (a taxonomy bundled in a jar). */
    public static final String CLASSPATH = "classpath:";

    static final String HEADER = "topic,match,pattern";

    private static final Pattern TOPIC = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final String WORD_CHAR = "[\\p{L}\\p{N}]";

    /** Taxonomies by location, with the file's size and time they were read at. */
    private static final Map<String, Loaded> LOADED = new ConcurrentHashMap<>();

    private record Loaded(String stamp, ContentTaxonomy taxonomy) {}

    private record Rule(String topic, boolean onPath, Pattern pattern) implements Serializable {}

    private final String source;
    private final List<Rule> rules;

    private ContentTaxonomy(String source, List<Rule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    /**
     * The taxonomy at {@code location}: a file path, or {@code classpath:segflow/sql/...} for one
     * in a jar. Parsed once per location while the file stays unchanged (size and modification
     * time).
     */
    public static ContentTaxonomy load(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException(
                    "no content taxonomy file given: pass the location of one, such as"
                            + " '${sql.dir}/content_topics.csv'");
        }
        String stamp = stamp(location);
        Loaded loaded = LOADED.get(location);
        if (loaded == null || !loaded.stamp().equals(stamp)) {
            loaded = new Loaded(stamp, parse(location, read(location)));
            LOADED.put(location, loaded);
        }
        return loaded.taxonomy();
    }

    /** The rules of a taxonomy file's text; {@code source} names the file in errors. */
    public static ContentTaxonomy parse(String source, String text) {
        List<Rule> rules = new ArrayList<>();
        boolean headerSeen = false;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1) + ": ";
            if (!headerSeen) {
                if (!line.replace(" ", "").equalsIgnoreCase(HEADER)) {
                    throw new IllegalArgumentException(
                            where
                                    + "the first line must be the header "
                                    + HEADER
                                    + ", was: "
                                    + line);
                }
                headerSeen = true;
                continue;
            }
            rules.add(rule(where, line));
        }
        if (!headerSeen) {
            throw new IllegalArgumentException(
                    source + " is empty: it needs at least the header " + HEADER);
        }
        return new ContentTaxonomy(source, rules);
    }

    /** The topic of a piece of content: the first rule that matches, else {@value #OTHER}. */
    public String topicOf(String url, String title) {
        String path = path(url);
        for (Rule rule : rules) {
            if (rule.onPath()) {
                if (path != null && rule.pattern().matcher(path).matches()) {
                    return rule.topic();
                }
            } else if (title != null && rule.pattern().matcher(title).find()) {
                return rule.topic();
            }
        }
        return OTHER;
    }

    /** The topics the rules name, in the order they first appear. */
    public List<String> topics() {
        return rules.stream().map(Rule::topic).distinct().toList();
    }

    @Override
    public String toString() {
        return "content taxonomy " + source + " (" + rules.size() + " rules)";
    }

    private static Rule rule(String where, String line) {
        String[] fields = line.split(",", 3);
        if (fields.length < 3) {
            throw new IllegalArgumentException(
                    where + "expected topic,match,pattern, was: " + line);
        }
        String topic = fields[0].strip();
        String match = fields[1].strip().toLowerCase(Locale.ROOT);
        String pattern = fields[2].strip();
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(
                    where
                            + "topic '"
                            + topic
                            + "' must be a lower-case name (a-z, digits, _; a letter first):"
                            + " it becomes part of column names");
        }
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException(where + "the pattern is empty");
        }
        return switch (match) {
            case "path" -> new Rule(topic, true, pathPattern(where, pattern));
            case "title" -> new Rule(topic, false, titlePattern(where, pattern));
            default ->
                    throw new IllegalArgumentException(
                            where + "match must be path or title, was '" + fields[1].strip() + "'");
        };
    }

    /** A path glob as a regular expression over normalised paths (the root is the empty path). */
    private static Pattern pathPattern(String where, String glob) {
        String problem = null;
        if (!glob.startsWith("/")) {
            problem = "must start with /";
        } else if (glob.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?' || c == '#')) {
            problem = "must not contain white space, ? or # (a query string is not part of a path)";
        }
        String normalised = glob.toLowerCase(Locale.ROOT);
        if (normalised.length() > 1 && normalised.endsWith("/")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        StringBuilder regex = new StringBuilder();
        if (problem == null && !normalised.equals("/")) {
            for (String segment : normalised.substring(1).split("/", -1)) {
                if (segment.isEmpty()) {
                    problem = "has an empty segment (//)";
                    break;
                } else if (segment.equals("**")) {
                    regex.append("(?:/[^/]+)*");
                } else if (segment.contains("**")) {
                    problem =
                            "uses ** inside a segment: ** must be a whole segment, as in /docs/**";
                    break;
                } else {
                    regex.append('/');
                    String[] literals = segment.split("\\*", -1);
                    for (int j = 0; j < literals.length; j++) {
                        if (j > 0) {
                            regex.append("[^/]*");
                        }
                        if (!literals[j].isEmpty()) {
                            regex.append(Pattern.quote(literals[j]));
                        }
                    }
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException(where + "path pattern '" + glob + "' " + problem);
        }
        return Pattern.compile(regex.toString());
    }

    /** A keyword or phrase as whole words, ignoring case; a word may end in * (any ending). */
    private static Pattern titlePattern(String where, String keyword) {
        StringBuilder regex = new StringBuilder("(?<!" + WORD_CHAR + ")");
        String[] words = keyword.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            boolean open = word.endsWith("*");
            String literal = open ? word.substring(0, word.length() - 1) : word;
            if (literal.isEmpty() || literal.contains("*")) {
                throw new IllegalArgumentException(
                        where
                                + "title keyword '"
                                + keyword
                                + "': * may only end a word that has letters before it, as in"
                                + " tutorial*");
            }
            if (i > 0) {
                regex.append("\\s+");
            }
            regex.append(Pattern.quote(literal));
            if (open) {
                regex.append(WORD_CHAR).append('*');
            }
        }
        regex.append("(?!" + WORD_CHAR + ")");
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /**
     * A URL's path as the rules see it: no scheme, host, query or fragment, percent-decoded, lower
     * case, no trailing or doubled slash; the root is the empty path. Null for a blank URL and one
     * without a path.
     */
    static String path(String url) {
        if (url == null) {
            return null;
        }
        String rest = url.strip();
        if (rest.isEmpty()) {
            return null; // no address at all, not the home page
        }
        int cut = indexOfAny(rest, '?', '#');
        if (cut >= 0) {
            rest = rest.substring(0, cut);
        }
        if (SCHEME.matcher(rest).find()) {
            int colon = rest.indexOf(':');
            if (!rest.startsWith("//", colon + 1)) {
                return null; // mailto:, tel:, javascript: have no path
            }
            rest = rest.substring(colon + 1);
        }
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        String decoded = percentDecoded(rest).toLowerCase(Locale.ROOT);
        StringBuilder path = new StringBuilder(decoded.length() + 1);
        for (String segment : decoded.split("/")) {
            if (!segment.isEmpty()) {
                path.append('/').append(segment);
            }
        }
        return path.toString();
    }

    private static int indexOfAny(String text, char a, char b) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** %XX sequences decoded as UTF-8; a malformed one stays as it is. */
    private static String percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        byte[] bytes = new byte[text.length() * 3];
        int length = 0;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes[length++] = (byte) (high * 16 + low);
                i += 2;
                continue;
            }
            if (length > 0) {
                out.append(new String(bytes, 0, length, StandardCharsets.UTF_8));
                length = 0;
            }
            out.append(c);
        }
        if (length > 0) {
            out.append(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** What tells a changed file from the one read before: size and modification time. */
    private static String stamp(String location) {
        if (location.startsWith(CLASSPATH)) {
            return "classpath"; // a jar does not change while it runs
        }
        Path file = Path.of(location);
        try {
            return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "content taxonomy file " + file.toAbsolutePath() + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read content taxonomy file " + file.toAbsolutePath(), e);
        }
    }

    private static String read(String location) {
        try {
            if (!location.startsWith(CLASSPATH)) {
                return Files.readString(Path.of(location), StandardCharsets.UTF_8);
            }
            String resource = location.substring(CLASSPATH.length()).replaceFirst("^/+", "");
            URL url = ContentTaxonomy.class.getClassLoader().getResource(resource);
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (url == null && context != null) {
                url = context.getResource(resource);
            }
            if (url == null) {
                throw new IllegalArgumentException(
                        "content taxonomy "
                                + location
                                + " is not on the class path (is the jar that holds it loaded?)");
            }
            URLConnection connection = url.openConnection();
            // a jar's cached handle would outlive a reloaded jar in a long SQL client session
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read content taxonomy " + location, e);
        }
    }
}
