package io.prodigy.benchmarks.e2e;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one Prodigy measurement in this JVM and prints its figures as one JSON line on stdout; the harness starts
 * it as a child JVM (to time a whole process, or to run under {@code -Xmx512m}).
 *
 * <pre>
 * process-agents HOME WORKDIR ITEMS PARALLEL
 * worktree-agents HOME REPO ITEMS PARALLEL fresh|pooled
 * engine-overhead HOME ITEMS PARALLEL
 * resume-prepare HOME ITEMS
 * resume HOME RUN_ID ITEMS
 * filter-sort ITEMS REPETITIONS
 * repo-map HOME REPO FILES_LIST PARALLEL default|fresh|pooled
 * merge-queue HOME REPO ITEMS PARALLEL default|fresh|pooled
 * isolation-cost HOME REPO fresh|pooled ITEMS
 * </pre>
 */
public final class Driver {
    private Driver() {}

    /**
     * @param args the scenario and its arguments (see the class comment)
     * @throws Exception if the measurement fails
     */
    public static void main(String[] args) throws Exception {
        quietLogging();
        String result;
        switch (args[0]) {
            case "process-agents":
                result = "{\"seconds\":"
                        + Scenarios.processAgents(
                                Path.of(args[1]),
                                Path.of(args[2]),
                                Integer.parseInt(args[3]),
                                Integer.parseInt(args[4]))
                        + "}";
                break;
            case "worktree-agents":
                result = "{\"seconds\":"
                        + Scenarios.worktreeAgents(
                                Path.of(args[1]),
                                Path.of(args[2]),
                                Integer.parseInt(args[3]),
                                Integer.parseInt(args[4]),
                                args[5].equals("pooled"))
                        + "}";
                break;
            case "engine-overhead":
                result = "{\"seconds\":"
                        + Scenarios.engineOverhead(
                                Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]))
                        + "}";
                break;
            case "resume-prepare":
                result = "{\"run_id\":\"" + Scenarios.prepareHalfDone(Path.of(args[1]), Integer.parseInt(args[2]))
                        + "\"}";
                break;
            case "resume":
                Scenarios.ResumeFigures r = Scenarios.resume(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
                result = "{\"seconds\":" + r.seconds() + ",\"heap_bytes\":" + r.heapBytes() + ",\"dispatched\":"
                        + r.remaining() + "}";
                break;
            case "filter-sort":
                List<Double> times = Scenarios.filterSort(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                result = "{\"seconds\":" + Stats.median(times) + "}";
                break;
            case "repo-map":
                result = "{\"seconds\":"
                        + GitScenarios.repoMap(
                                Path.of(args[1]),
                                Path.of(args[2]),
                                java.nio.file.Files.readAllLines(Path.of(args[3])),
                                Integer.parseInt(args[4]),
                                args[5])
                        + "}";
                break;
            case "merge-queue":
                result = "{\"seconds\":"
                        + GitScenarios.mergeQueue(
                                Path.of(args[1]),
                                Path.of(args[2]),
                                Integer.parseInt(args[3]),
                                Integer.parseInt(args[4]),
                                args[5])
                        + "}";
                break;
            case "isolation-cost":
                result = "{\"seconds\":"
                        + GitScenarios.isolationCost(
                                Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]))
                        + "}";
                break;
            default:
                throw new IllegalArgumentException("unknown scenario " + args[0]);
        }
        System.out.println(result);
        System.out.flush();
        System.exit(0);
    }

    /** Engine logging at warn, unless the caller chose a level. */
    static void quietLogging() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }
}
