package io.prodigy.yaml.internal;

import io.prodigy.api.EnvValue;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.Workflow;
import io.prodigy.api.WorkflowDefinitionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one workflow file contributes: its stages and shared settings. Files combined by composition (extends,
 * imports, template) are merged part by part before the {@link Workflow} is built.
 */
final class Parts {
    private static final Pattern DEFAULT_STEPS_NAME = Pattern.compile("steps-\\d+");

    String name;
    final List<Stage> stages = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> secrets = new LinkedHashMap<>();
    /** Where secrets resolved from the environment or a file came from ({@code env:NAME}, {@code file:PATH}). */
    final Map<String, String> secretSources = new LinkedHashMap<>();

    final Map<String, EnvValue> computedEnv = new LinkedHashMap<>();
    final List<String> envFiles = new ArrayList<>();
    final Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
    final List<Step> merge = new ArrayList<>();
    Duration mergeTimeout;
    RetryPolicy defaultRetry;
    io.prodigy.api.IsolationHints isolation;

    /**
     * Merges parts in order: stages are concatenated (adjacent plain stages with default names become one), and
     * for every setting the later part wins.
     */
    static Parts combine(List<Parts> ordered) {
        Parts out = new Parts();
        int parts = 0;
        for (Parts p : ordered) {
            if (p == null) {
                continue;
            }
            parts++;
            if (p.name != null) {
                out.name = p.name;
            }
            for (int i = 0; i < p.stages.size(); i++) {
                if (i == 0) {
                    out.addStage(p.stages.get(i));
                } else {
                    out.stages.add(p.stages.get(i));
                }
            }
            putAll(out, p);
            if (!p.merge.isEmpty()) {
                out.merge.clear();
                out.merge.addAll(p.merge);
            }
            if (p.mergeTimeout != null) {
                out.mergeTimeout = p.mergeTimeout;
            }
            if (p.defaultRetry != null) {
                out.defaultRetry = p.defaultRetry;
            }
            if (p.isolation != null) {
                out.isolation = p.isolation;
            }
            out.envFiles.removeAll(p.envFiles);
            out.envFiles.addAll(p.envFiles);
        }
        if (parts > 1) {
            out.renumber();
        }
        return out;
    }

    private static void putAll(Parts out, Parts p) {
        for (Map.Entry<String, String> e : p.env.entrySet()) {
            out.secrets.remove(e.getKey());
            out.computedEnv.remove(e.getKey());
            out.env.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : p.secrets.entrySet()) {
            out.env.remove(e.getKey());
            out.computedEnv.remove(e.getKey());
            out.secrets.put(e.getKey(), e.getValue());
            out.secretSources.remove(e.getKey());
        }
        out.secretSources.putAll(p.secretSources);
        for (Map.Entry<String, EnvValue> e : p.computedEnv.entrySet()) {
            out.env.remove(e.getKey());
            out.secrets.remove(e.getKey());
            out.computedEnv.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Map<String, String>> e : p.profiles.entrySet()) {
            Map<String, String> merged = new LinkedHashMap<>(out.profiles.getOrDefault(e.getKey(), Map.of()));
            merged.putAll(e.getValue());
            out.profiles.put(e.getKey(), merged);
        }
    }

    private void addStage(Stage s) {
        if (s instanceof Stage.Steps && ((Stage.Steps) s).steps().isEmpty() && !stages.isEmpty()) {
            return;
        }
        if (!stages.isEmpty() && s instanceof Stage.Steps && isDefault(s)) {
            Stage last = stages.get(stages.size() - 1);
            if (last instanceof Stage.Steps && isDefault(last)) {
                List<Step> joined = new ArrayList<>(((Stage.Steps) last).steps());
                joined.addAll(((Stage.Steps) s).steps());
                stages.set(stages.size() - 1, new Stage.Steps(last.name(), joined));
                return;
            }
        }
        if (!stages.isEmpty()
                && stages.get(stages.size() - 1) instanceof Stage.Steps
                && ((Stage.Steps) stages.get(stages.size() - 1)).steps().isEmpty()) {
            stages.remove(stages.size() - 1);
        }
        stages.add(s);
    }

    /** Plain stages with a default name are named steps-N after their position, as the builder names them. */
    private void renumber() {
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (s instanceof Stage.Steps && isDefault(s) && !s.name().equals("steps-" + (i + 1))) {
                stages.set(i, new Stage.Steps("steps-" + (i + 1), ((Stage.Steps) s).steps()));
            }
        }
    }

    private static boolean isDefault(Stage s) {
        return DEFAULT_STEPS_NAME.matcher(s.name()).matches();
    }

    /**
     * @param fallbackName the name when no part names the workflow
     * @return the workflow
     * @throws WorkflowDefinitionException when the model refuses it
     */
    Workflow build(String fallbackName) {
        String workflowName = name != null && !name.isBlank() ? name : fallbackName;
        Workflow.Builder b = Workflow.builder(workflowName);
        env.forEach(b::env);
        secrets.forEach(b::secret);
        secretSources.forEach(b::secretSource);
        computedEnv.forEach(b::env);
        envFiles.forEach(b::envFile);
        profiles.forEach(b::profile);
        for (Stage s : stages) {
            // the one MapReduce stage of a 'mode: mapreduce' file is named after the workflow, so that messages
            // and events say which workflow they are about
            b.stage(
                    s instanceof Stage.MapReduce mr && mr.name().equals(WorkflowReader.MAPREDUCE_STAGE)
                            ? new Stage.MapReduce(workflowName, mr.setup(), mr.map(), mr.reduce(), mr.errorPolicy())
                            : s);
        }
        b.merge(merge);
        b.mergeTimeout(mergeTimeout);
        b.defaultRetry(defaultRetry);
        if (isolation != null) {
            b.isolation(isolation);
        }
        return b.build();
    }
}
