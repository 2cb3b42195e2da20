package io.prodigy.git.internal;

import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One item's worktree: its own branch {@code prodigy/<run-key>/<item-name>}, started at the run's HEAD.
 */
public final class ItemWorktree implements Workspace {
    private final RunWorktree run;
    private final String itemId;
    private final String name;
    private final String branch;
    private final Path root;
    private final Path directory;
    private final String base;
    private final AgentWorktrees.Slot slot;
    private final String reuseKey;
    private final GitVersionControl vc;
    private volatile String integratedTip;
    private volatile Path gitDir;

    ItemWorktree(
            RunWorktree run,
            String itemId,
            String name,
            String branch,
            Path root,
            String base,
            AgentWorktrees.Slot slot) {
        this.run = run;
        this.itemId = itemId;
        this.name = name;
        this.branch = branch;
        this.root = root;
        this.directory = run.repo().projectIn(root);
        this.base = base;
        this.slot = slot;
        this.reuseKey = slot == null ? null : slot.reuseKey();
        this.vc = new GitVersionControl(run.git(), root, run.refs(), this::gitDir, null);
    }

    /** @return the worktree's private git directory, from its {@code .git} file, or null if unreadable */
    Path gitDir() {
        Path known = gitDir;
        if (known != null) {
            return known;
        }
        try {
            Path dotGit = root.resolve(".git");
            String text = Files.readString(dotGit).strip();
            if (!text.startsWith("gitdir: ")) {
                return null;
            }
            known = dotGit.getParent()
                    .resolve(text.substring("gitdir: ".length()))
                    .normalize();
            gitDir = known;
            return known;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public java.util.Optional<String> branchName() {
        return java.util.Optional.ofNullable(branch);
    }

    @Override
    public Optional<VersionControl> versionControl() {
        return Optional.of(vc);
    }

    /**
     * @return for a reused (pooled) worktree, its slot's path and the generation the slot's directory was created
     *         in (a slot that is replaced after a failed reset gets a new one); empty for a fresh worktree
     */
    @Override
    public Optional<String> reuseKey() {
        return slot == null ? Optional.empty() : Optional.of(reuseKey);
    }

    /** @return the run this item belongs to */
    public RunWorktree run() {
        return run;
    }

    /** @return the item's id */
    public String itemId() {
        return itemId;
    }

    /** @return the item's branch */
    public String branch() {
        return branch;
    }

    /** @return the top directory of the item's worktree */
    public Path root() {
        return root;
    }

    /** @return the run's commit the item started from */
    public String base() {
        return base;
    }

    /**
     * @return whether the worktree's HEAD is still on the item's branch, read from the worktree's git files (the
     *         agent may have switched branches or detached HEAD, and then its commits are not on the branch)
     */
    boolean onItsBranch() {
        Path dir = gitDir();
        if (dir == null) {
            return false;
        }
        try {
            return Files.readString(dir.resolve("HEAD")).strip().equals("ref: refs/heads/" + branch);
        } catch (IOException e) {
            return false;
        }
    }

    /** @param tip the commit of the item's branch that is now part of the run */
    void integrated(String tip) {
        this.integratedTip = tip;
    }

    /** @return the commit of the item's branch known to be part of the run, or null */
    String integratedTip() {
        return integratedTip;
    }

    /** @return the pool slot, or null for an on-demand worktree */
    AgentWorktrees.Slot slot() {
        return slot;
    }

    @Override
    public String toString() {
        return "item worktree " + root + " (" + branch + ")";
    }
}
