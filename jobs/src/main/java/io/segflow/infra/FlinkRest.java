package io.segflow.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;

/**
 * GET requests to Flink's REST API, which serves the local MiniCluster and a cluster alike and
 * keeps the figures of a finished job. A progress line asks every second: when the API does not
 * answer, the caller keeps its last figure rather than fail.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI restAddress;

    public FlinkRest(URI restAddress) {
        this.restAddress = restAddress;
    }

    /**
     * The REST address of the cluster a client configuration submits to ({@code flink run} gives
     * the client the cluster's rest.address and rest.port).
     */
    public static URI addressOf(ReadableConfig client) {
        return URI.create(
                "http://"
                        + client.getOptional(RestOptions.ADDRESS).orElse("localhost")
                        + ":"
                        + client.get(RestOptions.PORT));
    }

    /** The JSON body of {@code path} (e.g. /jobs/:jobid), or empty when the API does not answer. */
    public Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(restAddress.resolve(path))
                                    .timeout(TIMEOUT)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Optional.of(JSON.readTree(response.body()))
                    : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception notAnswering) {
            return Optional.empty();
        }
    }
}
