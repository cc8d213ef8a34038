package io.segflow.registry;

import io.segflow.infra.JdbcUrls;
import io.segflow.insight.CustomerScorer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Reads published propensity versions back from propensity_model: the scorer bytes that an insight
 * run stored with its figures ({@link PropensityRecord}).
 */
public final class PropensityRegistry {

    private PropensityRegistry() {}

    /** One version's scorer; throws with the reason when it has none. */
    public static CustomerScorer load(String url, String user, String password, long version) {
        return PropensityRecord.decode(version, loadBytes(url, user, password, version));
    }

    /** One version's scorer as stored ({@link PropensityRecord#encode}); null when it has none. */
    public static byte[] loadBytes(String url, String user, String password, long version) {
        try (Connection connection = connect(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement(
                                "SELECT scorer FROM propensity_model WHERE model_version = ?")) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException(
                            "propensity_model has no version " + version);
                }
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read propensity version "
                            + version
                            + " from "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The newest version that holds a scorer, if any. */
    public static OptionalLong latestVersion(String url, String user, String password) {
        try (Connection connection = connect(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement(
                                "SELECT max(model_version) FROM propensity_model WHERE scorer IS"
                                        + " NOT NULL");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            long version = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(version);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read propensity_model in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Deletes the customer_score rows of customers who have no customer_profile row any more. The
     * streaming job deletes a customer's score when the CRM deletes the customer, but an insight
     * run that read the customer before the deletion writes their score after it: this removes it
     * again (and any score whose customer went while nothing was running).
     *
     * @return how many rows were deleted
     */
    public static int deleteScoresOfErasedCustomers(String url, String user, String password) {
        try (Connection connection = connect(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement(
                                "DELETE FROM customer_score s WHERE NOT EXISTS (SELECT 1 FROM"
                                        + " customer_profile p WHERE p.customer_id ="
                                        + " s.customer_id)")) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot delete the scores of erased customers in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static Connection connect(String url, String user, String password)
            throws SQLException {
        // ModelRegistry loads PostgreSQL's driver through our own class loader
        ModelRegistry.ensureDriver();
        return DriverManager.getConnection(url, user, password);
    }
}
