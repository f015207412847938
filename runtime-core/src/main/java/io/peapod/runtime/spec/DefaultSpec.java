package io.peapod.runtime.spec;

import io.peapod.runtime.errors.PeapodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The example config that {@code runc spec} writes (runc's specconv Example()), as a starting
 * point for bundles and tests: {@code sh} on a terminal, the three default capabilities,
 * RLIMIT_NOFILE 1024, the standard /proc, /dev, /sys mounts, masked and read-only paths, and new
 * pid, network, ipc, uts, mount and cgroup namespaces.
 *
 * <p>Differences from the runc 1.1 installed on Debian 12, on purpose: no ambient capabilities
 * (newer runc dropped them: an ambient set hands the capabilities to non-root programs), the TPM
 * of /sys/devices/virtual/tpm is masked (newer runc), and the cgroup namespace is always new
 * (runc adds it only on a pure cgroup v2 host). The hostname is "peapod" instead of "runc". The
 * device rules list runc's allowed devices after the "deny all" ({@link #deviceRules()}), which runc adds
 * only at run time.
 */
public final class DefaultSpec {

    public static final String OCI_VERSION = "1.2.0";

    static final List<String> DEFAULT_CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
            "/sys/devices/virtual/tpm");

    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** The character devices every container may use: null, zero, full, random, urandom, tty, console, ptmx. */
    private static final long[][] STANDARD_DEVICES = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}};
    /** The major number of the pseudo-terminal slaves, /dev/pts/N. */
    private static final long PTS_MAJOR = 136;

    private DefaultSpec() {
    }

    /**
     * The device cgroup rules of an unprivileged container, runc's defaults written out: everything denied,
     * then mknod of any node (so that the nodes of linux.devices can be created; opening them still needs a
     * rule), the standard nodes and the pseudo terminals allowed. The specs peapod makes list them, so that a
     * spec says what is enforced; the runtime also puts them after any "deny all" of a spec that does not
     * (as runc and crun add them to every spec: {@code ResourcesToCgroup}).
     */
    public static List<LinuxDeviceCgroup> deviceRules() {
        List<LinuxDeviceCgroup> rules = new ArrayList<>();
        rules.add(new LinuxDeviceCgroup(false, "a", null, null, "rwm"));
        rules.add(new LinuxDeviceCgroup(true, "c", null, null, "m"));
        rules.add(new LinuxDeviceCgroup(true, "b", null, null, "m"));
        for (long[] d : STANDARD_DEVICES) {
            rules.add(new LinuxDeviceCgroup(true, "c", d[0], d[1], "rwm"));
        }
        rules.add(new LinuxDeviceCgroup(true, "c", PTS_MAJOR, null, "rwm"));
        return rules;
    }

    /**
     * The default spec. rootless = true gives the variant for an unprivileged caller, as
     * {@code runc spec --rootless}: a new user namespace mapping container root to the calling
     * process's effective uid and gid, no network namespace, /sys bind-mounted, no uid=/gid=
     * mount options and no cgroup resources.
     */
    public static Spec create(boolean rootless) {
        if (!rootless) {
            return create(false, 0, 0);
        }
        long[] ids = effectiveIds();
        return create(true, ids[0], ids[1]);
    }

    /** As {@link #create(boolean)}, with the host uid and gid of a rootless spec given. */
    public static Spec create(boolean rootless, long hostUid, long hostGid) {
        Spec spec = new Spec();
        spec.ociVersion = OCI_VERSION;
        spec.root = new Root("rootfs", true);

        Process p = new Process();
        p.terminal = true;
        p.user = new User(0, 0);
        p.args = new ArrayList<>(List.of("sh"));
        p.env = new ArrayList<>(List.of(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"));
        p.cwd = "/";
        p.noNewPrivileges = true;
        LinuxCapabilities caps = new LinuxCapabilities();
        caps.bounding = new ArrayList<>(DEFAULT_CAPS);
        caps.effective = new ArrayList<>(DEFAULT_CAPS);
        caps.permitted = new ArrayList<>(DEFAULT_CAPS);
        p.capabilities = caps;
        p.rlimits = new ArrayList<>(List.of(new PosixRlimit("RLIMIT_NOFILE", 1024, 1024)));
        spec.process = p;
        spec.hostname = "peapod";

        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount("/proc", "proc", "proc", null));
        mounts.add(new Mount("/dev", "tmpfs", "tmpfs", opts("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(new Mount("/dev/pts", "devpts", "devpts",
                rootless ? opts("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
                        : opts("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        mounts.add(new Mount("/dev/shm", "tmpfs", "shm", opts("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        mounts.add(new Mount("/dev/mqueue", "mqueue", "mqueue", opts("nosuid", "noexec", "nodev")));
        if (rootless) {
            // sysfs cannot be mounted from a user namespace that does not own the network namespace.
            mounts.add(new Mount("/sys", "none", "/sys", opts("rbind", "nosuid", "noexec", "nodev", "ro")));
        } else {
            mounts.add(new Mount("/sys", "sysfs", "sysfs", opts("nosuid", "noexec", "nodev", "ro")));
        }
        mounts.add(new Mount("/sys/fs/cgroup", "cgroup", "cgroup", opts("nosuid", "noexec", "nodev", "relatime", "ro")));
        spec.mounts = mounts;

        Linux linux = new Linux();
        linux.maskedPaths = new ArrayList<>(MASKED_PATHS);
        linux.readonlyPaths = new ArrayList<>(READONLY_PATHS);
        if (!rootless) {
            LinuxResources res = new LinuxResources();
            res.devices = deviceRules();
            linux.resources = res;
        }
        List<LinuxNamespace> ns = new ArrayList<>();
        ns.add(new LinuxNamespace(LinuxNamespace.PID));
        if (!rootless) {
            ns.add(new LinuxNamespace(LinuxNamespace.NETWORK));
        }
        ns.add(new LinuxNamespace(LinuxNamespace.IPC));
        ns.add(new LinuxNamespace(LinuxNamespace.UTS));
        ns.add(new LinuxNamespace(LinuxNamespace.MOUNT));
        ns.add(new LinuxNamespace(LinuxNamespace.CGROUP));
        if (rootless) {
            ns.add(new LinuxNamespace(LinuxNamespace.USER));
            linux.uidMappings = new ArrayList<>(List.of(new LinuxIdMapping(0, hostUid, 1)));
            linux.gidMappings = new ArrayList<>(List.of(new LinuxIdMapping(0, hostGid, 1)));
        }
        linux.namespaces = ns;
        spec.linux = linux;
        return spec;
    }

    private static List<String> opts(String... options) {
        return new ArrayList<>(List.of(options));
    }

    /** Effective uid and gid of this process, from the second field of Uid:/Gid: in /proc/self/status. */
    private static long[] effectiveIds() {
        long[] ids = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    ids[0] = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("Gid:")) {
                    ids[1] = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new PeapodException("cannot read the effective uid and gid from /proc/self/status: " + e, e);
        }
        if (ids[0] < 0 || ids[1] < 0) {
            throw new PeapodException("/proc/self/status has no Uid: or Gid: line");
        }
        return ids;
    }
}
