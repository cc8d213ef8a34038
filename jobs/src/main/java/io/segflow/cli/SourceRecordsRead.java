package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.infra.FlinkRest;
import io.segflow.pipeline.InputTopics;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.JobID;

/**
 * Records a job's sources have read, from Flink's REST API ({@code GET /jobs/:jobid}): the sum of
 * {@code read-records} over the source vertices. For a source, Flink counts there the records the
 * source read from outside (its numRecordsIn), and the job details keep the figure of a vertex that
 * has finished, which in BATCH sources do long before the job ends. The same API serves the local
 * MiniCluster and a real cluster. Only the scans of the input tables count (see {@link
 * InputTopics}): the job's other sources (the models topic) read models, not input records.
 */
public final class SourceRecordsRead {

    private static final String SOURCE_PREFIX = "Source: ";

    private final FlinkRest rest;
    private final String jobDetails;
    private final Set<String> inputTables;

    /**
     * @param inputTables the SQL's input tables, {@link InputTopics#byTable}: their scans are the
     *     sources counted
     */
    public SourceRecordsRead(URI restAddress, JobID job, Collection<String> inputTables) {
        this.rest = new FlinkRest(restAddress);
        this.jobDetails = "/jobs/" + job;
        this.inputTables = Set.copyOf(inputTables);
    }

    /**
     * Records read so far; -1 when the REST API does not answer (the caller keeps its last figure).
     */
    public long read() {
        return rest.get(jobDetails).map(details -> sourceRecords(details, inputTables)).orElse(-1L);
    }

    /**
     * Input records read: read-records summed over the source vertices, divided by how many times
     * each table is scanned. The job plans its SQL once, so each input table has one source today;
     * should a change of the SQL make the planner scan a table twice, the figure still compares
     * with the records the topics hold.
     */
    static long sourceRecords(JsonNode jobDetails, Set<String> inputTables) {
        long read = 0;
        int scans = 0;
        Set<String> tables = new HashSet<>();
        for (JsonNode vertex : jobDetails.path("vertices")) {
            String name = vertex.path("name").asText();
            if (!name.startsWith(SOURCE_PREFIX)) {
                continue;
            }
            // "Source: web_events_raw[1] -> Calc[2]": the scanned table is before the bracket
            int end = name.indexOf('[');
            String table = name.substring(SOURCE_PREFIX.length(), end < 0 ? name.length() : end);
            if (inputTables.contains(table)) {
                read += vertex.path("metrics").path("read-records").asLong(0);
                scans++;
                tables.add(table);
            }
        }
        return scans == 0 ? 0 : Math.round((double) read * tables.size() / scans);
    }
}
