package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceRecordsReadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INPUTS = Set.of("web_events_raw");

    @Test
    void countsEachInputRecordOnceThoughEveryTableHasTwoSources() throws Exception {
        String details =
                """
                {"vertices": [
                  {"name": "Source: web_events_raw[1] -> Calc[2]", "metrics": {"read-records": 700}},
                  {"name": "Source: crm_customers_raw[3]", "metrics": {"read-records": 300}},
                  {"name": "Source: web_events_raw[20] -> Calc[21]", "metrics": {"read-records": 700}},
                  {"name": "Source: crm_customers_raw[22]", "metrics": {"read-records": 300}},
                  {"name": "Source: email_events_raw[24] -> Calc[25]", "metrics": {"read-records": 50}},
                  {"name": "Source: email_events_raw[26] -> Calc[27]", "metrics": {"read-records": 50}},
                  {"name": "Source: segment_model_topic[30] -> Calc[31]", "metrics": {"read-records": 2}},
                  {"name": "segment assigner", "metrics": {"read-records": 99999}}
                ]}\
                """;
        assertThat(
                        SourceRecordsRead.sourceRecords(
                                JSON.readTree(details),
                                Set.of("web_events_raw", "crm_customers_raw", "email_events_raw")))
                // a source the SQL user added counts as the shipped ones do; the models do not
                .isEqualTo(1_050);
    }

    @Test
    void aJobWithoutSourcesYetHasReadNothing() throws Exception {
        assertThat(SourceRecordsRead.sourceRecords(JSON.readTree("{\"vertices\": []}"), INPUTS))
                .isZero();
        assertThat(SourceRecordsRead.sourceRecords(JSON.readTree("{}"), INPUTS)).isZero();
    }
}
