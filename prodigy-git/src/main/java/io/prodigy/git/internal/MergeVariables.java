package io.prodigy.git.internal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code ${merge.*}} variables a merge resolver (merge steps or an agent) sees, named as the Rust tool names
 * them: {@code merge.worktree}, {@code merge.source_branch}, {@code merge.target_branch}, {@code merge.session_id},
 * {@code merge.commits} (JSON), {@code merge.commit_ids}, {@code merge.commit_count}, {@code merge.modified_files}
 * (JSON), {@code merge.file_list}, {@code merge.file_count}; plus {@code merge.item_id} and {@code merge.conflicts}
 * when an item's merge conflicts.
 */
public final class MergeVariables {
    private MergeVariables() {}

    /**
     * @param worktree where the merge happens
     * @param source the branch being merged
     * @param target the branch merged into
     * @param runId the run
     * @param commits the commits being merged, oldest first
     * @param files the files they change
     * @return the variables, in a stable order
     */
    public static Map<String, String> of(
            Path worktree, String source, String target, String runId, List<String> commits, List<String> files) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("merge.worktree", worktree.toString());
        v.put("merge.source_branch", source);
        v.put("merge.target_branch", target);
        v.put("merge.session_id", runId);
        v.put("merge.commits", jsonArray(commits));
        v.put("merge.commit_ids", String.join(",", commits));
        v.put("merge.commit_count", String.valueOf(commits.size()));
        v.put("merge.modified_files", jsonArray(files));
        v.put("merge.file_list", String.join(",", files));
        v.put("merge.file_count", String.valueOf(files.size()));
        return v;
    }

    /**
     * @param variables merge variables
     * @return them as environment variables: {@code merge.source_branch} becomes {@code PRODIGY_MERGE_SOURCE_BRANCH}
     */
    public static Map<String, String> environment(Map<String, String> variables) {
        Map<String, String> env = new LinkedHashMap<>();
        variables.forEach((k, v) -> env.put("PRODIGY_" + k.replace('.', '_').toUpperCase(Locale.ROOT), v));
        env.put("PRODIGY_AUTOMATION", "true");
        return Collections.unmodifiableMap(env);
    }

    /**
     * @param values strings
     * @return a JSON array of them
     */
    static String jsonArray(List<String> values) {
        StringBuilder sb = new StringBuilder(values.size() * 44 + 2).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            quote(values.get(i), sb);
        }
        return sb.append(']').toString();
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
