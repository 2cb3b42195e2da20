package io.prodigy.temporal;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;

/**
 * What one item attempt on a worker has done so far, gathered from the worker engine's events for that attempt and
 * sent in each heartbeat: the step running now and the agents' cost so far. Thread-safe.
 */
final class ItemProgress implements RunListener {
    private final String itemId;
    private final String worker;
    private final long startedNanos = System.nanoTime();
    private String step;
    private int stepIndex = -1;
    private int stepsDone;
    private double costUsd;
    private boolean costKnown;
    private String activity;

    /** @param itemId the item @param worker this worker's identity */
    ItemProgress(String itemId, String worker) {
        this.itemId = itemId;
        this.worker = worker;
    }

    @Override
    public synchronized void onEvent(RunEvent event) {
        if (event instanceof RunEvent.StepStarted s && itemId.equals(s.itemId())) {
            step = s.label();
            stepIndex = s.index();
        } else if (event instanceof RunEvent.StepFinished f && itemId.equals(f.itemId())) {
            stepsDone++;
        } else if (event instanceof RunEvent.Throttled t && itemId.equals(t.itemId())) {
            activity = "throttled (" + t.errorKind() + "), trying again in "
                    + t.retryIn().toMillis() + " ms";
        } else if (event instanceof RunEvent.AgentActivity a && itemId.equals(a.itemId())) {
            String cost = a.details().get("cost_usd");
            if ("usage".equals(a.type()) && cost != null) {
                try {
                    costUsd += Double.parseDouble(cost);
                    costKnown = true;
                } catch (NumberFormatException e) {
                    // a runner reporting no number: the cost stays unknown
                }
            }
            activity = a.summary().length() <= 200 ? a.summary() : a.summary().substring(0, 200) + "...";
        }
    }

    /** @return the heartbeat's details now */
    synchronized ItemHeartbeat snapshot() {
        return new ItemHeartbeat(
                itemId,
                worker,
                (System.nanoTime() - startedNanos) / 1_000_000,
                step,
                stepIndex,
                stepsDone,
                costKnown ? costUsd : null,
                activity);
    }
}
