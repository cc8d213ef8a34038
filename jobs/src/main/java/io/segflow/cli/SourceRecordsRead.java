package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.infra.FlinkRest;
import io.segflow.registry.ModelRecord;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.JobID;

/**
 * Records a job's sources have read, from Flink's REST API ({@code GET /jobs/:jobid}): the sum of
 * {@code read-records} over the source vertices. For a source, Flink counts there the records the
 * source read from outside (its numRecordsIn), and the job details keep the figure of a vertex that
 * has finished, which in BATCH sources do long before the job ends. The same API serves the local
 * MiniCluster and a real cluster.
 */
public final class SourceRecordsRead {

    private static final String SOURCE_PREFIX = "Source: ";

    private final FlinkRest rest;
    private final String jobDetails;

    public SourceRecordsRead(URI restAddress, JobID job) {
        this.rest = new FlinkRest(restAddress);
        this.jobDetails = "/jobs/" + job;
    }

    /**
     * Records read so far; -1 when the REST API does not answer (the caller keeps its last figure).
     */
    public long read() {
        return rest.get(jobDetails).map(SourceRecordsRead::sourceRecords).orElse(-1L);
    }

    /**
     * Input records read: read-records summed over the source vertices, divided by how many times
     * each table is scanned. The job plans its SQL once, so each input table has one source today;
     * should a change of the SQL make the planner scan a table twice, the figure still compares
     * with the records the topics hold.
     */
    static long sourceRecords(JsonNode jobDetails) {
        long read = 0;
        int scans = 0;
        Set<String> tables = new HashSet<>();
        for (JsonNode vertex : jobDetails.path("vertices")) {
            String name = vertex.path("name").asText();
            // the models topic is a source too, but of models, not of input records
            if (name.startsWith(SOURCE_PREFIX) && !name.contains(ModelRecord.TOPIC)) {
                read += vertex.path("metrics").path("read-records").asLong(0);
                scans++;
                int end = name.indexOf('[');
                tables.add(end < 0 ? name : name.substring(0, end));
            }
        }
        return scans == 0 ? 0 : Math.round((double) read * tables.size() / scans);
    }
}
