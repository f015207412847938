package io.peapod.runtime.pod;

import io.peapod.sys.Errno;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pod's /dev/shm: one tmpfs per pod, bound into each container, so that POSIX shared
 * memory works across the containers of a pod that share its IPC namespace (as the
 * kubelet expects and containerd does).
 */
final class PodShm {
    static final String SIZE = "65536k";

    private PodShm() {
    }

    static Path path(Path podDir) {
        return podDir.resolve("shm");
    }

    static void mount(Path podDir) {
        Path shm = path(podDir);
        try {
            Files.createDirectories(shm);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + shm, e);
        }
        LinuxSyscalls.get().mount("shm", shm.toString(), "tmpfs",
                Syscalls.MS_NOSUID | Syscalls.MS_NODEV | Syscalls.MS_NOEXEC, "mode=1777,size=" + SIZE);
    }

    /** Idempotent: a pod directory without the mount is fine. */
    static void unmount(Path podDir) {
        Path shm = path(podDir);
        if (!Files.exists(shm)) {
            return;
        }
        try {
            LinuxSyscalls.get().umount2(shm.toString(), Syscalls.MNT_DETACH);
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }
}
