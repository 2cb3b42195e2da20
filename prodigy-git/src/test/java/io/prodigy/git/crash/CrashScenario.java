package io.prodigy.git.crash;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunOptions;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunListener;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.git.WorktreeMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * One crash trial's world, all under one directory: a scratch repository with a private git configuration, a
 * {@code PRODIGY_HOME}, and the workflow (MapReduce or sequential) described by {@code spec.properties}, so that the
 * child JVM that is killed and the process that resumes build exactly the same workflow.
 */
final class CrashScenario {
    /**
     * The run id of every trial of this JVM and of the children it starts: unique to the test JVM, so that a resume
     * in another test on the same machine (which stops the processes of its run id) never touches ours.
     */
    static final String RUN_ID = System.getProperty(
            "prodigy.crash.runId", "crash-run-" + Long.toHexString(new java.util.Random().nextLong() & 0xffffffffL));

    final Path base;
    final Path repo;
    final Path prodigyHome;
    final Path gitHome;
    final Properties spec;

    private CrashScenario(Path base, Properties spec) {
        this.base = base;
        this.repo = base.resolve("repo");
        this.prodigyHome = base.resolve("prodigy-home");
        this.gitHome = base.resolve("git-home");
        this.spec = spec;
    }

    /** Creates the repository and writes the spec. */
    static CrashScenario create(Path base, Properties spec) throws IOException {
        CrashScenario s = new CrashScenario(base, spec);
        Files.createDirectories(s.repo);
        Files.createDirectories(s.gitHome);
        Files.writeString(
                s.gitHome.resolve("gitconfig"),
                "[user]\n\tname = Crash Test\n\temail = crash@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[core]\n\tautocrlf = false\n"
                        + "[advice]\n\tdetachedHead = false\n");
        try (var out = Files.newBufferedWriter(base.resolve("spec.properties"))) {
            spec.store(out, "crash trial");
        }
        Files.writeString(s.repo.resolve("README.txt"), "crash test\n");
        s.git("init", "-q");
        s.git("add", "-A");
        s.git("commit", "-q", "-m", "initial");
        Path hook = s.repo.resolve(".git/hooks/post-merge");
        Files.createDirectories(hook.getParent());
        // counts merges; kills the child JVM (SIGKILL) right after the merge numbered in kill-at-merge, before the
        // engine can journal it: the crash between a merge and its journal record
        String b = base.toString();
        Files.writeString(
                hook,
                "#!/bin/sh\n"
                        + "f='" + b + "/kill-at-merge'\n"
                        + "[ -f \"$f\" ] || exit 0\n"
                        + "n=$(cat '" + b + "/merge-count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + b
                        + "/merge-count'\n"
                        + "if [ \"$n\" = \"$(cat \"$f\")\" ]; then kill -9 $(cat '" + b + "/child.pid'); fi\n"
                        + "exit 0\n");
        hook.toFile().setExecutable(true);
        Path commitHook = s.repo.resolve(".git/hooks/post-commit");
        // counts the commits whose subject is the first word of kill-at-commit; kills the child JVM (SIGKILL) right
        // after the one numbered by its second word: a step killed after its commit, before its journal record
        Files.writeString(
                commitHook,
                "#!/bin/sh\n"
                        + "f='" + b + "/kill-at-commit'\n"
                        + "[ -f \"$f\" ] || exit 0\n"
                        + "set -- $(cat \"$f\")\n"
                        + "[ \"$(git log -1 --format=%s)\" = \"$1\" ] || exit 0\n"
                        + "n=$(cat '" + b + "/commit-count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + b
                        + "/commit-count'\n"
                        + "if [ \"$n\" = \"$2\" ]; then kill -9 $(cat '" + b + "/child.pid'); fi\n"
                        + "exit 0\n");
        commitHook.toFile().setExecutable(true);
        if (Boolean.parseBoolean(spec.getProperty("git.wrapper", "false"))) {
            s.writeGitWrapper();
        }
        s.writeReferenceHook(Boolean.parseBoolean(spec.getProperty("merge.in.worktree", "false")));
        return s;
    }

