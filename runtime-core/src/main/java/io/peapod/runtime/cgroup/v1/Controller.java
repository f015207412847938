package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Path;

/** One v1 controller: writes its part of the resources into its hierarchy and reads its statistics. */
interface Controller {
    /** The controller's name as mounted ("memory", "cpu", …). */
    String name();

    /** Whether {@code resources} asks for anything this controller writes. */
    boolean needed(CgroupResources resources);

    /** Writes the non-null fields it owns into the cgroup directory {@code dir} of its hierarchy. */
    void apply(Path dir, CgroupResources resources);

    default void stats(Path dir, CgroupStats.Builder stats) {
    }
}
