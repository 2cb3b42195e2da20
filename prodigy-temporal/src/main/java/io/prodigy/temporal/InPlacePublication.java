package io.prodigy.temporal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an item's work into a shared remote that is a repository on the worker's machine without {@code git push}
 * (whose pack-objects, receive-pack, unpack and connectivity check cost about five processes per item): the worker's
 * cache reads the remote's objects in place (git alternates), so the item's commits are the few loose objects its
 * agent wrote into the cache. They are linked (or copied) into the remote's object store and flushed to disk, then the
 * record's tag is written there with {@code git mktag}, and last the item's ref is created with one
 * {@code git update-ref <ref> <tag> ""} in the remote, which fails if the ref exists.
 *
 * <p>The ref is the record that the item is done, so it is written only after every object it reaches is in the
 * remote: a worker killed before that leaves at most unreferenced objects (pruned by the remote's gc in time), no ref,
 * and the next dispatch runs the item again. Two dispatches of one attempt that both finish race on the ref's
 * creation; the loser finds the winner's ref and returns its record. Anything unexpected (an object neither loose in
 * the cache nor in the remote, a file system that refuses links and copies) answers {@link Outcome#UNAVAILABLE} before
 * any ref is touched, and the caller pushes instead.
 */
final class InPlacePublication {
    private static final Logger LOG = LoggerFactory.getLogger(InPlacePublication.class);

    /** What a publication did. */
    enum Outcome {
        /** The objects and the ref are in the remote. */
        PUBLISHED,
        /** The ref existed already: another dispatch of the attempt published first; its record stands. */
        ALREADY_PUBLISHED,
        /** Nothing was written to the remote's refs: publish through git's transport instead. */
        UNAVAILABLE
    }

    /**
     * Where an item's work is and where it goes.
     *
     * @param worktree the item's worktree (a worktree of the cache repository)
     * @param cacheObjects the cache repository's own object directory
     * @param remote the remote repository (a directory of this machine, bare or not)
     * @param remoteObjects the remote's object directory (the cache's alternate)
     */
    record Target(Path worktree, Path cacheObjects, Path remote, Path remoteObjects) {}

    /** Publishes an item's work in place: {@link InPlacePublication#publish}, or a test's stand-in around it. */
    @FunctionalInterface
    interface Publisher {
        /**
         * @param target where the work is and goes
         * @param base the commit the item's work starts from
         * @param head the item's last commit
         * @param tagText the record's annotated tag
         * @param ref the item's ref on the remote
         * @return what was done
         */
        Outcome publish(Target target, String base, String head, String tagText, String ref);
    }

    private InPlacePublication() {}

    /**
     * Copies the objects of {@code base..head} into the remote, writes the tag and creates the ref.
     *
     * @param target where the work is and goes
     * @param base the commit the item's work starts from (its objects are in the remote already)
     * @param head the item's last commit
     * @param tagText the annotated tag recording the item's result (it names {@code head})
     * @param ref the item's ref on the remote
     * @return what was done
     * @throws io.prodigy.api.IsolationException if git cannot be started
     */
    static Outcome publish(Target target, String base, String head, String tagText, String ref) {
        Outcome copied = copyObjects(target, base, head);
        if (copied != Outcome.PUBLISHED) {
            return copied;
        }
        return writeRef(target.remote(), tagText, ref);
    }

    /**
     * The first half of {@link #publish}: puts every object of {@code base..head} into the remote's store, durably,
     * and writes no ref.
     *
     * @return {@link Outcome#PUBLISHED} when every object is in the remote, else {@link Outcome#UNAVAILABLE}
     */
    static Outcome copyObjects(Target target, String base, String head) {
        Git.Result listed =
                Git.run(target.worktree(), null, "rev-list", "--objects", "--no-object-names", head, "--not", base);
        if (!listed.ok()) {
            LOG.debug("cannot list the objects of {}..{}: {}", base, head, listed.output());
            return Outcome.UNAVAILABLE;
        }
        List<String> elsewhere = new ArrayList<>();
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (String line : listed.output().split("\n")) {
            String id = line.strip();
            if (id.length() < 40) {
                continue;
            }
            Path from = loose(target.cacheObjects(), id);
            Path to = loose(target.remoteObjects(), id);
            if (!Files.exists(from)) {
                if (!Files.exists(to)) {
                    elsewhere.add(id); // packed in the cache, or in one of the remote's packs
                }
                continue;
            }
            if (!Files.exists(to)) {
                if (!place(from, to)) {
                    return Outcome.UNAVAILABLE;
                }
                dirs.add(to.getParent());
            }
        }
        for (Path dir : dirs) {
            forceDirectory(dir);
        }
        if (!elsewhere.isEmpty() && !allInRemote(target.remote(), elsewhere)) {
            return Outcome.UNAVAILABLE;
        }
        return Outcome.PUBLISHED;
    }

    /**
     * The second half of {@link #publish}: the record's tag into the remote, then the ref, created only if absent.
     *
     * @return {@link Outcome#PUBLISHED}, {@link Outcome#ALREADY_PUBLISHED} if the ref exists, else
     *     {@link Outcome#UNAVAILABLE} (no ref written)
     */
    static Outcome writeRef(Path remote, String tagText, String ref) {
        Git.Result tag = Git.run(remote, tagText, "mktag");
        if (!tag.ok()) {
            LOG.debug("cannot write the record's tag into {}: {}", remote, tag.output());
            return Outcome.UNAVAILABLE;
        }
        Git.Result created = Git.run(remote, null, "update-ref", ref, tag.output(), "");
        if (created.ok()) {
            return Outcome.PUBLISHED;
        }
        if (Git.run(remote, null, "rev-parse", "--verify", "--quiet", ref).ok()) {
            return Outcome.ALREADY_PUBLISHED;
        }
        LOG.debug("cannot create {} in {}: {}", ref, remote, created.output());
        return Outcome.UNAVAILABLE;
    }

    private static Path loose(Path objects, String id) {
        return objects.resolve(id.substring(0, 2)).resolve(id.substring(2));
    }

    /**
     * Links (else copies) a loose object file into the remote's store and flushes it to disk. Loose objects never
     * change once written, so a link is as good as a copy; an object that appears meanwhile (another item's) is the
     * same bytes.
     *
     * @return false if the file system refused both
     */
    private static boolean place(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            try {
                Files.createLink(to, from);
            } catch (FileAlreadyExistsException e) {
                return true;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or links not allowed: copy beside it, then rename into place
                Path tmp = Files.createTempFile(to.getParent(), "tmp_obj_", "");
                try {
                    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
                    force(tmp);
                    Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return true;
            }
            force(to);
            return true;
        } catch (IOException e) {
            LOG.debug("cannot place {} at {}: {}", from, to, e.toString());
            return false;
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    /** Flushes a directory's entries (the new links' names); where the platform cannot, the files' flush stands. */
    private static void forceDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            LOG.trace("cannot flush directory {}: {}", dir, e.toString());
        }
    }

    /** @return whether the remote holds every one of the objects (one {@code cat-file --batch-check}) */
    private static boolean allInRemote(Path remote, List<String> ids) {
        Git.Result r = Git.run(remote, String.join("\n", ids) + "\n", "cat-file", "--batch-check=%(objectname)");
        if (!r.ok()) {
            return false;
        }
        return r.output().lines().noneMatch(l -> l.endsWith(" missing"));
    }
}
