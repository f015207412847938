package io.peapod.runtime.cgroup;

import io.peapod.runtime.cgroup.v1.V1CgroupManager;
import io.peapod.runtime.cgroup.v1.V1Hierarchies;
import io.peapod.runtime.cgroup.v2.V2CgroupManager;
import java.nio.file.Path;
import java.util.List;

/** Picks the {@link CgroupManager} implementation for the machine's cgroup layout. */
public final class CgroupManagers {
    private static volatile Detected detected;

    private CgroupManagers() {
    }

    private record Detected(CgroupLayout layout, List<CgroupMount> mounts) {
    }

    private static Detected detected() {
        Detected local = detected;
        if (local == null) {
            List<CgroupMount> mounts = CgroupLayout.readMounts();
            local = new Detected(CgroupLayout.fromMounts(mounts), mounts);
            detected = local;
        }
        return local;
    }

    /** The layout of this machine, detected once from /proc/self/mountinfo. */
    public static CgroupLayout layout() {
        return detected().layout();
    }

    /**
     * A manager for {@code path} on this machine. In the hybrid layout the v1 hierarchies carry the
     * controllers (as runc does); the cgroup2 mount only tracks membership.
     */
    public static CgroupManager forPath(String path) {
        Detected d = detected();
        if (d.layout() == CgroupLayout.UNIFIED) {
            Path mount = d.mounts().stream().filter(CgroupMount::v2).map(CgroupMount::mountPoint)
                    .filter(CgroupLayout.DEFAULT_ROOT::equals).findFirst()
                    .orElseGet(() -> d.mounts().stream().filter(CgroupMount::v2).findFirst().orElseThrow().mountPoint());
            return new V2CgroupManager(mount, path);
        }
        return new V1CgroupManager(V1Hierarchies.fromMounts(d.mounts()), path);
    }

    /**
     * A manager for {@code path} under a directory laid out like /sys/fs/cgroup: the v2 root itself for
     * UNIFIED; one directory per hierarchy for LEGACY, plus {@code unified/} for HYBRID.
     */
    public static CgroupManager forPath(CgroupLayout layout, Path root, String path) {
        return switch (layout) {
            case UNIFIED -> new V2CgroupManager(root, path);
            case HYBRID -> new V1CgroupManager(V1Hierarchies.scan(root, true), path);
            case LEGACY -> new V1CgroupManager(V1Hierarchies.scan(root, false), path);
        };
    }
}
