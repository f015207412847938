package io.peapod.runtime.spec;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.seccomp.SeccompCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an OCI spec before anything is created for it. The first problem found is thrown as an
 * InvalidArgumentException whose message starts with its JSON path and names the value, e.g.
 * {@code linux.namespaces[2].type: unknown namespace type "netz"}.
 *
 * <p>Deliberate choices: hostname and domainname need a {@code uts} namespace entry, new or
 * joined by path (a pod's containers join the sandbox's namespace and set the same name, as
 * containerd does). Sysctls must belong to a namespace the container has (ipc, network, uts):
 * anything else would change the host.
 */
public final class SpecValidator {

    private static final Pattern OCI_VERSION = Pattern.compile("1\\.\\d+\\.\\d+(-[0-9A-Za-z.+-]+)?");
    private static final Set<String> NAMESPACE_TYPES = Set.of(
            LinuxNamespace.PID, LinuxNamespace.NETWORK, LinuxNamespace.MOUNT, LinuxNamespace.IPC,
            LinuxNamespace.UTS, LinuxNamespace.USER, LinuxNamespace.CGROUP, LinuxNamespace.TIME);
    private static final Set<String> PROPAGATIONS = Set.of(
            "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable");
    private static final Set<String> IO_CLASSES = Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
    private static final Set<String> SCHED_POLICIES = Set.of(
            "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");
    private static final Set<String> SCHED_FLAGS = Set.of(
            "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
            "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");
    private static final Set<String> IPC_SYSCTLS = Set.of(
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
            "kernel.shmmni", "kernel.shm_rmid_forced");
    private static final Set<String> TIME_CLOCKS = Set.of("monotonic", "boottime");
    private static final Pattern SYSCTL_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:/@+-]*");
    private static final Pattern CPU_LIST = Pattern.compile("(\\d+(-\\d+)?)(,\\d+(-\\d+)?)*");
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB|TB|PB)");
    private static final long UINT32_MAX = 0xffffffffL;
    /** The kernel accepts at most this many lines in uid_map/gid_map. */
    private static final int MAX_ID_MAPPINGS = 340;

    private SpecValidator() {
    }

    /**
     * Validates the spec. bundleDir, when given, is the bundle directory against which a
     * relative root.path is resolved and whose rootfs must exist; null skips that check (a spec
     * built in memory before its rootfs is mounted).
     */
    public static void validate(Spec spec, Path bundleDir) {
        if (spec == null) {
            throw new InvalidArgumentException("OCI config: missing (null)");
        }
        checkVersion(spec.ociVersion);
        checkRoot(spec.root, bundleDir);
        if (spec.process != null) {
            checkProcess(spec.process);
        }
        checkMounts(spec.mounts);
        checkHooks(spec.hooks);
        Linux linux = spec.linux;
        if (linux != null) {
            checkNamespaces(linux);
            checkIdMappings(linux);
        }
        checkUtsNames(spec, linux);
        if (linux != null) {
            checkLinux(linux);
        }
    }

    /** Set.contains that answers false for null (the immutable sets throw on null). */
    private static boolean oneOf(Set<String> set, String value) {
        return value != null && set.contains(value);
    }

    /** The i-th entry of a list, which must not be JSON null. */
    private static <T> T entry(List<T> list, int i, String path) {
        T t = list.get(i);
        if (t == null) {
            throw fail(path + "[" + i + "]", "null entry");
        }
        return t;
    }

    private static InvalidArgumentException fail(String path, String message) {
        return new InvalidArgumentException(path + ": " + message);
    }

    private static String q(Object value) {
        return "\"" + value + "\"";
    }

    private static void checkVersion(String v) {
        if (v == null || v.isEmpty()) {
            throw fail("ociVersion", "missing");
        }
        if (!OCI_VERSION.matcher(v).matches()) {
            throw fail("ociVersion", "unsupported version " + q(v) + "; a 1.x version is required");
        }
    }

    private static void checkRoot(Root root, Path bundleDir) {
        if (root == null) {
            throw fail("root", "missing");
        }
        if (root.path == null || root.path.isEmpty()) {
            throw fail("root.path", "missing");
        }
        if (bundleDir != null) {
            Path rootfs = bundleDir.resolve(root.path);
            if (!Files.isDirectory(rootfs)) {
                throw fail("root.path", "root filesystem " + q(root.path) + " (" + rootfs + ") is not a directory");
            }
        }
    }

    private static void checkProcess(Process p) {
        if (p.args == null || p.args.isEmpty()) {
            throw fail("process.args", "empty; the process needs at least a program to run");
        }
        if (p.args.get(0) == null || p.args.get(0).isEmpty()) {
            throw fail("process.args[0]", "empty program name");
        }
        for (int i = 1; i < p.args.size(); i++) {
            entry(p.args, i, "process.args");
        }
        if (p.cwd == null || p.cwd.isEmpty()) {
            throw fail("process.cwd", "missing");
        }
        if (!p.cwd.startsWith("/")) {
            throw fail("process.cwd", "working directory " + q(p.cwd) + " is not an absolute path");
        }
        if (p.env != null) {
            for (int i = 0; i < p.env.size(); i++) {
                String e = p.env.get(i);
                if (e == null || e.indexOf('=') <= 0) {
                    throw fail("process.env[" + i + "]", "environment entry " + q(e) + " is not NAME=value");
                }
            }
        }
        if (p.consoleSize != null && !Boolean.TRUE.equals(p.terminal)) {
            throw fail("process.consoleSize", "set although process.terminal is not true");
        }
        if (p.consoleSize != null) {
            checkTerminalSide("process.consoleSize.height", p.consoleSize.height);
            checkTerminalSide("process.consoleSize.width", p.consoleSize.width);
        }
        if (p.user != null) {
            checkUint32("process.user.uid", p.user.uid);
            checkUint32("process.user.gid", p.user.gid);
            if (p.user.umask != null && (p.user.umask < 0 || p.user.umask > 0777)) {
                throw fail("process.user.umask", "umask " + p.user.umask + " is not within 0…0777");
            }
            if (p.user.additionalGids != null) {
                for (int i = 0; i < p.user.additionalGids.size(); i++) {
                    checkUint32("process.user.additionalGids[" + i + "]", entry(p.user.additionalGids, i,
                            "process.user.additionalGids"));
                }
            }
        }
        if (p.capabilities != null) {
            LinuxCapabilities c = p.capabilities;
            checkCaps("process.capabilities.bounding", c.bounding);
            checkCaps("process.capabilities.effective", c.effective);
            checkCaps("process.capabilities.inheritable", c.inheritable);
            checkCaps("process.capabilities.permitted", c.permitted);
            checkCaps("process.capabilities.ambient", c.ambient);
            if (c.effective != null) {
                // capset(2) refuses an effective set that is not part of the permitted one.
                List<String> permitted = c.permitted == null ? List.of() : c.permitted;
                for (int i = 0; i < c.effective.size(); i++) {
                    if (!permitted.contains(c.effective.get(i))) {
                        throw fail("process.capabilities.effective[" + i + "]", "capability "
                                + q(c.effective.get(i)) + " is not in the permitted set");
                    }
                }
            }
        }
        if (p.rlimits != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < p.rlimits.size(); i++) {
                PosixRlimit r = p.rlimits.get(i);
                String path = "process.rlimits[" + i + "]";
                if (r == null || r.type == null) {
                    throw fail(path + ".type", "missing");
                }
                if (!Rlimits.isKnown(r.type)) {
                    throw fail(path + ".type", "unknown rlimit type " + q(r.type));
                }
                if (!seen.add(r.type)) {
                    throw fail(path + ".type", "rlimit " + q(r.type) + " given twice");
                }
                if (r.soft == null || r.hard == null) {
                    throw fail(path, "rlimit " + r.type + " needs both soft and hard");
                }
                if (Long.compareUnsigned(r.soft, r.hard) > 0) {
                    throw fail(path, "soft limit " + Uint64.toString(r.soft) + " of " + r.type
                            + " is above the hard limit " + Uint64.toString(r.hard));
                }
            }
        }
        if (p.oomScoreAdj != null && (p.oomScoreAdj < -1000 || p.oomScoreAdj > 1000)) {
            throw fail("process.oomScoreAdj", "value " + p.oomScoreAdj + " is not within -1000…1000");
        }
        if (p.ioPriority != null) {
            if (!oneOf(IO_CLASSES, p.ioPriority.ioClass)) {
                throw fail("process.ioPriority.class", "unknown I/O priority class " + q(p.ioPriority.ioClass));
            }
            Integer prio = p.ioPriority.priority;
            if (prio != null && (prio < 0 || prio > 7)) {
                throw fail("process.ioPriority.priority", "priority " + prio + " is not within 0…7");
            }
        }
        if (p.scheduler != null) {
            Scheduler s = p.scheduler;
            if (!oneOf(SCHED_POLICIES, s.policy)) {
                throw fail("process.scheduler.policy", "unknown scheduler policy " + q(s.policy));
            }
            if (s.nice != null && (s.nice < -20 || s.nice > 19)) {
                throw fail("process.scheduler.nice", "nice value " + s.nice + " is not within -20…19");
            }
            if (s.flags != null) {
                for (int i = 0; i < s.flags.size(); i++) {
                    if (!oneOf(SCHED_FLAGS, s.flags.get(i))) {
                        throw fail("process.scheduler.flags[" + i + "]", "unknown scheduler flag " + q(s.flags.get(i)));
                    }
                }
            }
        }
    }

    private static void checkCaps(String path, List<String> caps) {
        if (caps == null) {
            return;
        }
        for (int i = 0; i < caps.size(); i++) {
            if (!Capabilities.isKnown(caps.get(i))) {
                throw fail(path + "[" + i + "]", "unknown capability " + q(caps.get(i)));
            }
        }
    }

    private static void checkUint32(String path, Long v) {
        if (v != null && (v < 0 || v > UINT32_MAX)) {
            throw fail(path, "value " + v + " is not within 0…4294967295");
        }
    }

    /** A terminal's rows and columns are 16-bit (struct winsize). */
    private static void checkTerminalSide(String path, Long v) {
        if (v != null && (v < 0 || v > 0xffff)) {
            throw fail(path, "value " + Long.toUnsignedString(v) + " is not within 0…65535");
        }
    }

    private static void checkMounts(List<Mount> mounts) {
        if (mounts == null) {
            return;
        }
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            String path = "mounts[" + i + "]";
            if (m == null || m.destination == null || m.destination.isEmpty()) {
                throw fail(path + ".destination", "missing");
            }
            if (!m.destination.startsWith("/")) {
                throw fail(path + ".destination", "mount destination " + q(m.destination) + " is not an absolute path");
            }
            if (m.options != null) {
                for (int j = 0; j < m.options.size(); j++) {
                    if (m.options.get(j) == null || m.options.get(j).isEmpty()) {
                        throw fail(path + ".options[" + j + "]", "empty mount option");
                    }
                }
            }
            if ((m.uidMappings == null) != (m.gidMappings == null)) {
                throw fail(path, "an id-mapped mount needs both uidMappings and gidMappings");
            }
            checkMappingList(path + ".uidMappings", m.uidMappings);
            checkMappingList(path + ".gidMappings", m.gidMappings);
        }
    }

    private static void checkHooks(Hooks hooks) {
        if (hooks == null) {
            return;
        }
        checkHookList("hooks.prestart", hooks.prestart);
        checkHookList("hooks.createRuntime", hooks.createRuntime);
        checkHookList("hooks.createContainer", hooks.createContainer);
        checkHookList("hooks.startContainer", hooks.startContainer);
        checkHookList("hooks.poststart", hooks.poststart);
        checkHookList("hooks.poststop", hooks.poststop);
    }

    private static void checkHookList(String path, List<Hook> list) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            Hook h = list.get(i);
            String p = path + "[" + i + "]";
            if (h == null || h.path == null || h.path.isEmpty()) {
                throw fail(p + ".path", "missing");
            }
            if (!h.path.startsWith("/")) {
                throw fail(p + ".path", "hook program " + q(h.path) + " is not an absolute path");
            }
            if (h.timeout != null && h.timeout <= 0) {
                throw fail(p + ".timeout", "timeout " + h.timeout + " must be greater than zero");
            }
        }
    }

    private static void checkNamespaces(Linux linux) {
        if (linux.namespaces == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < linux.namespaces.size(); i++) {
            LinuxNamespace ns = linux.namespaces.get(i);
            String path = "linux.namespaces[" + i + "]";
            if (ns == null || ns.type == null) {
                throw fail(path + ".type", "missing");
            }
            if (!oneOf(NAMESPACE_TYPES, ns.type)) {
                throw fail(path + ".type", "unknown namespace type " + q(ns.type));
            }
            if (!seen.add(ns.type)) {
                throw fail(path + ".type", "namespace type " + q(ns.type) + " listed twice");
            }
            if (ns.path != null && !ns.path.isEmpty()) {
                if (!ns.path.startsWith("/")) {
                    throw fail(path + ".path", "namespace path " + q(ns.path) + " is not absolute");
                }
                if (!Files.exists(Path.of(ns.path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw fail(path + ".path", "namespace file " + q(ns.path) + " does not exist");
                }
            }
        }
    }

    private static void checkIdMappings(Linux linux) {
        boolean hasMappings = (linux.uidMappings != null && !linux.uidMappings.isEmpty())
                || (linux.gidMappings != null && !linux.gidMappings.isEmpty());
        LinuxNamespace userns = linux.namespace(LinuxNamespace.USER);
        if (hasMappings && userns == null) {
            throw fail(linux.uidMappings != null && !linux.uidMappings.isEmpty() ? "linux.uidMappings" : "linux.gidMappings",
                    "id mappings given without a user namespace in linux.namespaces");
        }
        if (userns != null && (userns.path == null || userns.path.isEmpty())) {
            if (linux.uidMappings == null || linux.uidMappings.isEmpty()) {
                throw fail("linux.uidMappings", "a new user namespace needs uid mappings");
            }
            if (linux.gidMappings == null || linux.gidMappings.isEmpty()) {
                throw fail("linux.gidMappings", "a new user namespace needs gid mappings");
            }
        }
        checkMappingList("linux.uidMappings", linux.uidMappings);
        checkMappingList("linux.gidMappings", linux.gidMappings);
    }

    private static void checkMappingList(String path, List<LinuxIdMapping> list) {
        if (list == null) {
            return;
        }
        if (list.size() > MAX_ID_MAPPINGS) {
            throw fail(path, list.size() + " mappings; the kernel accepts at most " + MAX_ID_MAPPINGS);
        }
        for (int i = 0; i < list.size(); i++) {
            LinuxIdMapping m = list.get(i);
            String p = path + "[" + i + "]";
            if (m == null || m.containerID == null || m.hostID == null || m.size == null) {
                throw fail(p, "mapping needs containerID, hostID and size");
            }
            checkUint32(p + ".containerID", m.containerID);
            checkUint32(p + ".hostID", m.hostID);
            checkUint32(p + ".size", m.size);
            if (m.size == 0) {
                throw fail(p + ".size", "mapping of zero ids");
            }
            if (m.containerID + m.size - 1 > UINT32_MAX || m.hostID + m.size - 1 > UINT32_MAX) {
                throw fail(p + ".size", "mapping of " + m.size + " ids runs past 4294967295");
            }
            for (int j = 0; j < i; j++) {
                LinuxIdMapping o = list.get(j);
                if (overlap(m.containerID, o.containerID, m.size, o.size)) {
                    throw fail(p + ".containerID", "container ids " + range(m.containerID, m.size)
                            + " overlap those of " + path + "[" + j + "] " + range(o.containerID, o.size));
                }
                if (overlap(m.hostID, o.hostID, m.size, o.size)) {
                    throw fail(p + ".hostID", "host ids " + range(m.hostID, m.size)
                            + " overlap those of " + path + "[" + j + "] " + range(o.hostID, o.size));
                }
            }
        }
    }

    private static boolean overlap(long a, long b, long sizeA, long sizeB) {
        return a < b + sizeB && b < a + sizeA;
    }

    private static String range(long start, long size) {
        return start + "…" + (start + size - 1);
    }

    private static void checkUtsNames(Spec spec, Linux linux) {
        boolean uts = linux != null && linux.hasNamespace(LinuxNamespace.UTS);
        if (spec.hostname != null && !spec.hostname.isEmpty()) {
            if (!uts) {
                throw fail("hostname", "hostname " + q(spec.hostname) + " set without a uts namespace");
            }
            if (spec.hostname.length() > 64) {
                throw fail("hostname", "hostname " + q(spec.hostname) + " is longer than 64 characters");
            }
        }
        if (spec.domainname != null && !spec.domainname.isEmpty()) {
            if (!uts) {
                throw fail("domainname", "domainname " + q(spec.domainname) + " set without a uts namespace");
            }
            if (spec.domainname.length() > 64) {
                throw fail("domainname", "domainname " + q(spec.domainname) + " is longer than 64 characters");
            }
        }
    }

    private static void checkLinux(Linux linux) {
        if (linux.timeOffsets != null && !linux.timeOffsets.isEmpty()) {
            LinuxNamespace time = linux.namespace(LinuxNamespace.TIME);
            if (time == null || (time.path != null && !time.path.isEmpty())) {
                throw fail("linux.timeOffsets", "time offsets need a new time namespace in linux.namespaces");
            }
            for (String clock : linux.timeOffsets.keySet()) {
                if (!TIME_CLOCKS.contains(clock)) {
                    throw fail("linux.timeOffsets." + clock, "unknown clock " + q(clock)
                            + "; only monotonic and boottime can be offset");
                }
            }
        }
        checkDevices(linux.devices);
        if (linux.cgroupsPath != null) {
            for (String part : linux.cgroupsPath.split("[/:]")) {
                if (part.equals("..")) {
                    throw fail("linux.cgroupsPath", "cgroups path " + q(linux.cgroupsPath) + " contains \"..\"");
                }
            }
        }
        if (linux.resources != null) {
            checkResources(linux.resources);
        }
        checkSysctl(linux);
        if (linux.seccomp != null) {
            SeccompCompiler.validate(linux.seccomp, "linux.seccomp");
        }
        if (linux.rootfsPropagation != null && !linux.rootfsPropagation.isEmpty()
                && !PROPAGATIONS.contains(linux.rootfsPropagation)) {
            throw fail("linux.rootfsPropagation", "unknown propagation " + q(linux.rootfsPropagation));
        }
        checkAbsoluteList("linux.maskedPaths", linux.maskedPaths);
        checkAbsoluteList("linux.readonlyPaths", linux.readonlyPaths);
        if (linux.personality != null) {
            String d = linux.personality.domain;
            if (!"LINUX".equals(d) && !"LINUX32".equals(d)) {
                throw fail("linux.personality.domain", "unknown personality domain " + q(d));
            }
        }
        if (linux.intelRdt != null && linux.intelRdt.closID != null
                && (linux.intelRdt.closID.contains("/") || linux.intelRdt.closID.equals(".."))) {
            throw fail("linux.intelRdt.closID", "class of service " + q(linux.intelRdt.closID) + " is not a plain name");
        }
    }

    private static void checkAbsoluteList(String path, List<String> list) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String p = list.get(i);
            if (p == null || !p.startsWith("/")) {
                throw fail(path + "[" + i + "]", "path " + q(p) + " is not absolute");
            }
        }
    }

    private static void checkDevices(List<LinuxDevice> devices) {
        if (devices == null) {
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            LinuxDevice d = devices.get(i);
            String p = "linux.devices[" + i + "]";
            if (d == null || d.path == null || !d.path.startsWith("/")) {
                throw fail(p + ".path", "device path " + q(d == null ? null : d.path) + " is not absolute");
            }
            if (d.type == null || !Set.of("c", "b", "u", "p").contains(d.type)) {
                throw fail(p + ".type", "unknown device type " + q(d.type) + "; expected c, b, u or p");
            }
            if (!d.type.equals("p") && (d.major == null || d.minor == null)) {
                throw fail(p, "device " + d.path + " of type " + d.type + " needs major and minor numbers");
            }
            if (d.major != null && d.major < 0) {
                throw fail(p + ".major", "negative major number " + d.major);
            }
            if (d.minor != null && d.minor < 0) {
                throw fail(p + ".minor", "negative minor number " + d.minor);
            }
            if (d.fileMode != null && (d.fileMode < 0 || d.fileMode > 07777)) {
                throw fail(p + ".fileMode", "file mode " + d.fileMode + " is not within 0…07777");
            }
            checkUint32(p + ".uid", d.uid);
            checkUint32(p + ".gid", d.gid);
        }
    }

    private static void checkResources(LinuxResources r) {
        String path = "linux.resources";
        if (r.devices != null) {
            for (int i = 0; i < r.devices.size(); i++) {
                LinuxDeviceCgroup d = r.devices.get(i);
                String p = path + ".devices[" + i + "]";
                if (d == null || d.allow == null) {
                    throw fail(p + ".allow", "missing");
                }
                if (d.type != null && !Set.of("a", "c", "b").contains(d.type)) {
                    throw fail(p + ".type", "unknown device type " + q(d.type) + "; expected a, c or b");
                }
                if (d.access != null && !d.access.matches("[rwm]*")) {
                    throw fail(p + ".access", "access " + q(d.access) + " is not a combination of r, w and m");
                }
                if (d.major != null && d.major < -1) {
                    throw fail(p + ".major", "negative major number " + d.major);
                }
                if (d.minor != null && d.minor < -1) {
                    throw fail(p + ".minor", "negative minor number " + d.minor);
                }
                boolean allTypes = d.type == null || d.type.equals("a");
                boolean numbered = (d.major != null && d.major != -1) || (d.minor != null && d.minor != -1);
                boolean partial = d.access != null && !d.access.isEmpty()
                        && !(d.access.contains("r") && d.access.contains("w") && d.access.contains("m"));
                if (allTypes && (numbered || partial)) {
                    // the kernel widens any rule of type a to every device and every access
                    throw fail(p, "a rule for all device types cannot name numbers or a partial access (major "
                            + d.major + ", minor " + d.minor + ", access " + q(d.access) + "); use type c or b");
                }
            }
        }
        LinuxMemory m = r.memory;
        if (m != null) {
            atLeastMinusOne(path + ".memory.limit", m.limit);
            atLeastMinusOne(path + ".memory.reservation", m.reservation);
            atLeastMinusOne(path + ".memory.swap", m.swap);
            atLeastMinusOne(path + ".memory.kernel", m.kernel);
            atLeastMinusOne(path + ".memory.kernelTCP", m.kernelTCP);
            if (m.swappiness != null && Long.compareUnsigned(m.swappiness, 100) > 0) {
                throw fail(path + ".memory.swappiness", "swappiness " + Uint64.toString(m.swappiness)
                        + " is not within 0…100");
            }
            if (m.limit != null && m.swap != null && m.limit > 0 && m.swap > 0 && m.swap < m.limit) {
                throw fail(path + ".memory.swap", "memory+swap limit " + m.swap + " is below the memory limit "
                        + m.limit);
            }
        }
        LinuxCpu c = r.cpu;
        if (c != null) {
            atLeastMinusOne(path + ".cpu.quota", c.quota);
            atLeastMinusOne(path + ".cpu.realtimeRuntime", c.realtimeRuntime);
            if (c.shares != null && c.shares != 0 && (c.shares < 2 || c.shares > 262144)) {
                throw fail(path + ".cpu.shares", "shares " + Uint64.toString(c.shares) + " are not within 2…262144");
            }
            if (c.period != null && c.period != 0 && (c.period < 1000 || c.period > 1000000)) {
                throw fail(path + ".cpu.period", "period " + Uint64.toString(c.period)
                        + " µs is not within 1000…1000000");
            }
            if (c.quota != null && c.quota > 0 && c.quota < 1000) {
                throw fail(path + ".cpu.quota", "quota " + c.quota + " µs is below the kernel's minimum of 1000");
            }
            if (c.cpus != null && !c.cpus.isEmpty() && !CPU_LIST.matcher(c.cpus).matches()) {
                throw fail(path + ".cpu.cpus", "cpu list " + q(c.cpus) + " is not like \"0-3,5\"");
            }
            if (c.mems != null && !c.mems.isEmpty() && !CPU_LIST.matcher(c.mems).matches()) {
                throw fail(path + ".cpu.mems", "memory node list " + q(c.mems) + " is not like \"0-1\"");
            }
            if (c.idle != null && c.idle != 0 && c.idle != 1) {
                throw fail(path + ".cpu.idle", "idle " + c.idle + " is neither 0 nor 1");
            }
        }
        if (r.pids != null && r.pids.limit == null) {
            throw fail(path + ".pids.limit", "missing");
        }
        LinuxBlockIo b = r.blockIO;
        if (b != null) {
            checkWeight(path + ".blockIO.weight", b.weight);
            checkWeight(path + ".blockIO.leafWeight", b.leafWeight);
            if (b.weightDevice != null) {
                for (int i = 0; i < b.weightDevice.size(); i++) {
                    LinuxWeightDevice d = entry(b.weightDevice, i, path + ".blockIO.weightDevice");
                    String p = path + ".blockIO.weightDevice[" + i + "]";
                    checkMajorMinor(p, d.major, d.minor);
                    checkWeight(p + ".weight", d.weight);
                    checkWeight(p + ".leafWeight", d.leafWeight);
                }
            }
            checkThrottle(path + ".blockIO.throttleReadBpsDevice", b.throttleReadBpsDevice);
            checkThrottle(path + ".blockIO.throttleWriteBpsDevice", b.throttleWriteBpsDevice);
            checkThrottle(path + ".blockIO.throttleReadIOPSDevice", b.throttleReadIOPSDevice);
            checkThrottle(path + ".blockIO.throttleWriteIOPSDevice", b.throttleWriteIOPSDevice);
        }
        if (r.hugepageLimits != null) {
            for (int i = 0; i < r.hugepageLimits.size(); i++) {
                LinuxHugepageLimit h = entry(r.hugepageLimits, i, path + ".hugepageLimits");
                String p = path + ".hugepageLimits[" + i + "]";
                if (h.pageSize == null || !PAGE_SIZE.matcher(h.pageSize).matches()) {
                    throw fail(p + ".pageSize", "page size " + q(h.pageSize) + " is not like \"2MB\"");
                }
                if (h.limit == null) {
                    throw fail(p + ".limit", "missing");
                }
            }
        }
        if (r.network != null) {
            checkUint32(path + ".network.classID", r.network.classID);
            if (r.network.priorities != null) {
                for (int i = 0; i < r.network.priorities.size(); i++) {
                    LinuxInterfacePriority ip = entry(r.network.priorities, i, path + ".network.priorities");
                    String p = path + ".network.priorities[" + i + "]";
                    if (ip.name == null || ip.name.isEmpty()) {
                        throw fail(p + ".name", "missing");
                    }
                    checkUint32(p + ".priority", ip.priority);
                }
            }
        }
        if (r.rdma != null) {
            for (Map.Entry<String, LinuxRdma> e : r.rdma.entrySet()) {
                if (e.getValue() == null) {
                    throw fail(path + ".rdma." + e.getKey(), "null entry");
                }
                checkUint32(path + ".rdma." + e.getKey() + ".hcaHandles", e.getValue().hcaHandles);
                checkUint32(path + ".rdma." + e.getKey() + ".hcaObjects", e.getValue().hcaObjects);
            }
        }
        if (r.unified != null) {
            for (String key : r.unified.keySet()) {
                if (key.isEmpty() || key.contains("/") || key.equals("..") || key.equals(".")) {
                    throw fail(path + ".unified", "cgroup file name " + q(key) + " is not a plain file name");
                }
            }
        }
    }

    private static void atLeastMinusOne(String path, Long v) {
        if (v != null && v < -1) {
            throw fail(path, "value " + v + " is negative (only -1, unlimited, is allowed)");
        }
    }

    private static void checkWeight(String path, Integer w) {
        if (w != null && w != 0 && (w < 10 || w > 1000)) {
            throw fail(path, "weight " + w + " is not within 10…1000");
        }
    }

    private static void checkMajorMinor(String path, Long major, Long minor) {
        if (major == null || major < 0) {
            throw fail(path + ".major", "major number " + major + " is missing or negative");
        }
        if (minor == null || minor < 0) {
            throw fail(path + ".minor", "minor number " + minor + " is missing or negative");
        }
    }

    private static void checkThrottle(String path, List<LinuxThrottleDevice> list) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            LinuxThrottleDevice d = entry(list, i, path);
            checkMajorMinor(path + "[" + i + "]", d.major, d.minor);
            if (d.rate == null) {
                throw fail(path + "[" + i + "].rate", "missing");
            }
        }
    }

    private static void checkSysctl(Linux linux) {
        if (linux.sysctl == null) {
            return;
        }
        for (String name : linux.sysctl.keySet()) {
            String path = "linux.sysctl." + name;
            if (!SYSCTL_NAME.matcher(name).matches() || name.contains("..") || name.contains("//")
                    || name.endsWith(".") || name.endsWith("/")) {
                throw fail(path, "malformed sysctl name " + q(name));
            }
            if (linux.sysctl.get(name) == null) {
                throw fail(path, "sysctl " + q(name) + " has no value");
            }
            String dotted = name.replace('/', '.');
            String needs = namespaceOf(dotted);
            if (needs == null) {
                throw fail(path, "sysctl " + q(name) + " is not namespaced; setting it would change the host");
            }
            LinuxNamespace ns = linux.namespace(needs);
            if (ns == null) {
                throw fail(path, "sysctl " + q(name) + " needs a " + needs + " namespace in linux.namespaces");
            }
        }
    }

    /** The namespace a sysctl belongs to, or null for a host-wide one. */
    static String namespaceOf(String dotted) {
        if (IPC_SYSCTLS.contains(dotted) || dotted.startsWith("fs.mqueue.")) {
            return LinuxNamespace.IPC;
        }
        if (dotted.startsWith("net.")) {
            return LinuxNamespace.NETWORK;
        }
        if (dotted.equals("kernel.hostname") || dotted.equals("kernel.domainname")) {
            return LinuxNamespace.UTS;
        }
        return null;
    }

    /** The namespace types this validator accepts. */
    public static List<String> namespaceTypes() {
        return new ArrayList<>(NAMESPACE_TYPES);
    }
}
