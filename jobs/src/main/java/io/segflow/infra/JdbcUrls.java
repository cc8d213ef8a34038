package io.segflow.infra;

import java.util.Locale;

/** JDBC URLs as they may be shown to people. */
public final class JdbcUrls {

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
}