    /**
     * A {@code reference-transaction} hook for the item merges into the run's branch ({@code refs/heads/prodigy-*}).
     * <ul>
     *   <li>At the item merge numbered in {@code hold-merge} it kills the engine's JVM just before git moves the
     *   run's branch, then holds the merge for 3 s and lets it commit: a git command the killed run left running
     *   while the resume starts. It writes the merged item's id to {@code held-item}.</li>
     *   <li>For merges made by {@code update-ref} (no {@code post-merge} hook runs for them) it counts with the
     *   {@code post-merge} hook and kills the engine's JVM right after the merge numbered in {@code kill-at-merge}
     *   moved the branch, before the engine can journal it.</li>
     * </ul>
     * A merge in the worktree is told by its {@code MERGE_HEAD}; a merge by {@code update-ref} by its new commit: a
     * "Merge item" commit whose first parent is the branch's old commit.
     */
    private void writeReferenceHook(boolean inWorktree) throws IOException {
        String b = base.toString();
        Path hook = repo.resolve(".git/hooks/reference-transaction");
        String which = inWorktree
                ? "  [ -f \"$gd/MERGE_HEAD\" ] || continue\n"
                        + "  item=$(head -n 1 \"$gd/MERGE_MSG\" | sed 's/^Merge item //')\n"
                : "  [ -f \"$gd/MERGE_HEAD\" ] && continue\n"
                        + "  subject=$(git log -1 --format=%s \"$new\" 2>/dev/null)\n"
                        + "  case \"$subject\" in 'Merge item '*) ;; *) continue;; esac\n"
                        + "  [ \"$(git rev-parse -q --verify \"$new^1\")\" = \"$old\" ] || continue\n"
                        + "  item=${subject#Merge item }\n";
        Files.writeString(
                hook,
                "#!/bin/sh\n"
                        + "gd=$(git rev-parse --absolute-git-dir)\n"
                        + "while read old new ref; do\n"
                        + "  case \"$ref\" in refs/heads/prodigy-*) ;; *) continue;; esac\n"
                        + which
                        + "  f='" + b + "/hold-merge'\n"
                        + "  if [ \"$1\" = prepared ] && [ -f \"$f\" ]; then\n"
                        + "    n=$(cat '" + b + "/hold-count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + b
                        + "/hold-count'\n"
                        + "    if [ \"$n\" = \"$(cat \"$f\")\" ]; then\n"
                        + "      echo \"$item\" > '" + b + "/held-item'\n"
                        + "      kill -9 $(cat '" + b + "/child.pid')\n"
                        + "      sleep 3\n"
                        + "    fi\n"
                        + "  fi\n"
                        + (inWorktree
                                ? ""
                                : "  k='" + b + "/kill-at-merge'\n"
                                        + "  if [ \"$1\" = committed ] && [ -f \"$k\" ]; then\n"
                                        + "    n=$(cat '" + b
                                        + "/merge-count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + b
                                        + "/merge-count'\n"
                                        + "    if [ \"$n\" = \"$(cat \"$k\")\" ]; then kill -9 $(cat '" + b
                                        + "/child.pid'); fi\n"
                                        + "  fi\n")
                        + "done\n"
                        + "exit 0\n");
        hook.toFile().setExecutable(true);
    }

