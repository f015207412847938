package io.peapod.cri.translate;

import io.peapod.cri.v1.Capability;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.Device;
import io.peapod.cri.v1.KeyValue;
import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.NamespaceMode;
import io.peapod.cri.v1.NamespaceOption;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.SupplementalGroupsPolicy;
import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Linux;
import io.peapod.runtime.spec.LinuxDevice;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.LinuxIdMapping;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.PosixRlimit;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Root;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecValidator;
import io.peapod.runtime.spec.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds the OCI spec of a container of a pod from the kubelet's {@code ContainerConfig}, following
 * what containerd's CRI plugin and CRI-O do:
 * <ul>
 * <li>argv: {@code command} replaces the image's Entrypoint and drops its Cmd; {@code args} alone
 *     follow the image's Entrypoint; neither gives Entrypoint + Cmd (Kubernetes' rules);</li>
 * <li>environment: HOSTNAME (and TERM=xterm on a tty), then the image's, then the container's,
 *     a later value replacing an earlier one of the same name in place; PATH defaulted;</li>
 * <li>user: run_as_username / run_as_user / run_as_group of the container, else of the pod, else
 *     the image's User, names resolved in the image's own /etc/passwd and /etc/group; groups are
 *     the primary gid, the image's /etc/group memberships (unless the policy is Strict) and the
 *     supplemental groups, sorted;</li>
 * <li>security: default capabilities with add/drop, privileged (all capabilities, nothing masked,
 *     /sys and cgroups writable, every device allowed in the device cgroup; host device nodes are
 *     not copied in, which is reported as a warning), read-only rootfs, no_new_privs,
 *     masked/read-only paths (empty lists mean the runtime's defaults), seccomp;</li>
 * <li>namespaces: the pod's pinned network, IPC and UTS namespaces are joined, the PID namespace
 *     follows the mode, mount and cgroup namespaces are new, the pod's user namespace is joined;</li>
 * <li>mounts: the defaults, the pod's /etc/hosts, /etc/resolv.conf, /etc/hostname (read-only with
 *     a read-only rootfs) and /dev/shm, then the CRI mounts, sorted by depth;</li>
 * <li>devices, resources, oom_score_adj, rlimits (NOFILE 1048576), annotations.</li>
 * </ul>
 * Labels are CRI metadata and do not reach the spec; stdin/stdin_once concern the integrator.
 */
public final class ContainerSpecBuilder {

    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** containerd's default RLIMIT_NOFILE; the runtime clamps it to what the host allows. */
    static final long NOFILE = 1048576;

    public static final String ANNOTATION_CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    public static final String ANNOTATION_SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
    public static final String ANNOTATION_SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
    public static final String ANNOTATION_SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
    public static final String ANNOTATION_SANDBOX_UID = "io.kubernetes.cri.sandbox-uid";
    public static final String ANNOTATION_CONTAINER_NAME = "io.kubernetes.cri.container-name";
    public static final String ANNOTATION_IMAGE_NAME = "io.kubernetes.cri.image-name";
    public static final String ANNOTATION_SANDBOX_LOG_DIR = "io.kubernetes.cri.sandbox-log-directory";

    private ContainerSpecBuilder() {
    }

    /** As {@link #build(String, ContainerConfig, PodSandboxConfig, SandboxContext, ImageConfig, Path, RootfsReader, boolean)} without the non-root requirement (the kubelet checks runAsNonRoot itself). */
    public static Translation build(String containerId, ContainerConfig config, PodSandboxConfig sandbox,
                                    SandboxContext pod, ImageConfig image, Path rootfs, RootfsReader files) {
        return build(containerId, config, sandbox, pod, image, rootfs, files, false);
    }

    /**
     * @param containerId  the new container's id (cgroup path)
     * @param config       the kubelet's container config
     * @param sandbox      the config the pod was created with (metadata for annotations and errors)
     * @param pod          what the pod layer created
     * @param image        the image's config; null for none (then command must be given)
     * @param rootfs       the container's root filesystem on the host (mounted by the runtime)
     * @param files        reads the image's /etc/passwd and /etc/group
     * @param runAsNonRoot refuse a user that resolves to uid 0. The CRI carries no such field
     *                     (the kubelet checks it); peapod's own pod runner sets it from the manifest
     * @throws InvalidArgumentException     for malformed or unsupported input, naming the container
     *                                      and the value
     * @throws FailedPreconditionException  when runAsNonRoot is set and the user is root, or the pod
     *                                      shares a PID namespace whose infra process is not known
     */
    public static Translation build(String containerId, ContainerConfig config, PodSandboxConfig sandbox,
                                    SandboxContext pod, ImageConfig image, Path rootfs, RootfsReader files,
                                    boolean runAsNonRoot) {
        return build(containerId, config, sandbox, pod, image, rootfs, files, runAsNonRoot, HostMounts::current);
    }

