package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
    @TempDir
    Path base;

    @Test
    void everyFileIsReviewedInItsOwnWorktreeAndTheCommitsReachMain() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long start = System.nanoTime();
        RunResult result = QuickStart.run(base, new PrintStream(buf, true, StandardCharsets.UTF_8));
        long ms = (System.nanoTime() - start) / 1_000_000;
        String printed = buf.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        System.out.println("QuickStart took " + ms + " ms");

        assertThat(result.status()).as(printed).isEqualTo(RunStatus.SUCCEEDED);
        int files = QuickStart.projectFiles().size();
        assertThat(result.items())
                .hasSize(files)
                .allSatisfy(i -> assertThat(i.commits()).hasSize(1));
        Path repo = base.resolve("repo");
        for (ItemResult item : result.items()) {
            String file = item.itemJson().replace("\"", "");
            assertThat(Files.readString(repo.resolve(file))).contains("(reviewed by " + item.itemId() + ": ");
        }
        assertThat(Files.readString(repo.resolve("REVIEW.md")).strip())
                .isEqualTo(files + " of " + files + " files reviewed");
        assertThat(ScratchRepo.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(ScratchRepo.git(repo, "branch", "--format=%(refname:short)")).isEqualTo("main");
        // one commit per item, one merge per item, and the summary
        assertThat(ScratchRepo.git(repo, "rev-list", "--count", "main")).isEqualTo(String.valueOf(1 + 2 * files + 1));
        assertThat(printed)
                .contains(files + " work items, up to 4 at once")
                .contains("merged into the run (1 commit)")
                .contains("Where the results are:")
                .contains("run id      " + result.runId())
                .contains("branch      main (" + (2 * files + 1) + " new commits");
        assertThat(ms).isLessThan(30_000);
    }
}
