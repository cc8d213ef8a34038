package io.segflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.apache.flink.api.common.functions.RichFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.junit.jupiter.api.Test;

class GuardedJdbcSinkFunctionTest {

    /** A sink whose close() fails as the JDBC connector's does with rows it cannot write. */
    private static final class FailingOnClose extends RichSinkFunction<String> {
        @Override
        public void close() {
            throw new RuntimeException(
                    "Writing records to JDBC failed.",
                    new NullPointerException("\"statement\" is null"));
        }
    }

    @Test
    void aStoppedTaskClosesWithoutThrowing() throws Exception {
        RichFunction guarded = new GuardedJdbcSinkFunction<>(new FailingOnClose(), "t");
        guarded.close();
    }

    @Test
    void afterTheInputEndedCloseFailsAsTheConnectorDoes() throws Exception {
        GuardedJdbcSinkFunction<String> guarded =
                new GuardedJdbcSinkFunction<>(new FailingOnClose(), "t");
        guarded.finish();
        assertThatThrownBy(guarded::close).hasMessage("Writing records to JDBC failed.");
    }

    @Test
    void onlyAMissingServerIsWaitedFor() {
        assertThat(
                        GuardedJdbcSinkFunction.databaseUnreachable(
                                new IOException(
                                        "unable to open JDBC writer",
                                        new SQLException(
                                                "Connection to db:5432 refused",
                                                "08001",
                                                new ConnectException("Connection refused")))))
                .isTrue();
        assertThat(
                        GuardedJdbcSinkFunction.databaseUnreachable(
                                new SQLException("the database system is starting up", "57P03")))
                .isTrue();
        assertThat(
                        GuardedJdbcSinkFunction.databaseUnreachable(
                                new IOException(
                                        "unable to open JDBC writer",
                                        new SQLException(
                                                "password authentication failed", "28P01"))))
                .isFalse();
        assertThat(
                        GuardedJdbcSinkFunction.databaseUnreachable(
                                new SQLException("This connection has been closed.", "08003")))
                .isFalse();
    }
}
