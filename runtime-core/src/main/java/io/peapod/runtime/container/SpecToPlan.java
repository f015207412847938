package io.peapod.runtime.container;

import io.peapod.helper.Plan;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.seccomp.SeccompCompiler;
import io.peapod.runtime.spec.Box;
import io.peapod.runtime.spec.Capabilities;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.LinuxDevice;
import io.peapod.runtime.spec.LinuxIdMapping;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.PosixRlimit;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Rlimits;
import io.peapod.runtime.spec.Spec;
import io.peapod.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a validated OCI spec into the helper's plan: every decision about namespaces,
 * mounts, devices, credentials and limits is made here, so the helper only executes.
 * The order of the init steps follows runc's: prepare the root, mounts in spec order,
 * devices, pivot, masked and read-only paths, then the process's identity.
 */
public final class SpecToPlan {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long MS_UNBINDABLE = 1L << 17;

    /** The devices every container gets (runc's defaults), as type, major, minor. */
    private static final List<Object[]> DEFAULT_DEVICES = List.of(
            new Object[] {"/dev/null", 1, 3}, new Object[] {"/dev/zero", 1, 5}, new Object[] {"/dev/full", 1, 7},
            new Object[] {"/dev/random", 1, 8}, new Object[] {"/dev/urandom", 1, 9},
            new Object[] {"/dev/tty", 5, 0});

    private final HostLimits limits;
    private final List<String> warnings = new ArrayList<>();

    public SpecToPlan(HostLimits limits) {
        this.limits = limits;
    }

