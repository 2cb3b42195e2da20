package io.prodigy.examples;

import io.prodigy.api.ItemResult;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quick start: a MapReduce over the files of a git repository, with parallel agents that each change and commit
 * one file in a git worktree of their own, merged back to the branch.
 *
 * <ol>
 *   <li>Creates a scratch repository with a handful of files on branch {@code main}.</li>
 *   <li>Map: the work items are the lines of {@code git ls-files}; each item runs two shell steps (stand-ins for
 *   agents - swap in {@code Step.agent("/review ${item}")} with a Claude runner for the real thing) in its own
 *   worktree and branch, and commits.</li>
 *   <li>Each item's commits are merged into the run's branch ({@code --no-ff}); the reduce step commits a summary;
 *   at the end the run's branch is merged into {@code main}.</li>
 * </ol>
 *
 * <p>Prints progress lines through a {@link io.prodigy.api.event.RunListener} and ends with a summary and where the
 * results are. Run it with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.QuickStart};
 * pass a directory to keep everything there (default: a new temporary directory).
 */
public final class QuickStart {
    private QuickStart() {}

    /** The files of the scratch repository. */
    static Map<String, String> projectFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# Scratch project\n\nA tiny project for the Prodigy quick start.\n");
        files.put("docs/install.md", "# Install\n\nDownload it.\nUnpack it.\nRun it.\n");
        files.put("docs/usage.md", "# Usage\n\nCall `greet NAME`.\n");
        files.put("docs/faq.md", "# FAQ\n\nQ: Why?\nA: Because.\n");
        files.put("src/greet.txt", "hello, world\n");
        files.put("src/farewell.txt", "goodbye, world\n");
        files.put("src/names.txt", "ada\nbarbara\ngrace\nmargaret\n");
        files.put("notes/todo.txt", "write the docs\nship it\n");
        return files;
    }

    /**
     * The workflow: a MapReduce over the repository's {@code .md} and {@code .txt} files.
     *
     * @return the workflow
     */
    public static Workflow workflow() {
        return Workflow.mapReduce("quickstart-review")
                .map(MapPhase.builder()
                        // one work item per line of output: ${item} is the file's path
                        .input(WorkInput.command("git ls-files -- '*.md' '*.txt'"))
                        .maxParallel(4)
                        .agentTemplate(
                                Step.shell("wc -l < ${item} | tr -d ' '").capture("lines"),
                                Step.shell("echo \"(reviewed by ${item_id}: ${lines} lines)\" >> ${item}"
                                                + " && git add ${item} && git commit -q -m \"review ${item}\"")
                                        .commitRequired(true)))
                .reduce(Step.shell("echo \"${map.successful} of ${map.total} files reviewed\" > REVIEW.md"
                                + " && git add REVIEW.md && git commit -q -m \"review summary\" && cat REVIEW.md")
                        .capture("summary"))
                .build();
    }

    /**
     * Creates the scratch repository under {@code base} and runs the workflow on it.
     *
     * @param base a directory for the repository ({@code base/repo}) and Prodigy's state ({@code base/prodigy-home})
     * @param out where progress and the summary are printed
     * @return the run's result
     * @throws IOException if the repository cannot be created
     */
    public static RunResult run(Path base, PrintStream out) throws IOException {
        Path repo = ScratchRepo.create(base.resolve("repo"), projectFiles());
        Path home = base.resolve("prodigy-home");
        String before = ScratchRepo.git(repo, "rev-parse", "HEAD");
        out.println("Scratch repository " + repo + " with " + projectFiles().size() + " files on branch main");

        WorktreeIsolation git = WorktreeIsolation.builder().prodigyHome(home).build();
        try (Prodigy prodigy = Prodigy.builder()
                .workingDirectory(repo)
                .home(home)
                .isolation(git)
                .listener(new ProgressPrinter(out))
                .build()) {
            RunResult result = prodigy.run(workflow());
            printSummary(out, result, repo, home, before);
            return result;
        }
    }

    private static void printSummary(PrintStream out, RunResult result, Path repo, Path home, String before)
            throws IOException {
        out.println();
        out.printf("%-8s %-18s %-10s %6s %8s%n", "item", "file", "status", "ms", "commits");
        for (ItemResult item : result.items()) {
            String file = item.itemJson() == null ? "" : item.itemJson().replace("\"", "");
            out.printf(
                    "%-8s %-18s %-10s %6d %8d%n",
                    item.itemId(),
                    file,
                    item.status(),
                    item.duration().toMillis(),
                    item.commits().size());
        }
        out.println();
        out.printf(
                "%s in %.1f s: %d of %d items succeeded, %d failed; %.1f items/s, parallel efficiency %.0f%%%n",
                result.status(),
                result.duration().toMillis() / 1000.0,
                result.summary().succeeded(),
                result.summary().total(),
                result.summary().failed(),
                result.summary().throughputPerSecond(),
                result.summary().parallelEfficiency() * 100);
        if (result.failure() != null) {
            out.println("Why: " + result.failure());
        }
        String commits = ScratchRepo.git(repo, "rev-list", "--count", before + "..main");
        out.println("Reduce said: " + result.variables().getOrDefault("summary", "(nothing)"));
        out.println();
        out.println("Where the results are:");
        out.println("  repository  " + repo);
        out.println("  branch      main (" + commits + " new commits; see: git -C " + repo + " log --oneline --graph)");
        out.println("  run id      " + result.runId());
        out.println("  state dir   " + home + " (run record, journal, events: "
                + home.resolve("runs").resolve(result.runId()) + ")");
    }

    /**
     * Runs the quick start.
     *
     * @param args optionally a directory to work in (default: a new temporary directory)
     * @throws IOException if the repository cannot be created
     */
    public static void main(String[] args) throws IOException {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("prodigy-quickstart-");
        RunResult result = run(base.toAbsolutePath(), System.out);
        System.exit(result.succeeded() ? 0 : 1);
    }
}
