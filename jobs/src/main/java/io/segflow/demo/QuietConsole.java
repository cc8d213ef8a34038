package io.segflow.demo;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * The demo's console is its header and live view. segflow's own INFO lines (SQL directory, model
 * features, tables and topics created), which {@code run} shows an operator, wrapped across the
 * terminal before the header; for the demo they go to logs/segflow.log only, and the console keeps
 * warnings and errors.
 */
public final class QuietConsole {

    private static final String SEGFLOW_LOGGER = "io.segflow";
    private static final String CONSOLE_APPENDER = "console";

    private QuietConsole() {}

    public static void warningsOnly() {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
            return; // another logging backend: its own configuration decides
        }
        Configuration config = context.getConfiguration();
        LoggerConfig segflow = config.getLoggerConfig(SEGFLOW_LOGGER);
        Appender console = config.getAppender(CONSOLE_APPENDER);
        if (!SEGFLOW_LOGGER.equals(segflow.getName()) || console == null) {
            return; // not the jar's log4j2.xml (a test's, or the user's own)
        }
        segflow.removeAppender(CONSOLE_APPENDER);
        segflow.addAppender(console, Level.WARN, null);
        context.updateLoggers();
    }
}
