package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class ProcFsTest {

    private static ProcFs.Stat parse(String line) {
        byte[] bytes = line.getBytes(US_ASCII);
        return ProcFs.parse(42, bytes, bytes.length);
    }

    @Test
    void parsesAStatLineWhoseCommandHoldsSpacesAndParentheses() {
        ProcFs.Stat stat = parse("42 (a) b (c) S 7 40 40 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 50 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");

        assertThat(stat).isEqualTo(new ProcFs.Stat(42, 7, 40, 123456, false));
    }

    @Test
    void recognizesZombiesAndRejectsGarbage() {
        assertThat(parse("42 (sleep) Z 1 40 40 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0")
                        .zombie())
                .isTrue();
        assertThat(parse("no closing parenthesis")).isNull();
        assertThat(parse("42 (short) S 1 2")).isNull();
    }

    @Test
    void readsTheCurrentProcess() {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        long self = ProcessHandle.current().pid();

        ProcFs.Stat stat = ProcFs.stat(self).orElseThrow();

        assertThat(stat.ppid())
                .isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(stat.zombie()).isFalse();
        assertThat(ProcFs.all()).extracting(ProcFs.Stat::pid).contains(self);
        assertThat(ProcFs.stat(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void readsTheCountersThatBoundNewPids() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        ProcFs.Counters before = ProcFs.counters().orElseThrow();

        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        ProcFs.Counters after = ProcFs.counters().orElseThrow();

        assertThat(after.forks()).isGreaterThan(before.forks());
        assertThat(before.tasks()).isPositive();
        assertThat(after.lastPid()).isPositive();
        assertThat(ProcFs.pidMax()).isGreaterThanOrEqualTo(after.lastPid());
    }

    @Test
    void sharesOneRecentCountersReadingBetweenStartsAndReadsAgainWhenItIsOld() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        long hour = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
        ProcFs.Counters first = ProcFs.countersBefore(hour).orElseThrow();
        ProcFs.Counters again = ProcFs.countersBefore(hour).orElseThrow();

        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        ProcFs.Counters stillShared = ProcFs.countersBefore(hour).orElseThrow();
        ProcFs.Counters reread = ProcFs.countersBefore(-1).orElseThrow(); // older than allowed: read again
        ProcFs.Counters sharedAfter = ProcFs.countersBefore(hour).orElseThrow();

        assertThat(again).isSameAs(first); // within the age limit: no /proc read
        assertThat(stillShared).isSameAs(first); // a reading from before the child's start is still a valid bound
        assertThat(reread).isNotSameAs(first);
        assertThat(reread.forks()).isGreaterThan(first.forks()); // read after the child was created
        assertThat(sharedAfter).isSameAs(reread); // the new reading replaced the shared one
        assertThat(ProcFs.countersBefore()).isPresent();
    }

    @Test
    void readsAStatOnlyIfThePidExists() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        long self = ProcessHandle.current().pid();
        byte[] buffer = new byte[ProcFs.STAT_BUFFER_SIZE];
        Process child = new ProcessBuilder("true").start();
        long gone = child.pid();
        child.waitFor();

        assertThat(ProcFs.readIfPresent(self, buffer)).isEqualTo(ProcFs.read(self, buffer));
        assertThat(ProcFs.readIfPresent(self, buffer).pid()).isEqualTo(self);
        assertThat(ProcFs.readIfPresent(gone, buffer)).isNull();
        assertThat(ProcFs.readIfPresent(Long.MAX_VALUE, buffer)).isNull();
    }

    @Test
    void concurrentCallersShareFreshScans() throws Exception {
        assumeTrue(ProcFs.AVAILABLE, "needs /proc");
        long self = ProcessHandle.current().pid();
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicInteger found = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int j = 0; j < 20; j++) {
                    if (ProcFs.fresh().stream().anyMatch(stat -> stat.pid() == self)) {
                        found.incrementAndGet();
                    }
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(found).hasValue(80);
    }
}
