package io.peapod.cri.translate;

import java.util.Optional;

/** Reads small files (such as {@code /etc/passwd}) of a container's root filesystem before it is mounted. */
public interface RootfsReader {

    /**
     * The content of the regular file at {@code absolutePathInRootfs} (UTF-8), following
     * symbolic links inside the root filesystem; empty when there is no such file.
     */
    Optional<String> read(String absolutePathInRootfs);

    /** A reader for a root filesystem without any file. */
    static RootfsReader empty() {
        return path -> Optional.empty();
    }
}
