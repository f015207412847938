package io.peapod.runtime.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One cgroup, addressed by a path relative to the cgroup hierarchy roots (for example {@code peapod/abc} or
 * {@code kubepods/burstable/pod123/abc}). Implementations: {@code V1CgroupManager} (legacy and hybrid layouts,
 * one directory per controller hierarchy) and {@code V2CgroupManager} (unified hierarchy).
 */
public interface CgroupManager {
    /** The relative cgroup path this manager controls. */
    String path();

    /**
     * Creates the cgroup in every hierarchy it uses and writes the limits. On failure whatever this call
     * created is removed again. An existing cgroup is reused.
     */
    void create(CgroupResources resources);

    /** Writes the non-null limits of {@code resources} into the existing cgroup. */
    void update(CgroupResources resources);

    /** The cgroup.procs files a new process must be written into (one per hierarchy on v1). */
    List<Path> procsFiles();

    /** Moves {@code pid} into the cgroup (every hierarchy). */
    void addProcess(int pid);

    /** The processes in the cgroup and its descendants; empty when the cgroup does not exist. */
    Set<Integer> pids();

    CgroupStats stats();

    /** Freezes every process in the cgroup and returns once the kernel reports the cgroup frozen. */
    void freeze();

    /** Thaws the cgroup and returns once the kernel reports it thawed. */
    void thaw();

    boolean isFrozen();

    /** How many processes the OOM killer killed in this cgroup. */
    long oomKillCount();

    /**
     * Sends {@code signal} to every process in the cgroup. For SIGKILL this repeats until the cgroup is empty,
     * so that processes forked meanwhile die too.
     */
    void killAll(int signal);

    /**
     * Removes the cgroup and its descendants (children first) from every hierarchy, retrying briefly while
     * exiting processes still hold it. A missing cgroup is not an error.
     */
    void destroy();

    boolean exists();
}
