package io.prodigy.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The harness's git scenarios: {@code repo-120} (a map over 120 source files of a repository shaped like the
 * upstream Rust tool against a sequential bash loop in a plain clone), {@code merge-queue} (items of one small
 * commit against a plain {@code git merge --no-ff} loop) and {@code large-repo} (per-item isolation cost on a
 * 50,000-file repository against a bare {@code git worktree add}).
 *
 * <p>Git processes are counted in an untimed run with a {@code git} wrapper first on {@code PATH} that logs each
 * invocation and its wall time; the timed runs use git directly.
 */
final class GitBench {
    private static final String[] MODULES = {
        "cook",
        "config",
        "subprocess",
        "worktree",
        "storage",
        "cli",
        "session",
        "analytics",
        "context",
        "git",
        "init",
        "mapreduce",
        "metrics",
        "scoring",
        "simple_state",
        "testing",
        "unified_session",
        "abstractions",
        "commands",
        "core"
    };
    private static final String[] SUBMODULES = {
        "execution", "workflow", "orchestrator", "interaction", "coordinators", "environment", "retry", "goal_seek"
    };

    private final Harness h;
    private final Path realGit;

    GitBench(Harness h) {
        this.h = h;
        Path git = Path.of("/usr/bin/git");
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "git");
            if (Files.isExecutable(candidate)) {
                git = candidate;
                break;
            }
        }
        this.realGit = git;
    }

    // ---------------------------------------------------------------- repo-120

    void repoMap() {
        int parallel = 4;
        Path origin = temp("shaped-origin");
        List<String> files = generate(origin, h.size.shapedFiles());
        commitAll(origin);
        List<String> items = files.stream()
                .filter(f -> f.startsWith("src/") && f.endsWith(".rs"))
                .sorted()
                .limit(h.size.mapItems())
                .toList();
        Path list = h.temp.resolve("repo-120-items.txt");
        Harness.write(list, String.join("\n", items) + "\n");
        Path loop = h.temp.resolve("repo-120-loop.sh");
        Harness.write(
                loop,
                "#!/usr/bin/env bash\nset -euo pipefail\ncd \"$1\"\nwhile read -r f; do\n  "
                        + String.format(GitScenarios.EDIT, "\"$f\"") + "\ndone < \"$2\"\n");
        java.util.function.BiFunction<String, Map<String, String>, Harness.Timed> side = (mode, env) -> {
            Path repo = cloneOf(origin, "repo-120-ours");
            Harness.Timed t = timed(
                    env,
                    List.of(
                            h.javaBin,
                            "-cp",
                            h.classPath,
                            Driver.class.getName(),
                            "repo-map",
                            h.dir("home").toString(),
                            repo.toString(),
                            list.toString(),
                            "" + parallel,
                            mode));
            verifyChanged(repo, items.size());
            Harness.deleteTree(repo);
            return t;
        };
        Function<Map<String, String>, Harness.Timed> ours = env -> side.apply("default", env);
        Function<Map<String, String>, Harness.Timed> fresh = env -> side.apply("fresh", env);
        Function<Map<String, String>, Harness.Timed> baseline = env -> {
            Path repo = cloneOf(origin, "repo-120-loop");
            Harness.Timed t = timed(env, List.of("bash", loop.toString(), repo.toString(), list.toString()));
            verifyChanged(repo, items.size());
            Harness.deleteTree(repo);
            return t;
        };
        // the untimed warm-up counts the git processes of each side
        GitCount oursGit = counted(ours);
        GitCount freshGit = counted(fresh);
        GitCount baseGit = counted(baseline);
        Harness.progress(
                "repo-120",
                -1,
                "git processes per item: ours %.1f (%.0f ms of git wall time per item),"
                        + " ours with fresh worktrees %.1f (%.0f ms), loop %.1f",
                oursGit.perItem(items.size()),
                oursGit.millis() / items.size(),
                freshGit.perItem(items.size()),
                freshGit.millis() / items.size(),
                baseGit.perItem(items.size()));
        List<Double> o = new ArrayList<>();
        List<Double> oWhole = new ArrayList<>();
        List<Double> oCpu = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> bCpu = new ArrayList<>();
        List<Double> f = new ArrayList<>();
        for (int i = 0; i < h.size.gitPairs(); i++) {
            Harness.Timed to = ours.apply(Map.of());
            Harness.Timed tb = baseline.apply(Map.of());
            if (i == 0 || h.size.mode().equals("full")) { // fresh worktrees are slow: once outside full mode
                f.add(seconds(fresh.apply(Map.of())));
            }
            o.add(seconds(to));
            oWhole.add(to.wall());
            oCpu.add(to.cpu());
            b.add(tb.wall());
            bCpu.add(tb.cpu());
            Harness.progress(
                    "repo-120",
                    i,
                    "ours %.2f s (whole JVM %.2f s, cpu %.2f s), sequential loop %.2f s"
                            + " (cpu %.2f s), ours with fresh worktrees %.2f s",
                    o.get(i),
                    to.wall(),
                    to.cpu(),
                    tb.wall(),
                    tb.cpu(),
                    f.get(f.size() - 1));
        }
        ObjectNode r = h.record("repo-120", o, b, 1.0);
        r.put("ours_whole_process_s", Harness.round(Stats.median(oWhole)));
        r.put("ratio_whole_process", Harness.round(Harness.medianRatio(oWhole, b)));
        r.put("ours_cpu_s", Harness.round(Stats.median(oCpu)));
        r.put("baseline_cpu_s", Harness.round(Stats.median(bCpu)));
        r.put("items", items.size());
        r.put("repository_files", files.size());
        r.set("git_processes_per_item", oursGit.json(h, items.size()));
        r.put("ours_fresh_s", Harness.round(Stats.median(f)));
        r.put("ratio_fresh", Harness.round(Harness.medianRatio(f, b.subList(0, f.size()))));
        r.set("fresh_git_processes_per_item", freshGit.json(h, items.size()));
        r.put("baseline_git_processes_per_item", Harness.round(baseGit.perItem(items.size())));
        r.put(
                "note",
                items.size() + " source files of a generated " + files.size() + "-file repository shaped like"
                        + " the upstream Rust tool (nested src/ modules, tests, docs); one shell agent per file: "
                        + String.format(GitScenarios.EDIT, "FILE") + "; max_parallel " + parallel
                        + ", WorktreeIsolation"
                        + " defaults, merged back into main; ours_s = Prodigy.run, ours_whole_process_s = its JVM;"
                        + " baseline = the same commands in a sequential bash loop in a plain clone (not timed: the clone);"
                        + " ours_fresh_s = ours with WorktreeMode.onDemand() (every pair in full mode, the first otherwise)");
    }

    // ---------------------------------------------------------------- merge-queue

    void mergeQueue() {
        int items = h.size.queueItems();
        int parallel = 4;
        Path origin = temp("queue-origin");
        generate(origin, 200);
        commitAll(origin);
        Path loop = h.temp.resolve("merge-queue-loop.sh");
        Harness.write(
                loop,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "# the plain alternative: a branch and a commit per item, each merged --no-ff, one after the other",
                        "set -euo pipefail",
                        "cd \"$1\"",
                        "for i in $(seq 0 $(($2 - 1))); do",
                        "  git checkout -q -b q-$i main",
                        "  echo $i > q-$i.txt && git add q-$i.txt && git commit -q -m q-$i",
                        "  git checkout -q run",
                        "  git merge -q --no-ff -m \"Merge q-$i\" q-$i",
                        "done",
                        ""));
        Function<Map<String, String>, Harness.Timed> ours = env -> {
            Path repo = cloneOf(origin, "queue-ours");
            Harness.Timed t = timed(
                    env,
                    List.of(
                            h.javaBin,
                            "-cp",
                            h.classPath,
                            Driver.class.getName(),
                            "merge-queue",
                            h.dir("home").toString(),
                            repo.toString(),
                            "" + items,
                            "" + parallel,
                            "default"));
            verifyCount(repo, "main", items);
            Harness.deleteTree(repo);
            return t;
        };
        Function<Map<String, String>, Harness.Timed> baseline = env -> {
            Path repo = cloneOf(origin, "queue-loop");
            h.sh(repo, "git branch run main");
            Harness.Timed t = timed(env, List.of("bash", loop.toString(), repo.toString(), "" + items));
            verifyCount(repo, "run", items);
            Harness.deleteTree(repo);
            return t;
        };
        GitCount oursGit = h.size.warmUp() ? counted(ours) : null;
        List<Double> o = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < h.size.gitPairs(); i++) {
            Harness.Timed to = ours.apply(Map.of());
            Harness.Timed tb = baseline.apply(Map.of());
            o.add(seconds(to));
            b.add(tb.wall());
            Harness.progress(
                    "merge-queue",
                    i,
                    "ours %.2f s = %.1f merges/s, merge loop %.2f s = %.1f merges/s",
                    o.get(i),
                    items / o.get(i),
                    tb.wall(),
                    items / tb.wall());
        }
        ObjectNode r = h.record("merge-queue", o, b, 1.2);
        r.put("items", items);
        r.put("ours_merges_per_s", Harness.round(items / Stats.median(o)));
        r.put("baseline_merges_per_s", Harness.round(items / Stats.median(b)));
        if (oursGit != null) {
            r.set("git_processes_per_item", oursGit.json(h, items));
        }
        r.put(
                "note",
                items + " items on a 200-file repository, each writes and commits one small file; max_parallel "
                        + parallel
                        + ", WorktreeIsolation defaults (worktree per item, merge --no-ff into the run, the run"
                        + " merged into main); ours_s = Prodigy.run; baseline = a sequential bash loop: git checkout -b,"
                        + " commit, git checkout run, git merge --no-ff");
    }

    // ---------------------------------------------------------------- large-repo

    void largeRepo() {
        int items = h.size.largeItems();
        Path repo = temp("large");
        int files = generate(repo, h.size.largeFiles()).size();
        commitAll(repo);
        Path bare = h.temp.resolve("bare-worktree.sh");
        Harness.write(
                bare,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "set -euo pipefail",
                        "cd \"$1\"",
                        "for i in $(seq 1 \"$2\"); do",
                        "  s=$(date +%s%N)",
                        "  git worktree add -q -b bare-$i \"$3/bare-$i\" HEAD",
                        "  git worktree remove --force \"$3/bare-$i\"",
                        "  git branch -q -D bare-$i",
                        "  e=$(date +%s%N)",
                        "  echo $(( (e - s) / 1000 ))",
                        "done",
                        ""));
        String out = h.sh(repo, "bash " + bare + " " + repo + " " + items + " " + h.dir("bare-wts"));
        List<Double> bareTimes =
                out.lines().map(l -> Long.parseLong(l.strip()) / 1e6).toList();
        Harness.progress("large-repo", -1, "bare git worktree add + remove: %s s", bareTimes);
        List<Double> fresh = costs(repo, "fresh", items);
        Harness.progress("large-repo", -1, "ours fresh: %s s", fresh);
        List<Double> pooled = costs(repo, "pooled", items + 1);
        Harness.progress("large-repo", -1, "ours pooled (the first creates the slot): %s s", pooled);
        List<Double> warm = pooled.subList(1, pooled.size());
        double bareMedian = Stats.median(bareTimes);
        double warmMedian = Stats.median(warm);
        ObjectNode r = h.newResult();
        r.put("name", "large-repo");
        r.put("ours_s", Harness.round(warmMedian));
        r.put("baseline_s", Harness.round(bareMedian));
        r.put("ratio", Harness.round(warmMedian / bareMedian));
        r.put("target", "warm-pooled per item <= 0.1 x a bare git worktree add");
        r.put("met", warmMedian / bareMedian <= 0.1);
        r.put("pairs", items);
        r.put("repository_files", files);
        r.put("fresh_per_item_s", Harness.round(Stats.median(fresh)));
        r.put("pooled_first_item_s", Harness.round(pooled.get(0)));
        r.put(
                "pooled_per_item_s",
                Harness.round(pooled.stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElse(Double.NaN)));
        r.put("warm_pooled_per_item_s", Harness.round(warmMedian));
        r.put("bare_worktree_add_s", Harness.round(bareMedian));
        r.put("ratio_fresh", Harness.round(Stats.median(fresh) / bareMedian));
        r.put(
                "note",
                "per-item isolation cost (acquire + release through the IsolationStrategy SPI, no agent; each"
                        + " item changes a tracked file, adds an untracked one and writes into the ignored target/) on a "
                        + files + "-file repository; fresh = WorktreeMode.onDemand(); pooled = pooled(1) over "
                        + (items + 1)
                        + " items, the first creating the slot; warm-pooled (ours_s) = the median of the items after the"
                        + " first; baseline = bash: git worktree add -b + git worktree remove --force + git branch -D");
    }

    private List<Double> costs(Path repo, String mode, int items) {
        JsonNode out =
                h.child(List.of(), "isolation-cost", h.dir("home").toString(), repo.toString(), mode, "" + items);
        List<Double> times = new ArrayList<>();
        out.get("seconds").forEach(n -> times.add(Harness.round(n.asDouble())));
        return times;
    }

    // ---------------------------------------------------------------- repositories

    /**
     * Writes a repository shaped like the upstream Rust tool: {@code Cargo.toml}, nested {@code src/} modules
     * (about 70 % of the files, Rust sources of 1 to 6 KiB with a few {@code TODO}s), {@code tests/},
     * {@code docs/}, {@code examples/}, and a {@code .gitignore} ignoring {@code target/}.
     *
     * @return the files written, relative to the repository
     */
    private static List<String> generate(Path repo, int count) {
        List<String> files = new ArrayList<>();
        try {
            Files.createDirectories(repo);
            Files.writeString(repo.resolve(".gitignore"), "/target/\ntarget/\nnode_modules/\n.venv/\n");
            Files.writeString(repo.resolve("Cargo.toml"), "[package]\nname = \"shaped\"\nversion = \"0.1.0\"\n");
            files.add(".gitignore");
            files.add("Cargo.toml");
            for (int i = 0; files.size() < count; i++) {
                String path = pathOf(i);
                Path file = repo.resolve(path);
                Files.createDirectories(file.getParent());
                Files.writeString(file, contentOf(i, path));
                files.add(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String pathOf(int i) {
        int kind = i % 10;
        if (kind < 7) {
            int n = i / 10 * 7 + kind;
            String module = MODULES[n % MODULES.length];
            int rest = n / MODULES.length;
            String sub = SUBMODULES[rest % SUBMODULES.length];
            int deeper = rest / SUBMODULES.length;
            String dir = deeper % 3 == 0
                    ? "src/" + module + "/" + sub
                    : "src/" + module + "/" + sub + "/part" + (deeper % 5);
            if (deeper > 50) {
                dir += "/group" + (deeper / 50);
            }
            return dir + "/m" + deeper + ".rs";
        }
        int n = i / 10;
        return switch (kind) {
            case 7 -> "tests/" + MODULES[n % MODULES.length] + "/t" + (n / MODULES.length) / 40 + "/test_" + n + ".rs";
            case 8 -> "docs/" + SUBMODULES[n % SUBMODULES.length] + "/d" + (n / 200) + "/page_" + n + ".md";
            default -> "examples/e" + (n / 100) + "/example_" + n + ".yml";
        };
    }

    private static String contentOf(int i, String path) {
        StringBuilder b = new StringBuilder(4096);
        b.append("// ").append(path).append('\n');
        int functions = 2 + i % 9;
        for (int f = 0; f < functions; f++) {
            b.append("/// Does step ").append(f).append(" of item ").append(i).append(".\n");
            b.append("pub fn step_").append(f).append("(input: &str) -> Result<String, Error> {\n");
            if (f % 3 == 0) {
                b.append("    // TODO: handle the empty input\n");
            }
            b.append("    let value = input.trim().to_string();\n    Ok(format!(\"{}-")
                    .append(f)
                    .append("\", value))\n}\n\n");
        }
        return b.toString();
    }

    private void commitAll(Path repo) {
        h.sh(
                repo,
                "git init -q -b main && git config user.email bench@example.com && git config user.name bench"
                        + " && git add -A && git commit -q -m base && git tag base");
    }

    private Path cloneOf(Path origin, String prefix) {
        Path repo = h.temp.resolve(prefix + "-" + System.nanoTime());
        h.sh(
                h.temp,
                "git clone -q " + origin + " " + repo + " && cd " + repo
                        + " && git config user.email bench@example.com && git config user.name bench");
        return repo;
    }

    private void verifyChanged(Path repo, int items) {
        String n = h.sh(repo, "git diff --name-only base HEAD | wc -l").strip();
        if (Integer.parseInt(n) != items) {
            throw new IllegalStateException("expected " + items + " changed files in " + repo + ", found " + n);
        }
    }

    private void verifyCount(Path repo, String branch, int items) {
        String n = h.sh(repo, "git ls-tree --name-only " + branch + " | grep -c '^q-'")
                .strip();
        if (Integer.parseInt(n) != items) {
            throw new IllegalStateException(
                    "expected " + items + " merged files on " + branch + " in " + repo + ", found " + n);
        }
    }

    private Path temp(String prefix) {
        return h.temp.resolve(prefix + "-" + System.nanoTime());
    }

    // ---------------------------------------------------------------- timing and git counting

    private static double seconds(Harness.Timed t) {
        String[] lines = t.output().strip().split("\n");
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(lines[lines.length - 1])
                    .get("seconds")
                    .asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Harness.Timed timed(Map<String, String> env, List<String> command) {
        if (env.isEmpty()) {
            return h.timeProcess(command);
        }
        List<String> withEnv = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> withEnv.add(k + "=" + v));
        withEnv.addAll(command);
        return h.timeProcess(withEnv);
    }

    /** Git invocations of one run, by subcommand: how many and their summed wall time. */
    record GitCount(Map<String, long[]> bySubcommand) {
        double perItem(int items) {
            return bySubcommand.values().stream().mapToLong(v -> v[0]).sum() / (double) items;
        }

        double millis() {
            return bySubcommand.values().stream().mapToLong(v -> v[1]).sum() / 1e6;
        }

        ObjectNode json(Harness h, int items) {
            ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            o.put("total", Harness.round(perItem(items)));
            o.put("git_wall_ms_per_item", Harness.round(millis() / items));
            ObjectNode by = o.putObject("by_subcommand");
            bySubcommand.forEach((k, v) -> by.put(k, Harness.round(v[0] / (double) items)));
            ObjectNode ms = o.putObject("wall_ms_per_item_by_subcommand");
            bySubcommand.forEach((k, v) -> ms.put(k, Harness.round(v[1] / 1e6 / items)));
            return o;
        }
    }

    /** Runs once with a counting git wrapper first on PATH and returns what it counted. */
    private GitCount counted(Function<Map<String, String>, Harness.Timed> side) {
        Path bin = h.temp.resolve("git-counter");
        Path log = h.temp.resolve("git-log-" + System.nanoTime() + ".txt");
        try {
            Files.createDirectories(bin);
            Path wrapper = bin.resolve("git");
            Files.writeString(
                    wrapper,
                    "#!/bin/sh\ns=$(date +%s%N)\n\"" + realGit + "\" \"$@\"\nrc=$?\n"
                            + "e=$(date +%s%N)\nprintf '%s %s\\n' \"$((e - s))\" \"$*\" >> \"$PRODIGY_BENCH_GIT_LOG\"\n"
                            + "exit $rc\n");
            wrapper.toFile().setExecutable(true);
            Files.writeString(log, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        side.apply(Map.of("PATH", bin + ":" + System.getenv("PATH"), "PRODIGY_BENCH_GIT_LOG", log.toString()));
        Map<String, long[]> by = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space < 1 || !line.substring(0, space).chars().allMatch(Character::isDigit)) {
                    continue; // the rest of a multi-line argument (a commit message)
                }
                long ns = Long.parseLong(line.substring(0, space));
                long[] v =
                        by.computeIfAbsent(subcommand(line.substring(space + 1).split(" ")), k -> new long[2]);
                v[0]++;
                v[1] += ns;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GitCount(by);
    }

    /** The subcommand of a git command line ({@code -C dir}, {@code -c k=v} and options skipped). */
    static String subcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-C") || a.equals("-c")) {
                i++;
            } else if (!a.startsWith("-")) {
                if ((a.equals("worktree") || a.equals("merge-base") || a.equals("rev-parse") || a.equals("branch"))
                        && i + 1 < args.length) {
                    return a + " " + args[i + 1];
                }
                return a;
            }
        }
        return "?";
    }
}
