package io.segflow.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that deploying and stopping a job needs, as a deployment script
 * or CI would make them: upload a jar, run it, look at jobs, cancel one.
 */
final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build(), 200);
    }

    /** {@code POST /jars/upload}; returns the id under which the cluster keeps the jar. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "segflow-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\n"
                                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\n"
                                + "Content-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                send(
                        request("/jars/upload")
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .timeout(Duration.ofMinutes(2))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                                .build(),
                        200);
        // "filename" is the stored file's path; its last segment is the jar id
        String stored = answer.path("filename").asText();
        if (!"success".equals(answer.path("status").asText()) || stored.isEmpty()) {
            throw new IOException("upload refused: " + answer);
        }
        return Path.of(stored).getFileName().toString();
    }

    /**
     * {@code POST /jars/:id/run}: the JobManager calls the jar's main (the manifest's Main-Class)
     * with these arguments; returns the id of the job it submitted. The parallelism must be given:
     * a REST jar run defaults to 1, whatever the cluster's parallelism.default says.
     */
    String runJar(String jarId, int parallelism, List<String> programArguments)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("parallelism", parallelism);
        request.putPOJO("programArgsList", programArguments);
        JsonNode answer =
                send(
                        request("/jars/" + jarId + "/run")
                                .header("Content-Type", "application/json")
                                // main() plans the whole SQL pipeline before it returns
                                .timeout(Duration.ofMinutes(3))
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(request)))
                                .build(),
                        200);
        String jobId = answer.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IOException("no job id in " + answer);
        }
        return jobId;
    }

    /** The job's state as {@code GET /jobs/overview} lists it, or "UNKNOWN". */
    String jobState(String jobId) throws IOException, InterruptedException {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (jobId.equals(job.path("jid").asText())) {
                return job.path("state").asText();
            }
        }
        return "UNKNOWN";
    }

    /** {@code PATCH /jobs/:id?mode=cancel}: asks for cancellation and returns at once. */
    void cancel(String jobId) throws IOException, InterruptedException {
        send(
                request("/jobs/" + jobId + "?mode=cancel")
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                202);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    }

    private JsonNode send(HttpRequest request, int expectedStatus)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        String body = response.body();
        return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }
}
