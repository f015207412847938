package io.peapod.cri.translate;

import io.peapod.cri.v1.Device;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.PeapodException;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxDevice;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The mounts and devices of a container. */
public final class MountTranslator {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /** A bind mount the container asks for: host source, container destination, options. */
    record Bind(String source, String destination, boolean readonly, String propagation) {
    }

    private MountTranslator() {
    }

    /**
     * The mounts every container gets, as containerd's CRI plugin sets them up: proc, a tmpfs
     * /dev, devpts, a private /dev/shm, mqueue, sysfs and the cgroup tree (both read-only unless
     * privileged). No /run tmpfs: images own their /run.
     */
    public static List<Mount> defaults(boolean privileged) {
        List<Mount> m = new ArrayList<>();
        m.add(new Mount("/proc", "proc", "proc", opts("nosuid", "noexec", "nodev")));
        m.add(new Mount("/dev", "tmpfs", "tmpfs", opts("nosuid", "strictatime", "mode=755", "size=65536k")));
        m.add(new Mount("/dev/pts", "devpts", "devpts",
                opts("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        m.add(new Mount("/dev/shm", "tmpfs", "shm", opts("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        m.add(new Mount("/dev/mqueue", "mqueue", "mqueue", opts("nosuid", "noexec", "nodev")));
        m.add(new Mount("/sys", "sysfs", "sysfs", opts("nosuid", "noexec", "nodev", privileged ? "rw" : "ro")));
        m.add(new Mount("/sys/fs/cgroup", "cgroup", "cgroup",
                opts("nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro")));
        return m;
    }

    /** The OCI mount of a bind. */
    static Mount bindMount(Bind b) {
        return new Mount(b.destination(), "bind", b.source(),
                opts("rbind", b.propagation(), b.readonly() ? "ro" : "rw"));
    }

    /**
     * Merges binds into the default mounts as containerd does: binds are sorted (stably) by the
     * depth of their destination so that a parent is mounted before what is mounted inside it; a
     * default mount with the destination of a bind is dropped, and so is everything under /dev
     * when a bind replaces /dev.
     */
    static List<Mount> merge(List<Mount> defaults, List<Bind> binds) {
        List<Bind> sorted = new ArrayList<>(binds);
        sorted.sort(Comparator.comparingInt(b -> depth(b.destination())));
        Set<String> destinations = new HashSet<>();
        for (Bind b : sorted) {
            destinations.add(clean(b.destination()));
        }
        List<Mount> out = new ArrayList<>();
        for (Mount m : defaults) {
            String d = clean(m.destination);
            if (destinations.contains(d) || (destinations.contains("/dev") && d.startsWith("/dev/"))) {
                continue;
            }
            out.add(m);
        }
        for (Bind b : sorted) {
            out.add(bindMount(b));
        }
        return out;
    }

    /** Number of separators of a cleaned absolute path: "/" is 1, "/a" 1, "/a/b" 2. */
    static int depth(String path) {
        String c = clean(path);
        int n = 0;
        for (int i = 0; i < c.length(); i++) {
            if (c.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /** The path without "." and ".." components, duplicate or trailing slashes. */
    static String clean(String path) {
        return Path.of("/").resolve(Path.of(path).normalize()).normalize().toString();
    }

    /**
     * The device node and cgroup rule of a CRI device. The host node is stat-ed for its type and
     * numbers; its mode and owner are copied.
     */
    static void device(String owner, Device d, List<LinuxDevice> devices, List<LinuxDeviceCgroup> rules) {
        String host = d.getHostPath();
        if (host.isEmpty() || !host.startsWith("/")) {
            throw new InvalidArgumentException(owner + ": device host path \"" + host + "\" is not absolute");
        }
        String target = d.getContainerPath().isEmpty() ? host : d.getContainerPath();
        if (!target.startsWith("/")) {
            throw new InvalidArgumentException(owner + ": device container path \"" + target + "\" is not absolute");
        }
        String perms = d.getPermissions().isEmpty() ? "rwm" : d.getPermissions();
        if (!perms.matches("[rwm]{1,3}")) {
            throw new InvalidArgumentException(owner + ": device " + host + ": permissions \"" + perms
                    + "\" are not a combination of r, w and m");
        }
        Map<String, Object> a;
        try {
            a = Files.readAttributes(Path.of(host), "unix:mode,rdev,uid,gid");
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException(owner + ": device " + host + " does not exist on the host", e);
        } catch (IOException e) {
            throw new PeapodException(owner + ": cannot stat device " + host + ": " + e, e);
        }
        int mode = (Integer) a.get("mode");
        String type;
        if ((mode & S_IFMT) == S_IFCHR) {
            type = "c";
        } else if ((mode & S_IFMT) == S_IFBLK) {
            type = "b";
        } else {
            throw new InvalidArgumentException(owner + ": device host path " + host
                    + " is not a character or block device");
        }
        long rdev = (Long) a.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        LinuxDevice dev = new LinuxDevice();
        dev.path = target;
        dev.type = type;
        dev.major = major;
        dev.minor = minor;
        dev.fileMode = mode & 07777;
        dev.uid = ((Integer) a.get("uid")).longValue() & 0xffffffffL;
        dev.gid = ((Integer) a.get("gid")).longValue() & 0xffffffffL;
        devices.add(dev);
        rules.add(new LinuxDeviceCgroup(true, type, major, minor, perms));
    }

    /** The device cgroup rules of an unprivileged container: {@link DefaultSpec#deviceRules()}. */
    static List<LinuxDeviceCgroup> defaultDeviceRules() {
        return DefaultSpec.deviceRules();
    }

    static List<String> opts(String... options) {
        return new ArrayList<>(List.of(options));
    }
}
