package io.prodigy.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The workload the distribution's launcher runs once per JDK, in the background, with
 * {@code -XX:ArchiveClassesAtExit}: it loads the classes the short commands need ({@code validate} of a MapReduce
 * workflow with expressions, {@code runs}, {@code dlq list}, {@code --help}) so that the class-data-sharing archive
 * it leaves makes later starts faster. It works in a temporary directory of its own and prints nothing.
 */
public final class StartupTraining {
    private static final String WORKFLOW = String.join(
            "\n",
            "name: training",
            "mode: mapreduce",
            "env:",
            "  TARGET: src",
            "setup:",
            "  - shell: \"ls ${TARGET} > files.txt\"",
            "map:",
            "  input: items.json",
            "  json_path: \"$.items[*]\"",
            "  filter: \"score >= 5 && name != 'skip'\"",
            "  sort_by: \"score DESC\"",
            "  max_parallel: 4",
            "  agent_template:",
            "    - claude: \"/fix ${item.name}\"",
            "      commit_required: true",
            "    - shell: \"test -f ${item.name}\"",
            "      on_failure:",
            "        claude: \"/debug ${shell.output}\"",
            "reduce:",
            "  - shell: \"echo ${map.successful} of ${map.total}\"",
            "");

    private StartupTraining() {}

    /**
     * @param args ignored
     * @throws IOException if the temporary directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("prodigy-cds-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            Path workflow = dir.resolve("training.yml");
            Files.writeString(workflow, WORKFLOW);
            Files.writeString(dir.resolve("items.json"), "{\"items\": [{\"name\": \"a\", \"score\": 7}]}");
            System.setOut(silent);
            System.setErr(silent);
            Main.execute("validate", workflow.toString());
            Main.execute("--path", dir.toString(), "runs");
            Main.execute("--path", dir.toString(), "runs", "--json");
            Main.execute("--path", dir.toString(), "dlq", "list");
            Main.execute("--help");
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
