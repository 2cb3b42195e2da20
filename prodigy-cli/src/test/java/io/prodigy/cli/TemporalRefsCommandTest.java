package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prodigy temporal refs} on a real repository holding the refs of runs on Temporal. */
class TemporalRefsCommandTest {
    @TempDir
    Path tmp;

    private Path repo;

    @BeforeEach
    void repository() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        git("init", "-q");
        git("-c", "user.name=T", "-c", "user.email=t@prodigy.invalid", "commit", "-q", "--allow-empty", "-m", "one");
        // what a coordinator killed mid-run leaves: its base ref and the refs of two attempts, one of a later stage
        git("update-ref", "refs/prodigy-base/run-dead", "HEAD");
        git("update-ref", "refs/prodigy/run-dead/a@1", "HEAD");
        git("update-ref", "refs/prodigy/run-dead-s1/b@2", "HEAD");
        git("update-ref", "refs/prodigy/run-other/c@1", "HEAD");
    }

    @Test
    void listsTheRefsOfEachRunAndDeletesOnlyTheNamedRunsAfterConfirmation() throws Exception {
        InProcessCli.Out list = InProcessCli.exec("--path", repo.toString(), "temporal", "refs");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out())
                .contains("run-dead  2 ref(s)")
                .contains("run-dead-s1  1 ref(s)")
                .contains("run-other  1 ref(s)");

        // a run this project does not know may still be resumed elsewhere: kept unless named
        InProcessCli.Out kept = InProcessCli.exec("--path", repo.toString(), "temporal", "refs", "--delete", "-y");
        assertThat(kept.exit()).isZero();
        assertThat(kept.out()).contains("kept").contains("Nothing to delete");
        assertThat(refs()).hasSize(4);

        // destructive: without a terminal and without -y nothing happens
        InProcessCli.Out unconfirmed =
                InProcessCli.exec("--path", repo.toString(), "temporal", "refs", "--delete", "--run", "run-dead");
        assertThat(unconfirmed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refs()).hasSize(4);

        InProcessCli.Out deleted =
                InProcessCli.exec("--path", repo.toString(), "temporal", "refs", "--delete", "--run", "run-dead", "-y");

        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("Deleted 3 ref(s)");
        assertThat(refs()).containsExactly("refs/prodigy/run-other/c@1");
    }

    private List<String> refs() throws Exception {
        return git("for-each-ref", "--format=%(refname)", "refs/prodigy/", "refs/prodigy-base/")
                .lines()
                .toList();
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }
}
