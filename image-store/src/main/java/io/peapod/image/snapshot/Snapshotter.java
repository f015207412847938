package io.peapod.image.snapshot;

import io.peapod.image.content.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Layer snapshots by chain ID, and writable snapshots for containers on top of them.
 * Implementations return mounts; they never mount (whoever starts the container does).
 */
public interface Snapshotter {
    /** Writes one layer's files into an empty directory. */
    @FunctionalInterface
    interface Applier {
        /**
         * @param dir        the empty directory to fill
         * @param lowerDirs  the parent snapshots' directories, top first (for hard links to lower files)
         */
        void apply(Path dir, List<Path> lowerDirs) throws IOException;
    }

    /**
     * The committed snapshot {@code chainId}, creating it on top of {@code parent} (null for a
     * base layer) with {@code applier} if it does not exist yet. Concurrent callers for one chain
     * ID share a single unpack. A failed apply leaves nothing visible.
     */
    SnapshotInfo ensureCommitted(Digest chainId, Digest parent, Applier applier);

    Optional<SnapshotInfo> stat(Digest chainId);

    List<SnapshotInfo> list();

    /** Removes a committed snapshot; the caller ensures nothing is stacked on it. */
    void remove(Digest chainId);

    /**
     * Creates the writable snapshot {@code key} (a container id) over {@code parent} and returns
     * the mount for its root filesystem. {@link io.peapod.image.FailedPreconditionException}
     * if {@code key} exists.
     */
    Mount prepare(String key, Digest parent);

    /** The mount of an existing writable snapshot. */
    Mount mount(String key);

    /** The committed snapshot a writable snapshot stacks on, or null when it has none. */
    Digest activeParent(String key);

    /** Lists the keys of writable snapshots. */
    List<String> activeKeys();

    /** Deletes a writable snapshot (its upper and work directories); false if absent. */
    boolean removeActive(String key);

    DiskUsage usage(Digest chainId);

    DiskUsage activeUsage(String key);

    /** Everything under the snapshotter's root. */
    DiskUsage totalUsage();

    /** Chain ID of layers with these diff IDs, bottom first (OCI image spec). */
    static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> out = new java.util.ArrayList<>(diffIds.size());
        Digest prev = null;
        for (Digest d : diffIds) {
            prev = prev == null ? d : Digest.sha256(prev + " " + d);
            out.add(prev);
        }
        return out;
    }
}
