package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive built by {@code mvn package}: unpacked, its {@code bin/prodigy} (also through a symbolic
 * link) runs the CLI, makes its class-data-sharing archive in the background on first use, and uses it afterwards.
 */
class DistributionIT {
    @TempDir
    Path tmp;

    private record Result(int code, String out) {}

    private Result run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("PRODIGY_HOME", tmp.resolve("home").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private Path unpack() throws Exception {
        Path archive = Path.of(System.getProperty("prodigy.dist"));
        assertThat(archive).exists();
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", tmp.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(d -> d.getFileName().toString().startsWith("prodigy-"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void theDistributionRunsTheCliAndMakesAndUsesItsClassDataSharingArchive() throws Exception {
        Path dist = unpack();
        assertThat(dist.resolve("lib/prodigy.jar")).isRegularFile();
        assertThat(dist.resolve("LICENSE")).content().contains("MIT License");
        assertThat(dist.resolve("docs/README.md")).exists();
        assertThat(dist.resolve("docs/getting-started.md")).exists();
        assertThat(dist.resolve("completion/prodigy.bash"))
                .content()
                .contains("complete")
                .contains("validate");
        Path launcher = dist.resolve("bin/prodigy");
        assertThat(Files.isExecutable(launcher)).isTrue();

        Result version = run(launcher, Map.of(), "--version");
        assertThat(version.code()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("prodigy ").doesNotContain("@");

        // the first use starts the training in the background; the archive appears for the JDK that ran it
        Path cds = tmp.resolve("home/cds");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!hasArchive(cds)) {
            assertThat(System.nanoTime())
                    .as("a .jsa archive under %s within 180 s", cds)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        try (Stream<Path> s = Files.list(cds)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .singleElement()
                    .asString()
                    .startsWith("prodigy-")
                    .contains("-jdk" + Runtime.version().feature())
                    .endsWith(".jsa");
        }

        Files.writeString(tmp.resolve("wf.yml"), "name: hello\ncommands:\n  - shell: \"echo hi\"\n");
        // -Xshare:on fails the JVM unless the archive is mapped: the launcher really uses it
        Result validate = run(launcher, Map.of("PRODIGY_JAVA_OPTS", "-Xshare:on"), "validate", "wf.yml");
        assertThat(validate.code()).as(validate.out()).isZero();
        assertThat(validate.out()).contains("wf.yml: valid");
        Result runs = run(launcher, Map.of("PRODIGY_JAVA_OPTS", "-Xshare:on"), "runs");
        assertThat(runs.code()).as(runs.out()).isZero();

        // through a symbolic link (as installed on PATH), without the archive when asked
        Path link = Files.createSymbolicLink(tmp.resolve("prodigy-link"), launcher);
        Result linked = run(link, Map.of("PRODIGY_CDS", "off"), "validate", "wf.yml");
        assertThat(linked.code()).as(linked.out()).isZero();
    }

    private static boolean hasArchive(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".jsa"));
        }
    }
}
