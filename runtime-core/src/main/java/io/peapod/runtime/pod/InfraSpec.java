package io.peapod.runtime.pod;

import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Root;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The spec of a pod's infra container: the helper's pause mode, needing no image. Its
 * rootfs is an empty directory with the (static) helper bound in at /pause; it sits in
 * the pod's pinned namespaces and, when the pod shares one PID namespace, is its PID 1.
 */
public final class InfraSpec {
    public static final String PAUSE = "/pause";

    private InfraSpec() {
    }

    /**
     * @param rootfs       an empty directory for the infra container's root
     * @param helperBinary the static helper, bound in read-only
     * @param cgroupPath   where the infra process lives, under the pod cgroup
     */
    public static Spec build(String sandboxId, SandboxRecord sandbox, Path rootfs, Path helperBinary,
                             String cgroupPath) {
        Spec spec = DefaultSpec.create(false);
        spec.root = new Root(rootfs.toString(), true);
        spec.hostname = null;
        spec.process.terminal = false;
        spec.process.args = new ArrayList<>(List.of(PAUSE, "pause"));
        spec.process.env = new ArrayList<>(List.of("PATH=/"));
        spec.process.cwd = "/";
        spec.process.noNewPrivileges = true;
        LinuxCapabilities none = new LinuxCapabilities();
        none.bounding = List.of();
        none.effective = List.of();
        none.permitted = List.of();
        none.inheritable = List.of();
        none.ambient = List.of();
        spec.process.capabilities = none;
        spec.process.rlimits = null;
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount(PAUSE, "bind", helperBinary.toString(), List.of("bind", "ro", "nosuid", "nodev")));
        mounts.add(new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        spec.mounts = mounts;
        spec.linux().maskedPaths = null;
        spec.linux().readonlyPaths = null;
        spec.linux().resources = null;
        spec.linux().seccomp = null;
        spec.linux().cgroupsPath = cgroupPath;
        List<LinuxNamespace> ns = new ArrayList<>();
        ns.add(new LinuxNamespace(LinuxNamespace.MOUNT));
        if (sandbox.netns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.NETWORK, sandbox.netns()));
        }
        if (sandbox.ipcns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.IPC, sandbox.ipcns()));
        }
        if (sandbox.utsns() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.UTS, sandbox.utsns()));
        }
        if (sandbox.config().pid() != NamespaceMode.NODE) {
            ns.add(new LinuxNamespace(LinuxNamespace.PID));
        }
        spec.linux().namespaces = ns;
        spec.annotations = new LinkedHashMap<>();
        spec.annotations.put(PodAnnotations.SANDBOX_ID, sandboxId);
        spec.annotations.put(PodAnnotations.CONTAINER_TYPE, PodAnnotations.TYPE_SANDBOX);
        return spec;
    }
}
