package io.peapod.cri.translate;

import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.NamespaceMode;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.PinnedNamespaces;
import io.peapod.runtime.pod.files.PodFiles;
import io.peapod.runtime.spec.LinuxIdMapping;
import java.nio.file.Path;
import java.util.List;

/**
 * What a pod gives its containers, as the pod layer created it.
 *
 * @param sandboxId      the sandbox id (annotations, the infra container's cgroup)
 * @param netNs          pinned network namespace file, or null for the host's network
 * @param ipcNs          pinned IPC namespace file, or null for the host's IPC namespace
 * @param utsNs          pinned UTS namespace file, or null for the host's (then no hostname is set)
 * @param pidMode        the pod's PID namespace mode
 * @param infraPid       host pid of the infra process; containers of a {@link PidMode#POD} pod join
 *                       {@code /proc/<infraPid>/ns/pid}. 0 when not running yet (the infra's own spec)
 * @param userNs         the pod's user namespace, or null for none
 * @param cgroupParent   the pod's cgroup (cgroupfs syntax, e.g. {@code kubepods/burstable/pod<uid>});
 *                       containers go to {@code <cgroupParent>/<containerId>}
 * @param hostsFile      the generated hosts file, bind-mounted at /etc/hosts; null for none
 * @param resolvConfFile the generated resolv.conf, bind-mounted at /etc/resolv.conf; null for none
 * @param hostnameFile   the generated hostname file, bind-mounted at /etc/hostname; null for none
 * @param shmDir         a pod-wide /dev/shm (a tmpfs the pod layer mounted) shared by all containers;
 *                       null gives each container its own tmpfs (or the host's /dev/shm with host IPC)
 * @param hostname       the pod's hostname (also HOSTNAME in the environment)
 * @param logDirectory   the sandbox's log directory; container log paths are relative to it
 * @param security       pod-level security defaults (run_as_user, run_as_group, supplemental groups,
 *                       seccomp, privileged); an empty message when the pod sets none
 */
public record SandboxContext(String sandboxId, Path netNs, Path ipcNs, Path utsNs, PidMode pidMode, long infraPid,
                             UserNamespace userNs, String cgroupParent, Path hostsFile, Path resolvConfFile,
                             Path hostnameFile, Path shmDir, String hostname, Path logDirectory,
                             LinuxSandboxSecurityContext security) {

    /** Where the processes of a pod see each other. */
    public enum PidMode {
        /** One PID namespace for the whole pod; the infra process is PID 1 and reaps. */
        POD,
        /** Each container has its own PID namespace (the Kubernetes default). */
        CONTAINER,
        /** The host's PID namespace. */
        NODE
    }

    /**
     * The pod's user namespace: a pinned namespace file that containers join, and the mappings it
     * was created with (written into specs for information; a joined namespace keeps its own).
     */
    public record UserNamespace(Path path, List<LinuxIdMapping> uidMappings, List<LinuxIdMapping> gidMappings) {
        public UserNamespace {
            if (path == null) {
                throw new InvalidArgumentException("pod user namespace: a pinned namespace path is required");
            }
            uidMappings = uidMappings == null ? List.of() : List.copyOf(uidMappings);
            gidMappings = gidMappings == null ? List.of() : List.copyOf(gidMappings);
        }
    }

    public SandboxContext {
        if (sandboxId == null || sandboxId.isEmpty()) {
            throw new InvalidArgumentException("sandbox context: missing sandbox id");
        }
        if (pidMode == null) {
            throw new InvalidArgumentException("sandbox " + sandboxId + ": missing PID namespace mode");
        }
        if (cgroupParent == null || cgroupParent.isBlank()) {
            throw new InvalidArgumentException("sandbox " + sandboxId + ": missing cgroup parent");
        }
        if (infraPid < 0) {
            throw new InvalidArgumentException("sandbox " + sandboxId + ": invalid infra pid " + infraPid);
        }
        if (hostname == null) {
            hostname = "";
        }
        if (security == null) {
            security = LinuxSandboxSecurityContext.getDefaultInstance();
        }
    }

    /**
     * The context of a pod as the pod layer sets it up: pinned namespaces, the pod files written by
     * {@code PodFiles} into {@code podFilesDir} (null for none), no user namespace; hostname, log
     * directory, security and PID mode from the sandbox config.
     */
    public static SandboxContext forPod(String sandboxId, PodSandboxConfig config, PinnedNamespaces pinned,
                                        long infraPid, String cgroupParent, Path podFilesDir, Path shmDir) {
        PinnedNamespaces ns = pinned == null ? new PinnedNamespaces(null, null, null) : pinned;
        Path dir = podFilesDir;
        return new SandboxContext(sandboxId, ns.net(), ns.ipc(), ns.uts(), pidModeOf(config), infraPid, null,
                cgroupParent, dir == null ? null : dir.resolve(PodFiles.HOSTS),
                dir == null ? null : dir.resolve(PodFiles.RESOLV_CONF),
                dir == null ? null : dir.resolve(PodFiles.HOSTNAME), shmDir, config.getHostname(),
                config.getLogDirectory().isEmpty() ? null : Path.of(config.getLogDirectory()), securityOf(config));
    }

    /** The PID namespace file of the pod's infra process. */
    public Path infraPidNamespace() {
        return Path.of("/proc", Long.toString(infraPid), "ns", "pid");
    }

    /** The pod-level security context of a sandbox config (an empty message when unset). */
    public static LinuxSandboxSecurityContext securityOf(PodSandboxConfig config) {
        return config.getLinux().getSecurityContext();
    }

    /**
     * The PID mode a sandbox config asks for. TARGET (join another container's namespace) is a
     * container-level mode and is refused for a pod.
     */
    public static PidMode pidModeOf(PodSandboxConfig config) {
        NamespaceMode mode = config.getLinux().getSecurityContext().getNamespaceOptions().getPid();
        switch (mode) {
            case POD:
                return PidMode.POD;
            case CONTAINER:
                return PidMode.CONTAINER;
            case NODE:
                return PidMode.NODE;
            default:
                throw new InvalidArgumentException("pod " + config.getMetadata().getNamespace() + "/"
                        + config.getMetadata().getName() + ": PID namespace mode " + mode
                        + " is not supported for a pod");
        }
    }
}
