package io.prodigy.claude.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code CLI ({@code @anthropic-ai/claude-code} from npm), for tests that run it offline against a
 * {@link MockMessagesApi}. {@code .ci/run} installs the pinned {@link #VERSION} with
 * {@code npm install --prefix <cache>/claude-code/<version> @anthropic-ai/claude-code@<version>} and passes the
 * executable in {@value #PATH_VARIABLE}; without it the default cache,
 * {@code $HOME/.cache/prodigy/claude-code/<version>/node_modules/.bin/claude}, is used.
 *
 * <p>{@link #require()} skips the calling test loudly (a JUnit assumption whose message says what is missing and how
 * to install it, also printed to stderr) when the CLI is not there: such tests never pass silently.
 */
public final class RealClaudeCli {
    /** The CLI version the tests and the recorded fixtures are pinned to. */
    public static final String VERSION = "2.1.332";
    /** The system property or environment variable naming the {@code claude} executable to test. */
    public static final String PATH_VARIABLE = "PRODIGY_CLAUDE_CLI";

    private final Path executable;
    private final String version;

    private RealClaudeCli(Path executable, String version) {
        this.executable = executable;
        this.version = version;
    }

    /**
     * Finds the installed CLI, or skips the calling test with a message that says why.
     *
     * @return the CLI
     */
    public static RealClaudeCli require() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(PATH_VARIABLE, System.getenv(PATH_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(defaultExecutable());
        String problem = null;
        for (Path candidate : candidates) {
            if (!Files.isExecutable(candidate)) {
                problem = "no executable at " + candidate;
                continue;
            }
            String v = version(candidate);
            if (v == null) {
                problem = candidate + " --version failed";
                continue;
            }
            if (!v.equals(VERSION)) {
                System.err.println("WARNING: testing Claude Code " + v + " at " + candidate + "; the tests and "
                        + "fixtures are pinned to " + VERSION);
            }
            return new RealClaudeCli(candidate, v);
        }
        String message = "SKIPPED: the real Claude Code CLI is not installed (" + problem + "). node/npm: "
                + (onPath("npm") ? "npm is on the PATH" : "npm is NOT on the PATH") + ". Install it with `npm install "
                + "--prefix " + defaultExecutable().getParent().getParent().getParent() + " @anthropic-ai/claude-code@"
                + VERSION + "` (.ci/run does) or set " + PATH_VARIABLE + " to a claude executable.";
        System.err.println(message);
        assumeTrue(false, message);
        throw new IllegalStateException("unreachable");
    }

    /** @return where {@code .ci/run} installs the pinned CLI by default */
    public static Path defaultExecutable() {
        return Path.of(
                System.getProperty("user.home"),
                ".cache",
                "prodigy",
                "claude-code",
                VERSION,
                "node_modules",
                ".bin",
                "claude");
    }

    /** @return the executable */
    public Path executable() {
        return executable;
    }

    /** @return the version it reports, e.g. {@code 2.1.332} */
    public String version() {
        return version;
    }

    /**
     * The environment that runs the CLI offline against a mock API: the base URL, a dummy key, no telemetry, updater,
     * error reporting or other traffic, a scratch HOME, and {@code IS_SANDBOX=1} (bypass permissions is refused as
     * root without it). A scratch git identity lets the agent's Bash tool commit.
     *
     * @param baseUrl the mock API's URL
     * @param home a scratch directory for HOME
     * @return the variables
     */
    public static Map<String, String> offlineEnvironment(String baseUrl, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ANTHROPIC_BASE_URL", baseUrl);
        env.put("ANTHROPIC_API_KEY", "test");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("HOME", home.toString());
        env.put("IS_SANDBOX", "1");
        env.put("GIT_AUTHOR_NAME", "Agent");
        env.put("GIT_AUTHOR_EMAIL", "agent@prodigy.invalid");
        env.put("GIT_COMMITTER_NAME", "Agent");
        env.put("GIT_COMMITTER_EMAIL", "agent@prodigy.invalid");
        return env;
    }

    private static String version(Path executable) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "--version")
                    .redirectErrorStream(true)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            int space = out.indexOf(' ');
            return space < 0 ? out : out.substring(0, space);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
