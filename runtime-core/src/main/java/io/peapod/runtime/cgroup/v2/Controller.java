package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Path;
import java.util.Set;

/** One part of the unified hierarchy's interface files: writes its resources and reads its statistics. */
interface Controller {
    /** The kernel controllers that must be enabled in the ancestors' cgroup.subtree_control. */
    Set<String> controllers(CgroupResources resources);

    /** Whether {@code resources} asks for anything this controller writes. */
    boolean needed(CgroupResources resources);

    void apply(Path dir, CgroupResources resources);

    default void stats(Path dir, CgroupStats.Builder stats) {
    }
}
