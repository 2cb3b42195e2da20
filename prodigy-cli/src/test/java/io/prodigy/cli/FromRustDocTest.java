package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Keeps docs/from-rust-prodigy.md honest: every flag and command it says is accepted parses. */
class FromRustDocTest {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static List<String> lines() throws IOException {
        Path doc = Path.of(System.getProperty("prodigy.buildDirectory", "target"))
                .toAbsolutePath()
                .getParent()
                .getParent()
                .resolve("docs")
                .resolve("from-rust-prodigy.md");
        return Files.readAllLines(doc, StandardCharsets.UTF_8);
    }

    /** @return the table rows of the section under the heading, up to the next heading */
    private static List<String[]> rows(List<String> lines, String heading) {
        List<String[]> rows = new ArrayList<>();
        int start = lines.indexOf(heading);
        assertThat(start).as("heading %s", heading).isNotNegative();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String l = lines.get(i);
            if (l.startsWith("| `")) {
                String[] cells = l.substring(1).split(" \\| ", 2);
                rows.add(new String[] {cells[0], cells.length > 1 ? cells[1] : ""});
            }
        }
        assertThat(rows).as("rows under %s", heading).isNotEmpty();
        return rows;
    }

    private static List<String> codes(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyRunFlagThePageCallsAcceptedParses() throws IOException {
        List<String> lines = lines();
        CommandSpec run = Main.commandLine().getSubcommands().get("run").getCommandSpec();
        List<String> checked = new ArrayList<>();
        for (String[] row : rows(lines, "### `run` flags")) {
            assertThat(row[1])
                    .as("the page says whether %s is accepted", row[0])
                    .startsWith("accepted");
            for (String code : codes(row[0])) {
                String flag = code.split(" ")[0];
                assertThat(run.findOption(flag))
                        .as("run %s (docs/from-rust-prodigy.md)", flag)
                        .isNotNull();
                checked.add(flag);
            }
        }
        assertThat(checked)
                .contains(
                        "-n",
                        "--max-iterations",
                        "--map",
                        "--args",
                        "--fail-fast",
                        "--resume",
                        "-y",
                        "--dry-run",
                        "--param",
                        "--param-file",
                        "-p");
        String ours = lines.stream()
                        .filter(l -> l.startsWith("Flags of this tool only:"))
                        .findFirst()
                        .orElseThrow()
                + lines.get(lines.indexOf(lines.stream()
                                .filter(l -> l.startsWith("Flags of this tool only:"))
                                .findFirst()
                                .orElseThrow())
                        + 1);
        for (String code : codes(ours)) {
            for (String flag : code.split("/")) {
                String name = flag.split(" ")[0];
                if (name.startsWith("-")) {
                    assertThat(run.findOption(name)).as("run %s", name).isNotNull();
                }
            }
        }
        // what the page says -n means
        assertThat(run.findOption("-n").longestName()).isEqualTo("--max-iterations");
        assertThat(run.findOption("-j").longestName()).isEqualTo("--max-parallel");
    }

    @Test
    void everyCommandThePageOffersExists() throws IOException {
        CommandLine cl = Main.commandLine();
        List<String> verbs = new ArrayList<>();
        for (String[] row : rows(lines(), "## The CLI")) {
            if (row[1].startsWith("not available")) {
                int except = row[1].indexOf("except");
                for (String code : codes(except < 0 ? "" : row[1].substring(except))) {
                    if (code.startsWith("prodigy ")) {
                        verbs.add(code.split(" ")[1]);
                    }
                }
                continue;
            }
            for (String code : codes(row[1])) {
                if (code.startsWith("prodigy ")) {
                    verbs.add(code.split(" ")[1]);
                }
            }
        }
        assertThat(verbs)
                .contains(
                        "run",
                        "cook",
                        "resume",
                        "resume-job",
                        "dlq",
                        "runs",
                        "sessions",
                        "events",
                        "status",
                        "report",
                        "worktree",
                        "exec",
                        "batch",
                        "init",
                        "logs");
        for (String verb : verbs) {
            assertThat(cl.getSubcommands())
                    .as("prodigy %s (docs/from-rust-prodigy.md)", verb)
                    .containsKey(verb);
        }
    }
}
