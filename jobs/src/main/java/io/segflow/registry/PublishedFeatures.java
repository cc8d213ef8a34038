package io.segflow.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.infra.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The features of the newest published models, read without loading the models: what a command
 * compares with the SQL's features before it starts (a new or empty database has none).
 */
public final class PublishedFeatures {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** PostgreSQL's SQLSTATE for a table that does not exist (a database no job has used). */
    private static final String UNDEFINED_TABLE = "42P01";

    /**
     * A look before a start must not hold the start up for long when the database does not answer;
     * the job itself then says why it cannot reach it.
     */
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    /**
     * One published version and the features it was trained on, in its order.
     *
     * @param model how the model is named to a user, e.g. "model version 7" or "propensity version
     *     9" (the words of {@link io.segflow.model.FeatureMismatchException#describe})
     */
    public record Version(String model, long version, List<String> features) {
        public Version {
            features = List.copyOf(features);
        }
    }

    private PublishedFeatures() {}

    /** The newest segment_model version, or empty when there is none (or no such table). */
    public static Optional<Version> latestSegmentModel(String url, String user, String password) {
        return latest(
                url,
                user,
                password,
                "SELECT model_version, features FROM segment_model"
                        + " ORDER BY model_version DESC LIMIT 1",
                "model version ",
                "segment_model");
    }

    /**
     * The newest propensity_model version that holds a scorer (the one a running job could load),
     * or empty when there is none (or no such table).
     */
    public static Optional<Version> latestPropensityModel(
            String url, String user, String password) {
        return latest(
                url,
                user,
                password,
                "SELECT model_version, features FROM propensity_model WHERE scorer IS NOT NULL"
                        + " ORDER BY model_version DESC LIMIT 1",
                "propensity version ",
                "propensity_model");
    }

    private static Optional<Version> latest(
            String url, String user, String password, String sql, String naming, String table) {
        ModelRegistry.ensureDriver();
        Properties login = new Properties();
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        // the URL's own settings win over these (PostgreSQL's driver reads the URL last)
        login.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        login.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(url, login);
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long version = rs.getLong(1);
            return Optional.of(
                    new Version(naming + version, version, names(rs.getString(2), table)));
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new IllegalStateException(
                    "cannot read "
                            + table
                            + " in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static List<String> names(String json, String table) {
        List<String> names = new ArrayList<>();
        if (json == null) {
            return names;
        }
        try {
            JsonNode array = JSON.readTree(json);
            if (array != null) {
                array.forEach(name -> names.add(name.asText()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "the features of the newest " + table + " version are not JSON: " + json, e);
        }
        return names;
    }
}
