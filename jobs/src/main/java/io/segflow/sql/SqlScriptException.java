package io.segflow.sql;

/** A SQL file that cannot be read, filled in or planned; the message names file and line. */
public class SqlScriptException extends RuntimeException {

    public SqlScriptException(String message) {
        super(message);
    }

    public SqlScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
