package io.peapod.runtime.container;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a container is created, beyond what its bundle says.
 *
 * @param stdio         where the container's fd 0, 1 and 2 come from, by fd; a path, or "-"
 *                      for the helper's own fd; ignored when {@code logPath} is set
 * @param logPath       the monitor writes stdout and stderr here in the CRI log format
 * @param consoleSocket runc's --console-socket: the pty master is sent there
 * @param pidFile       the container's host pid is written here
 * @param noPivot       runc's --no-pivot: chroot instead of pivot_root
 * @param stdinPipe     keep stdin open as a pipe the monitor feeds from attach clients
 * @param monitor       true: peapod's monitor is the container's parent and records its exit
 *                      (the Java API, pods, CRI); false: runc style, the container is
 *                      re-parented to the caller's subreaper (conmon, containerd-shim), which
 *                      waits for it; start then goes through the exec fifo
 * @param stdinOnce     with {@code stdinPipe}: the container's stdin ends when the first attach
 *                      client detaches (CRI's stdin_once, docker's {@code run -i}), so that the
 *                      end of a client's input reaches the container
 * @param startNow      the process starts as soon as it is set up (runc's {@code run}): create
 *                      returns a running container, with one helper run instead of two; refused
 *                      for a spec with hooks that must run between create and start
 */
public record CreateOptions(Map<Integer, String> stdio, Path logPath, Path consoleSocket, Path pidFile,
                            boolean noPivot, boolean stdinPipe, boolean monitor, boolean stdinOnce,
                            boolean startNow) {

    public CreateOptions(Map<Integer, String> stdio, Path logPath, Path consoleSocket, Path pidFile,
                         boolean noPivot, boolean stdinPipe, boolean monitor) {
        this(stdio, logPath, consoleSocket, pidFile, noPivot, stdinPipe, monitor, false, false);
    }

    public CreateOptions(Map<Integer, String> stdio, Path logPath, Path consoleSocket, Path pidFile,
                         boolean noPivot, boolean stdinPipe) {
        this(stdio, logPath, consoleSocket, pidFile, noPivot, stdinPipe, true);
    }

    /** runc's model: no monitor; the caller (a subreaper) is the container's parent. */
    public CreateOptions withoutMonitor() {
        return new CreateOptions(stdio, logPath, consoleSocket, pidFile, noPivot, stdinPipe, false, stdinOnce,
                startNow);
    }

    /** Stdin kept open as a pipe for attach clients; {@code once}: it ends when the first one detaches. */
    public CreateOptions withStdin(boolean once) {
        return new CreateOptions(stdio, logPath, consoleSocket, pidFile, noPivot, true, monitor, once, startNow);
    }

    /** Create and start in one step (see {@code startNow}). */
    public CreateOptions startingNow() {
        return new CreateOptions(stdio, logPath, consoleSocket, pidFile, noPivot, stdinPipe, monitor, stdinOnce, true);
    }

    /** The container's stdio is /dev/null, as for a daemon's containers without a log. */
    public static CreateOptions detached() {
        return new CreateOptions(Map.of(0, "/dev/null", 1, "/dev/null", 2, "/dev/null"), null, null, null, false,
                false);
    }

    public static CreateOptions logTo(Path log) {
        return new CreateOptions(Map.of(0, "/dev/null"), log, null, null, false, false);
    }

    public CreateOptions withPidFile(Path file) {
        return new CreateOptions(stdio, logPath, consoleSocket, file, noPivot, stdinPipe, monitor, stdinOnce,
                startNow);
    }
}
