package io.prodigy.cli;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.TokenUsage;
import io.prodigy.core.store.EventLogReader;
import io.prodigy.core.store.RunMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's figures as its event log tells them: items done, failed and total, cost, tokens, and when it ended.
 *
 * @param total items of its map phases (0 without one)
 * @param succeeded items whose last outcome was success
 * @param failed items whose last outcome was a failure
 * @param costUsd the cost so far, or null when unknown
 * @param tokens the agents' token counts so far (the sum of their {@code usage} activity), or null when no agent
 *               reported any
 * @param endedAt when it finished, or null while running or interrupted
 * @param items the last outcome of each item
 */
record RunStats(
        int total,
        int succeeded,
        int failed,
        Double costUsd,
        TokenUsage tokens,
        Instant endedAt,
        Map<String, ItemStatus> items) {

    static RunStats of(Path home, RunRecord record) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        Map<String, ItemStatus> items = new LinkedHashMap<>();
        double[] cost = {0};
        boolean[] anyCost = {false};
        Instant[] ended = {null};
        TokenUsage[] tokens = {null};
        try {
            EventLogReader.open(home).forEach(record.runId(), e -> {
                if (e instanceof RunEvent.ItemsResolved r) {
                    totals.put(r.stage() == null ? "" : r.stage(), r.total());
                } else if (e instanceof RunEvent.ItemFinished f) {
                    items.put(f.itemId(), f.status());
                    if (f.costUsd() != null) {
                        cost[0] += f.costUsd();
                        anyCost[0] = true;
                    }
                } else if (e instanceof RunEvent.AgentActivity a && "usage".equals(a.type())) {
                    TokenUsage used = new TokenUsage(
                            count(a, "input_tokens"),
                            count(a, "output_tokens"),
                            count(a, "cache_read_tokens"),
                            count(a, "cache_creation_tokens"));
                    tokens[0] = tokens[0] == null ? used : tokens[0].plus(used);
                } else if (e instanceof RunEvent.RunFinished f) {
                    ended[0] = f.at();
                } else if (e instanceof RunEvent.RunStarted) {
                    ended[0] = null;
                }
            });
        } catch (RuntimeException e) {
            // an unreadable log leaves the figures unknown; the run itself is still listed
        }
        int ok = (int)
                items.values().stream().filter(s -> s == ItemStatus.SUCCEEDED).count();
        int failed = (int)
                items.values().stream().filter(s -> s != ItemStatus.SUCCEEDED).count();
        Double total = RunMetadata.spentUsd(record);
        if (total == null && anyCost[0]) {
            total = cost[0];
        }
        if (record.status() != null && !record.status().isTerminal()) {
            ended[0] = null;
        }
        return new RunStats(
                totals.values().stream().mapToInt(Integer::intValue).sum(),
                ok,
                failed,
                total,
                tokens[0],
                ended[0],
                items);
    }

    private static long count(RunEvent.AgentActivity a, String key) {
        String v = a.details().get(key);
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
