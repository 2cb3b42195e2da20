package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the command-line walkthrough of {@code docs/getting-started.md} (the {@code sh} block after the
 * {@code <!-- walkthrough} marker) line by line, as written, in a scratch directory: {@code prodigy} is the launcher
 * that {@code prodigy install --prefix} writes for the real jar, first on the PATH; no Claude Code anywhere.
 */
class GettingStartedIT {
    @TempDir
    Path tmp;

    static List<String> walkthrough() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path doc = (Files.isDirectory(here.resolve("docs")) ? here : here.getParent())
                .resolve("docs")
                .resolve("getting-started.md");
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("<!-- walkthrough")) {
            i++;
        }
        assertThat(i).as("the walkthrough marker in %s", doc).isLessThan(lines.size());
        while (!lines.get(i).startsWith("```sh")) {
            i++;
        }
        List<String> commands = new ArrayList<>();
        for (i++; !lines.get(i).startsWith("```"); i++) {
            if (!lines.get(i).isBlank()) {
                commands.add(lines.get(i));
            }
        }
        return commands;
    }

    @Test
    void theWalkthroughRunsAsWrittenInUnderTwoMinutes() throws Exception {
        JarCli cli = new JarCli(tmp); // the jar, a private PRODIGY_HOME, HOME and git configuration
        Path local = tmp.resolve("local");
        JarCli.Result install = cli.ok("install", "--prefix", local.toString());
        assertThat(install.out())
                .contains("Installed " + local.resolve("bin/prodigy"))
                .contains("is not on your PATH");
        assertThat(local.resolve("lib/prodigy/prodigy.jar")).isRegularFile();
        cli.env.put("PATH", local.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        cli.env.put("JAVA_HOME", System.getProperty("java.home"));

        List<String> commands = walkthrough();
        assertThat(commands).anyMatch(c -> c.startsWith("prodigy run "));
        Path cwd = Files.createDirectories(tmp.resolve("scratch"));
        StringBuilder transcript = new StringBuilder();
        long start = System.nanoTime();
        for (String command : commands) {
            Path cwdFile = tmp.resolve("cwd");
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "set -e\n" + command + "\npwd > '" + cwdFile + "'")
                    .directory(cwd.toFile())
                    .redirectErrorStream(true);
            pb.environment().putAll(cli.env);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(command).isTrue();
            transcript.append("$ ").append(command).append('\n').append(out);
            assertThat(p.exitValue()).as("%s\n%s", command, transcript).isZero();
            cwd = Path.of(Files.readString(cwdFile).strip());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("the walkthrough's time, s").isLessThan(120);
        String text = transcript.toString();
        assertThat(text)
                .contains("wrote   shell-quickstart.yml")
                .contains("shell-quickstart.yml: valid")
                .containsPattern("README.md\\s+SUCCEEDED")
                .containsPattern("docs/guide.md\\s+SUCCEEDED")
                .contains("2 of 2 files reviewed, 0 failed")
                .contains("item_0.log")
                .contains("Merge item");
        assertThat(cwd.getFileName().toString()).isEqualTo("hello-prodigy");
        assertThat(Files.readString(cwd.resolve("docs/guide.md"))).contains("reviewed by prodigy");
        System.out.printf("walkthrough: %d commands in %.1f s%n", commands.size(), seconds);
    }
}
