package io.prodigy.core.internal.interpolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prodigy.api.InterpolationException;
import io.prodigy.core.internal.interpolate.Interpolator.Quoting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the shell reading of a template decides the quoting of each value: here-documents, comments, escapes,
 * command substitution, arithmetic, and the places where insertion is refused. Behaviour is checked on the
 * command text and, where it matters, by running it.
 */
class ShellPlacementTest {
    /** A value that runs {@code touch pwned} if it is ever parsed as code, in any quoting context. */
    private static final String HOSTILE = "$(touch pwned) `touch pwned` '; touch pwned; ' \"; touch pwned; \" \\";

    private final Variables vars = Variables.root(Map.of());

    @TempDir
    Path dir;

    private String shell(String template) {
        return Interpolator.interpolate(template, vars, Quoting.SHELL, "step 1 'test'");
    }

    private String run(String shell, String template) {
        String command = shell(template);
        ShellRun run = ShellRun.run(shell, command, dir);
        assertThat(run.stderr()).as(command).isEmpty();
        assertThat(run.exitCode()).as(command).isZero();
        return run.stdout();
    }

    private String run(String template) {
        return run("sh", template);
    }

    @AfterEach
    void nothingWasExecuted() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("files created by interpolated values").isEmpty();
        }
    }

    @Test
    void backslashBeforeDollarKeepsThePlaceholderForTheShell() {
        vars.putString("v", "value");

        assertThat(shell("echo \\${v} \\${undefined} \"\\${v}\"")).isEqualTo("echo \\${v} \\${undefined} \"\\${v}\"");
        assertThat(run("printf %s \\${v}")).isEqualTo("${v}");
        assertThat(Interpolator.interpolate("\\${v}", vars, Quoting.NONE, null)).isEqualTo("\\value");
    }

    @Test
    void escapedQuotesDoNotOpenQuotedText() {
        vars.putString("v", HOSTILE);

        assertThat(run("printf %s \\\"${v}\\\" \\'")).isEqualTo("\"" + HOSTILE + "\"'");
    }

    @Test
    void shortFormInsideSingleQuotesBelongsToTheCommand() {
        vars.putString("1", "one");
        vars.putString("NAME", "n");

        assertThat(shell("awk '{print $1}' f; echo '$NAME' \"$NAME\""))
                .isEqualTo("awk '{print $1}' f; echo '$NAME' \"n\"");
        assertThat(Interpolator.interpolate("awk '{print $1}'", vars, Quoting.NONE, null))
                .isEqualTo("awk '{print one}'");
    }

    @Test
    void dollarDollarBraceReachesTheShellAsItsOwnExpansion() {
        vars.putString("x", "ours");

        assertThat(run("x=theirs; printf %s $${x:-d} $${undefined:-dflt}")).isEqualTo("theirsdflt");
    }

    @Test
    void commentsAreLeftAloneAndTheirQuotesDoNotCount() {
        vars.putString("v", HOSTILE);

        String template = "printf %s ${v} # it's ${undefined} \"${v}\"\nprintf %s a#${v}";
        assertThat(shell(template)).contains("# it's ${undefined} \"${v}\"\n");
        assertThat(run(template)).isEqualTo(HOSTILE + "a#" + HOSTILE);
    }

    @Test
    void nestedCommandSubstitutionsStartNewQuotingContexts() {
        vars.putString("v", HOSTILE);

        assertThat(run("printf %s \"$(printf %s \"$(printf %s '${v}')\" ${v})\""))
                .isEqualTo(HOSTILE + HOSTILE);
        assertThat(run("x=$(printf '%s' \"${v}\" | tr -d x); printf %s \"$x\"")).isEqualTo(HOSTILE.replace("x", ""));
        assertThat(run("printf %s $( (printf %s ${v}) )")).isEqualTo(HOSTILE.replace(" ", ""));
    }

    @Test
    void hereDocumentBodiesEscapeForTheirKind() {
        vars.putString("v", HOSTILE + " 'single' \"double\"");
        String value = HOSTILE + " 'single' \"double\"";

        assertThat(shell("cat <<EOF\n${v}\nEOF"))
                .isEqualTo("cat <<EOF\n"
                        + "\\$(touch pwned) \\`touch pwned\\` '; touch pwned; ' \"; touch pwned; \" \\\\ 'single' \"double\""
                        + "\nEOF");
        assertThat(run("cat <<EOF\n[${v}]\nEOF")).isEqualTo("[" + value + "]\n");
        assertThat(run("cat <<\"EOF\"\n[${v}]\nEOF")).isEqualTo("[" + value + "]\n");
        assertThat(run("cat <<\\EOF\n[${v}]\nEOF")).isEqualTo("[" + value + "]\n");
        assertThat(run("cat <<-EOF\n\t[${v}]\n\tEOF\nprintf %s ${v}")).isEqualTo("[" + value + "]\n" + value);
    }

    @Test
    void quotesInsideHereDocumentsDoNotLeakIntoTheCommandsAfterThem() {
        vars.putString("v", HOSTILE);

        assertThat(run("cat <<EOF\nit's \"\nEOF\nprintf %s ${v}")).isEqualTo("it's \"\n" + HOSTILE);
        assertThat(run("cat <<A; cat <<'B'\n${v}\nA\n'${v}\nB\nprintf %s ${v}"))
                .isEqualTo(HOSTILE + "\n'" + HOSTILE + "\n" + HOSTILE);
        assertThat(run("x=$(cat <<EOF\n(${v})\nEOF\n)\nprintf %s \"$x\" ${v}"))
                .isEqualTo("(" + HOSTILE + ")" + HOSTILE);
    }

    @Test
    void aBackslashNewlineInAnUnquotedHereDocumentJoinsTheDelimiterToTheLineBefore() {
        vars.putString("v", HOSTILE);

        assertThat(run("cat <<EOF\nfoo\\\nEOF\nEOF\nprintf %s ${v}")).isEqualTo("fooEOF\n" + HOSTILE);
    }

    @Test
    void valueThatWouldEndAHereDocumentIsRefused() {
        vars.putString("v", "x\nEOF\ntouch pwned");
        vars.putString("eo", "x\nEO");
        vars.putString("whole", "EOF");

        for (String template : new String[] {
            "cat <<EOF\n${v}\nEOF",
            "cat <<'EOF'\n${v}\nEOF",
            "cat <<EOF\n${eo}F\nEOF",
            "cat <<EOF\n${whole}\nEOF",
            "cat <<-EOF\n\t${whole}\n\tEOF"
        }) {
            assertThatThrownBy(() -> shell(template))
                    .as(template)
                    .isInstanceOf(InterpolationException.class)
                    .hasMessageContaining("would end the here-document early");
        }
        assertThat(shell("cat <<EOF\n[${whole}]\nEOF")).isEqualTo("cat <<EOF\n[EOF]\nEOF");
    }

    @Test
    void arithmeticAcceptsOnlyIntegers() {
        vars.putString("n", "41");
        vars.putString("neg", "-2");
        vars.putString("evil", "a[$(touch pwned)]");
        vars.putString("sum", "1+1");

        assertThat(run("echo $(( ${n} + 1 )) $(( $neg * (3 + ${n}) ))")).isEqualTo("42 -88\n");
        for (String template : new String[] {
            "echo $(( ${evil} ))", "echo $(( $(echo ${evil}) ))", "echo $(( \"${evil}\" ))", "echo $(( ${sum} ))"
        }) {
            assertThatThrownBy(() -> shell(template))
                    .as(template)
                    .isInstanceOf(InterpolationException.class)
                    .hasMessageContaining("only an integer can be inserted there")
                    .hasMessageNotContaining("touch pwned");
        }
        assertThat(run("echo $(( ${sum|raw} ))")).isEqualTo("2\n");
    }

    @Test
    void bashArithmeticContextsAcceptOnlyIntegers() {
        assumeTrue(ShellRun.available("bash"));
        vars.putString("evil", "a[$(touch pwned)]");
        vars.putString("n", "2");

        for (String template : new String[] {
            "arr[${evil}]=1", "declare -a arr; arr[${evil}]=1", "arr=([${evil}]=1)", "unset arr[${evil}]",
            "arr['${evil}']=1", "[[ ${evil} -eq 1 ]]", "[[ 1 -ne \"${evil}\" ]]", "[[ -v arr[${evil}] ]]",
            "let x=${evil}", "if true; then let \"x = ${evil}\"; fi", "echo $(let x=${evil})", "echo $[ ${evil} ]",
            "echo \"$[ ${evil} ]\"", "echo $(( '${evil}' ))", "for ((i=${evil}; i<1; i++)); do :; done"
        }) {
            assertThatThrownBy(() -> shell(template))
                    .as(template)
                    .isInstanceOf(InterpolationException.class)
                    .hasMessageContaining("where the shell evaluates text as arithmetic");
        }
        assertThat(run("bash", "arr[${n}]=x; let y=${n}+1; [[ ${n} -eq 2 ]] && echo ok $${arr[2]} $y $[ ${n} * 3 ]"))
                .isEqualTo("ok x 3 6\n");
        assertThat(run("bash", "[[ ${evil} == \"a[\\$(touch pwned)]\" && ${evil} != -eq ]] && echo same"))
                .isEqualTo("same\n");
        assertThat(shell("echo let ${n} -eq ${evil}")).isEqualTo("echo let '2' -eq 'a[$(touch pwned)]'");
    }

    @Test
    void textThatShAndBashReadDifferentlyMakesLaterPlaceholdersUnsafe() {
        vars.putString("v", HOSTILE);
        vars.putString("n", "3");

        // To bash "(( x = 1 << 3 ))" is arithmetic; to dash it is a subshell with a here-document that swallows
        // the next lines, where '$(...)' runs. No quoting is right for both.
        for (String template : new String[] {
            "(( x = 1 << ${n} ))\necho ${v}",
            "(( x = 1 << 3 ))\necho ${v}",
            "(( x = '1' )); echo ${v}",
            "echo $[ ' ] ${v} ' ]",
            "echo \"$( echo $[ 1 ) ${v}\"",
            "echo $'it\\'s' ${v}'"
        }) {
            assertThatThrownBy(() -> shell(template))
                    .as(template)
                    .isInstanceOf(InterpolationException.class)
                    .hasMessageContaining("read differently");
        }
        assertThat(run("x=$(( 1 << ${n} )); printf %s \"$x\" ${v}")).isEqualTo("8" + HOSTILE);
        if (ShellRun.available("bash")) {
            assertThat(run("bash", "(( x = ${n} * 2 )); printf %s \"$x\" ${v}")).isEqualTo("6" + HOSTILE);
            assertThat(run("bash", "cat <<<${v}")).isEqualTo(HOSTILE + "\n");
        }
    }

    @Test
    void doubleBracketsAreOrdinaryCodeToSh() {
        vars.putString("v", HOSTILE);

        String command = shell("[[ x <<EOF ]]\n${v}\nEOF\nprintf %s ${v}");

        assertThat(command).startsWith("[[ x <<EOF ]]\n\\$(touch pwned) \\`touch pwned\\`");
        ShellRun run = ShellRun.run("sh", command, dir);
        assertThat(run.stdout()).isEqualTo(HOSTILE);
        if (ShellRun.available("bash")) {
            ShellRun.run("bash", command, dir);
        }
    }

    @Test
    void backquotesRefuseValuesButNotTheShellsOwnVariables() {
        vars.putString("v", "x");

        assertThatThrownBy(() -> shell("echo `echo ${v}`")).isInstanceOfSatisfying(InterpolationException.class, e -> {
            assertThat(e.variable()).isEqualTo("v");
            assertThat(e.getMessage())
                    .isEqualTo("Cannot insert ${v} in step 1 'test' safely: it stands"
                            + " inside backquotes `...`, where no quoting is reliable; use $(...) instead. If the"
                            + " value is trusted to be code, ${v|raw} inserts it unquoted.");
        });
        assertThatThrownBy(() -> shell("echo \"`echo $v`\"")).isInstanceOf(InterpolationException.class);
        assertThat(shell("echo `echo $HOME` ${v|raw} `date` ${v}")).isEqualTo("echo `echo $HOME` x `date` 'x'");
    }

    @Test
    void theShellsOwnExpansionsRefuseNestedValues() {
        vars.putString("v", "x");

        assertThatThrownBy(() -> shell("echo ${x:-${v}}"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("inside the shell's own expansion '${x:-${v}}'");
        assertThatThrownBy(() -> shell("echo \"${x%${v}}\"")).isInstanceOf(InterpolationException.class);
        assertThatThrownBy(() -> shell("echo $${x:-${v}}")).isInstanceOf(InterpolationException.class);
        assertThat(shell("echo ${x%'}'} ${v} \"${x%\"}\"}\" ${v}")).isEqualTo("echo ${x%'}'} 'x' \"${x%\"}\"}\" 'x'");
    }

    @Test
    void singleQuoteInAnExpansionWithinDoubleQuotesMakesLaterPlaceholdersUnsafe() {
        vars.putString("v", "x");

        assertThat(shell("echo ${v} \"${x%'a'}\"")).isEqualTo("echo 'x' \"${x%'a'}\"");
        assertThatThrownBy(() -> shell("echo \"${x%'}'} ${v}\""))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("after a single quote inside a shell expansion");
    }

    @Test
    void ansiCQuotingRefusesValuesAndIsSkippedCorrectly() {
        assumeTrue(ShellRun.available("bash"));
        vars.putString("v", HOSTILE);

        assertThatThrownBy(() -> shell("echo $'${v}'"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("inside $'...'");
        assertThat(run("bash", "printf %s $'it\\x27s' ${v} $\"${v}\"")).isEqualTo("it's" + HOSTILE + HOSTILE);
    }

    @Test
    void caseInsideCommandSubstitutionMakesLaterPlaceholdersUnsafe() {
        vars.putString("v", "x");

        assertThat(shell("case ${v} in x) echo ${v};; esac")).isEqualTo("case 'x' in x) echo 'x';; esac");
        assertThat(shell("${v} $(case a in a) echo;; esac)")).isEqualTo("'x' $(case a in a) echo;; esac)");
        assertThatThrownBy(() -> shell("y=\"$(case a in a) echo 1;; esac) ${v}\""))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("after a 'case' statement inside $(...)");
        assertThat(shell("y=\"$(case a in a) echo 1;; esac) ${v|raw}\""))
                .isEqualTo("y=\"$(case a in a) echo 1;; esac) x\"");
    }

    @Test
    void quotingNoneIgnoresShellSyntax() {
        vars.putString("v", "a'b");

        assertThat(Interpolator.interpolate("`${v}` $'${v}' # ${v} \\${v}", vars, Quoting.NONE, null))
                .isEqualTo("`a'b` $'a'b' # a'b \\a'b");
    }
}
