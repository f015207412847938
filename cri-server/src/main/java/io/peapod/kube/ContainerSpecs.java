package io.peapod.kube;

import io.peapod.cri.translate.RootfsReader;
import io.peapod.cri.translate.UserResolver;
import io.peapod.image.Image;
import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.pod.PodSpecs;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Root;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns one container of a manifest into the OCI runtime spec of a pod member. */
final class ContainerSpecs {
    /** The capabilities a Kubernetes container gets by default (the container runtimes' default set). */
    static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    private static final List<String> ALL_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private ContainerSpecs() {
    }

    /**
     * The spec of {@code c} in {@code pod}: the image's Entrypoint/Cmd/Env/WorkingDir/User as
     * Kubernetes overrides them, the pod's namespaces and /etc files, volume binds, security
     * context and resource limits. {@code files} reads the image's /etc/passwd and /etc/group.
     */
    static Spec build(Manifest m, Kube.Container c, Image image, SandboxRecord pod, Path podDir, String sharedPid,
                      Map<String, Path> volumes, Map<String, String> env, RootfsReader files) {
        ImageConfig.ContainerConfig ic = image.config() == null ? null : image.config().config();
        Spec spec = DefaultSpec.create(false);
        var p = spec.process;
        p.terminal = Boolean.TRUE.equals(c.tty);
        p.args = args(c, ic);
        Map<String, String> vars = new LinkedHashMap<>();
        if (ic != null && ic.env() != null) {
            for (String e : ic.env()) {
                int eq = e.indexOf('=');
                vars.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        vars.putAll(env);
        if (Boolean.TRUE.equals(c.tty)) {
            vars.putIfAbsent("TERM", "xterm");
        } else if ("xterm".equals(vars.get("TERM")) && (ic == null || ic.env() == null
                || ic.env().stream().noneMatch(e -> e.startsWith("TERM=")))) {
            vars.remove("TERM");
        }
        vars.putIfAbsent("HOSTNAME", pod.config().effectiveHostname());
        p.env = new ArrayList<>();
        vars.forEach((k, v) -> p.env.add(k + "=" + v));
        p.cwd = c.workingDir != null ? c.workingDir
                : ic != null && ic.workingDir() != null && !ic.workingDir().isEmpty() ? ic.workingDir() : "/";
        p.user = user(m, c, ic, files);
        p.noNewPrivileges = false;
        security(spec, c.securityContext);
        if (c.securityContext != null && Boolean.FALSE.equals(c.securityContext.allowPrivilegeEscalation)) {
            p.noNewPrivileges = true;
        }
        resources(spec, c.resources);
        PodSpecs.joinPod(spec, pod, podDir, sharedPid);
        List<Mount> mounts = new ArrayList<>(spec.mounts);
        for (Kube.VolumeMount vm : c.volumeMounts == null ? List.<Kube.VolumeMount>of() : c.volumeMounts) {
            Path src = volumes.get(vm.name);
            if (vm.subPath != null && !vm.subPath.isEmpty()) {
                src = src.resolve(vm.subPath);
            }
            mounts.removeIf(x -> vm.mountPath.equals(x.destination));
            mounts.add(new Mount(vm.mountPath, "bind", src.toString(),
                    List.of("rbind", "rprivate", Boolean.TRUE.equals(vm.readOnly) ? "ro" : "rw")));
        }
        spec.mounts = mounts;
        boolean ro = c.securityContext != null && Boolean.TRUE.equals(c.securityContext.readOnlyRootFilesystem);
        spec.root = new Root("rootfs", ro);
        if (spec.annotations == null) {
            spec.annotations = new LinkedHashMap<>();
        }
        spec.annotations.put("io.kubernetes.container.name", c.name);
        spec.annotations.put("io.kubernetes.pod.name", m.name());
        spec.annotations.put("io.kubernetes.pod.namespace", m.namespace());
        return spec;
    }

    /** Kubernetes' rules: command replaces Entrypoint (and drops Cmd); args replace Cmd. */
    static List<String> args(Kube.Container c, ImageConfig.ContainerConfig ic) {
        List<String> entrypoint = ic == null || ic.entrypoint() == null ? List.of() : ic.entrypoint();
        List<String> cmd = ic == null || ic.cmd() == null ? List.of() : ic.cmd();
        List<String> out = new ArrayList<>();
        if (c.command != null && !c.command.isEmpty()) {
            out.addAll(c.command);
            if (c.args != null) {
                out.addAll(c.args);
            }
        } else {
            out.addAll(entrypoint);
            out.addAll(c.args != null && !c.args.isEmpty() ? c.args : cmd);
        }
        if (out.isEmpty()) {
            throw new InvalidArgumentException("container " + c.name + ": no command given and image " + c.image
                    + " has no Entrypoint or Cmd");
        }
        return out;
    }

    /**
     * runAsUser/runAsGroup of the container, else of the pod; without runAsUser the image's User,
     * resolved in the image's own /etc/passwd and /etc/group as the CRI runtimes do (a name must
     * be there; the user's gid, unless runAsGroup is set, and its /etc/group memberships come
     * along). runAsNonRoot is checked against the resolved uid; fsGroup and supplementalGroups
     * are added.
     */
    static User user(Manifest m, Kube.Container c, ImageConfig.ContainerConfig ic, RootfsReader files) {
        Kube.PodSecurityContext psc = m.pod().spec.securityContext;
        Kube.SecurityContext sc = c.securityContext;
        Long uid = sc != null && sc.runAsUser != null ? sc.runAsUser : psc != null ? psc.runAsUser : null;
        Long gid = sc != null && sc.runAsGroup != null ? sc.runAsGroup : psc != null ? psc.runAsGroup : null;
        List<Long> groups = new ArrayList<>();
        if (uid == null) {
            String imageUser = ic == null || ic.user() == null ? "" : ic.user();
            UserResolver resolver = new UserResolver("container " + c.name + " (the image's User)", files);
            UserResolver.ResolvedUser resolved = resolver.resolve(imageUser);
            uid = resolved.uid();
            if (gid == null) {
                gid = resolved.gid();
            }
            groups.addAll(resolver.memberships(resolved.username()));
        }
        User u = new User(uid, gid == null ? 0 : gid);
        boolean nonRoot = sc != null && Boolean.TRUE.equals(sc.runAsNonRoot)
                || psc != null && Boolean.TRUE.equals(psc.runAsNonRoot);
        if (nonRoot && u.uid == 0) {
            throw new InvalidArgumentException("container " + c.name + " has runAsNonRoot and would run as root "
                    + "(uid 0)");
        }
        if (psc != null && psc.fsGroup != null && !groups.contains(psc.fsGroup)) {
            groups.add(psc.fsGroup);
        }
        for (Long g : psc == null || psc.supplementalGroups == null ? List.<Long>of() : psc.supplementalGroups) {
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }
        if (!groups.isEmpty()) {
            u.additionalGids = groups;
        }
        return u;
    }

    private static void security(Spec spec, Kube.SecurityContext sc) {
        List<String> caps = new ArrayList<>(DEFAULT_CAPS);
        if (sc != null && Boolean.TRUE.equals(sc.privileged)) {
            caps = new ArrayList<>(ALL_CAPS);
            spec.linux().maskedPaths = List.of();
            spec.linux().readonlyPaths = List.of();
            spec.linux().resources().devices = new ArrayList<>(List.of(new LinuxDeviceCgroup(true, "a", null, null,
                    "rwm")));
        }
        if (sc != null && sc.capabilities != null) {
            for (String d : sc.capabilities.drop == null ? List.<String>of() : sc.capabilities.drop) {
                if (d.equalsIgnoreCase("ALL")) {
                    caps.clear();
                } else {
                    caps.remove(capName(d));
                }
            }
            for (String a : sc.capabilities.add == null ? List.<String>of() : sc.capabilities.add) {
                List<String> add = a.equalsIgnoreCase("ALL") ? ALL_CAPS : List.of(capName(a));
                for (String x : add) {
                    if (!ALL_CAPS.contains(x)) {
                        throw new InvalidArgumentException("unknown capability " + a);
                    }
                    if (!caps.contains(x)) {
                        caps.add(x);
                    }
                }
            }
        }
        LinuxCapabilities lc = new LinuxCapabilities();
        lc.bounding = new ArrayList<>(caps);
        lc.effective = new ArrayList<>(caps);
        lc.permitted = new ArrayList<>(caps);
        spec.process.capabilities = lc;
    }

    private static String capName(String k8s) {
        String up = k8s.toUpperCase(java.util.Locale.ROOT);
        return up.startsWith("CAP_") ? up : "CAP_" + up;
    }

    private static void resources(Spec spec, Kube.Resources r) {
        if (r == null) {
            return;
        }
        Map<String, String> limits = r.limits == null ? Map.of() : r.limits;
        Map<String, String> requests = r.requests == null ? Map.of() : r.requests;
        var res = spec.linux().resources();
        if (limits.containsKey("memory")) {
            res.memory = new LinuxMemory();
            res.memory.limit = Quantities.bytes(limits.get("memory"));
        }
        String cpuReq = requests.getOrDefault("cpu", limits.get("cpu"));
        if (cpuReq != null || limits.containsKey("cpu")) {
            res.cpu = new LinuxCpu();
            if (cpuReq != null) {
                res.cpu.shares = Math.max(2, Quantities.milliCpus(cpuReq) * 1024 / 1000);
            }
            if (limits.containsKey("cpu")) {
                res.cpu.period = 100_000L;
                res.cpu.quota = Math.max(1000, Quantities.milliCpus(limits.get("cpu")) * 100);
            }
        }
    }

}
