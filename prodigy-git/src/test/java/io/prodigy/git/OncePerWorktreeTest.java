package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code once_per_worktree} with real git worktrees: an install step runs once per reused worktree and what it put
 * in a warm directory ({@code node_modules/}) is there for the later items of that worktree; with fresh worktrees it
 * runs for every item; a worktree re-created after its reset failed is new, and runs it again. The counts are kept
 * in files outside the repository.
 */
class OncePerWorktreeTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;
    Path counts;

    @BeforeEach
    void setUp() throws IOException {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\n", ".gitignore", "node_modules/\n"));
        counts = Files.createDirectories(tmp.resolve("counts"));
    }

    /**
     * An install (once per worktree) that leaves a marker in node_modules/, and a per-item step that needs the
     * marker, records the worktree it ran in, leaves an untracked file, and commits.
     */
    private Workflow workflow(int items, int parallel, String extra) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            values.add(Map.of("n", i));
        }
        Step install = Step.shell("mkdir -p node_modules && echo \"$PWD\" > node_modules/.installed"
                        + " && echo \"$PWD\" >> \"$COUNTS/installs\"")
                .name("install")
                .oncePerWorktree(true)
                .build();
        Step work = Step.shell("test -f node_modules/.installed"
                        + " && { [ ! -e scratch.txt ] || { echo scratch-leaked; exit 1; }; }"
                        + " && echo \"$PWD\" >> \"$COUNTS/items\" && echo ${item.n} > out-${item.n}.txt"
                        + " && touch scratch.txt && git add out-${item.n}.txt && git commit -q -m item-${item.n}"
                        + extra)
                .build();
        return fx.mapReduce("once")
                .env("COUNTS", counts.toString())
                .map(MapPhase.builder()
                        .input(WorkInput.values(values))
                        .maxParallel(parallel)
                        .agentTemplate(List.of(install, work)))
                .build();
    }

    private RunResult run(WorktreeIsolation isolation, Workflow wf) {
        RunResult r = fx.engine(repo).isolation(isolation).build().run(wf);
        assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        return r;
    }

    private List<String> lines(String file) throws IOException {
        Path p = counts.resolve(file);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    @Test
    void withReusedWorktreesTheInstallRunsOncePerWorktreeAndLaterItemsSeeItsWarmOutput() throws IOException {
        run(fx.isolation().build(), workflow(6, 2, ""));

        List<String> installs = lines("installs");
        List<String> items = lines("items");
        assertThat(items).hasSize(6);
        assertThat(installs)
                .as("one install per worktree used, never twice in one")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(new HashSet<>(items));
        assertThat(installs.size()).isBetween(1, 2);
        for (int i = 0; i < 6; i++) {
            assertThat(GitFixture.read(repo, "out-" + i + ".txt")).isEqualTo(i + "\n");
        }
    }

    @Test
    void aPoolOfOneInstallsOnce() throws IOException {
        run(fx.isolation().mode(WorktreeMode.pooled(1)).build(), workflow(4, 3, ""));

        assertThat(lines("installs")).hasSize(1);
        assertThat(lines("items")).hasSize(4).containsOnly(lines("installs").get(0));
    }

    @Test
    void freshWorktreesInstallForEveryItem() throws IOException {
        run(fx.isolation().mode(WorktreeMode.onDemand()).build(), workflow(3, 1, ""));

        assertThat(lines("installs")).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void aWorktreeReCreatedAfterAFailedResetInstallsAgain() throws IOException {
        // a git that fails the next "git clean" once the marker exists (and removes the marker): the slot cannot be
        // reset for the second item, is replaced by a fresh worktree at the same path, which installs again
        Path marker = tmp.resolve("fail-next-clean");
        Path wrapper = tmp.resolve("git-wrapper.sh");
        Files.writeString(
                wrapper,
                "#!/bin/sh\nfor a in \"$@\"; do\n  if [ \"$a\" = clean ] && [ -e '" + marker + "' ]; then rm -f '"
                        + marker + "'; echo 'forced clean failure' >&2; exit 1; fi\ndone\nexec git \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        WorktreeIsolation iso = fx.isolation()
                .mode(WorktreeMode.pooled(1))
                .gitExecutable(wrapper.toString())
                .build();

        run(iso, workflow(3, 1, " && { [ ${item.n} != 0 ] || touch '" + marker + "'; }"));

        assertThat(lines("items")).hasSize(3).containsOnly(lines("items").get(0));
        assertThat(lines("installs"))
                .as("the first worktree, then its replacement (same path, a new worktree)")
                .hasSize(2)
                .containsOnly(lines("items").get(0));
        assertThat(marker).doesNotExist();
    }
}
