package io.prodigy.cli.report;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ErrorPolicy;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.AgentActivity;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Real runs of the real engine, made for the report tests. */
final class ReportRuns {
    /** The id of the hostile item in {@link #mixed}. */
    static final String HOSTILE_ID =
            "<script>alert(\"pwn&'\")</script> \u00fcn\u00efc\u00f8d\u00e9 \u2603 \ud834\udd1e";

    private ReportRuns() {}

    /** A finished run: its state directory and id. */
    record Run(Path home, String runId, RunResult result) {}

    static Prodigy.Builder engine(Path dir) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        return Prodigy.builder()
                .workingDirectory(work)
                .home(dir.resolve("home"))
                .eventLog(true)
                .isolation(io.prodigy.core.DirectoryIsolation.shared())
                .throttleDelay(Duration.ofMillis(5));
    }

    /**
     * An agent that reports tokens and cost, and is rate limited once on the first call for each item whose
     * {@code n} is a multiple of 3.
     */
    static AgentRunner meteredAgent() {
        Set<String> throttled = ConcurrentHashMap.newKeySet();
        return req -> {
            String cmd = req.command();
            int n = Integer.parseInt(cmd.substring(cmd.lastIndexOf(' ') + 1));
            if (n % 3 == 0 && throttled.add(req.itemId())) {
                return AgentResult.builder()
                        .success(false)
                        .errorKind(ErrorKind.RATE_LIMITED)
                        .errorMessage("429 Too Many Requests")
                        .costUsd(0.0)
                        .build();
            }
            Map<String, String> usage = new LinkedHashMap<>();
            usage.put("input_tokens", "1200");
            usage.put("output_tokens", "300");
            usage.put("cache_read_tokens", "50");
            usage.put("cache_creation_tokens", "0");
            usage.put("cost_usd", "0.0125");
            req.activity().accept(new AgentActivity("usage", "1200 in / 300 out tokens", usage));
            return AgentResult.builder()
                    .success(true)
                    .output("triaged " + n)
                    .costUsd(0.0125)
                    .tokens(new TokenUsage(1200, 300, 50, 0))
                    .build();
        };
    }

    /**
     * Twelve items through setup, a map phase of two shell steps and an agent step, and reduce: items 4 and 9
     * always fail (dead-lettered after two attempts), items 1, 5 fail their first attempt only, item 2's second
     * step is retried once, items 0, 3, 6, 9 are rate limited once; item 7's id is hostile markup.
     */
    static Run mixed(Path dir) throws IOException {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", i == 7 ? HOSTILE_ID : "item-" + i);
            item.put("n", i);
            items.add(item);
        }
        Workflow wf = Workflow.mapReduce("triage <b>&amp; \"quotes\"")
                .setup(Step.shell("echo preparing"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .idField("id")
                        .maxParallel(3)
                        .agentTemplate(
                                Step.shell("echo x >> cnt-${item.n}; "
                                        + "if [ ${item.n} -eq 4 ] || [ ${item.n} -eq 9 ]; then "
                                        + "echo \"boom <b>&amp; 'q' at /tmp/w/${item.n}\" >&2; exit 3; fi; "
                                        + "if [ ${item.n} -eq 1 ] || [ ${item.n} -eq 5 ]; then "
                                        + "[ $(wc -l < cnt-${item.n}) -ge 2 ] || exit 1; fi"),
                                Step.shell("echo y >> s-${item.n}; [ ${item.n} -ne 2 ] || "
                                                + "[ $(wc -l < s-${item.n}) -ge 2 ]")
                                        .retry(RetryPolicy.builder()
                                                .maxAttempts(2)
                                                .initialDelay(Duration.ofMillis(5))
                                                .build()),
                                Step.agent("/triage ${item.n}")))
                .errorPolicy(ErrorPolicy.builder()
                        .itemRetry(RetryPolicy.builder()
                                .maxAttempts(2)
                                .initialDelay(Duration.ofMillis(5))
                                .build())
                        .build())
                .reduce(Step.shell("echo ${map.successful} of ${map.total}"))
                .build();
        try (Prodigy p = engine(dir).agentRunner(meteredAgent()).build()) {
            RunResult r = p.run(wf);
            return new Run(p.home(), r.runId(), r);
        }
    }

    /**
     * A thousand items through an in-process agent, eight at a time: every 37th item always fails (two error
     * patterns, dead-lettered after two attempts), every 11th fails its first attempt.
     */
    static Run thousand(Path dir) throws IOException {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(Map.of("n", i, "title", "issue number " + i + " with a longer title than most"));
        }
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        AgentRunner agent = req -> {
            int n = Integer.parseInt(req.command().substring(req.command().lastIndexOf(' ') + 1));
            int call = calls.merge(req.itemId(), 1, Integer::sum);
            if (n % 37 == 0 || (n % 11 == 0 && call == 1)) {
                return AgentResult.failure(
                        ErrorKind.COMMAND_FAILED,
                        (n % 2 == 0
                                        ? "lint error in src/file" + n + ".java at line " + n
                                        : "test timeout after " + n + " ms")
                                + " " + "x".repeat(400));
            }
            return AgentResult.builder()
                    .success(true)
                    .output("ok")
                    .costUsd(0.002)
                    .build();
        };
        try (Prodigy p = engine(dir).agentRunner(agent).build()) {
            RunResult r = p.run(Workflow.mapReduce("thousand")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(items))
                            .maxParallel(8)
                            .agentTemplate(Step.agent("/fix ${item.n}")))
                    .errorPolicy(ErrorPolicy.builder()
                            .itemRetry(RetryPolicy.builder()
                                    .maxAttempts(2)
                                    .initialDelay(Duration.ofMillis(1))
                                    .build())
                            .build())
                    .build());
            return new Run(p.home(), r.runId(), r);
        }
    }
}
