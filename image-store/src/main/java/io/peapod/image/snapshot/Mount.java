package io.peapod.image.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * A mount the caller performs: {@code mount(source, target, type, 0, String.join(",", options))}.
 * The snapshotter never mounts.
 *
 * <p><b>Working directory contract.</b> When {@link #workingDirectory()} is non-null the
 * {@code lowerdir=} paths are relative to it (an image with so many layers that absolute paths
 * would exceed the kernel's one-page limit on mount data). The caller must then issue
 * {@code mount(2)} with that directory as its current working directory — in the C helper's
 * plan a {@code chdir} step before the mount, or {@code ProcessBuilder.directory(...)} for
 * {@code mount(8)} — and must not rely on the cwd of the JVM. {@code upperdir} and
 * {@code workdir} are always absolute.
 *
 * @param type    filesystem type, e.g. {@code overlay}
 * @param source  mount source, e.g. {@code overlay}
 * @param options mount options in order, e.g. {@code lowerdir=a:b}, {@code upperdir=...}
 */
public record Mount(String type, String source, List<String> options, Path workingDirectory) {
    public Mount {
        options = List.copyOf(options);
    }

    /** The data argument of mount(2). */
    public String data() {
        return String.join(",", options);
    }

    /** The value of the first option {@code key=value}, or null. */
    public String option(String key) {
        for (String o : options) {
            if (o.startsWith(key + "=")) {
                return o.substring(key.length() + 1);
            }
        }
        return null;
    }
}
