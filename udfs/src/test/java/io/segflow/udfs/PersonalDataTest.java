package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pseudonyms and what a dead letter keeps of a payload. */
class PersonalDataTest {

    static final byte[] KEY =
            "a-test-key-of-thirty-two-bytes-or-more".getBytes(StandardCharsets.US_ASCII);
    static final Pseudonymiser KEYED = Pseudonymiser.withKey(KEY);

    @Test
    void aPseudonymIsTheTruncatedHmacOfTheId() throws Exception {
        // HMAC-SHA-256 of "v-1" with KEY, as `printf v-1 | openssl dgst -sha256 -hmac KEY` prints
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        String full =
                java.util.HexFormat.of()
                        .formatHex(mac.doFinal("v-1".getBytes(StandardCharsets.UTF_8)));
        assertThat(KEYED.pseudonym("v-1")).isEqualTo(full.substring(0, 32)).hasSize(32);
        assertThat(Pseudonymiser.withKey(KEY).pseudonym("v-1")).isEqualTo(KEYED.pseudonym("v-1"));
        assertThat(KEYED.pseudonym("v-2")).isNotEqualTo(KEYED.pseudonym("v-1"));
        byte[] otherKey =
                "another-test-key-of-thirty-two-bytes".getBytes(StandardCharsets.US_ASCII);
        assertThat(Pseudonymiser.withKey(otherKey).pseudonym("v-1"))
                .isNotEqualTo(KEYED.pseudonym("v-1"));
        assertThat(KEYED.pseudonym(null)).isNull();
        assertThat(Pseudonymiser.off().pseudonym("v-1")).isEqualTo("v-1");
    }

    @Test
    void theKeyComesFromTheEnvironmentOrAFileAndIsNeverInAMessage(@TempDir Path dir)
            throws Exception {
        String key = "0123456789abcdef0123456789abcdef";
        assertThat(Pseudonymiser.keyFromEnvironment(Map.of())).isNull();
        assertThat(Pseudonymiser.keyFromEnvironment(Map.of(Pseudonymiser.KEY_ENV, key)))
                .isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("key");
        Files.writeString(file, key + "\n");
        assertThat(
                        Pseudonymiser.keyFromEnvironment(
                                Map.of(Pseudonymiser.KEY_FILE_ENV, file.toString())))
                .isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(
                        () ->
                                Pseudonymiser.keyFromEnvironment(
                                        Map.of(Pseudonymiser.KEY_ENV, "short-secret")))
                .hasMessageContaining("at least 32")
                .message()
                .doesNotContain("short-secret");
        assertThatThrownBy(
                        () ->
                                Pseudonymiser.keyFromEnvironment(
                                        Map.of(
                                                Pseudonymiser.KEY_ENV,
                                                key,
                                                Pseudonymiser.KEY_FILE_ENV,
                                                file.toString())))
                .hasMessageContaining("set one")
                .message()
                .doesNotContain(key);
        assertThatThrownBy(
                        () ->
                                Pseudonymiser.keyFromEnvironment(
                                        Map.of(
                                                Pseudonymiser.KEY_FILE_ENV,
                                                dir.resolve("absent").toString())))
                .hasMessageContaining("cannot read");
    }

    @Test
    void idsArePseudonymisedAndEmailsMaskedAtAnyDepth() {
        String masked =
                PersonalData.mask(
                        "{\"before\":{\"system\":\"web\",\"external_id\":\"v-9\"},\"after\":{\"customer_id\":7,\"email\":\"ann@example.com\",\"note\":\"write"
                            + " to bob@example.org\","
                            + "\"url\":\"https://shop.test/?mail=c.d+x@mail.example.de&x=1\","
                            + "\"list\":[{\"user_id\":12345},{\"Visitor_ID\":\"v-3\"}],"
                            + "\"session_id\":{\"nested\":\"s\"},\"user_id\":null},\"op\":\"c\"}",
                        KEYED);
        assertThat(masked)
                .doesNotContain("v-9", "ann@", "bob@", "example.", "12345", "v-3", "\"s\"")
                .contains("\"external_id\":\"" + KEYED.pseudonym("v-9") + "\"")
                .contains("\"email\":\"<masked>\"")
                .contains("\"note\":\"write to <masked>\"")
                .contains("\"url\":\"https://shop.test/?mail=<masked>&x=1\"")
                .contains("{\"user_id\":\"" + KEYED.pseudonym("12345") + "\"}")
                .contains("{\"Visitor_ID\":\"" + KEYED.pseudonym("v-3") + "\"}")
                .contains("\"session_id\":\"<masked>\"")
                .contains("\"user_id\":null")
                .contains("\"customer_id\":\"" + KEYED.pseudonym("7") + "\"", "\"op\":\"c\"");
    }

    @Test
    void anUnreadablePayloadKeepsOnlyItsLengthAndAKeyedDigest() {
        for (String payload :
                List.of(
                        "{\"visitor_id\":\"v-1\",\"email\":\"ann@example.com\"",
                        "{\"visitor_id\":\"v-1\",\"visitor_id\":\"v-2\"}",
                        "{\"visitor_id\":\"v-1\"} trailing",
                        "visitor v-1 ann@example.com",
                        "[".repeat(5000) + "\"v-1\"" + "]".repeat(5000))) {
            String masked = PersonalData.mask(payload, KEYED);
            assertThat(masked)
                    .as(payload)
                    .startsWith("{\"unreadable_payload\":{\"characters\":" + payload.length())
                    .contains("\"hmac_sha256\":\"" + KEYED.digest(payload) + "\"")
                    .doesNotContain("v-1", "v-2", "ann@");
        }
        assertThat(PersonalData.mask(null, KEYED)).isNull();
        assertThat(PersonalData.mask("not json", Pseudonymiser.off())).contains("\"sha256\"");
    }

    @Test
    void theFunctionsRunInSqlWithTheirKey() throws Exception {
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        sql.createTemporarySystemFunction("PSEUDONYM", Pseudonym.withKey(KEY));
        sql.createTemporarySystemFunction("MASK_PERSONAL_DATA", MaskPersonalData.withKey(KEY));
        // the SQL files' declarations by class name do not replace the job's instances
        sql.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PSEUDONYM AS"
                        + " 'io.segflow.udfs.Pseudonym'");
        try (CloseableIterator<Row> rows =
                sql.executeSql(
                                "SELECT PSEUDONYM(id), MASK_PERSONAL_DATA(payload) FROM (VALUES"
                                        + " ('v-1', '{\"visitor_id\":\"v-1\"}')) AS t(id, payload)")
                        .collect()) {
            Row row = rows.next();
            assertThat(row.getField(0)).isEqualTo(KEYED.pseudonym("v-1"));
            assertThat(row.getField(1))
                    .isEqualTo("{\"visitor_id\":\"" + KEYED.pseudonym("v-1") + "\"}");
        }
        assertThat(Pseudonym.withKey(KEY).toString()).isEqualTo("Pseudonym");
        assertThatThrownBy(() -> Pseudonym.withKey("short".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("at least 32");
    }
}
