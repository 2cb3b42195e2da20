package io.prodigy.git;

import io.prodigy.api.IsolationException;
import io.prodigy.git.internal.GitCli;
import io.prodigy.git.internal.Repository;
import io.prodigy.git.internal.RunFile;
import io.prodigy.git.internal.WorktreeOps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists and cleans the worktrees and branches that {@link WorktreeIsolation} made under a {@code PRODIGY_HOME}, for
 * every repository it served: run worktrees, item worktrees (kept failed ones included), idle pool worktrees, and
 * item or run branches left without a worktree.
 *
 * <p>An orphan is anything whose run is not running any more (its process is gone) - except dedicated worktrees,
 * which are meant to outlive runs. {@link #clean(boolean)} removes orphans, but never one that holds work
 * (uncommitted changes, or commits that are on no branch the work was meant to reach) unless forced.
 *
 * <pre>{@code
 * Worktrees worktrees = Worktrees.of(isolation);
 * worktrees.orphans().forEach(System.out::println);
 * CleanupReport report = worktrees.clean(false);
 * }</pre>
 */
public final class Worktrees {
    private static final Logger LOG = LoggerFactory.getLogger(Worktrees.class);

    private final Path home;
    private final GitCli git;

    private Worktrees(Path home, GitCli git) {
        this.home = home.toAbsolutePath().normalize();
        this.git = git;
    }

    /**
     * @param prodigyHome the {@code PRODIGY_HOME} whose worktrees to manage
     * @return a manager using the {@code git} on PATH
     */
    public static Worktrees of(Path prodigyHome) {
        return new Worktrees(prodigyHome, new GitCli("git", Map.of(), Duration.ofMinutes(10)));
    }

    /**
     * @param isolation a worktree isolation
     * @return a manager of that isolation's worktrees, with its git executable and environment
     */
    public static Worktrees of(WorktreeIsolation isolation) {
        return new Worktrees(isolation.settings().home(), isolation.settings().git());
    }

    /**
     * @return every managed worktree and branch, repository by repository, runs first
     * @throws IsolationException if git fails
     */
    public List<ManagedWorktree> list() {
        List<ManagedWorktree> out = new ArrayList<>();
        for (Map.Entry<Path, RepoScan> e : scanRepositories().entrySet()) {
            out.addAll(describe(e.getValue()));
        }
        return out;
    }

    /** @return the worktrees and branches no running run uses (dedicated worktrees excluded) */
    public List<ManagedWorktree> orphans() {
        List<ManagedWorktree> out = new ArrayList<>();
        for (ManagedWorktree w : list()) {
            if (w.orphan()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Removes orphans: their worktrees (kept failed ones included) and branches, and the records of runs with nothing
     * left.
     *
     * @param force whether to remove orphans that hold work too (uncommitted changes, or commits on no other
     *              branch); without it they are skipped and reported
     * @return what was removed and what was left, with reasons
     */
    public CleanupReport clean(boolean force) {
        return clean(force, null);
    }

    /**
     * Removes the orphans of one repository, as {@link #clean(boolean)} does for all.
     *
     * @param force whether to remove orphans that hold work too
     * @param repository the top level of the repository's working tree, or null for every repository
     * @return what was removed and what was left, with reasons
     */
    public CleanupReport clean(boolean force, Path repository) {
        Path only = repository == null ? null : repository.toAbsolutePath().normalize();
        List<ManagedWorktree> removed = new ArrayList<>();
        List<CleanupReport.Skipped> skipped = new ArrayList<>();
        for (RepoScan scan : scanRepositories().values()) {
            Repository repo = scan.repository;
            if (only != null && !repo.topLevel().equals(only)) {
                continue;
            }
            git.run(repo.topLevel(), List.of("worktree", "prune"));
            for (ManagedWorktree w : describe(scan)) {
                if (!w.orphan()) {
                    continue;
                }
                if (w.holdsWork() && !force) {
                    skipped.add(new CleanupReport.Skipped(
                            w,
                            w.dirty()
                                    ? "it has uncommitted changes"
                                    : w.unmergedCommits() + " commit(s) on no other branch"));
                    continue;
                }
                try {
                    if (w.path() != null) {
                        WorktreeOps.removeWorktree(git, repo, w.path());
                    }
                    if (w.branch() != null) {
                        WorktreeOps.deleteBranch(git, repo, w.branch());
                    }
                    removed.add(w);
                    LOG.info("Removed {} {} of run {}", w.kind(), w.path() != null ? w.path() : w.branch(), w.runId());
                } catch (IsolationException e) {
                    skipped.add(new CleanupReport.Skipped(w, "removing it failed: " + e.getMessage()));
                }
            }
            forgetFinishedRuns(scan);
        }
        return new CleanupReport(removed, skipped);
    }

    /** What was found for one repository. */
    private static final class RepoScan {
        final Repository repository;
        final Path repoDir;
        final Map<String, RunFile> runs = new HashMap<>();

        RepoScan(Repository repository, Path repoDir) {
            this.repository = repository;
            this.repoDir = repoDir;
        }
    }

    /** Finds the repositories with worktrees under the home, by their run records and their worktrees' git files. */
    private Map<Path, RepoScan> scanRepositories() {
        Map<Path, RepoScan> repos = new LinkedHashMap<>();
        Path root = home.resolve("worktrees");
        if (!Files.isDirectory(root)) {
            return repos;
        }
        for (Path repoDir : children(root)) {
            if (!Files.isDirectory(repoDir)) {
                continue;
            }
            Path realRepoDir = real(repoDir);
            for (RunFile f : RunFile.all(repoDir)) {
                Optional<Repository> repo = discover(f.repository());
                repo.ifPresent(r -> repos.computeIfAbsent(r.commonDir(), k -> new RepoScan(r, realRepoDir))
                        .runs
                        .put(f.runKey(), f));
            }
            for (Path child : children(repoDir)) {
                if (!Files.isDirectory(child)) {
                    continue;
                }
                boolean container = child.getFileName().toString().endsWith(".items")
                        || child.getFileName().toString().endsWith(".pool");
                for (Path wt : container ? children(child) : List.of(child)) {
                    if (Files.isRegularFile(wt.resolve(".git"))
                            && repos.values().stream().noneMatch(s -> s.repoDir.equals(realRepoDir))) {
                        discover(wt)
                                .map(this::mainOf)
                                .flatMap(this::discover)
                                .ifPresent(
                                        r -> repos.computeIfAbsent(r.commonDir(), k -> new RepoScan(r, realRepoDir)));
                    }
                }
            }
        }
        return repos;
    }

    private Path mainOf(Repository worktree) {
        Path common = worktree.commonDir();
        return common.getFileName() != null && common.getFileName().toString().equals(".git")
                ? common.getParent()
                : common;
    }

    private Optional<Repository> discover(Path dir) {
        try {
            return Optional.of(Repository.discover(git, dir));
        } catch (IsolationException e) {
            LOG.debug("{} is not a usable git repository any more: {}", dir, e.getMessage());
            return Optional.empty();
        }
    }

    private List<ManagedWorktree> describe(RepoScan scan) {
        Repository repo = scan.repository;
        Path top = repo.topLevel();
        List<ManagedWorktree> out = new ArrayList<>();
        Set<String> branchesInWorktrees = new HashSet<>();
        for (Repository.WorktreeEntry e : repo.worktrees(git)) {
            if (!e.path().startsWith(scan.repoDir)) {
                continue;
            }
            if (e.branch() != null) {
                branchesInWorktrees.add(e.branch());
            }
            Path rel = scan.repoDir.relativize(e.path());
            String first = rel.getName(0).toString();
            ManagedWorktree.Kind kind;
            String runKey;
            if (rel.getNameCount() == 2 && (first.endsWith(".items") || first.endsWith(".pool"))) {
                runKey = first.substring(0, first.lastIndexOf('.'));
                kind = e.branch() == null ? ManagedWorktree.Kind.POOL : ManagedWorktree.Kind.ITEM;
            } else if (first.endsWith(".merge")) {
                runKey = first.substring(0, first.length() - ".merge".length());
                kind = ManagedWorktree.Kind.MERGE;
            } else if (first.endsWith(".dedicated")) {
                runKey = first.substring(0, first.length() - ".dedicated".length());
                kind = ManagedWorktree.Kind.DEDICATED;
            } else {
                runKey = first;
                kind = ManagedWorktree.Kind.RUN;
            }
            boolean live = kind == ManagedWorktree.Kind.DEDICATED
                    ? scan.runs.values().stream().anyMatch(f -> f.worktree().equals(e.path()) && f.live())
                    : live(scan, runKey);
            boolean dirty = !e.prunable()
                    && Files.isDirectory(e.path())
                    && !WorktreeOps.dirtyPaths(git, e.path()).isEmpty();
            String ref = e.branch() != null ? "refs/heads/" + e.branch() : e.head();
            int unmerged = ref == null
                    ? 0
                    : unmerged(
                            top,
                            ref,
                            kind == ManagedWorktree.Kind.ITEM
                                    || kind == ManagedWorktree.Kind.POOL
                                    || kind == ManagedWorktree.Kind.MERGE);
            out.add(new ManagedWorktree(
                    kind, runId(scan, runKey), top, e.path(), e.branch(), dirty, unmerged, live, e.locked()));
        }
        String refs =
                git.output(top, "for-each-ref", "--format=%(refname)", "refs/heads/prodigy-*", "refs/heads/prodigy/");
        for (String ref : refs.split("\n")) {
            if (ref.isEmpty()) {
                continue;
            }
            String branch = ref.substring("refs/heads/".length());
            if (branchesInWorktrees.contains(branch)) {
                continue;
            }
            ManagedWorktree.Kind kind;
            String runKey;
            if (branch.startsWith("prodigy/")) {
                String rest = branch.substring("prodigy/".length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                runKey = rest.substring(0, slash);
                kind = ManagedWorktree.Kind.ITEM;
            } else {
                runKey = branch.substring("prodigy-".length());
                boolean dedicated = Files.isDirectory(scan.repoDir.resolve(runKey + ".dedicated"));
                kind = dedicated ? ManagedWorktree.Kind.DEDICATED : ManagedWorktree.Kind.RUN;
            }
            boolean live = kind != ManagedWorktree.Kind.DEDICATED && live(scan, runKey);
            out.add(new ManagedWorktree(
                    kind,
                    runId(scan, runKey),
                    top,
                    null,
                    branch,
                    false,
                    unmerged(top, ref, kind == ManagedWorktree.Kind.ITEM),
                    live,
                    false));
        }
        return out;
    }

    private static boolean live(RepoScan scan, String runKey) {
        RunFile f = scan.runs.get(runKey);
        return f != null && f.live();
    }

    private static String runId(RepoScan scan, String runKey) {
        RunFile f = scan.runs.get(runKey);
        return f != null ? f.runId() : runKey;
    }

    /**
     * Counts the commits of {@code ref} that are on no branch its work may rest on: for an item any branch but
     * item branches (the run's branch or a user branch), for a run a user branch.
     */
    private int unmerged(Path top, String ref, boolean item) {
        List<String> args = new ArrayList<>(List.of("rev-list", "--count", ref, "--not", "--exclude=prodigy/*"));
        if (!item) {
            args.add("--exclude=prodigy-*");
        }
        args.add("--branches");
        GitCli.Result r = git.run(top, args);
        if (!r.ok()) {
            return 0;
        }
        try {
            return Integer.parseInt(r.line().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Deletes the records of finished runs that have nothing left, and empty item and pool directories. */
    private void forgetFinishedRuns(RepoScan scan) {
        List<ManagedWorktree> left = describe(scan);
        for (RunFile f : scan.runs.values()) {
            if (f.live()) {
                continue;
            }
            boolean anything = left.stream().anyMatch(w -> f.runId().equals(w.runId()));
            if (!anything) {
                f.delete(scan.repoDir);
            }
        }
        for (Path child : children(scan.repoDir)) {
            String name = child.getFileName().toString();
            if (name.endsWith(".items") || name.endsWith(".pool")) {
                WorktreeOps.deleteEmptyDirectory(child);
            }
        }
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            LOG.debug("could not list {}: {}", dir, e.getMessage());
        }
        return out;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }
}
