package io.prodigy.git.internal;

import io.prodigy.api.IsolationException;
import io.prodigy.git.WorktreeMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item worktrees of one run: hands them out (fresh, or from a pool of reusable ones), releases them, keeps
 * failed ones for debugging, and sweeps what is left when the run closes.
 *
 * <p>Layout: fresh item worktrees are {@code <repo-dir>/<run-key>.items/<item-name>}, pooled ones
 * {@code <repo-dir>/<run-key>.pool/slot-<n>}; every item works on branch {@code prodigy/<run-key>/<item-name>}.
 * A kept (failed) item's worktree is locked ({@code git worktree lock}) with a reason naming the item, so that
 * neither git nor the sweep removes it. Idle pool slots sit on a detached HEAD.
 */
public final class AgentWorktrees {
    private static final Logger LOG = LoggerFactory.getLogger(AgentWorktrees.class);
    static final String LOCK_REASON_PREFIX = "prodigy: kept for debugging";

    private final RunWorktree run;
    private final GitCli git;
    private final String runKey;
    private final Path itemsDir;
    private final Path poolDir;
    private final Semaphore permits;
    private final ConcurrentHashMap<String, String> liveNames = new ConcurrentHashMap<>();
    private final Pool pool;

    AgentWorktrees(RunWorktree run) {
        this.run = run;
        this.git = run.git();
        this.runKey = run.file().runKey();
        this.itemsDir = run.repoDir().resolve(runKey + ".items");
        this.poolDir = run.repoDir().resolve(runKey + ".pool");
        Settings s = run.settings();
        this.permits = new Semaphore(s.maxWorktrees(), true);
        if (s.mode() instanceof WorktreeMode.Pooled p) {
            this.pool = new Pool(Math.min(p.size(), s.maxWorktrees()), false);
        } else if (s.mode() instanceof WorktreeMode.Reuse) {
            this.pool = new Pool(s.maxWorktrees(), true);
        } else {
            this.pool = null;
        }
    }

    /** A reusable worktree of the pool. */
    static final class Slot {
        final Path path;
        boolean exists;
        Thread lastUser;
        /** Names the directory's current life: a new value each time it is (re)created, for {@code reuseKey}. */
        String generation;

        Slot(Path path) {
            this.path = path;
        }

        /** @return the identity of this slot's current directory: its path and the generation it was created in */
        String reuseKey() {
            return path + "#" + generation;
        }
    }

    /**
     * @param itemId an item's id
     * @return the branch its worktree works on
     */
    public String branchOf(String itemId) {
        return branchFor(Names.safe(itemId));
    }

    private String branchFor(String name) {
        return "prodigy/" + runKey + "/" + name;
    }

