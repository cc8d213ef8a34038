package io.segflow.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SQL files that define the pipeline: every {@code *.sql} file of one directory, run in
 * file-name order, with {@code ${name}} placeholders filled from the job's configuration, and the
 * {@code profile.yml} beside them.
 *
 * <p>Placeholders stand inside string literals ({@code 'topic' = '${topic.customers}'}), so a
 * value's single quotes are doubled: configuration can never change the SQL around it.
 */
public final class SqlScripts {

    public static final String BUNDLED_LOCATION = "segflow/sql";
    public static final String PROFILE_FILE = "profile.yml";

    /**
     * The placeholder of the SQL's own directory, for files the SQL reads beside it (the content
     * taxonomy): a path, or {@code classpath:segflow/sql} for the copy bundled in the jar.
     */
    public static final String DIRECTORY_PLACEHOLDER = "sql.dir";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private final String origin;
    private final Map<String, String> files;

    private SqlScripts(String origin, Map<String, String> files) {
        this.origin = origin;
        this.files = Collections.unmodifiableMap(files);
    }

    /** The scripts of a directory: what a SQL user edits. */
    public static SqlScripts fromDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new SqlScriptException("SQL directory " + directory + " does not exist");
        }
        return new SqlScripts(directory.toAbsolutePath().normalize().toString(), read(directory));
    }

    /** The copy of the repository's sql/ packaged in the jar. */
    public static SqlScripts bundled() {
        URL url = SqlScripts.class.getClassLoader().getResource(BUNDLED_LOCATION);
        if (url == null) {
            throw new SqlScriptException("no SQL bundled in this jar at " + BUNDLED_LOCATION);
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return new SqlScripts("classpath:" + BUNDLED_LOCATION, read(Path.of(uri)));
            }
            FileSystem jar;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
            }
            return new SqlScripts(
                    "classpath:" + BUNDLED_LOCATION, read(jar.getPath(BUNDLED_LOCATION)));
        } catch (URISyntaxException | IOException e) {
            throw new SqlScriptException("cannot read the SQL bundled in this jar", e);
        }
    }

    /**
     * The directory if given; else ./sql when the job runs from a checkout; else the bundled copy
     * (a job submitted to a cluster).
     */
    public static SqlScripts locate(Path directoryOrNull) {
        if (directoryOrNull != null) {
            return fromDirectory(directoryOrNull);
        }
        Path local = Path.of("sql");
        if (Files.isRegularFile(local.resolve(PROFILE_FILE))) {
            return fromDirectory(local);
        }
        return bundled();
    }

    private static Map<String, String> read(Path directory) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : (Iterable<Path>) entries::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".sql") || name.equals(PROFILE_FILE)) {
                    files.put(name, Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL files in " + directory, e);
        }
        if (files.keySet().stream().noneMatch(name -> name.endsWith(".sql"))) {
            throw new SqlScriptException("no .sql files in " + directory);
        }
        return files;
    }

    /** Where the scripts were read from, for logs and errors. */
    public String origin() {
        return origin;
    }

    /** The text of profile.yml, the column contract of customer_profile. */
    public String profileYaml() {
        String yaml = files.get(PROFILE_FILE);
        if (yaml == null) {
            throw new SqlScriptException(origin + " has no " + PROFILE_FILE);
        }
        return yaml;
    }

    /**
     * Every statement of every .sql file in file-name order, placeholders filled in; {@code
     * ${sql.dir}} is the scripts' own {@link #origin()}.
     */
    public List<SqlStatement> statements(Map<String, String> settings) {
        Map<String, String> values = new TreeMap<>(settings);
        values.putIfAbsent(DIRECTORY_PLACEHOLDER, origin);
        List<SqlStatement> statements = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().endsWith(".sql")) {
                continue;
            }
            for (SqlStatement statement :
                    SqlStatementSplitter.split(file.getKey(), file.getValue())) {
                statements.add(
                        new SqlStatement(
                                statement.file(), statement.line(), fill(statement, values)));
            }
        }
        return statements;
    }

    /** The names of the placeholders the statements of the .sql files use, sorted. */
    public Set<String> placeholderNames() {
        Set<String> names = new TreeSet<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (file.getKey().endsWith(".sql")) {
                for (SqlStatement statement :
                        SqlStatementSplitter.split(file.getKey(), file.getValue())) {
                    Matcher matcher = PLACEHOLDER.matcher(statement.text());
                    while (matcher.find()) {
                        names.add(matcher.group(1));
                    }
                }
            }
        }
        return names;
    }

    /** A copy with only the .sql files whose names sort up to {@code lastFile}, and profile.yml. */
    public SqlScripts upTo(String lastFile) {
        Map<String, String> kept = new TreeMap<>(files);
        kept.keySet().removeIf(name -> name.endsWith(".sql") && name.compareTo(lastFile) > 0);
        return new SqlScripts(origin, kept);
    }

    static String fill(SqlStatement statement, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(statement.text());
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = values.get(name);
            if (value == null) {
                throw new SqlScriptException(
                        statement.location()
                                + ": unknown placeholder ${"
                                + name
                                + "}; known: "
                                + new TreeMap<>(values).keySet()
                                + (name.startsWith("topic.")
                                        ? ""
                                        : " and ${topic.NAME} for any topic NAME"));
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value.replace("'", "''")));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }
}
