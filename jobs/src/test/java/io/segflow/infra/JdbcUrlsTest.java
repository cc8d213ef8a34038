package io.segflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void theSinksWaitOnPostgresqlForAMinuteAtMostUnlessTheUrlSaysOtherwise() {
        assertThat(JdbcUrls.forSinks("jdbc:postgresql://db:5432/crm"))
                .isEqualTo("jdbc:postgresql://db:5432/crm?socketTimeout=60");
        assertThat(JdbcUrls.forSinks("jdbc:postgresql://db:5432/crm?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5432/crm?sslmode=require&socketTimeout=60");
        assertThat(JdbcUrls.forSinks("jdbc:postgresql://db/crm?socketTimeout=5&sslmode=require"))
                .isEqualTo("jdbc:postgresql://db/crm?socketTimeout=5&sslmode=require");
        assertThat(JdbcUrls.forSinks("jdbc:postgresql://db/crm?sslmode=require&socketTimeout=0"))
                .isEqualTo("jdbc:postgresql://db/crm?sslmode=require&socketTimeout=0");
        assertThat(JdbcUrls.forSinks("jdbc:mysql://db/crm")).isEqualTo("jdbc:mysql://db/crm");
    }

    @Test
    void messagesShowNoQueryString() {
        assertThat(JdbcUrls.withoutParameters("jdbc:postgresql://db/crm?password=secret"))
                .isEqualTo("jdbc:postgresql://db/crm");
    }
}
