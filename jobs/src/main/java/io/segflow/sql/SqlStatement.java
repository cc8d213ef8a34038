package io.segflow.sql;

import java.util.Locale;

/** One SQL statement of a script, with where it starts so that errors can point at it. */
public record SqlStatement(String file, int line, String text) {

    public String location() {
        return file + ":" + line;
    }

    /** The statement's first keyword, upper case ("CREATE", "INSERT", ...). */
    public String keyword() {
        int end = 0;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end).toUpperCase(Locale.ROOT);
    }

    public boolean isInsert() {
        return keyword().equals("INSERT");
    }
}