    /**
     * Gives an item a worktree on a new branch at the run's current HEAD, removing whatever an earlier attempt at the
     * same item left (a retry, a crash, a dead-lettered attempt being reprocessed). Blocks while the configured
     * number of agent worktrees is in use.
     *
     * @param itemId the item's id
     * @return its worktree
     * @throws IsolationException if git fails or the thread is interrupted while waiting
     */
    public ItemWorktree acquire(String itemId) {
        String name = uniqueName(itemId);
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            liveNames.remove(name);
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while waiting for a free worktree for item " + itemId, e);
        }
        Slot slot = null;
        try {
            String base = run.versionControl().orElseThrow().head();
            String branch = branchFor(name);
            Path path;
            if (pool == null) {
                path = itemsDir.resolve(name);
            } else {
                slot = pool.take();
                path = slot.path;
            }
            if (!checkOut(slot, path, branch, base)) {
                // an earlier attempt at this item (a retry, a crash, a reprocessed DLQ entry) left its branch or
                // worktree: it is superseded by this attempt
                discard(name, branch);
                if (!checkOut(slot, path, branch, base)) {
                    throw new IsolationException(
                            "could not create the worktree " + path + " on branch " + branch + " for item " + itemId);
                }
            }
            return new ItemWorktree(run, itemId, name, branch, path, base, slot);
        } catch (InterruptedException e) {
            permits.release();
            liveNames.remove(name);
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while waiting for a pooled worktree for item " + itemId, e);
        } catch (RuntimeException e) {
            if (slot != null) {
                retire(slot, true);
            }
            permits.release();
            liveNames.remove(name);
            throw e;
        }
    }

    /**
     * Puts a new branch at {@code base} into a fresh worktree, or into a pool slot (reset, and cleaned of untracked
     * and ignored files except the warm directories; a slot that cannot be cleaned is replaced by a fresh worktree).
     *
     * @return false if git refused because the branch or directory exists already
     */
    private boolean checkOut(Slot slot, Path path, String branch, String base) {
        GitCli.Result r = null;
        if (slot != null && slot.exists) {
            r = git.run(path, List.of("checkout", "--quiet", "--force", "-B", branch, base));
            if (r.ok()) {
                String failure = cleanSlot(path);
                if (failure == null) {
                    return true;
                }
                // never hand out a slot that may still hold the previous item's files: replace it
                LOG.warn("Pooled worktree {} could not be reset ({}); replacing it with a fresh one", path, failure);
                WorktreeOps.removeWorktree(git, run.repo(), path);
                WorktreeOps.deleteTree(path);
                WorktreeOps.deleteBranch(git, run.repo(), branch);
                slot.exists = false;
                return checkOut(slot, path, branch, base);
            }
        }
        if (slot == null || !slot.exists) {
            WorktreeOps.createParent(path);
            r = git.run(
                    run.repo().topLevel(), List.of("worktree", "add", "--quiet", "-b", branch, path.toString(), base));
            if (r.ok()) {
                if (slot != null) {
                    slot.exists = true;
                    slot.generation = java.util.UUID.randomUUID().toString();
                }
                return true;
            }
        }
        if (run.branchTip(branch) != null || Files.exists(path)) {
            return false;
        }
        throw GitCli.failure(path, List.of("worktree", "add", "-b", branch), r);
    }

    /**
     * Removes what the previous item of a reused worktree left beside its commits: untracked files (build output,
     * hooks' output), then ignored files and directories except the configured warm directories, which are kept
     * whole (an ignored {@code dist/} or {@code *.log} inside {@code node_modules/} stays too) unless a cold path
     * names them. Only paths that exist are touched; tracked files were reset by the checkout before.
     *
     * @return null when clean, else what failed
     */
    private String cleanSlot(Path path) {
        GitCli.Result untracked = git.run(path, List.of("clean", "--quiet", "-f", "-f", "-d"));
        if (!untracked.ok()) {
            return untracked.message();
        }
        GitCli.Result ignored = git.run(path, cleanIgnoredArguments(run.settings()));
        return ignored.ok() ? null : ignored.message();
    }

    /**
     * The {@code git clean -X} of a slot: the warm directories (at any depth) and everything inside them are taken
     * out of the ignore rules, so that {@code -X} leaves them; the cold paths, last, are put back in (the last
     * matching pattern wins).
     */
    static List<String> cleanIgnoredArguments(Settings settings) {
        List<String> args = new ArrayList<>(List.of("clean", "--quiet", "-f", "-f", "-d", "-X"));
        for (String warm : settings.warmDirectories()) {
            args.add("-e");
            args.add("!" + warm);
            args.add("-e");
            args.add("!**/" + warm + "**");
        }
        for (String cold : settings.coldPaths()) {
            args.add("-e");
            args.add("/" + cold);
        }
        return args;
    }

    /** The item's safe name, unique among the items in flight (a 64-bit hash collision gets a counter). */
    private String uniqueName(String itemId) {
        String base = Names.safe(itemId);
        String name = base;
        for (int n = 2; ; n++) {
            String owner = liveNames.putIfAbsent(name, itemId);
            if (owner == null) {
                return name;
            }
            if (owner.equals(itemId)) {
                throw new IsolationException("item " + itemId + " already has a worktree in use");
            }
            name = base + "-" + n;
        }
    }

    /**
     * Releases an item's worktree.
     *
     * <ul>
     *   <li>{@code keep} (the item failed) and keeping failed worktrees: the worktree stays, locked with a reason
     *   naming the item; a pooled one leaves the pool.</li>
     *   <li>{@code keep} and not keeping failed worktrees: the worktree goes; the branch goes too unless it holds
     *   commits that are in no other branch.</li>
     *   <li>otherwise (the item was integrated): the worktree goes (a pooled one returns to the pool) and so does its
     *   branch, unless, against expectations, it holds commits the run does not have.</li>
     * </ul>
     *
     * @param item the item's worktree
     * @param keep whether the engine asks to keep it (a failed item)
     */
    public void release(ItemWorktree item, boolean keep) {
        WorktreeOps.uninterrupted(() -> releaseNow(item, keep));
    }

    private void releaseNow(ItemWorktree item, boolean keep) {
        Slot slot = item.slot();
        boolean keepWorktree = keep && run.settings().keepFailed();
        boolean slotSettled = slot == null;
        try {
            if (keepWorktree) {
                git.run(
                        run.repo().topLevel(),
                        List.of(
                                "worktree",
                                "lock",
                                "--reason",
                                LOCK_REASON_PREFIX + ": item " + Names.printable(item.itemId()) + " of run "
                                        + run.context().runId(),
                                item.root().toString()));
                if (slot != null) {
                    slotSettled = true;
                    retire(slot, false);
                }
                LOG.info(
                        "Item {}: its worktree is kept for debugging at {} (branch {})",
                        item.itemId(),
                        item.root(),
                        item.branch());
                return;
            }
            String tip = run.branchTip(item.branch());
            boolean unmerged = tip != null
                    && !tip.equals(item.integratedTip())
                    && !WorktreeOps.isAncestor(
                            git,
                            run.root(),
                            tip,
                            run.versionControl().orElseThrow().head());
            boolean backToPool = false;
            if (slot != null && !keep) {
                GitCli.Result r = detach(item);
                if (r.ok()) {
                    backToPool = true;
                } else {
                    LOG.warn("Pooled worktree {} could not be detached ({}); replacing it", item.root(), r.message());
                    slotSettled = true;
                    retire(slot, true);
                }
            } else if (slot != null) {
                slotSettled = true;
                retire(slot, true);
            } else {
                WorktreeOps.removeWorktree(git, run.repo(), item.root());
            }
            if (unmerged && keepsUniqueCommits(item.branch())) {
                LOG.warn(
                        "Item {}: branch {} holds commits that are on no other branch; it is kept (delete it with "
                                + "git branch -D {})",
                        item.itemId(),
                        item.branch(),
                        item.branch());
            } else {
                WorktreeOps.deleteBranch(git, run.repo(), item.branch());
            }
            if (backToPool) {
                // only a slot whose release went through to the end is handed out again
                slotSettled = true;
                pool.put(slot);
            }
        } catch (RuntimeException e) {
            if (!slotSettled) {
                // a slot whose release failed half-way may still hold the item's branch or files: never reuse it
                LOG.warn("Pooled worktree {} could not be released ({}); discarding it", item.root(), e.getMessage());
                retire(slot, !keepWorktree);
            }
            throw e;
        } finally {
            permits.release();
            liveNames.remove(item.name());
        }
    }

    /**
     * Detaches an idle slot's HEAD at the commit it is on, so that the item's branch can be deleted: one
     * {@code update-ref --no-deref HEAD} (nothing of the index or the files is touched, as with {@code checkout
     * --detach}, which is the fallback when the commit cannot be read from the git files).
     */
    private GitCli.Result detach(ItemWorktree item) {
        Path gitDir = item.gitDir();
        RefFiles.Answer head =
                gitDir == null ? RefFiles.Answer.ASK_GIT : run.refs().head(gitDir);
        if (head.known() && head.commit() != null) {
            GitCli.Result r = git.run(
                    item.root(),
                    List.of("update-ref", "--no-deref", "-m", "prodigy: slot idle", "HEAD", head.commit()));
            if (r.ok()) {
                return r;
            }
        }
        return git.run(item.root(), List.of("checkout", "--quiet", "--detach"));
    }

    /** @return whether the branch has commits reachable from no other local branch */
    private boolean keepsUniqueCommits(String branch) {
        GitCli.Result r = git.run(
                run.repo().topLevel(),
                List.of("rev-list", "--count", "refs/heads/" + branch, "--not", "--exclude=" + branch, "--branches"));
        return !r.ok() || !"0".equals(r.line().strip());
    }

    /**
     * Removes the worktree and branch an earlier attempt at an item left, if any.
     *
     * @param itemId the item's id
     */
    public void discardStale(String itemId) {
        String name = Names.safe(itemId);
        discard(name, branchFor(name));
    }

    private void discard(String name, String branch) {
        Path path = itemsDir.resolve(name);
        boolean branchExists = run.branchTip(branch) != null;
        if (!branchExists && !Files.exists(path)) {
            return;
        }
        LOG.info("Removing what an earlier attempt left: worktree and branch {}", branch);
        for (Repository.WorktreeEntry e : run.repo().worktrees(git)) {
            if (branch.equals(e.branch()) || e.path().equals(path)) {
                if (pool != null && e.path().startsWith(poolDir)) {
                    pool.forget(e.path());
                }
                WorktreeOps.removeWorktree(git, run.repo(), e.path());
            }
        }
        WorktreeOps.deleteTree(path);
        WorktreeOps.deleteBranch(git, run.repo(), branch);
    }

    private void retire(Slot slot, boolean remove) {
        if (pool != null) {
            pool.retire(slot);
        }
        if (remove) {
            try {
                WorktreeOps.removeWorktree(git, run.repo(), slot.path);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove pooled worktree {}: {}", slot.path, e.getMessage());
            }
        }
    }

    /** Removes the idle (detached) pool worktrees of this run, e.g. those an interrupted process left behind. */
    void removePool() {
        if (pool != null) {
            pool.drain();
        }
        for (Repository.WorktreeEntry e : run.repo().worktrees(git)) {
            if (e.path().startsWith(poolDir) && e.branch() == null) {
                WorktreeOps.removeWorktree(git, run.repo(), e.path());
            }
        }
    }

    /**
     * At the end of the run: removes idle pool worktrees, and every item worktree and branch of the run that is
     * neither kept (locked) nor holding work the run lacks; logs what it leaves.
     *
     * @param runTip the run branch's final commit
     */
    void sweep(String runTip) {
        removePool();
        List<String> inWorktrees = new ArrayList<>();
        for (Repository.WorktreeEntry e : run.repo().worktrees(git)) {
            boolean ours = e.path().startsWith(itemsDir) || e.path().startsWith(poolDir);
            if (!ours) {
                continue;
            }
            if (e.branch() != null) {
                inWorktrees.add(e.branch());
            }
            if (e.locked()) {
                continue;
            }
            boolean merged = e.head() == null || WorktreeOps.isAncestor(git, run.root(), e.head(), runTip);
            if (merged && (e.prunable() || WorktreeOps.dirtyPaths(git, e.path()).isEmpty())) {
                WorktreeOps.removeWorktree(git, run.repo(), e.path());
                if (e.branch() != null) {
                    WorktreeOps.deleteBranch(git, run.repo(), e.branch());
                    inWorktrees.remove(e.branch());
                }
            } else {
                LOG.warn(
                        "Run {}: leaving item worktree {} - it holds work the run does not have",
                        run.context().runId(),
                        e.path());
            }
        }
        String prefix = "refs/heads/prodigy/" + runKey + "/";
        String refs = git.output(run.repo().topLevel(), "for-each-ref", "--format=%(refname) %(objectname)", prefix);
        for (String line : GitVersionControl.lines(refs)) {
            int space = line.indexOf(' ');
            String branch = line.substring("refs/heads/".length(), space);
            String tip = line.substring(space + 1);
            if (inWorktrees.contains(branch)) {
                continue;
            }
            if (WorktreeOps.isAncestor(git, run.root(), tip, runTip)) {
                WorktreeOps.deleteBranch(git, run.repo(), branch);
            } else {
                LOG.warn(
                        "Run {}: leaving branch {} - it holds commits the run does not have",
                        run.context().runId(),
                        branch);
            }
        }
        WorktreeOps.deleteEmptyDirectory(itemsDir);
        WorktreeOps.deleteEmptyDirectory(poolDir);
    }

    /** @return whether any item worktree or branch of this run is left on disk */
    boolean anyLeft() {
        if (Files.exists(itemsDir) || Files.exists(poolDir)) {
            return true;
        }
        String prefix = "refs/heads/prodigy/" + runKey + "/";
        return !git.output(run.repo().topLevel(), "for-each-ref", "--count=1", "--format=%(refname)", prefix)
                .isEmpty();
    }

    /** The reusable worktrees of a pooled or reuse mode. */
    private final class Pool {
        private final int capacity;
        private final boolean affinity;
        private final ArrayDeque<Slot> idle = new ArrayDeque<>();
        private int existing;
        private int nextIndex;

        Pool(int capacity, boolean affinity) {
            this.capacity = capacity;
            this.affinity = affinity;
        }

        synchronized Slot take() throws InterruptedException {
            while (true) {
                if (affinity) {
                    Thread me = Thread.currentThread();
                    for (Iterator<Slot> it = idle.iterator(); it.hasNext(); ) {
                        Slot s = it.next();
                        if (s.lastUser == me) {
                            it.remove();
                            return s;
                        }
                    }
                }
                if (!idle.isEmpty()) {
                    return idle.pollLast();
                }
                if (existing < capacity) {
                    existing++;
                    Path path;
                    do {
                        path = poolDir.resolve("slot-" + nextIndex++);
                    } while (Files.exists(path));
                    return new Slot(path);
                }
                wait();
            }
        }

        synchronized void put(Slot slot) {
            slot.lastUser = Thread.currentThread();
            idle.addLast(slot);
            notifyAll();
        }

        synchronized void retire(Slot slot) {
            idle.remove(slot);
            existing--;
            notifyAll();
        }

        synchronized void forget(Path path) {
            for (Iterator<Slot> it = idle.iterator(); it.hasNext(); ) {
                if (it.next().path.equals(path)) {
                    it.remove();
                    existing--;
                    notifyAll();
                }
            }
        }

        synchronized void drain() {
            existing -= idle.size();
            idle.clear();
            notifyAll();
        }
    }
}
