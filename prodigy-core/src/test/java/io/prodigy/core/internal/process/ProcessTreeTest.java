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
    void fallsBackToTheFullScanWithoutCounters() throws Exception {
        assumeTrue(TreeMode.DEFAULT == TreeMode.PROCESS_GROUP, "needs Linux with setsid");
        Process leader = new ProcessBuilder(TreeMode.SETSID.orElseThrow(), "true").start();
        ProcessTree tree = ProcessTree.of(leader.toHandle(), TreeMode.PROCESS_GROUP, null);
        leader.waitFor();

        assertThat(tree.groupMembersSinceStart()).isNull();
        assertThat(tree.liveMembers()).isEmpty();
    }
}
