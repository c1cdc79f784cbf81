package dev.agentry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The arrows of DESIGN.md: api and schedule call run; run depends only on ports; adapters depend on
 * their parent package; nothing depends on an adapter except CDI wiring; vendor SDKs stay in adapters.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Agentry's own classes only: the rules name vendor packages, which need not be imported to
            // be recognised as dependencies, and scanning every jar took most of this test's time.
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.agentry");

    private static final String[] ADAPTERS = {
        "dev.agentry.model.openai..",
        "dev.agentry.model.ollama..",
        "dev.agentry.model.anthropic..",
        "dev.agentry.model.langchain4j..",
        "dev.agentry.tool.http..",
        "dev.agentry.tool.code..",
        "dev.agentry.tool.mcp..",
        "dev.agentry.tool.openapi..",
        "dev.agentry.run.jdbc..",
        "dev.agentry.access.jdbc..",
        "dev.agentry.schedule.jdbc..",
        "dev.agentry.audit.jdbc..",
        "dev.agentry.sandbox.worker..",
        "dev.agentry.policy.cel..",
    };

    @Test
    void the_run_loop_knows_ports_not_adapters() {
        noClasses()
                .that()
                .resideInAPackage("dev.agentry.run")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ADAPTERS)
                .check(CLASSES);
    }

    @Test
    void nothing_outside_an_adapter_depends_on_one() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ADAPTERS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ADAPTERS)
                .check(CLASSES);
    }

    @Test
    void nothing_depends_on_the_api_or_the_demo() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.agentry.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.agentry.api..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.agentry.demo..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.agentry.demo..")
                .check(CLASSES);
    }

    @Test
    void langchain4j_stays_inside_the_model_adapters_and_the_mcp_toolset() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.agentry.model.openai..",
                        "dev.agentry.model.ollama..",
                        "dev.agentry.model.anthropic..",
                        "dev.agentry.model.langchain4j..",
                        "dev.agentry.tool.mcp..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.langchain4j..")
                .check(CLASSES);
    }

    @Test
    void cel_stays_inside_the_policy_adapter() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.agentry.policy.cel..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.cel..")
                .check(CLASSES);
    }

    @Test
    void the_aws_sdk_stays_inside_the_http_toolsets() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.agentry.tool.http..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .check(CLASSES);
    }

    @Test
    void adapters_depend_on_their_own_port_package_only() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.agentry.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.agentry.run..", "dev.agentry.tool..", "dev.agentry.agent..", "dev.agentry.api..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("dev.agentry.tool..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.agentry.run..", "dev.agentry.model..", "dev.agentry.agent..", "dev.agentry.api..")
                .check(CLASSES);
    }

    @Test
    void asset_reading_depends_on_no_domain() {
        noClasses()
                .that()
                .resideInAPackage("dev.agentry.asset..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.agentry.agent..",
                        "dev.agentry.tool..",
                        "dev.agentry.model..",
                        "dev.agentry.run..",
                        "dev.agentry.policy..",
                        "dev.agentry.api..",
                        "dev.agentry.demo..")
                .check(CLASSES);
    }

    @Test
    void the_worker_side_of_the_sandbox_needs_only_the_jdk_and_graalvm() {
        classes()
                .that()
                .resideInAPackage("dev.agentry.sandbox.worker.guest..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "dev.agentry.sandbox.worker.guest..",
                        "java..",
                        "javax.management..",
                        "com.sun.management..",
                        "org.graalvm.polyglot..")
                .check(CLASSES);
    }

    @Test
    void the_sandbox_port_knows_no_tool_run_or_model() {
        noClasses()
                .that()
                .resideInAPackage("dev.agentry.sandbox..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.agentry.run..", "dev.agentry.tool..", "dev.agentry.model..", "dev.agentry.agent..")
                .check(CLASSES);
    }

    @Test
    void packages_have_no_cycles() {
        slices().matching("dev.agentry.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
