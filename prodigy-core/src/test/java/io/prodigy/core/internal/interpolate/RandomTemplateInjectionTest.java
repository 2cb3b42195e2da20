package io.prodigy.core.internal.interpolate;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.InterpolationException;
import io.prodigy.core.internal.interpolate.Interpolator.Quoting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 5 against templates nobody wrote by hand: random sequences of shell fragments (quotes, command
 * substitutions, here-documents, comments, escapes, expansions) with placeholders anywhere. Whatever the
 * template, a value must never run: either interpolation refuses it, or the command runs (possibly failing on
 * its own syntax) without executing any part of a value. The seed is fixed, so a failure reproduces.
 */
class RandomTemplateInjectionTest {
    private static final long SEED = Long.getLong("prodigy.fuzz.seed", 20_261_125L);
    private static final int TEMPLATES = Integer.getInteger("prodigy.fuzz.templates", 300);
    private static final int PER_SCRIPT = 25;

    private static final String[] FRAGMENTS = {
        "printf %s ",
        "echo ",
        "${v}",
        "${v}",
        "${v}",
        "$v",
        "${w:-d}",
        "'",
        "'",
        "\"",
        "\"",
        "$(",
        ")",
        "`",
        "\\",
        " ",
        " ",
        ";",
        "\n",
        "\n",
        "#",
        "<<EOF\n",
        "EOF\n",
        "<<'EOF'\n",
        "<<-EOF\n\t",
        "$((",
        "))",
        "${x:-",
        "${x%",
        "}",
        "$'",
        "case a in a) ",
        ";; esac",
        "x=",
        "|",
        "&&",
        "(",
        ")",
        "{ ",
        "; }",
        "$${",
        "\\$",
        "((",
        "1",
        "$$",
        "$\"",
        "<<<",
        "cat ",
        "tr a b",
        "a",
        ",",
        "*",
        "$[",
        "]",
        "arr[",
        "let ",
        "[[ ",
        " ]]",
        " -eq ",
        "=",
        "[",
        "for ((i=",
        ";i<1;i++)); do :; done",
        "declare -a arr; "
    };

    private static final String[] VALUES = {
        "$(touch pwned)",
        "`touch pwned`",
        "'; touch pwned; '",
        "\"; touch pwned; \"",
        "\\'; touch pwned; '",
        "\\\"; touch pwned; \"",
        "\ntouch pwned\n",
        "\nEOF\ntouch pwned\nEOF\n",
        "); touch pwned; (",
        "}; touch pwned; {",
        "$'\\'; touch pwned; '",
        "\\",
        "'\\''; touch pwned; '",
        "a[$(touch pwned)]",
        "\n\tEOF\ntouch pwned\n",
        "' `touch pwned` \"$(touch pwned)\" '\\"
    };

    @TempDir
    Path dir;

    @Test
    void noRandomTemplateLetsAValueRun() throws IOException {
        List<String> shells =
                Stream.of("sh", "bash").filter(ShellRun::available).toList();
        Random random = new Random(SEED);
        List<String> batch = new ArrayList<>();
        int refused = 0;
        for (int t = 0; t < TEMPLATES; t++) {
            StringBuilder template = new StringBuilder();
            int length = 2 + random.nextInt(14);
            for (int i = 0; i < length; i++) {
                template.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            Variables vars = Variables.root(Map.of());
            vars.putString("v", VALUES[random.nextInt(VALUES.length)]);
            vars.putString("w", VALUES[random.nextInt(VALUES.length)]);
            try {
                batch.add(Interpolator.interpolate(template.toString(), vars, Quoting.SHELL, "fuzz"));
            } catch (InterpolationException expected) {
                refused++;
            }
            if (batch.size() == PER_SCRIPT || t == TEMPLATES - 1) {
                for (String shell : shells) {
                    for (String command : batch) {
                        ShellRun.run(shell, command, dir);
                        assertThat(dir.resolve("pwned"))
                                .as("%s -c %s", shell, command)
                                .doesNotExist();
                    }
                }
                batch.clear();
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).doesNotContain("pwned");
        }
        assertThat(refused).as("templates refused").isLessThan(TEMPLATES);
    }
}