    /**
     * The git the engine runs in trials that kill a merge half way: at the item merge numbered in
     * {@code kill-in-merge} it leaves exactly what a {@code git merge} killed while writing the worktree leaves (the
     * item's new files, untracked, and {@code index.lock}; no {@code MERGE_HEAD}), then kills the engine's JVM and
     * itself with SIGKILL (only itself when the file says {@code <n> git}); at the branch deletion numbered in {@code kill-in-branch-delete} it leaves what a
     * {@code git branch -D} killed while it holds the repository's {@code packed-refs.lock} leaves, and kills the
     * same way; at the item merge by update-ref numbered in {@code kill-at-update-ref} it kills the engine's JVM and
     * itself before the run's branch moves; at the checkout sync numbered in {@code kill-in-sync} it leaves what a
     * {@code git read-tree -m -u} killed half way leaves (the new files written, the index not, {@code index.lock})
     * and kills the same way; when {@code kill-in-final-merge} exists, the run's fast-forward of the user's branch
     * leaves what a {@code git merge --ff-only} killed half way leaves ({@code ORIG_HEAD.lock}, {@code index.lock}
     * and the new files written into the user's working tree, the branch not moved) and kills the same way.
     * Otherwise it is git.
     */
    private void writeGitWrapper() throws IOException {
        String b = base.toString();
        Path wrapper = base.resolve("git-wrapper");
        Files.writeString(
                wrapper,
                "#!/bin/sh\n"
                        + "f='" + b + "/kill-in-merge'\n"
                        + "if [ -f \"$f\" ] && [ \"$4\" != \"\" ]; then\n"
                        + "  for last; do :; done\n"
                        + "  case \" $* \" in *' merge --no-ff '*)\n"
                        + "    case \"$last\" in prodigy/*)\n"
                        + "      n=$(cat '" + b + "/merge-count-wrapper' 2>/dev/null || echo 0); n=$((n+1))\n"
                        + "      echo $n > '" + b + "/merge-count-wrapper'\n"
                        + "      read m who < \"$f\"\n"
                        + "      if [ \"$n\" = \"$m\" ]; then\n"
                        + "        cd \"$2\" || exit 1\n"
                        + "        for p in $(git diff --name-only --diff-filter=A HEAD...\"$last\"); do\n"
                        + "          mkdir -p \"$(dirname \"$p\")\"; git show \"$last:$p\" > \"$p\"\n"
                        + "        done\n"
                        + "        : > \"$(git rev-parse --absolute-git-dir)/index.lock\"\n"
                        + "        [ \"$who\" = git ] || kill -9 $(cat '" + b + "/child.pid')\n"
                        + "        kill -9 $$\n"
                        + "      fi;;\n"
                        + "    esac;;\n"
                        + "  esac\n"
                        + "fi\n"
                        + "u='" + b + "/kill-at-update-ref'\n"
                        + "if [ -f \"$u\" ]; then\n"
                        + "  case \" $* \" in *' update-ref -m prodigy: merge item '*)\n"
                        + "    n=$(cat '" + b + "/update-count-wrapper' 2>/dev/null || echo 0); n=$((n+1))\n"
                        + "    echo $n > '" + b + "/update-count-wrapper'\n"
                        + "    if [ \"$n\" = \"$(cat \"$u\")\" ]; then kill -9 $(cat '" + b
                        + "/child.pid'); kill -9 $$; fi;;\n"
                        + "  esac\n"
                        + "fi\n"
                        + "y='" + b + "/kill-in-sync'\n"
                        + "if [ -f \"$y\" ]; then\n"
                        + "  case \" $* \" in *' read-tree -m -u '*)\n"
                        + "    n=$(cat '" + b + "/sync-count-wrapper' 2>/dev/null || echo 0); n=$((n+1))\n"
                        + "    echo $n > '" + b + "/sync-count-wrapper'\n"
                        + "    if [ \"$n\" = \"$(cat \"$y\")\" ]; then\n"
                        + "      from=''; to=''\n"
                        + "      for a; do from=$to; to=$a; done\n"
                        + "      cd \"$2\" || exit 1\n"
                        + "      for p in $(git diff --name-only --diff-filter=AM \"$from\" \"$to\"); do\n"
                        + "        mkdir -p \"$(dirname \"$p\")\"; git show \"$to:$p\" > \"$p\"\n"
                        + "      done\n"
                        + "      : > \"$(git rev-parse --absolute-git-dir)/index.lock\"\n"
                        + "      kill -9 $(cat '" + b + "/child.pid'); kill -9 $$\n"
                        + "    fi;;\n"
                        + "  esac\n"
                        + "fi\n"
                        + "x='" + b + "/kill-in-final-merge'\n"
                        + "if [ -f \"$x\" ]; then\n"
                        + "  case \" $* \" in *' merge --ff-only --quiet '*)\n"
                        + "    for last; do :; done\n"
                        + "    rm -f \"$x\"\n"
                        + "    cd \"$2\" || exit 1\n"
                        + "    g=$(git rev-parse --absolute-git-dir)\n"
                        + "    : > \"$g/ORIG_HEAD.lock\"\n"
                        + "    : > \"$g/index.lock\"\n"
                        + "    for p in $(git diff --name-only --diff-filter=AM HEAD \"$last\"); do\n"
                        + "      mkdir -p \"$(dirname \"$p\")\"; git show \"$last:$p\" > \"$p\"\n"
                        + "    done\n"
                        + "    kill -9 $(cat '" + b + "/child.pid'); kill -9 $$;;\n"
                        + "  esac\n"
                        + "fi\n"
                        + "d='" + b + "/kill-in-branch-delete'\n"
                        + "if [ -f \"$d\" ]; then\n"
                        + "  case \" $* \" in *' branch -D '*)\n"
                        + "    n=$(cat '" + b + "/delete-count-wrapper' 2>/dev/null || echo 0); n=$((n+1))\n"
                        + "    echo $n > '" + b + "/delete-count-wrapper'\n"
                        + "    if [ \"$n\" = \"$(cat \"$d\")\" ]; then\n"
                        + "      : > \"$(cd \"$2\" && git rev-parse --path-format=absolute --git-common-dir)/packed-refs.lock\"\n"
                        + "      kill -9 $(cat '" + b + "/child.pid'); kill -9 $$\n"
                        + "    fi;;\n"
                        + "  esac\n"
                        + "fi\n"
                        + "exec git \"$@\"\n");
        wrapper.toFile().setExecutable(true);
    }

