package io.segflow.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.segflow.model.ModelDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report: one self-contained HTML page (it opens offline, ECharts inlined) of what the latest
 * insight run found, rendered from report.ftlh. The chart data travels in the page as JSON, which
 * the template's script turns into charts.
 */
public final class Report {

    /** The WebJar's path of the ECharts build the page inlines (the full one: it has heatmaps). */
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    private static final String TEMPLATE = "report.ftlh";

    /** JSON that is safe inside a script element: no markup character survives unescaped. */
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
    }

    private static final Pattern CLOSING_SCRIPT =
            Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);

    private static volatile String echarts;

    private Report() {}

    /** What {@link #write} wrote. */
    public record Written(Path file, ReportData data, double seconds) {}

    /**
     * Reads the latest insight of the database and writes its report to {@code out}.
     *
     * @param database how the page names the database (the URL without its parameters, which may
     *     carry secrets)
     */
    public static Written write(
            String jdbcUrl, String user, String password, String database, Path out)
            throws SQLException, IOException {
        long started = System.nanoTime();
        ReportData data;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            connection.setReadOnly(true);
            data = ReportData.read(connection, database, LocalDateTime.now(ZoneOffset.UTC));
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            render(data, writer);
        }
        return new Written(out, data, (System.nanoTime() - started) / 1e9);
    }

    /** The command that fills an empty report, for the page and the console alike. */
    public static String insightHint(String database) {
        return "segflow insight --jdbc-url " + database;
    }

    /** Renders the page of {@code data}. */
    public static void render(ReportData data, Writer out) throws IOException {
        Map<String, Object> model = new HashMap<>();
        model.put("data", data);
        model.put("insightHint", insightHint(data.database()));
        model.put("historyRetentionDays", ModelDefaults.SEGMENT_HISTORY_RETENTION.toDays());
        if (data.hasInsight()) {
            model.put("dataJson", json(data));
            model.put("echarts", echartsScript());
        }
        try {
            template().process(model, out);
        } catch (TemplateException e) {
            throw new IllegalStateException("the report template failed: " + e.getMessage(), e);
        }
    }

    /** The page's data as JSON safe to place between script tags. */
    static String json(ReportData data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Template template() throws IOException {
        Configuration configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setClassForTemplateLoading(Report.class, "");
        configuration.setDefaultEncoding("UTF-8");
        configuration.setLocale(Locale.ENGLISH);
        configuration.setNumberFormat("#,##0.###");
        // a template mistake is a bug: fail the report instead of printing a stack into the page
        configuration.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        configuration.setLogTemplateExceptions(false);
        configuration.setFallbackOnNullLoopVariable(false);
        return configuration.getTemplate(TEMPLATE);
    }

    /** echarts.min.js from its WebJar, read once. */
    static String echartsScript() throws IOException {
        String script = echarts;
        if (script == null) {
            try (InputStream in = Report.class.getClassLoader().getResourceAsStream(ECHARTS)) {
                if (in == null) {
                    throw new IOException(
                            ECHARTS + " is not on the classpath (the org.webjars.npm:echarts jar)");
                }
                // a "</script" inside the library would end the inline element early
                script =
                        CLOSING_SCRIPT
                                .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                                .replaceAll(Matcher.quoteReplacement("<\\/") + "$1");
            }
            echarts = script;
        }
        return script;
    }

    /**
     * Escapes {@code <}, {@code >} and {@code &} as \\u00XX so that no text in the data (a segment
     * name like {@code </script>}) can end the script element or open markup; JSON.parse reads them
     * back unchanged.
     */
    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private final int[] escapes;

        ScriptSafeEscapes() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
