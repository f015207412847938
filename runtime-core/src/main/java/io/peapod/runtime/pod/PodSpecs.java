package io.peapod.runtime.pod;

import io.peapod.runtime.pod.files.PodFiles;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Makes a container's spec a member of a pod: the pod's namespaces, hostname and /etc files. */
public final class PodSpecs {
    private PodSpecs() {
    }

    /**
     * Rewrites {@code spec}'s namespaces to join the pod's (network, IPC, UTS; PID when the
     * pod shares one, else a new one), keeps its own mount and cgroup namespaces, sets the
     * pod's hostname and binds the pod's hosts, resolv.conf and hostname files.
     *
     * @param sharedPid the pod's PID namespace path, or null when each container has its own
     */
    public static Spec joinPod(Spec spec, SandboxRecord pod, Path podDir, String sharedPid) {
        List<LinuxNamespace> ns = new ArrayList<>();
        ns.add(new LinuxNamespace(LinuxNamespace.MOUNT));
        ns.add(new LinuxNamespace(LinuxNamespace.CGROUP));
        if (pod.netns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.NETWORK, pod.netns()));
        }
        if (pod.ipcns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.IPC, pod.ipcns()));
        }
        if (pod.utsns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.UTS, pod.utsns()));
        }
        if (sharedPid != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.PID, sharedPid));
        } else if (pod.config().pid() != NamespaceMode.NODE) {
            ns.add(new LinuxNamespace(LinuxNamespace.PID));
        }
        spec.linux().namespaces = ns;
        spec.hostname = pod.utsns() != null ? pod.config().effectiveHostname() : null;
        List<Mount> mounts = new ArrayList<>(spec.mounts == null ? List.of() : spec.mounts);
        boolean ro = spec.root != null && Boolean.TRUE.equals(spec.root.readonly);
        for (String file : List.of(PodFiles.HOSTS, PodFiles.RESOLV_CONF, PodFiles.HOSTNAME)) {
            String dest = "/etc/" + file;
            mounts.removeIf(m -> dest.equals(m.destination));
            List<String> options = new ArrayList<>(List.of("rbind", "rprivate"));
            options.add(ro ? "ro" : "rw");
            mounts.add(new Mount(dest, "bind", podDir.resolve(file).toString(), options));
        }
        if (pod.ipcns() != null) {
            mounts.removeIf(m -> "/dev/shm".equals(m.destination));
            mounts.add(new Mount("/dev/shm", "bind", PodShm.path(podDir).toString(),
                    List.of("rbind", "rprivate", "rw", "nosuid", "nodev", "noexec")));
        }
        spec.mounts = mounts;
        return spec;
    }
}