    /** As above, with the host's mount table given (read only for mounts asking for propagation). */
    @SuppressWarnings("deprecation") // seccomp_profile_path and apparmor_profile are still honoured
    static Translation build(String containerId, ContainerConfig config, PodSandboxConfig sandbox,
                             SandboxContext pod, ImageConfig image, Path rootfs, RootfsReader files,
                             boolean runAsNonRoot, Supplier<HostMounts> hostMounts) {
        if (config == null || !config.hasMetadata() || config.getMetadata().getName().isEmpty()) {
            throw new InvalidArgumentException("container config: missing metadata name");
        }
        String owner = "container \"" + config.getMetadata().getName() + "\"";
        if (containerId == null || containerId.isEmpty() || containerId.contains("/") || containerId.equals("..")
                || containerId.equals(".")) {
            throw new InvalidArgumentException(owner + ": invalid container id \"" + containerId + "\"");
        }
        if (rootfs == null) {
            throw new InvalidArgumentException(owner + ": missing root filesystem path");
        }
        if (pod == null) {
            throw new InvalidArgumentException(owner + ": missing sandbox context");
        }
        if (sandbox == null) {
            sandbox = PodSandboxConfig.getDefaultInstance();
        }
        if (files == null) {
            files = RootfsReader.empty();
        }
        ImageConfig.ContainerConfig img = image == null || image.config() == null
                ? new ImageConfig.ContainerConfig(null, null, null, null, null, null, null, null, null)
                : image.config();
        LinuxContainerSecurityContext sc = config.getLinux().getSecurityContext();
        LinuxSandboxSecurityContext podSc = pod.security();
        boolean privileged = sc.getPrivileged();
        if (privileged && !podSc.getPrivileged() && !sandbox.getLinux().getSecurityContext().getPrivileged()) {
            throw new InvalidArgumentException(owner + ": a privileged container needs a privileged pod; pod "
                    + podName(sandbox) + " is not privileged");
        }
        List<String> warnings = new ArrayList<>();

        Spec spec = new Spec();
        spec.ociVersion = DefaultSpec.OCI_VERSION;
        spec.root = new Root(rootfs.toAbsolutePath().toString(), sc.getReadonlyRootfs() ? Boolean.TRUE : null);
        Linux linux = spec.linux();

        Process p = new Process();
        spec.process = p;
        p.args = argv(owner, config, img);
        p.terminal = config.getTty() ? Boolean.TRUE : null;
        p.cwd = workingDir(owner, config, img);
        p.env = env(owner, config, img, pod.hostname());
        p.user = user(owner, sc, podSc, img, files, runAsNonRoot);
        p.capabilities = SecurityTranslator.capabilities(owner, privileged,
                privileged ? Capability.getDefaultInstance() : sc.getCapabilities());
        if (privileged && (sc.getCapabilities().getAddCapabilitiesCount() > 0
                || sc.getCapabilities().getDropCapabilitiesCount() > 0)) {
            warnings.add(owner + ": capability add/drop lists ignored: a privileged container has all capabilities");
        }
        p.noNewPrivileges = sc.getNoNewPrivs() ? Boolean.TRUE : null;
        p.rlimits = new ArrayList<>(List.of(new PosixRlimit("RLIMIT_NOFILE", NOFILE, NOFILE)));
        LinuxContainerResources res = config.getLinux().getResources();
        if (res.getOomScoreAdj() < -1000 || res.getOomScoreAdj() > 1000) {
            throw new InvalidArgumentException(owner + ": oom_score_adj " + res.getOomScoreAdj()
                    + " is not within -1000…1000");
        }
        p.oomScoreAdj = (int) res.getOomScoreAdj();

        namespaces(owner, sc, pod, linux);
        if (pod.utsNs() != null && !pod.hostname().isEmpty()) {
            spec.hostname = pod.hostname();
        }

        // Security settings that live in linux.
        if (!privileged) {
            Spec defaults = DefaultSpec.create(false, 0, 0);
            linux.maskedPaths = sc.getMaskedPathsCount() > 0 ? absolutePaths(owner, "masked", sc.getMaskedPathsList())
                    : defaults.linux.maskedPaths;
            linux.readonlyPaths = sc.getReadonlyPathsCount() > 0
                    ? absolutePaths(owner, "read-only", sc.getReadonlyPathsList()) : defaults.linux.readonlyPaths;
        }
        linux.seccomp = SecurityTranslator.seccomp(owner, privileged,
                sc.hasSeccomp() ? sc.getSeccomp() : null, sc.getSeccompProfilePath(),
                podSc.hasSeccomp() ? podSc.getSeccomp() : null, podSc.getSeccompProfilePath());
        if (!privileged) {
            SecurityTranslator.appArmor(owner, sc.hasApparmor() ? sc.getApparmor() : null, sc.getApparmorProfile(),
                    warnings);
        }
        SecurityTranslator.seLinux(owner, sc.hasSelinuxOptions() ? sc.getSelinuxOptions() : null, warnings);

        // Mounts.
        List<Path> hostDirs = new ArrayList<>();
        spec.mounts = mounts(owner, config, pod, sc, privileged, linux, warnings, hostDirs, hostMounts);

        // Devices and resources.
        LinuxResources resources = linux.resources();
        List<LinuxDeviceCgroup> rules = new ArrayList<>();
        if (privileged) {
            rules.add(new LinuxDeviceCgroup(true, "a", null, null, "rwm"));
            warnings.add(owner + ": privileged: the host's device nodes are not made available in the container "
                    + "(only the device cgroup allows them); list needed devices explicitly");
        } else {
            rules.addAll(MountTranslator.defaultDeviceRules());
        }
        List<LinuxDevice> devices = new ArrayList<>();
        for (Device d : config.getDevicesList()) {
            MountTranslator.device(owner, d, devices, rules);
        }
        if (config.getCDIDevicesCount() > 0) {
            throw new InvalidArgumentException(owner + ": CDI devices (" + config.getCDIDevices(0).getName()
                    + " …) are not supported by peapod");
        }
        linux.devices = devices.isEmpty() ? null : devices;
        resources.devices = rules;
        ResourceTranslator.apply(owner, res, resources);
        linux.cgroupsPath = cgroupPath(pod.cgroupParent(), containerId);

        spec.annotations = annotations(config, sandbox, pod);
        Path logPath = logPath(owner, pod, config);

        try {
            SpecValidator.validate(spec, null);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(owner + ": " + e.getMessage(), e);
        }
        return new Translation(spec, warnings, hostDirs, logPath);
    }

