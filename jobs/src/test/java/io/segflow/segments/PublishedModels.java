package io.segflow.segments;

import io.segflow.model.SegmentModel;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.apache.flink.types.Row;

/** Publishes model versions into segment_model exactly as the running job's sink writes them. */
public final class PublishedModels {

    private PublishedModels() {}

    public static void publish(String url, String user, String password, SegmentModel model) throws Exception {
        Row row = new SegmentationStage.ToModelRow().map(model);
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO segment_model VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < row.getArity(); i++) {
                insert.setObject(i + 1, row.getField(i));
            }
            insert.executeUpdate();
        }
    }
}
