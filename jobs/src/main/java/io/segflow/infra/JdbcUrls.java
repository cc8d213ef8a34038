package io.segflow.infra;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** JDBC URLs as they may be shown to people, and as the job's sinks use them. */
public final class JdbcUrls {

    /**
     * How long the sinks wait on PostgreSQL for one read before they give the connection up.
     * PostgreSQL's driver waits forever by default ({@code socketTimeout=0}): a database that
     * vanished from the network without closing its connections (a failover to another host) would
     * block a flush in a checkpoint, and then the task's cancellation, until Flink's watchdog
     * ({@code task.cancellation.timeout}, 180 s) kills the whole TaskManager. With this limit a
     * flush gives up within it plus the driver's 10 s connect timeout, well within the watchdog's
     * time even twice over (the checkpoint's flush, then the one in close()).
     */
    public static final Duration SINK_SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private JdbcUrls() {}

    /**
     * Whether the URL's query string carries a password (password, sslpassword): such a URL is a
     * secret itself.
     */
    public static boolean carriesSecret(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String parameter : url.substring(query + 1).split("&")) {
            String name = parameter.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (name.contains("password")) {
                return true;
            }
        }
        return false;
    }

    /** The URL for messages: its query string may carry a password. */
    public static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /**
     * The URL the JDBC sinks connect with: a PostgreSQL URL gets {@link #SINK_SOCKET_TIMEOUT} as
     * its {@code socketTimeout} unless it sets one itself; other URLs are left as they are.
     */
    public static String forSinks(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        int query = url.indexOf('?');
        if (query >= 0
                && Arrays.stream(url.substring(query + 1).split("&"))
                        .anyMatch(parameter -> parameter.startsWith("socketTimeout="))) {
            return url;
        }
        return url + (query < 0 ? "?" : "&") + "socketTimeout=" + SINK_SOCKET_TIMEOUT.toSeconds();
    }
}
