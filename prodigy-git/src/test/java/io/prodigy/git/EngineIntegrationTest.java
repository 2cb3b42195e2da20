package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.core.Prodigy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs through the real engine, with shell steps that commit, on real repositories. */
class EngineIntegrationTest {
    private static final String COMMIT = "git add -A && git commit -q -m \"item ${item_id}\"";

    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\ntwo\nthree\n", "keep.txt", "k\n", ".gitignore", "build/\n"));
    }

    private static List<Object> numbers(int n) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(Map.of("n", i));
        }
        return items;
    }

    /**
     * A shell prefix that makes every item wait (up to 20 s) until {@code n} items have started, so that they all
     * branch from the same run HEAD before any of them merges.
     */
    private String barrier(int n) {
        Path dir = tmp.resolve("barrier");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "touch " + dir + "/${item_id} && i=0 && while [ $(ls " + dir + " | wc -l) -lt " + n
                + " ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done && ";
    }

    private RunResult run(WorktreeIsolation isolation, Workflow workflow) {
        Prodigy prodigy = fx.engine(repo).isolation(isolation).build();
        return prodigy.run(workflow);
    }

    private void assertNothingLeft() {
        assertThat(fx.branches(repo)).containsExactly("main");
        assertThat(fx.worktrees(repo)).containsExactly(repo.toString());
        Path dir = fx.prodigyHome.resolve("worktrees/project");
        assertThat(!Files.exists(dir) || dir.toFile().list().length == 0)
                .as("nothing left in " + dir)
                .isTrue();
    }

    @Test
    void threeAgentsEachCommitAFileAndTheFilesEndOnTheUsersBranchWithNothingLeft() {
        Workflow wf = fx.mapReduce("three")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(3)))
                        .maxParallel(3)
                        .agentTemplate(Step.shell("echo agent ${item.n} > file-${item.n}.txt && " + COMMIT)))
                .reduce(Step.shell("echo ${map.successful} > summary.txt && git add -A && git commit -q -m reduce"))
                .build();
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        for (int i = 0; i < 3; i++) {
            assertThat(GitFixture.read(repo, "file-" + i + ".txt")).isEqualTo("agent " + i + "\n");
        }
        assertThat(GitFixture.read(repo, "summary.txt")).isEqualTo("3\n");
        assertThat(fx.git(repo, "status", "--porcelain")).isEmpty();
        assertNothingLeft();
    }

    @Test
    void parallelAgentsOnDisjointFilesAreAllMergedWithOneNoFastForwardCommitEach() {
        Workflow wf = fx.mapOver(
                "disjoint",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(5)))
                        .maxParallel(4)
                        .agentTemplate(Step.shell("echo ${item.n} > part-${item.n}.txt && " + COMMIT)
                                .commitRequired(true)));
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).allSatisfy(i -> assertThat(i.commits()).hasSize(1));
        List<String> merges = fx.gitLines(repo, "log", "--merges", "--format=%s %p", "main");
        assertThat(merges).hasSize(5);
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThat(merges).anySatisfy(m -> assertThat(m).startsWith("Merge item item_" + n + " "));
            assertThat(GitFixture.read(repo, "part-" + i + ".txt")).isEqualTo(i + "\n");
        }
        assertThat(merges).allSatisfy(m -> assertThat(m.split(" ")).hasSize(5));
        assertNothingLeft();
    }

    @Test
    void agentsEditingTheSameLinesConflictAndTheLoserGoesToTheDlqWithItsPathsAndWorktree() {
        Workflow wf = fx.mapOver(
                "clash",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .maxParallel(2)
                        .agentTemplate(Step.shell(
                                barrier(2) + "printf 'one\\nTWO from %s\\nthree\\n' ${item.n} > a.txt && " + COMMIT)));
        Prodigy prodigy = fx.engine(repo).isolation(fx.isolation().build()).build();
        RunResult r = prodigy.run(wf);

        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        List<ItemResult> failed =
                r.items().stream().filter(i -> i.status() == ItemStatus.FAILED).toList();
        assertThat(failed).hasSize(1);
        ItemResult loser = failed.get(0);
        assertThat(loser.error().kind()).isEqualTo(ErrorKind.MERGE_CONFLICT);
        assertThat(loser.error().message()).contains("a.txt");
        DlqEntry entry = prodigy.dlq().find(r.runId(), loser.itemId()).orElseThrow();
        assertThat(entry.workspace()).isEqualTo(loser.workspace());
        assertThat(GitFixture.read(entry.workspace(), "a.txt"))
                .contains("TWO from " + loser.itemJson().replaceAll("\\D", ""));

        String winner = r.items().stream()
                .filter(ItemResult::succeeded)
                .findFirst()
                .orElseThrow()
                .itemJson()
                .replaceAll("\\D", "");
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nTWO from " + winner + "\nthree\n");
        assertThat(fx.gitLines(repo, "log", "--merges", "--format=%s", "main")).hasSize(1);
        assertThat(fx.branches(repo)).containsExactly("main", "prodigy/" + r.runId() + "/" + loser.itemId());
        assertThat(fx.git(repo, "status", "--porcelain")).isEmpty();
    }

    @Test
    void anAgentThatMakesNoCommitUnderCommitRequiredFails() {
        Workflow wf = fx.mapOver(
                "lazy",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(1)))
                        .agentTemplate(Step.shell("echo thinking > notes.txt").commitRequired(true)));
        String before = fx.git(repo, "rev-parse", "main");
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.items()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(ItemStatus.FAILED);
            assertThat(i.error().kind()).isEqualTo(ErrorKind.COMMIT_REQUIRED);
        });
        assertThat(fx.git(repo, "rev-parse", "main")).isEqualTo(before);
        assertThat(Files.exists(repo.resolve("notes.txt"))).isFalse();
    }

    @Test
    void commitsAreMergedEvenWithoutCommitRequiredAndAutoCommitKeepsADirtyTree() {
        Workflow wf = fx.mapOver(
                "plain",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .agentTemplate(
                                Step.shell("echo ${item.n} > own-${item.n}.txt && " + COMMIT),
                                Step.shell("echo later > auto-${item.n}.txt")
                                        .autoCommit(true)
                                        .commitMessage("auto ${item_id}")));
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        for (int i = 0; i < 2; i++) {
            assertThat(GitFixture.read(repo, "own-" + i + ".txt")).isEqualTo(i + "\n");
            assertThat(GitFixture.read(repo, "auto-" + i + ".txt")).isEqualTo("later\n");
        }
        assertThat(fx.gitLines(repo, "log", "--format=%s", "main")).contains("auto item_0", "auto item_1");
    }

    @Test
    void anAgentThatDeletesFilesAndAddsBinariesIsMergedExactly() {
        Workflow wf = fx.mapOver(
                "bin",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(1)))
                        .agentTemplate(
                                Step.shell("git rm -q keep.txt && printf '\\000\\001\\377' > blob.bin && " + COMMIT)
                                        .commitRequired(true),
                                Step.shell("echo \"${step.files_added}|${step.files_deleted}|${step.commit_count}\" > "
                                        + "vars.txt && " + COMMIT)));
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.exists(repo.resolve("keep.txt"))).isFalse();
        assertThat(repo.resolve("blob.bin")).hasBinaryContent(new byte[] {0, 1, (byte) 0xff});
        assertThat(GitFixture.read(repo, "vars.txt")).isEqualTo("blob.bin|keep.txt|1\n");
    }

    @Test
    void aHostileItemIdGetsASafeWorktreeAndItsWorkIsMerged() {
        Workflow wf = fx.mapOver(
                "hostile",
                MapPhase.builder()
                        .input(WorkInput.values(
                                List.of(Map.of("id", "../../$(touch pwned)/refs/heads/x ☃", "f", "ok.txt"))))
                        .idField("id")
                        .agentTemplate(Step.shell("pwd > where.txt && echo ${item_id} > ${item.f} && " + COMMIT)));
        RunResult r = run(fx.isolation().mode(WorktreeMode.onDemand()).build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "ok.txt")).isEqualTo("../../$(touch pwned)/refs/heads/x ☃\n");
        assertThat(GitFixture.read(repo, "where.txt").strip())
                .startsWith(fx.prodigyHome
                        .resolve("worktrees/project/" + r.runId() + ".items/")
                        .toString());
        assertThat(Files.exists(repo.resolve("pwned"))).isFalse();
        assertNothingLeft();
    }

    @Test
    void whenTheUsersBranchMovedCleanlyTheRunIsMergedWithAMergeCommit() {
        String userCommit = "git -C " + repo + " commit -q --allow-empty -m 'user moved on' && "
                + "echo mine > " + repo.resolve("user.txt") + " && git -C " + repo + " add user.txt && git -C "
                + repo + " commit -q -m 'user file'";
        Workflow wf = fx.mapReduce("moved")
                .setup(Step.shell(userCommit))
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .agentTemplate(Step.shell("echo ${item.n} > run-${item.n}.txt && " + COMMIT)))
                .build();
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "user.txt")).isEqualTo("mine\n");
        assertThat(GitFixture.read(repo, "run-0.txt")).isEqualTo("0\n");
        assertThat(GitFixture.read(repo, "run-1.txt")).isEqualTo("1\n");
        assertThat(fx.git(repo, "log", "-1", "--format=%s", "main")).startsWith("Merge prodigy run " + r.runId());
        assertThat(fx.git(repo, "log", "-1", "--format=%s", "main^1")).isEqualTo("user file");
        assertNothingLeft();
    }

    @Test
    void whenTheUsersBranchMovedAndConflictsTheRunFailsWithCommandsAndNothingIsTouched() {
        String userEdit = "printf 'one\\nuser two\\nthree\\n' > " + repo.resolve("a.txt") + " && git -C " + repo
                + " commit -q -am 'user edit'";
        Workflow wf = fx.mapReduce("conflicting")
                .setup(Step.shell(userEdit))
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(1)))
                        .agentTemplate(Step.shell("printf 'one\\nagent two\\nthree\\n' > a.txt && " + COMMIT)))
                .build();
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        String branch = "prodigy-" + r.runId();
        assertThat(r.failure())
                .contains("conflicts in a.txt")
                .contains("git merge --no-ff " + branch)
                .contains("cd " + repo);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nuser two\nthree\n");
        assertThat(fx.git(repo, "log", "-1", "--format=%s", "main")).isEqualTo("user edit");
        assertThat(fx.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(fx.branches(repo)).contains(branch);
        assertThat(fx.git(repo, "show", branch + ":a.txt")).isEqualTo("one\nagent two\nthree");

        fx.tryGit(repo, "merge", "--no-ff", branch);
        assertThat(fx.gitLines(repo, "diff", "--name-only", "--diff-filter=U")).containsExactly("a.txt");
    }

    @Test
    void pooledWorktreesGiveTheSameResultAsFreshOnes() {
        Path other =
                fx.repo("project2", Map.of("a.txt", "one\ntwo\nthree\n", "keep.txt", "k\n", ".gitignore", "build/\n"));
        MapPhase.Builder map = MapPhase.builder()
                .input(WorkInput.values(numbers(6)))
                .maxParallel(3)
                .agentTemplate(Step.shell("echo ${item.n} > p-${item.n}.txt && test ! -e stray.txt && "
                        + "echo stray > stray.txt && git add p-${item.n}.txt && git commit -q -m \"item ${item_id}\""));
        RunResult fresh = run(fx.isolation().build(), fx.mapOver("same", map));
        RunResult pooled = fx.engine(other)
                .isolation(fx.isolation().mode(WorktreeMode.pooled(2)).build())
                .build()
                .run(fx.mapOver("same", map));

        assertThat(fresh.status()).as(fresh.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(pooled.status()).as(pooled.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fx.git(other, "rev-parse", "main^{tree}")).isEqualTo(fx.git(repo, "rev-parse", "main^{tree}"));
        assertThat(fx.gitLines(other, "log", "--merges", "--format=%s", "main")).hasSize(6);
        assertThat(fx.branches(other)).containsExactly("main");
        assertThat(fx.worktrees(other)).containsExactly(other.toString());
    }

    @Test
    void aPoolKeepsIgnoredBuildCachesWarmBetweenItems() {
        Workflow wf = fx.mapOver(
                "warm",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(3)))
                        .maxParallel(1)
                        .agentTemplate(Step.shell("if [ -e build/cache ]; then echo warm; else echo cold; fi > "
                                + "state-${item.n}.txt && mkdir -p build && touch build/cache && " + COMMIT)));
        RunResult r = run(fx.isolation().mode(WorktreeMode.pooled(1)).build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "state-0.txt")).isEqualTo("cold\n");
        assertThat(GitFixture.read(repo, "state-1.txt")).isEqualTo("warm\n");
        assertThat(GitFixture.read(repo, "state-2.txt")).isEqualTo("warm\n");
        assertNothingLeft();
    }

    @Test
    void maxWorktreesBoundsTheItemWorktreesInUse() {
        Workflow wf = fx.mapOver(
                "bounded",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(4)))
                        .maxParallel(4)
                        .agentTemplate(Step.shell("ls .. | wc -l | tr -d ' ' > count-${item.n}.txt && " + COMMIT)));
        RunResult r = run(fx.isolation().maxWorktrees(1).build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        for (int i = 0; i < 4; i++) {
            assertThat(GitFixture.read(repo, "count-" + i + ".txt")).isEqualTo("1\n");
        }
    }

    @Test
    void mergeStepsResolveAConflictAndRunAgainHarmlesslyAtTheFinalMerge() {
        Path log = tmp.resolve("merges.log");
        String resolve = "if [ -n \"$(git diff --name-only --diff-filter=U)\" ]; then "
                + "printf 'one\\nboth\\nthree\\n' > a.txt && git add a.txt && echo resolved ${merge.item_id:-} >> "
                + log + "; fi; echo \"${merge.source_branch} -> ${merge.target_branch}\" >> " + log;
        Workflow wf = fx.mapReduce("steps")
                .map(MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .maxParallel(2)
                        .agentTemplate(Step.shell(
                                barrier(2) + "printf 'one\\nTWO %s\\nthree\\n' ${item.n} > a.txt && " + COMMIT)))
                .merge(List.of(Step.shell(resolve).build()))
                .build();
        RunResult r = run(
                fx.isolation()
                        .conflictResolution(ConflictResolution.mergeSteps())
                        .build(),
                wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "a.txt")).isEqualTo("one\nboth\nthree\n");
        assertThat(fx.gitLines(repo, "log", "--merges", "--format=%s", "main")).hasSize(2);
        List<String> lines = GitFixture.read(tmp, "merges.log").lines().toList();
        assertThat(lines).hasSize(3);
        String second = lines.get(0).substring("resolved ".length());
        assertThat(second).isIn("item_0", "item_1");
        assertThat(lines.subList(1, 3))
                .containsExactly(
                        "prodigy/" + r.runId() + "/" + second + " -> prodigy-" + r.runId(),
                        "prodigy-" + r.runId() + " -> main");
        assertNothingLeft();
    }

    @Test
    void reusedWorktreesPerAgentSlotMergeEverythingAndLeaveNothing() {
        Workflow wf = fx.mapOver(
                "reuse",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(6)))
                        .maxParallel(2)
                        .agentTemplate(Step.shell("echo ${item.n} > r-${item.n}.txt && " + COMMIT)
                                .commitRequired(true)));
        RunResult r = run(fx.isolation().mode(WorktreeMode.reuse()).build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).extracting(ItemResult::status).containsOnly(ItemStatus.SUCCEEDED);
        assertThat(fx.gitLines(repo, "log", "--merges", "--format=%s", "main")).hasSize(6);
        assertNothingLeft();
    }

    @Test
    void aSequentialWorkflowRunsInTheRunWorktreeWithGitVariablesAndIsMergedBack() {
        Workflow wf = Workflow.builder("plain")
                .env(fx.env)
                .steps(
                        Step.shell("echo new > new.txt && git rm -q keep.txt && echo more >> a.txt && git add -A && "
                                        + "git commit -q -m step1")
                                .commitRequired(true)
                                .build(),
                        Step.shell("echo \"${step.files_added}|${step.files_modified}|${step.files_deleted}|"
                                        + "${step.commit_count}|${step.insertions}|${step.deletions}\" > vars.txt")
                                .autoCommit(true)
                                .build())
                .build();
        RunResult r = run(fx.isolation().build(), wf);

        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "vars.txt")).isEqualTo("new.txt|a.txt|keep.txt|1|2|1\n");
        assertThat(GitFixture.read(repo, "new.txt")).isEqualTo("new\n");
        List<String> log = fx.gitLines(repo, "log", "--format=%s", "main");
        assertThat(log).hasSize(3).endsWith("step1", "initial");
        assertThat(log.get(0)).as("the auto commit").startsWith("prodigy: ");
        assertNothingLeft();
    }

    @Test
    void aCancelledRunKeepsItsWorkAndResumesWithoutRedoingIntegratedItems() throws Exception {
        Path started = tmp.resolve("started");
        Path resumed = tmp.resolve("resumed");
        Path attempts = tmp.resolve("attempts.log");
        Workflow wf = fx.mapOver(
                "cancel",
                MapPhase.builder()
                        .input(WorkInput.values(numbers(2)))
                        .maxParallel(2)
                        .agentTemplate(Step.shell("echo ${item_id} >> " + attempts
                                + " && echo ${item.n} > c-${item.n}.txt && "
                                + COMMIT + " && if [ ${item.n} = 1 ] && [ ! -e " + resumed + " ]; then touch " + started
                                + "; sleep 60; fi")));
        Prodigy prodigy = fx.engine(repo).isolation(fx.isolation().build()).build();
        io.prodigy.core.RunHandle handle = prodigy.start(wf, io.prodigy.api.RunOptions.DEFAULT);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!(Files.exists(started)
                && fx.gitLines(repo, "log", "--merges", "--format=%s", "prodigy-" + handle.runId())
                                .size()
                        == 1)) {
            assertThat(System.nanoTime()).as("item 0 merged and item 1 running").isLessThan(deadline);
            Thread.onSpinWait();
        }
        handle.cancel();
        RunResult cancelled = handle.await();
        assertThat(cancelled.status()).as(cancelled.failure()).isEqualTo(RunStatus.CANCELLED);
        assertThat(repo.resolve("c-0.txt")).doesNotExist();
        assertThat(fx.branches(repo)).contains("prodigy-" + handle.runId());

        Files.createFile(resumed);
        RunResult r = prodigy.resume(handle.runId(), wf, io.prodigy.api.ResumeOptions.DEFAULT);
        assertThat(r.status()).as(r.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(GitFixture.read(repo, "c-0.txt")).isEqualTo("0\n");
        assertThat(GitFixture.read(repo, "c-1.txt")).isEqualTo("1\n");
        assertThat(GitFixture.read(tmp, "attempts.log").lines())
                .containsExactlyInAnyOrder("item_0", "item_1", "item_1");
        assertThat(fx.gitLines(repo, "log", "--merges", "--format=%s", "main")).hasSize(2);
        assertNothingLeft();
    }
}
