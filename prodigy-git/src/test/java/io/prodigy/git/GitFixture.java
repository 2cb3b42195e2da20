package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.core.Prodigy;
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

/**
 * Test fixture: git with a private HOME and global config (user name and email set, system config off), scratch
 * repositories, and a Prodigy home, all under one temporary directory. Nothing reads or writes the real home.
 */
final class GitFixture {
    final Path base;
    final Path home;
    final Path prodigyHome;
    final Map<String, String> env;

    GitFixture(Path base) {
        this.base = base;
        this.home = base.resolve("home");
        this.prodigyHome = base.resolve("prodigy-home");
        Path config = home.resolve("gitconfig");
        try {
            Files.createDirectories(home);
            Files.writeString(
                    config,
                    "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                            + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[core]\n\tautocrlf = false\n"
                            + "[advice]\n\tdetachedHead = false\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", home.toString());
        e.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        e.put("GIT_CONFIG_GLOBAL", config.toString());
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        this.env = Map.copyOf(e);
    }

    /** @return an isolation builder on this fixture's home and git environment */
    WorktreeIsolation.Builder isolation() {
        WorktreeIsolation.Builder b = WorktreeIsolation.builder().prodigyHome(prodigyHome);
        env.forEach(b::gitEnvironment);
        return b;
    }

    /** @return an engine builder working on {@code project}, with its state in this fixture */
    Prodigy.Builder engine(Path project) {
        return Prodigy.builder().workingDirectory(project).home(prodigyHome.resolve("engine"));
    }

    /** @return a MapReduce workflow builder whose processes see this fixture's git environment */
    Workflow.MapReduceBuilder mapReduce(String name) {
        Workflow.MapReduceBuilder b = Workflow.mapReduce(name);
        env.forEach(b::env);
        return b;
    }

    /** @return a one-stage MapReduce workflow over the given items */
    Workflow mapOver(String name, MapPhase.Builder map) {
        return mapReduce(name).map(map).build();
    }

    /** @return a run context on {@code project} */
    RunContext context(String runId, Path project) {
        return new RunContext(
                runId, "test-workflow", project, prodigyHome.resolve("runs").resolve(runId), MergeSteps.NONE, null);
    }

    /** Creates a repository on branch main with the files committed. */
    Path repo(String name, Map<String, String> files) {
        Path dir = base.resolve(name);
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "initial");
        return dir;
    }

    /** Writes a file and commits it. */
    void commit(Path dir, String file, String content, String message) {
        write(dir, file, content);
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", message);
    }

    static void write(Path dir, String file, String content) {
        try {
            Path p = dir.resolve(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs git and returns its output without the final newline; fails the test on a non-zero exit. */
    String git(Path dir, String... args) {
        Result r = tryGit(dir, args);
        assertThat(r.exit)
                .as("git %s in %s: %s", String.join(" ", args), dir, r.err)
                .isZero();
        return r.out.endsWith("\n") ? r.out.substring(0, r.out.length() - 1) : r.out;
    }

    /** @return the output lines of a git command */
    List<String> gitLines(Path dir, String... args) {
        String out = git(dir, args);
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    record Result(int exit, String out, String err) {}

    Result tryGit(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().putAll(env);
        try {
            Path err = Files.createTempFile(base, "git", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            String errText = Files.readString(err);
            Files.delete(err);
            return new Result(exit, out, errText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Makes the record of a run look as if its process had died without closing it. */
    void simulateCrash(String repoName, String runKey) {
        Path file = prodigyHome.resolve("worktrees").resolve(repoName).resolve(runKey + ".run");
        try {
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            String text = Files.readString(file).replaceAll("(?m)^owner_pid=.*$", "owner_pid=" + gone.pid());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the branches of a repository */
    List<String> branches(Path repo) {
        return gitLines(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/");
    }

    /** @return the worktree paths of a repository, the main one first */
    List<String> worktrees(Path repo) {
        List<String> out = new ArrayList<>();
        for (String line : gitLines(repo, "worktree", "list", "--porcelain")) {
            if (line.startsWith("worktree ")) {
                out.add(line.substring("worktree ".length()));
            }
        }
        return out;
    }
}
