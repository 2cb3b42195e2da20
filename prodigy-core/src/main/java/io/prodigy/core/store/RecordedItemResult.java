package io.prodigy.core.store;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemResult;
import io.prodigy.api.ItemStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An item's result as the journal records it (the {@code result_json} of an {@code item_finished} record) and as
 * {@code ${map.results}} exposes it. {@link ItemResultCodec} writes and reads it; the JSON form is described there.
 *
 * @param itemId the item's id
 * @param status how the item ended
 * @param output the output of its last step ({@code ""} when none)
 * @param commits the commits it produced, oldest first
 * @param filesModified the files its commits added or modified
 * @param duration the time spent on it over all attempts
 * @param attempts how many times its template ran
 * @param error why it failed, or null
 * @param errorKind the kind of failure, or null when {@code error} is null
 * @param worktreePath the directory it last ran in, or null
 * @param branchName the branch it worked on, or null
 * @param costUsd its agent cost in US dollars, or null if unknown
 */
public record RecordedItemResult(
        String itemId,
        ItemStatus status,
        String output,
        List<String> commits,
        List<String> filesModified,
        Duration duration,
        int attempts,
        String error,
        ErrorKind errorKind,
        Path worktreePath,
        String branchName,
        Double costUsd) {
    /**
     * Validates and copies.
     *
     * @throws NullPointerException if {@code itemId} or {@code status} is null
     */
    public RecordedItemResult {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(status, "status");
        output = output == null ? "" : output;
        commits = commits == null ? List.of() : List.copyOf(commits);
        filesModified = filesModified == null ? List.of() : List.copyOf(filesModified);
        duration = duration == null ? Duration.ZERO : duration;
        errorKind = error == null ? null : errorKind == null ? ErrorKind.UNKNOWN : errorKind;
    }

    /**
     * @param r an item's outcome in the engine
     * @return what the journal records of it
     * @throws NullPointerException if {@code r} is null
     */
    public static RecordedItemResult of(ItemResult r) {
        return new RecordedItemResult(
                r.itemId(),
                r.status(),
                r.output(),
                r.commits(),
                r.filesModified(),
                r.duration(),
                r.attempts(),
                r.error() == null ? null : r.error().message(),
                r.error() == null ? null : r.error().kind(),
                r.worktreePath(),
                r.branch(),
                r.costUsd());
    }

    /**
     * @param itemId the item
     * @param status how it ended
     * @return a result that records nothing but the status (one attempt, no output, no error): what a journal
     *         record whose result cannot be read stands for
     */
    public static RecordedItemResult statusOnly(String itemId, ItemStatus status) {
        return new RecordedItemResult(
                itemId, status, "", List.of(), List.of(), Duration.ZERO, 1, null, null, null, null, null);
    }
}
