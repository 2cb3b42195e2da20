package io.prodigy.yaml;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The conformance corpus: {@code shared/conformance} next to the repository (found from the module upward). */
final class Corpus {
    private Corpus() {}

    /** @return the corpus root; the calling test is skipped, saying why, when there is none */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolveSibling("shared").resolve("conformance");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        assumeTrue(false, "the conformance corpus (../shared/conformance next to the repository) is absent");
        throw new IllegalStateException("unreachable");
    }

    /** @return the Rust tool's 0.1.8 workflow files */
    static Path prodigy() {
        return root().resolve("prodigy-0.1.8");
    }

    /** @return the whitepaper's examples */
    static Path whitepaper() {
        return root().resolve("whitepaper-0.1.8");
    }

    /** @param dir a directory @return every YAML file under it, sorted, as paths relative to it */
    static List<String> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param name a whitepaper file name @return its text */
    static String whitepaperText(String name) {
        try {
            return Files.readString(whitepaper().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
