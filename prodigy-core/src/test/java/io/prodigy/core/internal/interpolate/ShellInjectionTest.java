package io.prodigy.core.internal.interpolate;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.core.internal.interpolate.Interpolator.Quoting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariant 5, values never become code: hostile values are interpolated into commands in every position a
 * value can stand, the commands run under real shells, and each must receive the exact value as data while
 * nothing the value says is executed.
 */
class ShellInjectionTest {

    /** A template and the output it must produce for a value {@code v}. */
    private record Position(String template, UnaryOperator<String> expected) {}

    private static final List<Position> POSITIONS = List.of(
            new Position("printf %s ${v}", v -> v),
            new Position("printf %s '${v}'", v -> v),
            new Position("printf %s \"${v}\"", v -> v),
            new Position("printf %s file_${v}.txt", v -> "file_" + v + ".txt"),
            new Position("printf %s pre'fix${v}'\"mid${v}\"end", v -> "prefix" + v + "mid" + v + "end"),
            new Position("printf %s \"it's ${v}\"", v -> "it's " + v),
            new Position("printf %s 'say \"${v}\"'", v -> "say \"" + v + "\""),
            new Position("printf %s $v", v -> v),
            new Position("printf %s \"$v\"", v -> v),
            new Position("printf %s \"$(printf %s ${v}; printf x)\"", v -> v + "x"),
            new Position("printf %s \"$(printf %s \"${v}\" '${v}'; printf x)\"", v -> v + v + "x"),
            new Position("x=${v}; printf %s \"$x\"", v -> v),
            new Position("f() { printf %s \"$1\"; }; f ${v}", v -> v),
            new Position("case ${v} in *) printf %s ${v};; esac", v -> v),
            new Position("printf %s ${v} # it's a comment: ${v}\n", v -> v),
            new Position("cat <<PRODIGY_END\n${v}\nPRODIGY_END", v -> v + "\n"),
            new Position("cat <<'PRODIGY_END'\n${v}\nPRODIGY_END\nprintf %s \"'${v}\"", v -> v + "\n'" + v),
            new Position("cat <<PRODIGY_END; printf %s ${v}\nx ${v} \"'\nPRODIGY_END\n", v -> "x " + v + " \"'\n" + v));

    private static final List<String> HOSTILE_VALUES = hostileValues();

    private static List<String> hostileValues() {
        List<String> values = new ArrayList<>(List.of(
                "$(touch pwned)",
                "`touch pwned`",
                "'; touch pwned; '",
                "\" ; touch pwned ; \"",
                "\\",
                "\\\\",
                "trailing\\",
                "'",
                "\"",
                "''",
                "'\"'\"",
                "\\'; touch pwned; echo \\'",
                "\\\"; touch pwned; #\\\"",
                "line1\nline2",
                "trailing newline\n",
                "\n",
                "\r\n",
                "*",
                "~",
                "~root/x",
                "a  b\tc",
                "--flag",
                "-n",
                "héllo wörld ☃ 日本語 🚀",
                "",
                "$HOME",
                "${HOME}",
                "$((1+1))",
                "!!",
                "%s%d%%",
                "> pwned",
                "| touch pwned",
                "&& touch pwned",
                "; touch pwned",
                "\ntouch pwned\n",
                "#",
                "{a,b}",
                "}",
                "$'\\x41'",
                "x=$(touch pwned)",
                "\\$(touch pwned)",
                "EOF",
                "\nEOF\ntouch pwned\n"));
        StringBuilder longValue = new StringBuilder();
        while (longValue.length() < 40_000) {
            longValue
                    .append("long 'q' \"d\" $x `b` \\ ")
                    .append(longValue.length())
                    .append('\n');
        }
        values.add(longValue.toString());
        return List.copyOf(values);
    }

    static Stream<Arguments> shellsAndValues() {
        return Stream.of("sh", "bash")
                .filter(ShellRun::available)
                .flatMap(shell -> HOSTILE_VALUES.stream().map(value -> Arguments.of(shell, value)));
    }

    /** Scripts are kept below the kernel's limit for one argument (128 KiB). */
    private static final int MAX_SCRIPT_CHARS = 100_000;

    /**
     * Runs the positions for one value in as few processes as the argument limit allows: each interpolated
     * command in its own subshell, preceded by a marker, so that output and failures are attributed to the
     * position that produced them.
     */
    @ParameterizedTest(name = "{0}: value #{index}")
    @MethodSource("shellsAndValues")
    void hostileValueReachesTheCommandIntactInEveryPosition(String shell, String value, @TempDir Path dir)
            throws IOException {
        Variables variables = Variables.root(Map.of());
        variables.putString("v", value);
        int first = 0;
        while (first < POSITIONS.size()) {
            List<String> commands = new ArrayList<>();
            StringBuilder script = new StringBuilder();
            while (first + commands.size() < POSITIONS.size()) {
                int index = first + commands.size();
                String command =
                        Interpolator.interpolate(POSITIONS.get(index).template(), variables, Quoting.SHELL, "test");
                if (!commands.isEmpty() && script.length() + command.length() > MAX_SCRIPT_CHARS) {
                    break;
                }
                commands.add(command);
                script.append("printf '\\001")
                        .append(index)
                        .append("\\001'\n(\n")
                        .append(command)
                        .append("\n) || printf '\\002 exit status %d' $?\n");
            }

            ShellRun run = ShellRun.run(shell, script.toString(), dir);

            String[] outputs = run.stdout().split("\u0001", -1);
            assertThat(outputs).as("output of %s -c %s", shell, script).hasSize(2 * commands.size() + 1);
            for (int i = 0; i < commands.size(); i++) {
                Position position = POSITIONS.get(first + i);
                assertThat(outputs[2 * i + 1]).isEqualTo(Integer.toString(first + i));
                assertThat(outputs[2 * i + 2])
                        .as("%s -c %s", shell, commands.get(i))
                        .isEqualTo(position.expected().apply(value));
            }
            assertThat(run.stderr()).as("stderr of %s -c %s", shell, script).isEmpty();
            assertThat(run.exitCode()).isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).as("files created by %s -c %s", shell, script).isEmpty();
            }
            first += commands.size();
        }
    }
}
