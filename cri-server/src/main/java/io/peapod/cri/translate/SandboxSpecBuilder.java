package io.peapod.cri.translate;

import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.NamespaceType;
import io.peapod.runtime.network.Sysctls;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Linux;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Root;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecValidator;
import io.peapod.runtime.spec.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the spec of a pod's infra container: the helper's pause mode, with no image. Its root is
 * an empty directory given by the caller (read-only), with the helper binary bind-mounted read-only
 * at {@code /pause}; argv is {@code /pause pause}. It joins the pod's pinned network, IPC and UTS
 * namespaces (and user namespace), gets a new mount namespace, and a new PID namespace unless the
 * pod uses the host's: with a shared PID namespace it is PID 1 there and reaps the pod's orphans.
 * /proc is mounted when its PID namespace is new, and a small /dev (the runtime's standard nodes:
 * masking binds /dev/null). It runs with no capabilities and no_new_privs,
 * as the pod's run_as_user/run_as_group (numeric only: there is no /etc/passwd), else root.
 *
 * <p>cgroup: the infra container is a leaf at {@code <cgroupParent>/<sandboxId>}, like containerd's
 * sandbox, so that the pod cgroup itself holds no process (cgroup v2's no-internal-process rule);
 * the pod-level limits (overhead plus resources) belong on the pod cgroup itself, given by
 * {@link #podResources}. The infra container gets containerd's small CPU share (2) and an
 * oom_score_adj of -998 so that the kernel kills it last (the runtime clamps what the host refuses).
 * The pod's sysctls are set in its spec, in the namespaces it joins.
 */
public final class SandboxSpecBuilder {

    /** containerd's CPU shares of the sandbox container. */
    static final long INFRA_CPU_SHARES = 2;
    /** containerd's oom_score_adj of the sandbox container. */
    static final int INFRA_OOM_SCORE_ADJ = -998;
    static final String PAUSE = "/pause";

    private SandboxSpecBuilder() {
    }

    /**
     * @param config       the pod's config as RunPodSandbox received it
     * @param pod          what the pod layer created (infraPid is ignored)
     * @param rootfs       an empty directory, the infra container's root
     * @param helperBinary the peapod helper (a static binary), mounted at /pause
     */
    @SuppressWarnings("deprecation") // seccomp_profile_path is still honoured
    public static Translation build(PodSandboxConfig config, SandboxContext pod, Path rootfs, Path helperBinary) {
        String owner = "pod \"" + config.getMetadata().getNamespace() + "/" + config.getMetadata().getName() + "\"";
        if (config.getMetadata().getName().isEmpty()) {
            throw new InvalidArgumentException("pod sandbox config: missing metadata name");
        }
        if (rootfs == null) {
            throw new InvalidArgumentException(owner + ": missing infra root directory");
        }
        if (pod == null) {
            throw new InvalidArgumentException(owner + ": missing sandbox context");
        }
        if (helperBinary == null || !helperBinary.isAbsolute() || !Files.isRegularFile(helperBinary)) {
            throw new InvalidArgumentException(owner + ": helper binary " + helperBinary
                    + " is not an absolute path of a regular file");
        }
        List<String> warnings = new ArrayList<>();
        LinuxSandboxSecurityContext sc = pod.security();

        Spec spec = new Spec();
        spec.ociVersion = DefaultSpec.OCI_VERSION;
        spec.root = new Root(rootfs.toAbsolutePath().toString(), true);
        Process p = new Process();
        spec.process = p;
        p.args = new ArrayList<>(List.of(PAUSE, "pause"));
        p.cwd = "/";
        p.env = new ArrayList<>(List.of(ContainerSpecBuilder.DEFAULT_PATH));
        p.user = user(owner, sc);
        LinuxCapabilities caps = new LinuxCapabilities();
        caps.bounding = new ArrayList<>();
        caps.effective = new ArrayList<>();
        caps.permitted = new ArrayList<>();
        p.capabilities = caps;
        p.noNewPrivileges = true;
        p.oomScoreAdj = INFRA_OOM_SCORE_ADJ;

        Linux linux = spec.linux();
        List<LinuxNamespace> ns = linux.namespaces();
        if (pod.netNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.NETWORK, pod.netNs().toString()));
        }
        if (pod.ipcNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.IPC, pod.ipcNs().toString()));
        }
        if (pod.utsNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.UTS, pod.utsNs().toString()));
            if (!pod.hostname().isEmpty()) {
                spec.hostname = pod.hostname();
            }
        }
        boolean newPid = pod.pidMode() != SandboxContext.PidMode.NODE;
        if (newPid) {
            ns.add(new LinuxNamespace(LinuxNamespace.PID));
        }
        ns.add(new LinuxNamespace(LinuxNamespace.MOUNT));
        ContainerSpecBuilder.userNamespace(pod, linux);

        List<Mount> mounts = new ArrayList<>();
        if (newPid) {
            mounts.add(new Mount("/proc", "proc", "proc", MountTranslator.opts("nosuid", "noexec", "nodev")));
        }
        // A /dev with the standard nodes: masking binds /dev/null over paths.
        mounts.add(new Mount("/dev", "tmpfs", "tmpfs",
                MountTranslator.opts("nosuid", "noexec", "strictatime", "mode=755", "size=65536k")));
        mounts.add(new Mount(PAUSE, "bind", helperBinary.toString(),
                MountTranslator.opts("rbind", "rprivate", "ro", "nosuid", "nodev")));
        spec.mounts = mounts;
        linux.maskedPaths = DefaultSpec.create(false, 0, 0).linux.maskedPaths;
        linux.readonlyPaths = DefaultSpec.create(false, 0, 0).linux.readonlyPaths;

        LinuxResources resources = linux.resources();
        // the standard nodes: the helper creates them in the infra container's /dev
        resources.devices = DefaultSpec.deviceRules();
        LinuxCpu cpu = new LinuxCpu();
        cpu.shares = INFRA_CPU_SHARES;
        resources.cpu = cpu;
        linux.cgroupsPath = ContainerSpecBuilder.cgroupPath(pod.cgroupParent(), pod.sandboxId());
        linux.sysctl = sysctls(owner, config, pod);

        Map<String, String> a = new LinkedHashMap<>(config.getAnnotationsMap());
        a.put(ContainerSpecBuilder.ANNOTATION_CONTAINER_TYPE, "sandbox");
        a.put(ContainerSpecBuilder.ANNOTATION_SANDBOX_ID, pod.sandboxId());
        a.put(ContainerSpecBuilder.ANNOTATION_SANDBOX_NAME, config.getMetadata().getName());
        a.put(ContainerSpecBuilder.ANNOTATION_SANDBOX_NAMESPACE, config.getMetadata().getNamespace());
        a.put(ContainerSpecBuilder.ANNOTATION_SANDBOX_UID, config.getMetadata().getUid());
        if (pod.logDirectory() != null) {
            a.put(ContainerSpecBuilder.ANNOTATION_SANDBOX_LOG_DIR, pod.logDirectory().toString());
        }
        spec.annotations = a;

        if (sc.hasSeccomp() || !sc.getSeccompProfilePath().isEmpty()) {
            // The pause program makes a handful of syscalls; the pod's profile is for its workloads.
            warnings.add(owner + ": the pod-level seccomp profile is applied to its containers, not to the infra "
                    + "process");
        }
        SecurityTranslator.seLinux(owner, sc.hasSelinuxOptions() ? sc.getSelinuxOptions() : null, warnings);
        try {
            SpecValidator.validate(spec, null);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(owner + ": infra container: " + e.getMessage(), e);
        }
        return new Translation(spec, warnings, List.of(), null);
    }

    private static User user(String owner, LinuxSandboxSecurityContext sc) {
        long uid = sc.hasRunAsUser() ? sc.getRunAsUser().getValue() : 0;
        long gid = sc.hasRunAsGroup() ? sc.getRunAsGroup().getValue() : 0;
        if (sc.hasRunAsGroup() && !sc.hasRunAsUser()) {
            throw new InvalidArgumentException(owner + ": run_as_group " + gid + " is set without run_as_user");
        }
        for (long id : new long[] {uid, gid}) {
            if (id < 0 || id > UserResolver.UINT32_MAX) {
                throw new InvalidArgumentException(owner + ": run_as_user/run_as_group " + id
                        + " is not within 0…4294967295");
            }
        }
        User u = new User(uid, gid);
        u.additionalGids = new ArrayList<>(List.of(gid));
        return u;
    }

    /** The pod's sysctls; each must belong to a namespace of the pod other than the host's. */
    private static Map<String, String> sysctls(String owner, PodSandboxConfig config, SandboxContext pod) {
        Map<String, String> in = config.getLinux().getSysctlsMap();
        if (in.isEmpty()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : in.entrySet()) {
            String name = e.getKey();
            NamespaceType type;
            try {
                Sysctls.validateValue(name, e.getValue());
                type = Sysctls.namespaceOf(name);
            } catch (InvalidArgumentException ex) {
                throw new InvalidArgumentException(owner + ": " + ex.getMessage(), ex);
            }
            Path nsPath = pod.netNs();
            String nsName = "network";
            if (type == NamespaceType.IPC) {
                nsPath = pod.ipcNs();
                nsName = "IPC";
            }
            if (nsPath == null) {
                throw new InvalidArgumentException(owner + ": sysctl " + name + " cannot be set: the pod uses the host's "
                        + nsName + " namespace");
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /**
     * The pod-level limits for the pod cgroup: the pod's resources plus its overhead. Shares and
     * memory limits add up; CPU quotas add up after the overhead's is scaled to the resources'
     * period. A dimension that the resources leave unlimited stays unlimited. Returns null when
     * neither is set.
     */
    public static LinuxResources podResources(PodSandboxConfig config) {
        String owner = "pod \"" + config.getMetadata().getNamespace() + "/" + config.getMetadata().getName() + "\"";
        LinuxContainerResources r = config.getLinux().getResources();
        LinuxContainerResources o = config.getLinux().getOverhead();
        if (!ResourceTranslator.isSet(r) && !ResourceTranslator.isSet(o)) {
            return null;
        }
        LinuxContainerResources.Builder sum = r.toBuilder();
        if (r.getCpuShares() > 0 && o.getCpuShares() > 0) {
            sum.setCpuShares(r.getCpuShares() + o.getCpuShares());
        }
        if (r.getMemoryLimitInBytes() > 0 && o.getMemoryLimitInBytes() > 0) {
            sum.setMemoryLimitInBytes(r.getMemoryLimitInBytes() + o.getMemoryLimitInBytes());
            if (r.getMemorySwapLimitInBytes() > 0) {
                sum.setMemorySwapLimitInBytes(r.getMemorySwapLimitInBytes() + o.getMemoryLimitInBytes());
            }
        }
        if (r.getCpuQuota() > 0 && o.getCpuQuota() > 0) {
            long period = r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100000;
            long oPeriod = o.getCpuPeriod() > 0 ? o.getCpuPeriod() : 100000;
            sum.setCpuQuota(r.getCpuQuota() + o.getCpuQuota() * period / oPeriod);
        }
        if (!ResourceTranslator.isSet(r)) {
            // Only overhead: the pod is otherwise unlimited, so only relative weights make sense.
            sum = LinuxContainerResources.newBuilder().setCpuShares(o.getCpuShares());
        }
        LinuxResources out = new LinuxResources();
        ResourceTranslator.apply(owner, sum.build(), out);
        return out;
    }
}
