package io.segflow.infra;

/** JDBC URLs as they may be shown to people. */
public final class JdbcUrls {

    private JdbcUrls() {}

    /** The URL for messages: its query string may carry a password. */
    public static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
