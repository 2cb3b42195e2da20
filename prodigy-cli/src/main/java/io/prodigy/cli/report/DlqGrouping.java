package io.prodigy.cli.report;

import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.cli.report.ReportModel.DlqGroup;
import io.prodigy.cli.report.ReportModel.Item;
import io.prodigy.core.DeadLetters;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a run's Dead Letter Queue into a {@link ReportModel}: marks its items, counts resolved and unresolved
 * entries, and groups the unresolved ones by error signature ({@link DeadLetters#signature}), largest group first.
 */
final class DlqGrouping {
    /** The most item ids and distinct messages a group keeps as examples. */
    private static final int ITEM_IDS = 8;

    private static final int MESSAGES = 3;

    private DlqGrouping() {}

    static void fold(ReportModel m, List<DlqEntry> entries) {
        Map<String, DlqGroup> groups = new LinkedHashMap<>();
        for (DlqEntry e : entries) {
            Item it = m.item(e.itemId());
            it.deadLettered = true;
            if (e.resolved()) {
                m.dlqResolved++;
                it.dlqResolved = true;
                continue;
            }
            m.dlqUnresolved++;
            if (it.error == null && !e.attempts().isEmpty()) {
                it.error = e.lastAttempt().message();
                it.errorKind = e.lastAttempt().errorKind();
            }
            if (e.attempts().isEmpty()) {
                continue;
            }
            FailedAttempt last = e.lastAttempt();
            String sig = DeadLetters.signature(e);
            DlqGroup g = groups.computeIfAbsent(sig, s -> new DlqGroup(s, last.errorKind()));
            g.count++;
            if (g.itemIds.size() < ITEM_IDS) {
                g.itemIds.add(e.itemId());
            }
            String msg = last.message() == null ? "" : last.message();
            if (g.messages.size() < MESSAGES && !g.messages.contains(msg)) {
                g.messages.add(msg);
            }
            if (e.lastFailure() != null && e.lastFailure().isAfter(g.lastSeen)) {
                g.lastSeen = e.lastFailure();
            }
        }
        m.dlqGroups.addAll(groups.values());
        m.dlqGroups.sort(
                Comparator.comparingInt((DlqGroup g) -> g.count).reversed().thenComparing(g -> g.signature));
    }
}
