package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    @Test
    void findsWhatAnExitedLeaderLeftInItsGroupFromThePidsAllocatedSince() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs Linux with setsid");
        ProcFs.Counters before = ProcFs.counters().orElseThrow();
        Process leader = new ProcessBuilder(
                        TreeMode.SETSID.orElseThrow(), "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!")
                .start();
        ProcessTree tree = ProcessTree.of(leader.toHandle(), TreeMode.PROCESS_GROUP, before);
        long background =
                Long.parseLong(new String(leader.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        leader.waitFor();
        try {
            assertThat(tree.groupMembersSinceStart()).containsExactly(background);
            assertThat(tree.liveMembers()).containsOnlyKeys(background);
        } finally {
            tree.terminate(Duration.ofSeconds(1));
        }
        assertThat(tree.liveMembers()).isEmpty();
        assertThat(tree.groupMembersSinceStart()).isEmpty();
    }

    @Test
    void findsTheGroupWithCountersReadLongBeforeTheStart() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs Linux with setsid");
        // a reading shared with earlier starts (ProcFs.countersBefore): processes created after it and before
        // the leader only widen the bound, the leader's group is still found
        ProcFs.Counters old = ProcFs.counters().orElseThrow();
        for (int i = 0; i < 20; i++) {
            new ProcessBuilder("true").start().waitFor();
        }
        Process leader = new ProcessBuilder(
                        TreeMode.SETSID.orElseThrow(), "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!")
                .start();
        ProcessTree tree = ProcessTree.of(leader.toHandle(), TreeMode.PROCESS_GROUP, old);
        long background =
                Long.parseLong(new String(leader.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        leader.waitFor();
        try {
            assertThat(tree.groupMembersSinceStart()).containsExactly(background);
            assertThat(tree.liveMembers()).containsOnlyKeys(background);
        } finally {
            tree.terminate(Duration.ofSeconds(1));
        }
        assertThat(tree.liveMembers()).isEmpty();
    }

    @Test
    void fallsBackToTheFullScanWhenTheCountersAllowAWrap() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs Linux with setsid");
        ProcFs.Counters now = ProcFs.counters().orElseThrow();
        // as if pid_max processes had been created since the reading: the pids may have wrapped, so no shortcut
        ProcFs.Counters ancient = new ProcFs.Counters(now.forks() - ProcFs.pidMax(), now.tasks(), now.lastPid());
        Process leader = new ProcessBuilder(
                        TreeMode.SETSID.orElseThrow(), "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!")
                .start();
        ProcessTree tree = ProcessTree.of(leader.toHandle(), TreeMode.PROCESS_GROUP, ancient);
        long background =
                Long.parseLong(new String(leader.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        leader.waitFor();
        try {
            assertThat(tree.groupMembersSinceStart()).isNull();
            assertThat(tree.liveMembers()).containsOnlyKeys(background); // found by the full scan
        } finally {
            tree.terminate(Duration.ofSeconds(1));
        }
        assertThat(tree.liveMembers()).isEmpty();
    }

    @Test
    void fallsBackToTheFullScanWithoutCounters() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs Linux with setsid");
        Process leader = new ProcessBuilder(TreeMode.SETSID.orElseThrow(), "true").start();
        ProcessTree tree = ProcessTree.of(leader.toHandle(), TreeMode.PROCESS_GROUP, null);
        leader.waitFor();

        assertThat(tree.groupMembersSinceStart()).isNull();
        assertThat(tree.liveMembers()).isEmpty();
    }
}
