package io.peapod.runtime.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What peapod remembers about one container, persisted as {@code state.json} in its
 * state directory. Immutable; each transition writes a new record.
 *
 * @param pid           host pid of the container process (0 before create finished)
 * @param pidStartTime  the process's start time in clock ticks (/proc/PID/stat field 22),
 *                      so a recycled pid is never mistaken for the container
 * @param monitorPid    host pid of its monitor, 0 when run without one
 * @param cgroupPath    the cgroup path relative to each hierarchy's root, null without a cgroup
 * @param exitCode      exit code (128+signal when killed), null until it exited
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerRecord(
        String id,
        String bundle,
        String rootfs,
        ContainerStatus status,
        int pid,
        long pidStartTime,
        int monitorPid,
        String cgroupPath,
        String created,
        String started,
        String finished,
        Integer exitCode,
        Boolean oomKilled,
        String owner,
        Map<String, String> annotations) {

    public ContainerRecord withStatus(ContainerStatus newStatus) {
        return new ContainerRecord(id, bundle, rootfs, newStatus, pid, pidStartTime, monitorPid, cgroupPath, created,
                started, finished, exitCode, oomKilled, owner, annotations);
    }

    public ContainerRecord withProcess(int newPid, long startTime, int newMonitorPid) {
        return new ContainerRecord(id, bundle, rootfs, status, newPid, startTime, newMonitorPid, cgroupPath, created,
                started, finished, exitCode, oomKilled, owner, annotations);
    }

    public ContainerRecord withStarted(String when) {
        return new ContainerRecord(id, bundle, rootfs, ContainerStatus.RUNNING, pid, pidStartTime, monitorPid,
                cgroupPath, created, when, finished, exitCode, oomKilled, owner, annotations);
    }

    public ContainerRecord withExit(int code, boolean oom, String when) {
        return new ContainerRecord(id, bundle, rootfs, ContainerStatus.STOPPED, pid, pidStartTime, monitorPid,
                cgroupPath, created, started, when, code, oom, owner, annotations);
    }
}
