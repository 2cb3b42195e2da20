package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a workflow file asks to be isolated: the worktree mode, which ignored directories a reused worktree keeps warm
 * between items, and what to do when merging an item's work back conflicts (the YAML {@code worktree:} block).
 * Isolation strategies that have these notions (git worktrees) apply them; others ignore them. Unset fields (null)
 * leave the choice to the strategy's own configuration.
 *
 * @param mode the worktree mode, or null
 * @param poolSize the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
 * @param name the long-lived worktree's name for {@link Mode#DEDICATED}, or null
 * @param onConflict what to do on a merge conflict, or null
 * @param conflictCommand the agent command of {@link OnConflict#AGENT}, or null for the Rust tool's
 *                        {@code /prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}}
 * @param conflictTimeout the time limit of the conflict agent, or null for none
 * @param warmDirectories the names of the ignored directories a reused worktree keeps between items (replacing the
 *                        strategy's default list; empty keeps none), or null for the strategy's default
 * @param coldDirectories directory names taken out of the warm list, or paths (with a {@code /}, relative to the
 *                        repository's top) of ignored directories cleaned between items although their name is
 *                        warm; null or empty for none
 * @since 0.1
 */
public record IsolationHints(
        @Nullable Mode mode,
        @Nullable Integer poolSize,
        @Nullable String name,
        @Nullable OnConflict onConflict,
        @Nullable String conflictCommand,
        @Nullable Duration conflictTimeout,
        @Nullable List<String> warmDirectories,
        @Nullable List<String> coldDirectories) {
    /** Nothing asked. */
    public static final IsolationHints NONE = new IsolationHints(null, null, null, null, null, null, null, null);

    /** The Rust tool's conflict agent command. */
    public static final String DEFAULT_CONFLICT_COMMAND =
            "/prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}";

    /**
     * Validates.
     *
     * @param mode the worktree mode, or null
     * @param poolSize the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
     * @param name the long-lived worktree's name for {@link Mode#DEDICATED}, or null
     * @param onConflict what to do on a merge conflict, or null
     * @param conflictCommand the agent command of {@link OnConflict#AGENT}, or null for the Rust tool's
     *        {@code /prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}}
     * @param conflictTimeout the time limit of the conflict agent, or null for none
     * @param warmDirectories the names of the ignored directories a reused worktree keeps between items, or null
     * @param coldDirectories directory names or paths cleaned between items although warm, or null
     * @throws WorkflowDefinitionException if a directory is not a plain name (warm) or relative path (cold), as
     *     {@link #checkWarmDirectory(String)} and {@link #checkColdDirectory(String)} say
     */
    public IsolationHints {
        if (poolSize != null) {
            Checks.positive(poolSize, "pool_size");
        }
        name = Checks.blankToNull(name);
        conflictCommand = Checks.blankToNull(conflictCommand);
        if (mode == Mode.DEDICATED && name == null) {
            throw new WorkflowDefinitionException(
                    "worktree mode 'dedicated' needs a 'name' for the long-lived " + "worktree");
        }
        warmDirectories = directories(warmDirectories, "warm_directories", true);
        coldDirectories = directories(coldDirectories, "cold_directories", false);
    }

    /**
     * The hints of the six fields every workflow file had before the warm directories: the strategy's own warm
     * directories.
     *
     * @param mode the worktree mode, or null
     * @param poolSize the most agent worktrees of {@link Mode#POOLED}, or null
     * @param name the long-lived worktree's name for {@link Mode#DEDICATED}, or null
     * @param onConflict what to do on a merge conflict, or null
     * @param conflictCommand the agent command of {@link OnConflict#AGENT}, or null
     * @param conflictTimeout the time limit of the conflict agent, or null for none
     */
    public IsolationHints(
            @Nullable Mode mode,
            @Nullable Integer poolSize,
            @Nullable String name,
            @Nullable OnConflict onConflict,
            @Nullable String conflictCommand,
            @Nullable Duration conflictTimeout) {
        this(mode, poolSize, name, onConflict, conflictCommand, conflictTimeout, null, null);
    }

    private static @Nullable List<String> directories(@Nullable List<String> given, String field, boolean warm) {
        if (given == null) {
            return null;
        }
        List<String> out = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            String d = Checks.notNull(given.get(i), field + "[" + i + "]");
            String checked = warm ? checkWarmDirectory(d) : checkColdDirectory(d);
            if (!out.contains(checked)) {
                out.add(checked);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @param name a warm directory's name, such as {@code target} or {@code node_modules/}
     * @return the name without its trailing {@code /}
     * @throws WorkflowDefinitionException if it is blank, {@code .}, {@code ..}, {@code .git}, or holds a
     *     {@code /} before its end, a wildcard ({@code * ? [ ]}), {@code !}, a backslash or a line break
     */
    public static String checkWarmDirectory(String name) {
        String n = trimSlash(Checks.notNull(name, "name"));
        if (n.contains("/") || !plainSegment(n)) {
            throw new WorkflowDefinitionException("warm directory '" + name + "' is not a plain directory name (such "
                    + "as target or node_modules): it is kept warm at any depth, so it has no '/' and no wildcard");
        }
        return n;
    }

    /**
     * @param path a directory name (any depth) or a path relative to the repository's top, such as {@code build} or
     *             {@code tools/build/}
     * @return the path without its trailing {@code /}
     * @throws WorkflowDefinitionException if it is blank, absolute, or one of its segments is blank, {@code .},
     *     {@code ..}, {@code .git}, or holds a wildcard, {@code !}, a backslash or a line break
     */
    public static String checkColdDirectory(String path) {
        String p = trimSlash(Checks.notNull(path, "path"));
        boolean ok = !p.startsWith("/") && !p.isEmpty();
        for (String segment : p.split("/", -1)) {
            ok &= plainSegment(segment);
        }
        if (!ok) {
            throw new WorkflowDefinitionException("cold directory '" + path + "' is neither a plain directory name "
                    + "(such as build) nor a relative path of one (such as tools/build), without wildcards");
        }
        return p;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean plainSegment(String s) {
        return !s.isBlank()
                && !s.equals(".")
                && !s.equals("..")
                && !s.equals(".git")
                && s.strip().equals(s)
                && s.chars().noneMatch(c -> "*?[]!\\\n\r".indexOf(c) >= 0);
    }

    /**
     * How work items get their worktrees.
     *
     * @since 0.1
     */
    public enum Mode {
        /** A fresh worktree per item. */
        ON_DEMAND,
        /** A pool of reusable agent worktrees, build caches kept warm. */
        POOLED,
        /** One reusable worktree per agent slot, build caches kept warm (the git worktree isolation's default). */
        REUSE,
        /** The run works in a long-lived, named worktree that later runs pick up again. */
        DEDICATED
    }

    /**
     * What to do when merging an item's work into the run conflicts.
     *
     * @since 0.1
     */
    public enum OnConflict {
        /** Abort the merge; the item fails with its conflicting paths and goes to the Dead Letter Queue. */
        DLQ,
        /** An agent resolves the conflict in place (the Rust tool's behaviour). */
        AGENT,
        /** The workflow's {@code merge:} steps resolve it. */
        MERGE_STEPS
    }

    /** @return whether nothing is asked */
    public boolean isEmpty() {
        return this.equals(NONE);
    }

    /**
     * @param name the long-lived worktree's name
     * @return hints asking for the {@link Mode#DEDICATED} worktree of that name
     */
    public static IsolationHints dedicated(String name) {
        return new IsolationHints(Mode.DEDICATED, null, Checks.notNull(name, "name"), null, null, null);
    }

    /**
     * @param worktreeMode the worktree mode, or null to leave it to the strategy ({@link Mode#DEDICATED} needs a
     *                     name: see {@link #dedicated(String)})
     * @return a copy with that mode
     */
    public IsolationHints withMode(@Nullable Mode worktreeMode) {
        return new IsolationHints(
                worktreeMode,
                poolSize,
                name,
                onConflict,
                conflictCommand,
                conflictTimeout,
                warmDirectories,
                coldDirectories);
    }

    /**
     * @param size the most agent worktrees of {@link Mode#POOLED}, or null for the map phase's max_parallel
     * @return a copy with that size
     */
    public IsolationHints withPoolSize(@Nullable Integer size) {
        return new IsolationHints(
                mode, size, name, onConflict, conflictCommand, conflictTimeout, warmDirectories, coldDirectories);
    }

    /**
     * @param worktreeName the long-lived worktree's name, or null
     * @return a copy with that name
     */
    public IsolationHints withName(@Nullable String worktreeName) {
        return new IsolationHints(
                mode,
                poolSize,
                worktreeName,
                onConflict,
                conflictCommand,
                conflictTimeout,
                warmDirectories,
                coldDirectories);
    }

    /**
     * @param action what to do on a merge conflict, or null to leave it to the strategy
     * @return a copy with that action
     */
    public IsolationHints withOnConflict(@Nullable OnConflict action) {
        return new IsolationHints(
                mode, poolSize, name, action, conflictCommand, conflictTimeout, warmDirectories, coldDirectories);
    }

    /**
     * @param command the agent command of {@link OnConflict#AGENT}, or null for {@link #DEFAULT_CONFLICT_COMMAND}
     * @return a copy with that command
     */
    public IsolationHints withConflictCommand(@Nullable String command) {
        return new IsolationHints(
                mode, poolSize, name, onConflict, command, conflictTimeout, warmDirectories, coldDirectories);
    }

    /**
     * @param limit the time limit of the conflict agent, or null for none
     * @return a copy with that limit
     */
    public IsolationHints withConflictTimeout(@Nullable Duration limit) {
        return new IsolationHints(
                mode, poolSize, name, onConflict, conflictCommand, limit, warmDirectories, coldDirectories);
    }

    /**
     * @param names the names of the ignored directories a reused worktree keeps warm between items (replacing the
     *              strategy's default list; empty keeps none), or null for the strategy's default
     * @return a copy with those names
     * @throws WorkflowDefinitionException if a name is not a plain directory name ({@link #checkWarmDirectory})
     */
    public IsolationHints withWarmDirectories(@Nullable List<String> names) {
        return new IsolationHints(
                mode, poolSize, name, onConflict, conflictCommand, conflictTimeout, names, coldDirectories);
    }

    /**
     * @param paths directory names taken out of the warm list, or relative paths of ignored directories cleaned
     *              between items although their name is warm; null for none
     * @return a copy with those opt-outs
     * @throws WorkflowDefinitionException if one is not a name or relative path ({@link #checkColdDirectory})
     */
    public IsolationHints withColdDirectories(@Nullable List<String> paths) {
        return new IsolationHints(
                mode, poolSize, name, onConflict, conflictCommand, conflictTimeout, warmDirectories, paths);
    }
}
