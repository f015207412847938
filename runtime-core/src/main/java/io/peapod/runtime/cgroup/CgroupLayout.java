package io.peapod.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How the cgroup filesystems are mounted on this machine. */
public enum CgroupLayout {
    /** Pure cgroup v2: cgroup2 mounted at /sys/fs/cgroup. */
    UNIFIED,
    /** v1 controller hierarchies plus a controller-less cgroup2 (usually at /sys/fs/cgroup/unified). */
    HYBRID,
    /** Pure cgroup v1. */
    LEGACY;

    public static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup");
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** Detects the layout of this process's mount namespace from /proc/self/mountinfo. */
    public static CgroupLayout detect() {
        return fromMounts(readMounts());
    }

    static List<CgroupMount> readMounts() {
        try {
            return CgroupMount.parseMountinfo(Files.readString(MOUNTINFO));
        } catch (IOException e) {
            throw new CgroupException("cannot read " + MOUNTINFO + " to find the cgroup mounts: " + e.getMessage(), e);
        }
    }

    public static CgroupLayout fromMountinfo(String mountinfo) {
        return fromMounts(CgroupMount.parseMountinfo(mountinfo));
    }

    public static CgroupLayout fromMounts(List<CgroupMount> mounts) {
        boolean v1 = mounts.stream().anyMatch(m -> !m.v2());
        boolean v2 = mounts.stream().anyMatch(CgroupMount::v2);
        boolean v2AtRoot = mounts.stream().anyMatch(m -> m.v2() && m.mountPoint().equals(DEFAULT_ROOT));
        if (v2AtRoot || (v2 && !v1)) {
            return UNIFIED;
        }
        if (v1) {
            return v2 ? HYBRID : LEGACY;
        }
        throw new CgroupException("no cgroup filesystem is mounted (mountinfo lists neither cgroup nor cgroup2)");
    }

    /**
     * Detects the layout of a directory laid out like /sys/fs/cgroup (used by tests on a temp dir):
     * cgroup.controllers at the top means v2, a {@code unified} directory with it means hybrid.
     */
    public static CgroupLayout detect(Path root) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return UNIFIED;
        }
        if (!Files.isDirectory(root)) {
            throw new CgroupException("cgroup root " + root + " is not a directory");
        }
        return Files.exists(root.resolve("unified").resolve("cgroup.controllers")) ? HYBRID : LEGACY;
    }
}
