package io.prodigy.yaml;

import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.Workspace;
import io.prodigy.api.spi.WorkspaceChanges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test isolation: everyone works in the project directory, which is a git repository, so that
 * {@code commit_required} steps can be checked (prodigy-git brings the real worktree isolation). Run it with one
 * agent at a time.
 */
final class GitWorkspace implements IsolationStrategy, Workspace, VersionControl {
    private final Path dir;

    private GitWorkspace(Path dir) {
        this.dir = dir;
    }

    /** Initialises a repository with one commit in {@code dir}. */
    static GitWorkspace init(Path dir) {
        GitWorkspace g = new GitWorkspace(dir);
        g.git("init", "-q", "-b", "main");
        g.git("config", "user.email", "test@example.com");
        g.git("config", "user.name", "Test");
        g.git("add", "-A");
        g.git("commit", "-q", "--allow-empty", "-m", "initial");
        return g;
    }

    @Override
    public Workspace openRun(RunContext run) {
        return this;
    }

    @Override
    public Workspace acquire(Workspace run, String itemId) {
        return this;
    }

    @Override
    public IntegrationResult integrate(Workspace run, Workspace item) {
        return new IntegrationResult.NothingToIntegrate();
    }

    @Override
    public void release(Workspace item, boolean keep) {}

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public String name() {
        return "project";
    }

    @Override
    public Optional<VersionControl> versionControl() {
        return Optional.of(this);
    }

    @Override
    public synchronized String head() {
        return git("rev-parse", "HEAD").trim();
    }

    @Override
    public synchronized WorkspaceChanges changesSince(String baseCommit) {
        List<String> commits = lines(git("rev-list", "--reverse", baseCommit + "..HEAD"));
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String line : lines(git("diff", "--name-status", baseCommit, "HEAD"))) {
            String[] parts = line.split("\t", 2);
            (parts[0].startsWith("A") ? added : parts[0].startsWith("D") ? deleted : modified).add(parts[1]);
        }
        return new WorkspaceChanges(commits, added, modified, deleted, 0, 0);
    }

    @Override
    public synchronized boolean isDirty() {
        return !git("status", "--porcelain").isBlank();
    }

    @Override
    public synchronized String commitAll(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    /** Writes a file and commits it, as an agent that fixed something would. */
    synchronized void commitFile(String file, String content) {
        RecordingAgent.io(() -> java.nio.file.Files.writeString(dir.resolve(file), content));
        commitAll("fix " + file);
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    private String git(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
