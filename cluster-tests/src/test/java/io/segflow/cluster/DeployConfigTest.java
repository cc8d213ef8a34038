package io.segflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

/**
 * deploy/flink/config.yaml uses only keys that Flink 2.2 reads under that name. Flink accepts any
 * key without complaint, so a 1.x key that 2.x renamed or dropped would silently do nothing.
 */
class DeployConfigTest {

    private static final Path DEPLOY_DIR =
            Path.of(System.getProperty("segflow.flink.deploy.dir", "../deploy/flink"));
    private static final Path LIB_DIR =
            Path.of(System.getProperty("segflow.flink.lib.dir", "target/flink/lib"));

    @Test
    void everyKeyIsACurrentFlinkOption() throws Exception {
        Configuration deployed = GlobalConfiguration.loadConfiguration(DEPLOY_DIR.toString());
        FlinkOptionCatalog catalog = FlinkOptionCatalog.of(LIB_DIR);
        assertThat(catalog.currentKeys).as("options found in %s", LIB_DIR).hasSizeGreaterThan(500);

        Map<String, String> deprecated = new TreeMap<>();
        for (String key : deployed.toMap().keySet()) {
            if (catalog.deprecatedKeys.containsKey(key)) {
                deprecated.put(key, catalog.deprecatedKeys.get(key));
            }
        }
        assertThat(deprecated).as("deprecated keys and what replaced them").isEmpty();
        assertThat(deployed.toMap().keySet())
                .as("keys Flink 2.2 knows")
                .isSubsetOf(catalog.currentKeys.keySet());
    }
}
