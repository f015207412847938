package io.peapod.runtime.network;

import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.sys.Errno;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates network, IPC and UTS namespaces that outlive any process, the way
 * {@code ip netns add} does: a dedicated platform thread unshares the namespace,
 * bind-mounts its own nsfs entry onto {@code <state>/<netns|ipcns|utsns>/<name>} and
 * ends. The bind mount keeps the namespace alive until {@link #unpin(Path)}.
 *
 * <p>Each run directory is made a mount point with shared propagation (a bind mount of
 * itself, as iproute2 does), so that pins made later also appear in mount namespaces
 * that were copied from this one meanwhile with propagation kept (a containerized agent,
 * a CNI plugin in its own mount namespace). An unpin unmounts and deletes the pin file;
 * deleting a mount point makes the kernel detach its copies in every other mount
 * namespace, so no copy keeps an unpinned namespace alive.
 *
 * <p>A new network namespace gets {@code lo} up by an ioctl from the pinning thread,
 * which is inside the new namespace anyway: no {@code ip} process, no CNI.
 */
public final class NamespacePinner {
    private static final Logger LOG = LoggerFactory.getLogger(NamespacePinner.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]{0,252}");
    private static final long NSFS_MAGIC = 0x6e736673L;
    private static final long SYS_GETTID = 186;
    private static final Pattern HOSTNAME =
            Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])?)*");

    private final Path stateDir;
    private final LinuxSyscalls sys;
    private final Set<NamespaceType> preparedDirs = EnumSet.noneOf(NamespaceType.class);

    /** @param stateDir the volatile state directory, e.g. {@code /run/peapod} */
    public NamespacePinner(Path stateDir) {
        this(stateDir, LinuxSyscalls.get());
    }

    NamespacePinner(Path stateDir, LinuxSyscalls sys) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.sys = sys;
    }

    /** The directory holding pins of one type, e.g. {@code <state>/netns}. */
    public Path runDir(NamespaceType type) {
        return stateDir.resolve(type.runDirName());
    }

    /** Where {@link #pin} puts the namespace of {@code type} called {@code name}. */
    public Path pinPath(NamespaceType type, String name) {
        validateName(name);
        return runDir(type).resolve(name);
    }

    /**
     * Creates a namespace of {@code type} and pins it at {@link #pinPath}; a network
     * namespace comes with {@code lo} up. A pin of that name already present is refused.
     *
     * @return the pinned file, to pass to setns, CNI ({@code CNI_NETNS}) or the helper
     */
    public Path pin(NamespaceType type, String name) {
        return pinAll(EnumSet.of(type), name).get(type);
    }

    /**
     * Pins the pod's namespaces of the given types under one name; the types not asked
     * for stay {@code null} (the host's). One thread unshares them all at once. On
     * failure nothing stays pinned.
     */
    public PinnedNamespaces pinPod(String name, Set<NamespaceType> types) {
        Map<NamespaceType, Path> done = pinAll(types, name);
        return new PinnedNamespaces(done.get(NamespaceType.NET), done.get(NamespaceType.IPC),
                done.get(NamespaceType.UTS));
    }

    private Map<NamespaceType, Path> pinAll(Set<NamespaceType> types, String name) {
        Map<NamespaceType, Path> targets = new EnumMap<>(NamespaceType.class);
        for (NamespaceType type : types) {
            targets.put(type, pinPath(type, name));
        }
        if (targets.isEmpty()) {
            return targets;
        }
        List<Path> created = new ArrayList<>();
        try {
            int flags = 0;
            for (Map.Entry<NamespaceType, Path> e : targets.entrySet()) {
                prepareRunDir(e.getKey());
                try {
                    Files.createFile(e.getValue());
                } catch (FileAlreadyExistsException ex) {
                    throw new AlreadyExistsException(e.getKey().runDirName() + " " + name + " is pinned already at "
                            + e.getValue());
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot create pin file " + e.getValue() + ": " + ex.getMessage(), ex);
                }
                created.add(e.getValue());
                flags |= e.getKey().cloneFlag();
            }
            int cloneFlags = flags;
            NamespaceThread.run("pin-" + name, () -> {
                sys.unshare(cloneFlags);
                long tid = sys.libc().syscall(SYS_GETTID, 0, 0, 0, 0);
                for (Map.Entry<NamespaceType, Path> e : targets.entrySet()) {
                    String source = "/proc/self/task/" + tid + "/ns/" + e.getKey().procName();
                    sys.mount(source, e.getValue().toString(), "none", Syscalls.MS_BIND, null);
                }
                if (targets.containsKey(NamespaceType.NET)) {
                    LoopbackDevice.bringUp();
                }
            });
        } catch (RuntimeException e) {
            created.forEach(this::unpinQuietly);
            throw e;
        }
        LOG.debug("pinned {} namespaces {} as {}", types, targets.values(), name);
        return targets;
    }

    /**
     * Unmounts ({@code MNT_DETACH}) and removes a pin. Idempotent: a path that is not
     * mounted or does not exist is fine. A path outside the run directories is refused.
     */
    public void unpin(Path path) {
        Path p = path.toAbsolutePath().normalize();
        boolean ours = false;
        for (NamespaceType type : NamespaceType.values()) {
            if (p.getParent() != null && p.getParent().equals(runDir(type))) {
                ours = true;
            }
        }
        if (!ours) {
            throw new InvalidArgumentException("cannot unpin " + path + ": not a pin under " + stateDir);
        }
        try {
            sys.umount2(p.toString(), Syscalls.MNT_DETACH);
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pin file " + p + ": " + e.getMessage(), e);
        }
        LOG.debug("unpinned {}", p);
    }

    /** Unpins everything in {@code pins}, ignoring nulls (host namespaces). */
    public void unpinPod(PinnedNamespaces pins) {
        for (NamespaceType type : NamespaceType.values()) {
            Path p = pins.path(type);
            if (p != null) {
                unpin(p);
            }
        }
    }

    /** Whether {@code path} is a live pinned namespace (an nsfs file), not just a leftover file. */
    public boolean isPinned(Path path) {
        return isNamespaceFile(sys, path);
    }

    static boolean isNamespaceFile(Syscalls sys, Path path) {
        try {
            return sys.statfs(path.toString()).type() == NSFS_MAGIC;
        } catch (SyscallException e) {
            return false;
        }
    }

    /** The pin files present under the run directory of {@code type}, for reconciliation at start. */
    public List<Path> listPins(NamespaceType type) {
        Path dir = runDir(type);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>();
            s.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).sorted().forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unmounts the run directories' bind mounts of themselves when no pin is left in
     * them, whichever process made them (a daemon before a restart, too). A daemon keeps
     * them; tests and a full teardown call this.
     */
    public synchronized void releaseRunDirs() {
        for (NamespaceType type : NamespaceType.values()) {
            Path dir = runDir(type);
            if (!Files.isDirectory(dir) || !listPins(type).isEmpty()) {
                continue;
            }
            // one layer per preparation that found it not yet a mount point; stop at "not mounted"
            for (int layer = 0; layer < 16; layer++) {
                try {
                    sys.umount2(dir.toString(), Syscalls.MNT_DETACH);
                } catch (SyscallException e) {
                    if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                        throw e;
                    }
                    break;
                }
            }
            preparedDirs.remove(type);
        }
    }

    /** Brings {@code lo} up in the pinned network namespace {@code netns}; a no-op if it is up. */
    public void bringUpLoopback(Path netns) {
        requireNamespace(netns, NamespaceType.NET);
        NamespaceThread.run("lo-up", () -> {
            sys.setns(netns.toString(), Syscalls.CLONE_NEWNET);
            LoopbackDevice.bringUp();
        });
    }

    /**
     * Writes namespaced sysctls inside the pod's namespaces. All names are checked
     * first: a sysctl that is not namespaced, or whose namespace the pod shares with
     * the host, is refused with an {@link InvalidArgumentException} naming it before
     * anything is written.
     */
    public void applySysctls(Map<String, String> sysctls, PinnedNamespaces pins) {
        if (sysctls.isEmpty()) {
            return;
        }
        Map<NamespaceType, Map<String, String>> byNamespace = new EnumMap<>(NamespaceType.class);
        for (Map.Entry<String, String> e : sysctls.entrySet()) {
            NamespaceType type = Sysctls.namespaceOf(e.getKey());
            Sysctls.validateValue(e.getKey(), e.getValue());
            if (pins.path(type) == null) {
                throw new InvalidArgumentException("sysctl " + e.getKey() + " needs the pod's own "
                        + type.procName() + " namespace, but the pod uses the host's");
            }
            requireNamespace(pins.path(type), type);
            byNamespace.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
        }
        NamespaceThread.run("sysctls", () -> {
            for (Map.Entry<NamespaceType, Map<String, String>> group : byNamespace.entrySet()) {
                NamespaceType type = group.getKey();
                sys.setns(pins.path(type).toString(), type.cloneFlag());
                for (Map.Entry<String, String> e : group.getValue().entrySet()) {
                    writeSysctl(e.getKey(), e.getValue());
                }
            }
        });
    }

    /** Sets the hostname of the pinned UTS namespace {@code uts}. */
    public void setHostname(Path uts, String hostname) {
        if (hostname == null || hostname.length() > 64 || !HOSTNAME.matcher(hostname).matches()) {
            throw new InvalidArgumentException("invalid hostname " + (hostname == null ? "null" : "\"" + hostname + "\"")
                    + ": want at most 64 characters of letters, digits, '-' and '.'");
        }
        requireNamespace(uts, NamespaceType.UTS);
        NamespaceThread.run("hostname", () -> {
            sys.setns(uts.toString(), Syscalls.CLONE_NEWUTS);
            writeProcSys("kernel/hostname", "kernel.hostname", hostname);
        });
    }

    // /proc/sys resolves net, IPC and UTS entries through the namespaces of the calling
    // thread, so these writes land in the namespaces the thread joined.
    private static void writeSysctl(String name, String value) {
        writeProcSys(Sysctls.procPath(name), name, value.trim());
    }

    private static void writeProcSys(String relative, String name, String value) {
        Path file = Path.of("/proc/sys").resolve(relative);
        try {
            Files.write(file, value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("unknown sysctl " + name + " (no " + file + ")");
        } catch (IOException e) {
            throw new InvalidArgumentException("cannot set sysctl " + name + " to \"" + value + "\": "
                    + e.getMessage(), e);
        }
    }

    private void requireNamespace(Path path, NamespaceType type) {
        if (path == null || !Files.exists(path)) {
            throw new NotFoundException(type.procName() + " namespace " + path + " does not exist");
        }
        if (!isNamespaceFile(sys, path)) {
            throw new NotFoundException(type.procName() + " namespace " + path + " is not a pinned namespace");
        }
    }

    private synchronized void prepareRunDir(NamespaceType type) {
        if (preparedDirs.contains(type)) {
            return;
        }
        Path dir = runDir(type);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        String d = dir.toString();
        try {
            sys.mount("none", d, null, Syscalls.MS_SHARED | Syscalls.MS_REC, null);
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            // not a mount point yet: make it one, then shared
            sys.mount(d, d, "none", Syscalls.MS_BIND | Syscalls.MS_REC, null);
            sys.mount("none", d, null, Syscalls.MS_SHARED | Syscalls.MS_REC, null);
        }
        preparedDirs.add(type);
    }

    private void unpinQuietly(Path p) {
        try {
            unpin(p);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove pin {} after a failed pin: {}", p, e.getMessage());
        }
    }

    private static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("invalid namespace pin name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": want letters, digits, '_', '.', '-', starting with a letter or digit");
        }
    }
}
