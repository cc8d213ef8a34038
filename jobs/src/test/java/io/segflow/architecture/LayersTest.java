package io.segflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The packages of the job form layers, each using only those below it, so that the layout cannot
 * drift back: docs/layout.md says what each one holds.
 *
 * <pre>
 *   cli                                   commands (picocli)
 *   demo                                  the demo's generator and console
 *   report                                the HTML report of the insight tables
 *   pipeline                              the one job: SQL, DataStream wiring, three modes
 *   segments, scores, sqlmodel            Flink operators: segments, live potential scores; the
 *                                         ML_PREDICT model providers
 *   registry                              the model's storage and wire format
 *   infra, embedded                       Kafka topics, PostgreSQL schema, REST; in-process services
 *   model, insight, profile, sql          plain Java: k-means and metrics, propensity and its
 *                                         explanations, feature contract, SQL files
 * </pre>
 */
class LayersTest {

    /** The main classes only (rules run as plain JUnit tests, so that surefire's filters apply). */
    private static final JavaClasses MAIN_CLASSES =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                    .importPackages("io.segflow");

    @Test
    void eachPackageUsesOnlyTheLayersBelowIt() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("cli")
                .definedBy("io.segflow.cli..")
                .layer("demo")
                .definedBy("io.segflow.demo..")
                .layer("report")
                .definedBy("io.segflow.report..")
                .layer("pipeline")
                .definedBy("io.segflow.pipeline..")
                .layer("operators")
                .definedBy("io.segflow.segments..", "io.segflow.scores..", "io.segflow.sqlmodel..")
                .layer("registry")
                .definedBy("io.segflow.registry..")
                .layer("infra")
                .definedBy("io.segflow.infra..")
                .layer("embedded")
                .definedBy("io.segflow.embedded..")
                .layer("foundations")
                .definedBy(
                        "io.segflow.model..",
                        "io.segflow.insight..",
                        "io.segflow.profile..",
                        "io.segflow.sql..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("demo")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("report")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pipeline")
                .mayOnlyBeAccessedByLayers("cli", "demo")
                .whereLayer("operators")
                .mayOnlyBeAccessedByLayers("cli", "demo", "pipeline")
                .whereLayer("registry")
                .mayOnlyBeAccessedByLayers("cli", "demo", "pipeline", "operators")
                .whereLayer("infra")
                .mayOnlyBeAccessedByLayers("cli", "demo", "pipeline", "operators", "registry")
                .whereLayer("embedded")
                .mayOnlyBeAccessedByLayers("cli", "demo")
                .whereLayer("foundations")
                .mayOnlyBeAccessedByLayers(
                        "cli", "demo", "report", "pipeline", "operators", "registry", "infra")
                .check(MAIN_CLASSES);
    }

    @Test
    void noPackagesDependOnEachOther() {
        slices().matching("io.segflow.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    /** The math stays plain Java, tested directly; Flink operators stay thin around it. */
    @Test
    void theModelMathHasNoFlinkTypes() {
        noClasses()
                .that()
                .resideInAPackage("io.segflow.model..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .check(MAIN_CLASSES);
    }

    @Test
    void theRulesSeeTheWholeJob() {
        Assertions.assertThat(MAIN_CLASSES.containPackage("io.segflow.pipeline")).isTrue();
        Assertions.assertThat(MAIN_CLASSES.containPackage("io.segflow.registry")).isTrue();
    }
}
