package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.claude.testing.MockMessagesApi;
import io.prodigy.claude.testing.MockMessagesApi.Reply;
import io.prodigy.claude.testing.RealClaudeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prodigy run} with the real Claude Code CLI ({@link RealClaudeCli#VERSION}) on the PATH, offline against a
 * mock Messages API: a MapReduce of two items whose agents commit with the Bash tool, both commits merged to main, the
 * cost and tokens the CLI reported in {@code runs --json} and {@code status --json}. Skipped loudly where the CLI is
 * not installed.
 */
class RealClaudeCliIT {
    @TempDir
    Path tmp;

    private static final String WORKFLOW = """
            name: real-claude
            mode: mapreduce
            map:
              input: items.json
              json_path: "$.items[*]"
              id_field: id
              max_parallel: 2
              agent_template:
                - claude: "Write agent-${item.id}.txt and commit it"
                  commit_required: true
            """;

    @Test
    void aMapReduceRunWithTheRealCliPutsTheAgentsCommitsOnMain() throws Exception {
        RealClaudeCli claude = RealClaudeCli.require();
        try (MockMessagesApi api = MockMessagesApi.start()) {
            // each session: a Bash tool call that commits a file named after its item, then the answer
            api.responder(request -> request.toolResults().isEmpty()
                    ? Reply.toolUse(
                            "Committing.",
                            "Bash",
                            "{\"command\":\"echo made > agent-$PRODIGY_ITEM_ID.txt && "
                                    + "git add agent-$PRODIGY_ITEM_ID.txt && git commit -q -m \\\"agent $PRODIGY_ITEM_ID\\\"\","
                                    + "\"description\":\"Commit the file\"}")
                    : Reply.text("Committed the file."));
            JarCli cli = new JarCli(tmp);
            Path bin = Files.createDirectories(tmp.resolve("real-bin"));
            Files.createSymbolicLink(bin.resolve("claude"), claude.executable().toAbsolutePath());
            cli.env.putAll(RealClaudeCli.offlineEnvironment(api.baseUrl(), Path.of(cli.env.get("HOME"))));
            cli.env.put("PATH", bin + ":" + System.getenv("PATH"));
            cli.write("items.json", "{\"items\": [{\"id\": \"one\"}, {\"id\": \"two\"}]}");
            cli.write("real.yml", WORKFLOW);
            cli.commitAll("workflow");

            JarCli.Result run = cli.run("run", "real.yml", "-y");
            assertThat(run.exit()).as("%s", run).isZero();
            assertThat(run.out()).containsPattern("one\\s+SUCCEEDED").containsPattern("two\\s+SUCCEEDED");
            assertThat(cli.repo.resolve("agent-one.txt")).hasContent("made");
            assertThat(cli.repo.resolve("agent-two.txt")).hasContent("made");
            assertThat(cli.git("log", "--format=%s", "main"))
                    .contains("agent one")
                    .contains("agent two");
            assertThat(claude.version()).isNotBlank();
            // two sessions of two calls each: 4 x (120 in, 40 out) as the mock reported, priced by the CLI
            List<MockMessagesApi.Request> calls = api.messageCalls();
            assertThat(calls).hasSize(4);

            JsonNode r = cli.ok("runs", "--json").json().get(0);
            assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(r.get("cost_usd").asDouble()).isPositive();
            assertThat(r.get("tokens").get("input").asLong()).isEqualTo(480);
            assertThat(r.get("tokens").get("output").asLong()).isEqualTo(160);
            JsonNode status = cli.ok("status", r.get("id").asText(), "--json").json();
            assertThat(status.get("tokens")).isEqualTo(r.get("tokens"));
            assertThat(status.get("cost_usd").asDouble())
                    .isEqualTo(r.get("cost_usd").asDouble());
        }
    }
}
