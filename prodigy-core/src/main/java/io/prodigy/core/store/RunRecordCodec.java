package io.prodigy.core.store;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.RunRecord;

/** {@code run.json}: a {@link RunRecord} as one indented JSON document. */
final class RunRecordCodec {
    private RunRecordCodec() {}

    static byte[] encode(RunRecord r) {
        return JsonRecords.document(g -> {
            JsonRecords.writeRequired(g, "run_id", r.runId());
            JsonRecords.writeString(g, "workflow_name", r.workflowName());
            JsonRecords.writeString(g, "workflow_hash", r.workflowHash());
            JsonRecords.writeRequired(g, "status", r.status());
            JsonRecords.writePath(g, "project_directory", r.projectDirectory());
            JsonRecords.writePath(g, "workspace", r.workspace());
            JsonRecords.writeInstant(g, "started_at", r.startedAt());
            JsonRecords.writeInstant(g, "updated_at", r.updatedAt());
            JsonRecords.writeStringMap(g, "metadata", new java.util.TreeMap<>(r.metadata()));
        });
    }

    static RunRecord decode(Record n) {
        JsonRecords.checkVersion(n);
        return new RunRecord(
                JsonRecords.text(n, "run_id"),
                JsonRecords.optionalText(n, "workflow_name"),
                JsonRecords.optionalText(n, "workflow_hash"),
                JsonRecords.enumValue(n, "status", RunStatus.class),
                JsonRecords.optionalPath(n, "project_directory"),
                JsonRecords.optionalPath(n, "workspace"),
                JsonRecords.optionalInstant(n, "started_at"),
                JsonRecords.optionalInstant(n, "updated_at"),
                JsonRecords.stringMap(n, "metadata"));
    }
}