    /** Opens a scenario the parent created. */
    static CrashScenario open(Path base) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(base.resolve("spec.properties"))) {
            p.load(in);
        }
        return new CrashScenario(base, p);
    }

    /** @return the worktree mode: {@code pooled} (3 slots), {@code on-demand} or {@code reuse} (the default) */
    String mode() {
        return spec.getProperty("mode", "pooled");
    }

    String kind() {
        return spec.getProperty("kind");
    }

    int items() {
        return Integer.parseInt(spec.getProperty("items", "0"));
    }

    Set<Integer> failing() {
        Set<Integer> out = new TreeSet<>();
        String f = spec.getProperty("failing", "");
        if (!f.isBlank()) {
            Arrays.stream(f.split(",")).map(Integer::valueOf).forEach(out::add);
        }
        return out;
    }

    /** @return the delay of item or step {@code i} in milliseconds */
    int delayMs(int i) {
        return Integer.parseInt(spec.getProperty("delay." + i, "0"));
    }

    int steps() {
        return Integer.parseInt(spec.getProperty("steps", "0"));
    }

    /** A literal every agent command line carries, to find leftover processes of this trial. */
    String marker() {
        return "crashmark-" + base.getFileName();
    }

    /** @return a duration for {@code sleep} that no other process on the machine uses: its fraction is unique */
    String sleepMarker() {
        return "300." + Math.abs(base.toString().hashCode() % 100000);
    }

    Map<String, String> gitEnv() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", gitHome.toString());
        e.put("XDG_CONFIG_HOME", gitHome.resolve(".config").toString());
        e.put("GIT_CONFIG_GLOBAL", gitHome.resolve("gitconfig").toString());
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        return e;
    }

    private static String seconds(int ms) {
        return String.format(java.util.Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
    }

    /** @return the workflow of this trial */
    Workflow workflow() {
        String mark = ": " + marker() + "; ";
        if (kind().equals("mapreduce")) {
            List<Object> items = new ArrayList<>();
            Set<Integer> failing = failing();
            for (int i = 0; i < items(); i++) {
                items.add(Map.of("n", i, "fail", failing.contains(i), "sleep", seconds(delayMs(i))));
            }
            Workflow.MapReduceBuilder b = Workflow.mapReduce("crash-mapreduce");
            gitEnv().forEach(b::env);
            return b.setup(Step.shell(mark + "sleep 0.1; echo setup > setup.txt && git add -A && git commit -q -m "
                                    + "setup && sleep 0.1 && echo ready")
                            .capture("setup_out"))
                    .map(MapPhase.builder()
                            .input(WorkInput.values(items))
                            .maxParallel(3)
                            .agentTemplate(Step.shell(mark + "sleep ${item.sleep}; if [ ${item.fail} = true ]; "
                                    + "then echo failing >&2; exit 3; fi; echo ${item.n} ${setup_out} > "
                                    + "item-${item.n}.txt && git add -A && git commit -q -m \"item ${item.n}\"")))
                    .reduce(Step.shell(mark + "sleep 0.15; printf '%s %s %s\\n' ${map.successful} ${map.failed} "
                            + "${map.total} > reduce.txt && git add -A && git commit -q -m reduce && sleep 0.15"))
                    .build();
        }
        if (kind().equals("signals")) {
            // until the gate exists, every agent sleeps long, with a grandchild that sleeps too
            String gate = base.resolve("gate").toString();
            String sleep = "sleep " + sleepMarker();
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < items(); i++) {
                items.add(Map.of("n", i));
            }
            Workflow.MapReduceBuilder b = Workflow.mapReduce("signals");
            gitEnv().forEach(b::env);
            return b.map(MapPhase.builder()
                            .input(WorkInput.values(items))
                            .maxParallel(items())
                            .agentTemplate(Step.shell(mark + "if [ ! -f '" + gate + "' ]; then (" + sleep + ") & "
                                    + sleep + "; fi; echo ${item.n} > item-${item.n}.txt && git add -A && "
                                    + "git commit -q -m \"item ${item.n}\"")))
                    .reduce(Step.shell(mark + "printf '%s %s %s\\n' ${map.successful} ${map.failed} ${map.total} "
                            + "> reduce.txt && git add -A && git commit -q -m reduce"))
                    .build();
        }
        Workflow.Builder b = Workflow.builder("crash-sequential");
        gitEnv().forEach(b::env);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < steps(); i++) {
            String prev = i == 0 ? "start" : "${v" + (i - 1) + "}";
            steps.add(Step.shell(mark + "sleep " + seconds(delayMs(i)) + "; echo " + prev + " > step-" + i
                            + ".txt && git add -A && git commit -q -m \"step " + i + "\" && sleep "
                            + seconds(delayMs(i) / 2)
                            + " && echo value-" + i)
                    .capture("v" + i)
                    .build());
        }
        steps.add(Step.shell(mark + "echo " + allVars() + " > final.txt && git add -A && git commit -q -m final")
                .build());
        return b.steps(steps).build();
    }

    private String allVars() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < steps(); i++) {
            s.append(i == 0 ? "" : " ").append("${v").append(i).append('}');
        }
        return s.toString();
    }

    /** @return an engine on this trial's repository and home */
    Prodigy engine(RunListener listener, boolean handleSignals) {
        WorktreeIsolation.Builder iso = WorktreeIsolation.builder()
                .prodigyHome(prodigyHome)
                .mode(
                        switch (mode()) {
                            case "on-demand" -> WorktreeMode.onDemand();
                            case "reuse" -> WorktreeMode.reuse();
                            default -> WorktreeMode.pooled(3);
                        });
        if (Files.exists(base.resolve("git-wrapper"))) {
            iso.gitExecutable(base.resolve("git-wrapper").toString());
        }
        gitEnv().forEach(iso::gitEnvironment);
        // the windows inside git merge (the wrapper's kill-in-merge, a held post-merge) exist only for merges in the
        // worktree; the others run with merges made by update-ref
        iso.mergeInWorktree(Boolean.parseBoolean(spec.getProperty("merge.in.worktree", "false")));
        Prodigy.Builder b = Prodigy.builder()
                .workingDirectory(repo)
                .home(prodigyHome.resolve("engine"))
                .isolation(iso.build())
                .handleSignals(handleSignals);
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    static RunOptions options() {
        return RunOptions.builder().runId(RUN_ID).build();
    }

    /** Runs git in the repository; fails on a non-zero exit. */
    String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().putAll(gitEnv());
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed (" + exit + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<String> gitLines(String... args) {
        String out = git(args).strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
