package io.prodigy.core;

import io.prodigy.api.IsolationException;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-directory {@link IsolationStrategy}, for workflows that need no version control.
 *
 * <ul>
 *   <li>{@link #shared()} (the default): the run and every item work in the project directory itself. Nothing
 *   is isolated and nothing needs integrating; item steps must not step on each other.</li>
 *   <li>{@link #scratchPerItem()}: the run works in the project directory, and each item gets a fresh, empty
 *   directory under the run's state directory, deleted after success and kept after failure for
 *   debugging. Nothing is integrated back: items hand results on through their output and files they write
 *   to absolute paths.</li>
 * </ul>
 * For isolation with merging, use the git worktree strategy of {@code prodigy-git}.
 */
public final class DirectoryIsolation implements IsolationStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryIsolation.class);
    private final boolean perItem;
    private final AtomicLong sequence = new AtomicLong();

    private DirectoryIsolation(boolean perItem) {
        this.perItem = perItem;
    }

    /** @return a strategy where everyone works in the project directory */
    public static DirectoryIsolation shared() {
        return new DirectoryIsolation(false);
    }

    /** @return a strategy giving each item its own empty scratch directory */
    public static DirectoryIsolation scratchPerItem() {
        return new DirectoryIsolation(true);
    }

    @Override
    public Workspace openRun(RunContext run) {
        Path dir = run.projectDirectory();
        if (!Files.isDirectory(dir)) {
            throw new IsolationException("project directory does not exist: " + dir);
        }
        return new DirWorkspace(
                dir,
                dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
                run.stateDirectory());
    }

    @Override
    public Workspace acquire(Workspace run, String itemId) {
        if (!perItem) {
            return run;
        }
        Path state = ((DirWorkspace) run).stateDirectory;
        String name = safeName(itemId) + "-" + sequence.incrementAndGet();
        Path dir = state.resolve("items").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IsolationException("could not create the item directory " + dir + ": " + e.getMessage(), e);
        }
        return new DirWorkspace(dir, name, state);
    }

    @Override
    public IntegrationResult integrate(Workspace run, Workspace item) {
        return new IntegrationResult.NothingToIntegrate();
    }

    @Override
    public void release(Workspace item, boolean keep) {
        if (!perItem || keep) {
            return;
        }
        try {
            FileTrees.delete(item.directory());
        } catch (IOException e) {
            throw new IsolationException(
                    "could not delete the item directory " + item.directory() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void closeRun(Workspace run, io.prodigy.api.RunStatus status, io.prodigy.api.spi.MergeSteps merge) {
        if (!merge.isEmpty()) {
            LOG.warn("The workflow defines merge steps, but plain-directory isolation has nothing to merge back, so "
                    + "they are not run; use the git worktree isolation of prodigy-git");
        }
    }

    private static String safeName(String id) {
        StringBuilder sb = new StringBuilder();
        for (char c : id.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' ? c : '_');
            if (sb.length() >= 60) {
                break;
            }
        }
        String s = sb.toString().toLowerCase(Locale.ROOT);
        return s.isEmpty() ? "item" : s;
    }

    private static final class DirWorkspace implements Workspace {
        private final Path directory;
        private final String name;
        private final Path stateDirectory;

        DirWorkspace(Path directory, String name, Path stateDirectory) {
            this.directory = directory;
            this.name = name;
            this.stateDirectory = stateDirectory;
        }

        @Override
        public Path directory() {
            return directory;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