    /** Adjustments made to fit what this host allows (clamped rlimits, oom_score_adj). */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * @param id         the container id
     * @param spec       a spec that passed {@code SpecValidator}
     * @param rootfs     absolute host path of the root filesystem
     * @param bundle     the bundle directory (relative bind sources resolve against it)
     * @param stateDir   the container's state directory (the monitor's files)
     * @param cgroupProcs the cgroup.procs files the container is placed into
     */
    public Plan translate(String id, Spec spec, Path rootfs, Path bundle, Path stateDir, List<Path> cgroupProcs,
                          CreateOptions options) {
        return translate(id, spec, rootfs, bundle, stateDir, cgroupProcs, options, List.of());
    }

    /**
     * @param rootfsMounts mounts that make up the root filesystem (an image's overlay from the
     *                     snapshotter), performed on {@code rootfs} inside the container's own
     *                     mount namespace, so that the host never sees them and nothing can leak
     */
    public Plan translate(String id, Spec spec, Path rootfs, Path bundle, Path stateDir, List<Path> cgroupProcs,
                          CreateOptions options, List<io.peapod.image.snapshot.Mount> rootfsMounts) {
        Plan plan = new Plan();
        plan.op("ID", id);
        plan.op("STATE_DIR", stateDir.toString());
        plan.op("MONITOR", options.monitor() ? "yes" : "no");
        namespaces(plan, spec);
        for (Path procs : cgroupProcs) {
            plan.op("CGROUP_PROCS", procs.toString());
        }
        stdio(plan, spec, options);
        if (options.pidFile() != null) {
            plan.op("PID_FILE", options.pidFile().toAbsolutePath().toString());
        }
        plan.op("START", options.startNow() ? "now" : "wait");

        LinuxNamespace mountNs = spec.linux().namespace(LinuxNamespace.MOUNT);
        if (mountNs != null && mountNs.path == null) {
            rootfs(plan, spec, rootfs, bundle, cgroupProcs, options, rootfsMounts);
        } else {
            sysctls(plan, spec);
        }
        kernelSettings(plan, spec);
        process(plan, spec);
        return plan;
    }

    private static String nsName(String ociType) {
        switch (ociType) {
            case LinuxNamespace.NETWORK:
                return "net";
            case LinuxNamespace.MOUNT:
                return "mnt";
            default:
                return ociType;
        }
    }

    private void namespaces(Plan plan, Spec spec) {
        boolean newUser = false;
        for (LinuxNamespace ns : spec.linux().namespaces()) {
            if (ns.path != null && !ns.path.isEmpty()) {
                plan.op("NS_JOIN", nsName(ns.type), ns.path);
            } else {
                plan.op("NS_NEW", nsName(ns.type));
                newUser |= LinuxNamespace.USER.equals(ns.type);
            }
        }
        if (newUser) {
            plan.op("UID_MAP", idMap(spec.linux().uidMappings));
            plan.op("GID_MAP", idMap(spec.linux().gidMappings));
        }
    }

    private static String idMap(List<LinuxIdMapping> mappings) {
        StringBuilder sb = new StringBuilder();
        if (mappings != null) {
            for (LinuxIdMapping m : mappings) {
                sb.append(m.containerID).append(' ').append(m.hostID).append(' ').append(m.size).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A process with {@code process.terminal}: the helper opens a pty in the container, makes it
     * the process's controlling terminal and stdio, and sends the master to {@code consoleSocket}
     * (null: to the monitor). {@code process.consoleSize} is its size before the process starts;
     * as runc does, a side of 0 leaves the size unset.
     *
     * @return whether the process has a terminal
     */
    static boolean terminal(Plan plan, Process p, Path consoleSocket) {
        if (p == null || !Boolean.TRUE.equals(p.terminal)) {
            return false;
        }
        plan.tty();
        if (consoleSocket != null) {
            plan.consoleSocket(consoleSocket.toAbsolutePath());
        }
        Box size = p.consoleSize;
        if (size != null && size.height != null && size.width != null && size.height != 0 && size.width != 0) {
            if (size.height < 0 || size.height > 0xffff || size.width < 0 || size.width > 0xffff) {
                throw new InvalidArgumentException("process.consoleSize " + Long.toUnsignedString(size.height) + "x"
                        + Long.toUnsignedString(size.width) + " is out of range: each side is at most 65535");
            }
            plan.consoleSize(size.height.intValue(), size.width.intValue());
        }
        return true;
    }

    private static void stdio(Plan plan, Spec spec, CreateOptions options) {
        boolean terminal = terminal(plan, spec.process, options.consoleSocket());
        if (options.logPath() != null) {
            plan.op("LOG", options.logPath().toAbsolutePath().toString());
        }
        if (options.stdinPipe()) {
            plan.op("STDIN_PIPE");
            if (options.stdinOnce()) {
                plan.op("STDIN_ONCE");
            }
        }
        if (!terminal && options.stdio() != null) {
            for (Map.Entry<Integer, String> e : options.stdio().entrySet()) {
                if (options.logPath() != null && e.getKey() > 0) {
                    continue;
                }
                if (options.stdinPipe() && e.getKey() == 0) {
                    continue;
                }
                plan.op("STDIO", String.valueOf(e.getKey()), e.getValue());
            }
        }
    }

    private void rootfs(Plan plan, Spec spec, Path rootfs, Path bundle, List<Path> cgroupProcs,
                        CreateOptions options, List<io.peapod.image.snapshot.Mount> rootfsMounts) {
        plan.op("ROOTFS", rootfs.toString());
        plan.op("PROPAGATION", Long.toString(Syscalls.MS_REC | Syscalls.MS_SLAVE));
        for (io.peapod.image.snapshot.Mount m : rootfsMounts) {
            if (m.workingDirectory() != null) {
                // lowerdir paths are relative to it: the kernel's one-page limit on mount data
                plan.op("CHDIR", m.workingDirectory().toString());
            }
            plan.op("MOUNT_HOST", m.source(), rootfs.toString(), m.type(), "0", m.data().isEmpty() ? "-" : m.data());
        }
        plan.op("MOUNT_HOST", rootfs.toString(), rootfs.toString(), "-",
                Long.toString(Syscalls.MS_BIND | Syscalls.MS_REC), "-");
        boolean userNs = spec.linux().hasNamespace(LinuxNamespace.USER);
        boolean devIsTmpfs = false;
        boolean devpts = false;
        if (spec.mounts != null) {
            boolean cgroupNamespace = spec.linux().hasNamespace(LinuxNamespace.CGROUP);
            for (Mount m : spec.mounts) {
                mount(plan, m, bundle, cgroupProcs, cgroupNamespace);
                devIsTmpfs |= "/dev".equals(clean(m.destination)) && !"bind".equals(m.type)
                        && !MountOptions.parse(m.destination, m.options).isBind();
                devpts |= "/dev/pts".equals(clean(m.destination));
            }
        }
        devices(plan, spec, userNs, devIsTmpfs, devpts);
        plan.op(options.noPivot() ? "CHROOT" : "PIVOT_ROOT");
        if (spec.linux().rootfsPropagation != null) {
            plan.op("PROPAGATION", Long.toString(rootPropagation(spec.linux().rootfsPropagation)));
        }
        // sysctls go in while /proc/sys is still writable: readonlyPaths usually names it
        sysctls(plan, spec);
        if (spec.linux().maskedPaths != null) {
            for (String p : spec.linux().maskedPaths) {
                plan.op("MASK", p);
            }
        }
        if (spec.linux().readonlyPaths != null) {
            for (String p : spec.linux().readonlyPaths) {
                plan.op("READONLY", p);
            }
        }
        if (spec.root != null && Boolean.TRUE.equals(spec.root.readonly)) {
            plan.op("REMOUNT_RO", "/");
        }
    }

    private static long rootPropagation(String name) {
        switch (name) {
            case "shared":
                return Syscalls.MS_SHARED | Syscalls.MS_REC;
            case "slave":
                return Syscalls.MS_SLAVE | Syscalls.MS_REC;
            case "private":
                return Syscalls.MS_PRIVATE | Syscalls.MS_REC;
            case "unbindable":
                return MS_UNBINDABLE | Syscalls.MS_REC;
            default:
                throw new InvalidArgumentException("linux.rootfsPropagation: unknown value \"" + name + "\"");
        }
    }

    private static String clean(String destination) {
        String d = destination;
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    private void mount(Plan plan, Mount m, Path bundle, List<Path> cgroupProcs, boolean cgroupNamespace) {
        MountOptions o = MountOptions.parse(m.destination, m.options);
        String dest = clean(m.destination);
        if ("cgroup".equals(m.type) || "cgroup2".equals(m.type)) {
            cgroupMount(plan, dest, o, cgroupProcs, cgroupNamespace);
            return;
        }
        boolean bind = o.isBind() || "bind".equals(m.type);
        if (bind) {
            Path source = bundle.resolve(m.source == null ? "" : m.source);
            if (!Files.exists(source)) {
                throw new InvalidArgumentException("mount " + m.destination + ": bind source " + source
                        + " does not exist");
            }
            String kind = Files.isDirectory(source) ? "dir" : "file";
            long flags = Syscalls.MS_BIND | (o.flags() & Syscalls.MS_REC);
            plan.op("MOUNT", source.toString(), dest, "-", Long.toString(flags), "-", kind);
            long remount = o.flags() & ~(Syscalls.MS_BIND | Syscalls.MS_REC);
            if (remount != 0) {
                plan.op("MOUNT", "-", dest, "-", Long.toString(o.remountFlags()), "-", kind);
            }
        } else {
            String type = m.type == null ? "-" : m.type;
            String source = m.source == null || m.source.isEmpty() ? type : m.source;
            plan.op("MOUNT", source, dest, type, Long.toString(o.flags()), o.data().isEmpty() ? "-" : o.data(),
                    "dir");
        }
        if (o.propagation() != 0) {
            plan.op("MOUNT", "-", dest, "-", Long.toString(o.propagation()), "-", "dir");
        }
    }

    /**
     * The container's view of cgroupfs. On a pure v2 host with a cgroup namespace it is a
     * fresh cgroup2 mount (rooted at the container's cgroup); otherwise, as runc does, the
     * container's own cgroup directories are bound in (for v1 one per hierarchy under a
     * tmpfs), so it sees its cgroup and nothing of the host's tree.
     */
    private static void cgroupMount(Plan plan, String dest, MountOptions o, List<Path> cgroupProcs,
                                    boolean cgroupNamespace) {
        long common = o.flags() & (Syscalls.MS_NOSUID | Syscalls.MS_NODEV | Syscalls.MS_NOEXEC);
        long ro = o.flags() & Syscalls.MS_RDONLY;
        Path base = Path.of("/sys/fs/cgroup");
        boolean pureV2 = cgroupProcs.size() == 1 && cgroupProcs.get(0).startsWith(base)
                && Files.exists(base.resolve("cgroup.controllers"));
        if (pureV2 || cgroupProcs.isEmpty()) {
            if (cgroupNamespace || cgroupProcs.isEmpty()) {
                plan.op("MOUNT", "cgroup2", dest, "cgroup2", Long.toString(common | ro), "-", "dir");
            } else {
                Path dir = cgroupProcs.get(0).getParent();
                plan.op("MOUNT", dir.toString(), dest, "-", Long.toString(Syscalls.MS_BIND), "-", "dir");
                plan.op("MOUNT", "-", dest, "-",
                        Long.toString(Syscalls.MS_REMOUNT | Syscalls.MS_BIND | common | ro), "-", "dir");
            }
            return;
        }
        plan.op("MOUNT", "tmpfs", dest, "tmpfs", Long.toString(common), "mode=755", "dir");
        for (Path procs : cgroupProcs) {
            Path dir = procs.getParent();
            Path rel = base.relativize(dir);
            String hierarchy = rel.getName(0).toString();
            String target = dest + "/" + hierarchy;
            plan.op("MOUNT", dir.toString(), target, "-", Long.toString(Syscalls.MS_BIND), "-", "dir");
            plan.op("MOUNT", "-", target, "-",
                    Long.toString(Syscalls.MS_REMOUNT | Syscalls.MS_BIND | common | ro), "-", "dir");
        }
        if (ro != 0) {
            plan.op("MOUNT", "-", dest, "-", Long.toString(Syscalls.MS_REMOUNT | common | ro), "mode=755", "dir");
        }
    }

    private void devices(Plan plan, Spec spec, boolean userNs, boolean devIsTmpfs, boolean devpts) {
        List<LinuxDevice> devices = new ArrayList<>();
        if (devIsTmpfs) {
            for (Object[] d : DEFAULT_DEVICES) {
                LinuxDevice dev = new LinuxDevice();
                dev.path = (String) d[0];
                dev.type = "c";
                dev.major = ((Integer) d[1]).longValue();
                dev.minor = ((Integer) d[2]).longValue();
                dev.fileMode = 0666;
                dev.uid = 0L;
                dev.gid = 0L;
                devices.add(dev);
            }
        }
        if (spec.linux().devices != null) {
            for (LinuxDevice d : spec.linux().devices) {
                devices.removeIf(existing -> existing.path.equals(d.path));
                devices.add(d);
            }
        }
        for (LinuxDevice d : devices) {
            if (userNs) {
                // mknod is refused in a user namespace: bind the host's node instead, as runc does
                plan.op("MOUNT", d.path, d.path, "-", Long.toString(Syscalls.MS_BIND), "-", "file");
            } else {
                int type = "b".equals(d.type) ? Syscalls.S_IFBLK : "p".equals(d.type) ? Syscalls.S_IFIFO
                        : Syscalls.S_IFCHR;
                int mode = type | (d.fileMode == null ? 0666 : d.fileMode & 07777);
                plan.op("MKNOD", d.path, Integer.toString(mode), String.valueOf(d.major == null ? 0 : d.major),
                        String.valueOf(d.minor == null ? 0 : d.minor), String.valueOf(d.uid == null ? 0 : d.uid),
                        String.valueOf(d.gid == null ? 0 : d.gid));
            }
        }
        if (devIsTmpfs) {
            plan.op("SYMLINK", "/proc/self/fd", "/dev/fd");
            plan.op("SYMLINK", "/proc/self/fd/0", "/dev/stdin");
            plan.op("SYMLINK", "/proc/self/fd/1", "/dev/stdout");
            plan.op("SYMLINK", "/proc/self/fd/2", "/dev/stderr");
            if (Files.exists(Path.of("/proc/kcore"))) {
                plan.op("SYMLINK", "/proc/kcore", "/dev/core");
            }
            if (devpts) {
                plan.op("SYMLINK", "pts/ptmx", "/dev/ptmx");
            }
        }
    }

    private static void sysctls(Plan plan, Spec spec) {
        if (spec.linux().sysctl != null) {
            for (Map.Entry<String, String> e : spec.linux().sysctl.entrySet()) {
                plan.op("SYSCTL", e.getKey(), e.getValue());
            }
        }
    }

    private static void kernelSettings(Plan plan, Spec spec) {
        if (spec.hostname != null && !spec.hostname.isEmpty()) {
            plan.op("HOSTNAME", spec.hostname);
        }
        if (spec.domainname != null && !spec.domainname.isEmpty()) {
            plan.op("DOMAINNAME", spec.domainname);
        }
    }

    private void process(Plan plan, Spec spec) {
        Process p = spec.process;
        if (p == null) {
            throw new InvalidArgumentException("process: a container needs a process to run");
        }
        processSteps(plan, p, spec);
    }

    /** The identity and environment of a process: shared by the container's init and exec. */
    public void processSteps(Plan plan, Process p, Spec spec) {
        if (p.rlimits != null) {
            for (PosixRlimit r : p.rlimits) {
                int resource = Rlimits.number(r.type);
                long hard = limits.clampLimit(resource, r.hard);
                long soft = limits.clampLimit(resource, r.soft);
                if (hard != r.hard || soft != r.soft) {
                    warnings.add("process.rlimits " + r.type + ": " + Long.toUnsignedString(r.soft) + "/"
                            + Long.toUnsignedString(r.hard) + " lowered to " + Long.toUnsignedString(soft) + "/"
                            + Long.toUnsignedString(hard) + " (no CAP_SYS_RESOURCE to raise the hard limit)");
                }
                plan.op("RLIMIT", Integer.toString(resource), Long.toUnsignedString(soft), Long.toUnsignedString(hard));
            }
        }
        if (p.oomScoreAdj != null) {
            int adj = limits.clampOomScoreAdj(p.oomScoreAdj);
            if (adj != p.oomScoreAdj) {
                warnings.add("process.oomScoreAdj " + p.oomScoreAdj + " raised to " + adj
                        + " (no CAP_SYS_RESOURCE to lower it)");
            }
            plan.op("OOM_SCORE_ADJ", Integer.toString(adj));
        }
        byte[] filter = spec.linux != null && spec.linux.seccomp != null
                ? SeccompCompiler.compile(spec.linux.seccomp) : null;
        if (filter != null && !Boolean.TRUE.equals(p.noNewPrivileges)) {
            // without no_new_privs seccomp(2) needs CAP_SYS_ADMIN: install it before credentials change
            plan.op("SECCOMP_NOW");
        }
        LinuxCapabilities caps = p.capabilities;
        if (caps != null) {
            plan.op("CAP_BOUNDING", hex(Capabilities.mask(orEmpty(caps.bounding))));
            plan.op("KEEPCAPS");
        }
        long uid = p.user == null || p.user.uid == null ? 0 : p.user.uid;
        long gid = p.user == null || p.user.gid == null ? 0 : p.user.gid;
        List<Long> groups = p.user == null || p.user.additionalGids == null ? List.of() : p.user.additionalGids;
        plan.op("SETGROUPS", groups.stream().map(String::valueOf).collect(Collectors.joining(",")));
        plan.op("SETGID", Long.toString(gid));
        plan.op("SETUID", Long.toString(uid));
        if (caps != null) {
            plan.op("CAPS", hex(Capabilities.mask(orEmpty(caps.effective))),
                    hex(Capabilities.mask(orEmpty(caps.permitted))), hex(Capabilities.mask(orEmpty(caps.inheritable))));
            long requested = Capabilities.mask(orEmpty(caps.ambient));
            // the kernel raises an ambient capability only if it is permitted and inheritable;
            // runc and crun leave the others out (runc spec's default asks for three such), so do we
            long ambient = requested & Capabilities.mask(orEmpty(caps.permitted))
                    & Capabilities.mask(orEmpty(caps.inheritable));
            if (ambient != requested) {
                List<String> dropped = orEmpty(caps.ambient).stream()
                        .filter(c -> (Capabilities.mask(List.of(c)) & ambient) == 0).toList();
                warnings.add("process.capabilities.ambient " + dropped + " left out: an ambient capability must "
                        + "also be permitted and inheritable");
            }
            if (ambient != 0) {
                plan.op("CAP_AMBIENT", hex(ambient));
            }
        }
        if (Boolean.TRUE.equals(p.noNewPrivileges)) {
            plan.op("NO_NEW_PRIVS");
        }
        if (p.user != null && p.user.umask != null) {
            plan.op("UMASK", "0" + Long.toOctalString(p.user.umask));
        }
        plan.op("CHDIR", p.cwd == null || p.cwd.isEmpty() ? "/" : p.cwd);
        String path = DEFAULT_PATH;
        if (p.env != null) {
            for (String e : p.env) {
                plan.op("ENV", e);
                if (e.startsWith("PATH=")) {
                    path = e.substring(5);
                }
            }
        }
        for (String a : p.args) {
            plan.op("ARG", a);
        }
        plan.op("PATH_SEARCH", path);
        if (filter != null) {
            plan.op("SECCOMP", Integer.toString(SeccompCompiler.filterFlags(spec.linux.seccomp)),
                    HexFormat.of().formatHex(filter));
        }
    }

    private static List<String> orEmpty(List<String> names) {
        return names == null ? List.of() : names;
    }

    private static String hex(long mask) {
        return "0x" + Long.toHexString(mask);
    }
}