    private static String podName(PodSandboxConfig sandbox) {
        return "\"" + sandbox.getMetadata().getNamespace() + "/" + sandbox.getMetadata().getName() + "\"";
    }

    /** parent + "/" + child, with the parent's surrounding slashes trimmed. */
    static String cgroupPath(String parent, String child) {
        String p = parent;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p + "/" + child;
    }

    /** Kubernetes' rules for command and args against the image's Entrypoint and Cmd. */
    static List<String> argv(String owner, ContainerConfig config, ImageConfig.ContainerConfig img) {
        List<String> argv = new ArrayList<>();
        if (config.getCommandCount() > 0) {
            argv.addAll(config.getCommandList());
            argv.addAll(config.getArgsList());
        } else {
            if (img.entrypoint() != null) {
                argv.addAll(img.entrypoint());
            }
            if (config.getArgsCount() > 0) {
                argv.addAll(config.getArgsList());
            } else if (img.cmd() != null) {
                argv.addAll(img.cmd());
            }
        }
        if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isEmpty()) {
            throw new InvalidArgumentException(owner + ": no command to run: neither the container config nor the "
                    + "image gives an entrypoint or a command");
        }
        return argv;
    }

    static String workingDir(String owner, ContainerConfig config, ImageConfig.ContainerConfig img) {
        String cwd = config.getWorkingDir();
        String source = "working_dir";
        if (cwd.isEmpty()) {
            cwd = img.workingDir() == null ? "" : img.workingDir();
            source = "image WorkingDir";
        }
        if (cwd.isEmpty()) {
            return "/";
        }
        if (!cwd.startsWith("/")) {
            throw new InvalidArgumentException(owner + ": " + source + " \"" + cwd + "\" is not an absolute path");
        }
        return cwd;
    }

    /**
     * HOSTNAME (and TERM on a tty), then image, then container variables; a later one replaces an
     * earlier one of the same name where it stands. An image entry without '=' unsets the name, as
     * Docker reads it. PATH is added when nobody set it.
     */
    static List<String> env(String owner, ContainerConfig config, ImageConfig.ContainerConfig img, String hostname) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (hostname != null && !hostname.isEmpty()) {
            vars.put("HOSTNAME", hostname);
        }
        if (config.getTty()) {
            vars.put("TERM", "xterm");
        }
        if (img.env() != null) {
            for (String e : img.env()) {
                if (e == null || e.isEmpty()) {
                    continue;
                }
                int eq = e.indexOf('=');
                if (eq < 0) {
                    vars.remove(e);
                } else if (eq == 0) {
                    throw new InvalidArgumentException(owner + ": image environment entry \"" + e + "\" has no name");
                } else {
                    vars.put(e.substring(0, eq), e.substring(eq + 1));
                }
            }
        }
        for (KeyValue kv : config.getEnvsList()) {
            if (kv.getKey().isEmpty() || kv.getKey().indexOf('=') >= 0) {
                throw new InvalidArgumentException(owner + ": invalid environment variable name \"" + kv.getKey()
                        + "\"");
            }
            vars.put(kv.getKey(), kv.getValue());
        }
        List<String> out = new ArrayList<>();
        if (!vars.containsKey("PATH")) {
            out.add(DEFAULT_PATH);
        }
        for (Map.Entry<String, String> e : vars.entrySet()) {
            out.add(e.getKey() + "=" + e.getValue());
        }
        return out;
    }

    /** The process's user and groups; see the class comment. */
    static User user(String owner, LinuxContainerSecurityContext sc, LinuxSandboxSecurityContext podSc,
                     ImageConfig.ContainerConfig img, RootfsReader files, boolean runAsNonRoot) {
        Long runAsUser = sc.hasRunAsUser() ? Long.valueOf(sc.getRunAsUser().getValue())
                : podSc.hasRunAsUser() ? Long.valueOf(podSc.getRunAsUser().getValue()) : null;
        Long runAsGroup = sc.hasRunAsGroup() ? Long.valueOf(sc.getRunAsGroup().getValue())
                : podSc.hasRunAsGroup() ? Long.valueOf(podSc.getRunAsGroup().getValue()) : null;
        checkId(owner, "run_as_user", runAsUser);
        checkId(owner, "run_as_group", runAsGroup);
        String userString;
        String source;
        if (!sc.getRunAsUsername().isEmpty()) {
            userString = sc.getRunAsUsername();
            source = "run_as_username";
        } else if (runAsUser != null) {
            userString = runAsUser.toString();
            source = "run_as_user";
        } else {
            userString = null;
            source = null;
        }
        if (runAsGroup != null) {
            if (userString == null) {
                throw new InvalidArgumentException(owner + ": run_as_group " + runAsGroup
                        + " is set without run_as_user or run_as_username");
            }
            if (userString.indexOf(':') >= 0) {
                throw new InvalidArgumentException(owner + ": run_as_username \"" + userString
                        + "\" must be a plain name");
            }
            userString = userString + ":" + runAsGroup;
        }
        if (userString == null) {
            userString = img.user() == null ? "" : img.user();
            source = "image user";
        }
        UserResolver resolver = new UserResolver(owner, files);
        UserResolver.ResolvedUser u = resolver.resolve(userString);
        if (runAsNonRoot && u.uid() == 0) {
            throw new FailedPreconditionException(owner + ": runAsNonRoot is set but the container would run as uid 0 ("
                    + source + " \"" + userString + "\")");
        }
        TreeSet<Long> groups = new TreeSet<>();
        groups.add(u.gid());
        SupplementalGroupsPolicy policy = sc.getSupplementalGroupsPolicy() == SupplementalGroupsPolicy.Strict
                || podSc.getSupplementalGroupsPolicy() == SupplementalGroupsPolicy.Strict
                ? SupplementalGroupsPolicy.Strict : SupplementalGroupsPolicy.Merge;
        if (policy == SupplementalGroupsPolicy.Merge) {
            groups.addAll(resolver.memberships(u.username()));
        }
        for (long g : sc.getSupplementalGroupsList()) {
            checkId(owner, "supplemental group", g);
            groups.add(g);
        }
        for (long g : podSc.getSupplementalGroupsList()) {
            checkId(owner, "supplemental group", g);
            groups.add(g);
        }
        User user = new User(u.uid(), u.gid());
        user.additionalGids = new ArrayList<>(groups);
        return user;
    }

    private static void checkId(String owner, String what, Long id) {
        if (id != null && (id < 0 || id > UserResolver.UINT32_MAX)) {
            throw new InvalidArgumentException(owner + ": " + what + " " + id + " is not within 0…4294967295");
        }
    }

    private static List<String> absolutePaths(String owner, String what, List<String> paths) {
        for (String p : paths) {
            if (!p.startsWith("/")) {
                throw new InvalidArgumentException(owner + ": " + what + " path \"" + p + "\" is not absolute");
            }
        }
        return new ArrayList<>(paths);
    }

    /**
     * Joins the pod's namespaces. A container asking for a namespace mode the pod does not have
     * is refused: it would otherwise leave the pod (or escape to the host).
     */
    static void namespaces(String owner, LinuxContainerSecurityContext sc, SandboxContext pod, Linux linux) {
        NamespaceOption opts = sc.hasNamespaceOptions() ? sc.getNamespaceOptions() : null;
        List<LinuxNamespace> ns = linux.namespaces();
        if (opts != null) {
            checkPodScoped(owner, "network", opts.getNetwork(), pod.netNs() != null);
            checkPodScoped(owner, "IPC", opts.getIpc(), pod.ipcNs() != null);
        }
        if (pod.netNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.NETWORK, pod.netNs().toString()));
        }
        if (pod.ipcNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.IPC, pod.ipcNs().toString()));
        }
        if (pod.utsNs() != null) {
            ns.add(new LinuxNamespace(LinuxNamespace.UTS, pod.utsNs().toString()));
        }
        SandboxContext.PidMode mode = opts == null ? pod.pidMode() : pidMode(owner, opts.getPid(), opts.getTargetId());
        if (mode == SandboxContext.PidMode.NODE && pod.pidMode() != SandboxContext.PidMode.NODE) {
            throw new InvalidArgumentException(owner + ": asks for the host's PID namespace but its pod "
                    + pod.sandboxId() + " does not use it");
        }
        if (mode != SandboxContext.PidMode.NODE && pod.pidMode() == SandboxContext.PidMode.NODE) {
            throw new InvalidArgumentException(owner + ": asks for PID namespace mode " + mode + " but its pod "
                    + pod.sandboxId() + " uses the host's PID namespace");
        }
        if (mode == SandboxContext.PidMode.POD) {
            if (pod.infraPid() <= 0) {
                throw new FailedPreconditionException(owner + ": shares the PID namespace of pod " + pod.sandboxId()
                        + ", whose infra process is not running");
            }
            ns.add(new LinuxNamespace(LinuxNamespace.PID, pod.infraPidNamespace().toString()));
        } else if (mode == SandboxContext.PidMode.CONTAINER) {
            ns.add(new LinuxNamespace(LinuxNamespace.PID));
        }
        ns.add(new LinuxNamespace(LinuxNamespace.MOUNT));
        ns.add(new LinuxNamespace(LinuxNamespace.CGROUP));
        userNamespace(pod, linux);
    }

    static void userNamespace(SandboxContext pod, Linux linux) {
        if (pod.userNs() != null) {
            linux.namespaces().add(new LinuxNamespace(LinuxNamespace.USER, pod.userNs().path().toString()));
            if (!pod.userNs().uidMappings().isEmpty()) {
                linux.uidMappings = copy(pod.userNs().uidMappings());
            }
            if (!pod.userNs().gidMappings().isEmpty()) {
                linux.gidMappings = copy(pod.userNs().gidMappings());
            }
        }
    }

    private static List<LinuxIdMapping> copy(List<LinuxIdMapping> list) {
        List<LinuxIdMapping> out = new ArrayList<>();
        for (LinuxIdMapping m : list) {
            out.add(new LinuxIdMapping(m.containerID, m.hostID, m.size));
        }
        return out;
    }

    private static void checkPodScoped(String owner, String what, NamespaceMode mode, boolean podHasOwn) {
        switch (mode) {
            case POD:
                if (!podHasOwn) {
                    throw new InvalidArgumentException(owner + ": asks for the pod's " + what
                            + " namespace but the pod uses the host's");
                }
                return;
            case NODE:
                if (podHasOwn) {
                    throw new InvalidArgumentException(owner + ": asks for the host's " + what
                            + " namespace but its pod has its own");
                }
                return;
            default:
                throw new InvalidArgumentException(owner + ": " + what + " namespace mode " + mode
                        + " is not supported; containers use their pod's " + what + " namespace");
        }
    }

    private static SandboxContext.PidMode pidMode(String owner, NamespaceMode mode, String target) {
        switch (mode) {
            case POD:
                return SandboxContext.PidMode.POD;
            case CONTAINER:
                return SandboxContext.PidMode.CONTAINER;
            case NODE:
                return SandboxContext.PidMode.NODE;
            default:
                throw new InvalidArgumentException(owner + ": PID namespace mode " + mode + " (target \"" + target
                        + "\") is not supported");
        }
    }

    private static List<Mount> mounts(String owner, ContainerConfig config, SandboxContext pod,
                                                              LinuxContainerSecurityContext sc, boolean privileged,
                                                              Linux linux, List<String> warnings, List<Path> hostDirs,
                                                              Supplier<HostMounts> hostMountsSource) {
        HostMounts hostMounts = null;
        List<MountTranslator.Bind> binds = new ArrayList<>();
        Set<String> requested = new HashSet<>();
        for (io.peapod.cri.v1.Mount m : config.getMountsList()) {
            if (!m.getContainerPath().isEmpty()) {
                requested.add(MountTranslator.clean(m.getContainerPath()));
            }
        }
        boolean ro = sc.getReadonlyRootfs();
        podFile(binds, requested, pod.hostnameFile(), "/etc/hostname", ro);
        podFile(binds, requested, pod.hostsFile(), "/etc/hosts", ro);
        podFile(binds, requested, pod.resolvConfFile(), "/etc/resolv.conf", ro);
        if (!requested.contains("/dev/shm")) {
            if (pod.shmDir() != null) {
                binds.add(new MountTranslator.Bind(pod.shmDir().toString(), "/dev/shm", false, "rprivate"));
            } else if (pod.ipcNs() == null) {
                binds.add(new MountTranslator.Bind("/dev/shm", "/dev/shm", false, "rprivate"));
            }
        }
        String rootPropagation = null;
        for (io.peapod.cri.v1.Mount m : config.getMountsList()) {
            String dest = m.getContainerPath();
            if (dest.isEmpty() || !dest.startsWith("/")) {
                throw new InvalidArgumentException(owner + ": mount container path \"" + dest + "\" is not absolute");
            }
            if (m.hasImage() && !m.getImage().getImage().isEmpty()) {
                throw new InvalidArgumentException(owner + ": mount at " + dest + " is an image volume (\""
                        + m.getImage().getImage() + "\"); peapod does not support image volumes");
            }
            String host = m.getHostPath();
            if (host.isEmpty() || !host.startsWith("/")) {
                throw new InvalidArgumentException(owner + ": mount at " + dest + ": host path \"" + host
                        + "\" is not absolute");
            }
            if (m.getRecursiveReadOnly()) {
                throw new InvalidArgumentException(owner + ": mount at " + dest
                        + " asks for a recursive read-only mount, which peapod does not support");
            }
            if (m.getUidMappingsCount() > 0 || m.getGidMappingsCount() > 0) {
                throw new InvalidArgumentException(owner + ": mount at " + dest
                        + " asks for an id-mapped mount, which peapod does not support");
            }
            if (m.getSelinuxRelabel()) {
                warnings.add(owner + ": mount at " + dest + ": SELinux relabelling of " + host
                        + " not done: peapod does not support SELinux");
            }
            String propagation;
            switch (m.getPropagation()) {
                case PROPAGATION_PRIVATE:
                    propagation = "rprivate";
                    break;
                case PROPAGATION_HOST_TO_CONTAINER:
                    propagation = "rslave";
                    if (rootPropagation == null) {
                        rootPropagation = "slave";
                    }
                    break;
                case PROPAGATION_BIDIRECTIONAL:
                    propagation = "rshared";
                    rootPropagation = "shared";
                    break;
                default:
                    throw new InvalidArgumentException(owner + ": mount at " + dest + ": unknown propagation "
                            + m.getPropagationValue());
            }
            Path hostPath = Path.of(host).normalize();
            if (Files.exists(hostPath)) {
                try {
                    hostPath = hostPath.toRealPath();
                } catch (IOException e) {
                    throw new InvalidArgumentException(owner + ": mount at " + dest + ": cannot resolve host path "
                            + host + ": " + e, e);
                }
            } else if (!hostDirs.contains(hostPath)) {
                hostDirs.add(hostPath);
            }
            if (!propagation.equals("rprivate")) {
                if (hostMounts == null) {
                    hostMounts = hostMountsSource.get();
                }
                checkHostPropagation(owner, dest, hostPath, propagation, hostMounts);
            }
            binds.add(new MountTranslator.Bind(hostPath.toString(), dest, m.getReadonly(), propagation));
        }
        if (rootPropagation != null) {
            linux.rootfsPropagation = rootPropagation;
        }
        return MountTranslator.merge(MountTranslator.defaults(privileged), binds);
    }

    /**
     * Propagation between host and container works only if the host mount holding the source
     * propagates: shared for rshared, shared or slave for rslave.
     */
    static void checkHostPropagation(String owner, String dest, Path source, String propagation,
                                     HostMounts hostMounts) {
        HostMounts.Entry mount = hostMounts.mountOf(source);
        HostMounts.Propagation p = mount == null ? HostMounts.Propagation.PRIVATE : mount.propagation();
        boolean ok = propagation.equals("rshared") ? p == HostMounts.Propagation.SHARED
                : p != HostMounts.Propagation.PRIVATE;
        if (!ok) {
            throw new InvalidArgumentException(owner + ": mount at " + dest + " asks for "
                    + (propagation.equals("rshared") ? "bidirectional" : "host-to-container") + " propagation, but "
                    + source + " is on the host mount " + (mount == null ? "?" : mount.mountPoint()) + ", which is "
                    + p.name().toLowerCase(Locale.ROOT) + (propagation.equals("rshared")
                    ? "; make it shared (mount --make-shared)" : "; make it shared or slave"));
        }
    }

    private static void podFile(List<MountTranslator.Bind> binds, Set<String> requested, Path file,
                                String destination, boolean readonly) {
        if (file != null && !requested.contains(destination)) {
            binds.add(new MountTranslator.Bind(file.toString(), destination, readonly, "rprivate"));
        }
    }

    private static Map<String, String> annotations(ContainerConfig config, PodSandboxConfig sandbox,
                                                   SandboxContext pod) {
        Map<String, String> a = new LinkedHashMap<>(config.getAnnotationsMap());
        a.put(ANNOTATION_CONTAINER_TYPE, "container");
        a.put(ANNOTATION_SANDBOX_ID, pod.sandboxId());
        a.put(ANNOTATION_SANDBOX_NAME, sandbox.getMetadata().getName());
        a.put(ANNOTATION_SANDBOX_NAMESPACE, sandbox.getMetadata().getNamespace());
        a.put(ANNOTATION_SANDBOX_UID, sandbox.getMetadata().getUid());
        a.put(ANNOTATION_CONTAINER_NAME, config.getMetadata().getName());
        String image = config.getImage().getUserSpecifiedImage().isEmpty() ? config.getImage().getImage()
                : config.getImage().getUserSpecifiedImage();
        a.put(ANNOTATION_IMAGE_NAME, image);
        return a;
    }

    /** The log file: the config's relative log_path under the sandbox's log directory. */
    static Path logPath(String owner, SandboxContext pod, ContainerConfig config) {
        String rel = config.getLogPath();
        if (rel.isEmpty() || pod.logDirectory() == null) {
            return null;
        }
        Path relative = Path.of(rel);
        if (relative.isAbsolute() || relative.normalize().startsWith("..") || relative.normalize().toString().isEmpty()) {
            throw new InvalidArgumentException(owner + ": log_path \"" + rel
                    + "\" must be a relative path inside the sandbox's log directory");
        }
        return pod.logDirectory().resolve(relative.normalize());
    }
}
