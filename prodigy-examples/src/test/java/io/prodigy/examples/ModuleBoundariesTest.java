package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architecture test: the modules of this repository depend one way. Nothing outside prodigy-core refers to
 * {@code io.prodigy.core.internal}; prodigy-api has no dependencies but the JSpecify annotations; prodigy-git's main
 * code needs prodigy-api only.
 * The second half runs the same check on a small fixture checkout that breaks each rule, so that the check is known
 * to catch them.
 */
class ModuleBoundariesTest {
    @TempDir
    Path tmp;

    @Test
    void thisRepositorysModulesDependOneWay() {
        Path root = ModuleBoundaries.repositoryRoot(Path.of(""));
        assertThat(root.resolve("prodigy-core/src/main/java/io/prodigy/core/internal"))
                .isDirectory();

        assertThat(ModuleBoundaries.violations(root)).isEmpty();
    }

    @Test
    void aCheckoutThatBreaksEachRuleIsReportedFileByFile() throws IOException {
        write(
                "pom.xml",
                "<project><modules><module>prodigy-api</module><module>prodigy-core</module>"
                        + "<module>prodigy-git</module><module>prodigy-cli</module></modules></project>");
        write(
                "prodigy-api/pom.xml",
                "<project><dependencies>"
                        + "<dependency><groupId>com.example</groupId><artifactId>lib</artifactId></dependency>"
                        + "<dependency><groupId>org.jspecify</groupId><artifactId>jspecify</artifactId></dependency>"
                        + "<dependency><groupId>org.junit</groupId><artifactId>junit</artifactId><scope>test</scope>"
                        + "</dependency></dependencies></project>");
        write("prodigy-api/src/main/java/io/prodigy/api/A.java", """
                package io.prodigy.api;

                import java.util.List;
                import com.example.Lib;
                import org.jspecify.annotations.Nullable;

                /** Mentions io.prodigy.core.Prodigy in a comment only. */
                public class A {
                    Object engine = io.prodigy.core.Prodigy.class;
                }
                """);
        write("prodigy-core/pom.xml", "<project/>");
        write("prodigy-core/src/main/java/io/prodigy/core/C.java", """
                package io.prodigy.core;

                import io.prodigy.core.internal.engine.StepExecutor;

                class C {
                }
                """);
        write(
                "prodigy-git/pom.xml",
                "<project><dependencies>"
                        + "<dependency><groupId>io.prodigy</groupId><artifactId>prodigy-api</artifactId></dependency>"
                        + "<dependency><groupId>io.prodigy</groupId><artifactId>prodigy-core</artifactId></dependency>"
                        + "<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>"
                        + "</dependencies><dependencyManagement><dependencies><dependency><groupId>io.prodigy</groupId>"
                        + "<artifactId>prodigy-yaml</artifactId></dependency></dependencies></dependencyManagement>"
                        + "</project>");
        write("prodigy-git/src/main/java/io/prodigy/git/G.java", """
                package io.prodigy.git;

                import io.prodigy.api.spi.IsolationStrategy;
                import io.prodigy.core.ProdigyHome;

                class G {
                }
                """);
        write("prodigy-git/src/test/java/io/prodigy/git/GTest.java", """
                package io.prodigy.git;

                import io.prodigy.core.Prodigy;
                import io.prodigy.core.internal.engine.RunState;

                class GTest {
                }
                """);
        write("prodigy-cli/pom.xml", "<project/>");
        write("prodigy-cli/src/main/java/io/prodigy/cli/DryRun.java", """
                package io.prodigy.cli;

                import io.prodigy.core.expr.ItemSelection;
                import io.prodigy.core.internal.expr.ItemPipeline;

                class DryRun {
                    // io.prodigy.core.internal in a comment is fine
                    String text = "io.prodigy.core.internal in a string is fine";
                    char quote = '"';
                    String block = \"""
                        io.prodigy.core.internal in a text block is fine
                        \""";
                    Object mapper = io.prodigy.core.internal.Json.MAPPER;
                }
                """);

        assertThat(ModuleBoundaries.repositoryRoot(tmp.resolve("prodigy-cli/src")))
                .isEqualTo(tmp.toAbsolutePath());
        assertThat(ModuleBoundaries.violations(tmp))
                .containsExactly(
                        "prodigy-api/src/main/java/io/prodigy/api/A.java:9: prodigy-api refers to another Prodigy module",
                        "prodigy-api/src/main/java/io/prodigy/api/A.java:4: prodigy-api imports com.example.Lib; it may "
                                + "use the JDK and the JSpecify annotations only",
                        "prodigy-api/pom.xml: prodigy-api depends on com.example:lib; it may depend on org.jspecify:jspecify "
                                + "only",
                        "prodigy-cli/src/main/java/io/prodigy/cli/DryRun.java:4: refers to io.prodigy.core.internal, which "
                                + "is private to prodigy-core; use a published package (io.prodigy.core.process, "
                                + "io.prodigy.core.expr, ...)",
                        "prodigy-cli/src/main/java/io/prodigy/cli/DryRun.java:13: refers to io.prodigy.core.internal, which "
                                + "is private to prodigy-core; use a published package (io.prodigy.core.process, "
                                + "io.prodigy.core.expr, ...)",
                        "prodigy-git/src/main/java/io/prodigy/git/G.java:4: prodigy-git main code refers to io.prodigy.core; "
                                + "it depends on prodigy-api only",
                        "prodigy-git/pom.xml: prodigy-git depends on io.prodigy:prodigy-core; it may depend on prodigy-api "
                                + "only (other modules in test scope)");
    }

    private void write(String relative, String content) throws IOException {
        Path file = tmp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
