package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupSignals;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup in the v1 hierarchies (legacy layout, and the hybrid layout where cgroup2 carries no controllers).
 * The cgroup is created in every mounted hierarchy, named ones and the hybrid cgroup2 mount included, so that
 * a process written to {@link #procsFiles()} leaves its parent's cgroups everywhere.
 */
public final class V1CgroupManager implements CgroupManager {
    private static final Logger LOG = LoggerFactory.getLogger(V1CgroupManager.class);
    private static final long FREEZE_TIMEOUT_MS = 5_000;
    private static final long RMDIR_TIMEOUT_MS = 2_000;
    private static final long KILL_TIMEOUT_MS = 10_000;
    private static final long KILL_FREEZE_TIMEOUT_MS = 1_000;
    /** cpuset first: its cpus/mems must be set before any other write may move tasks. */
    private static final List<Controller> CONTROLLERS = List.of(new CpusetController(), new MemoryController(),
            new CpuController(), new CpuacctController(), new PidsController(), new HugetlbController(),
            new BlkioController(), new DevicesController(), new FreezerController());

    private final V1Hierarchies hierarchies;
    private final String path;
    private final Supplier<Syscalls> syscalls;

    public V1CgroupManager(V1Hierarchies hierarchies, String path) {
        this(hierarchies, path, LinuxSyscalls::get);
    }

    public V1CgroupManager(V1Hierarchies hierarchies, String path, Supplier<Syscalls> syscalls) {
        this.hierarchies = hierarchies;
        this.path = CgroupFiles.normalize(path);
        this.syscalls = syscalls;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public void create(CgroupResources resources) {
        checkSupported(resources);
        List<Path> created = new ArrayList<>();
        try {
            for (Path mount : hierarchies.all()) {
                created.addAll(CgroupFiles.createDirectories(mount, path));
            }
            hierarchies.mount("cpuset").ifPresent(mount -> CpusetController.inheritFromParents(mount, path));
            apply(resources);
        } catch (RuntimeException e) {
            CgroupFiles.undoCreate(created);
            throw e;
        }
        LOG.debug("created cgroup {} in {}", path, hierarchies);
    }

    @Override
    public void update(CgroupResources resources) {
        checkSupported(resources);
        if (!exists()) {
            throw new CgroupException("cgroup " + path + " does not exist");
        }
        apply(resources);
    }

    private void checkSupported(CgroupResources r) {
        if (r.hasUnified()) {
            throw new CgroupException("cgroup " + path + ": unified (cgroup v2) settings " + r.unified().keySet()
                    + " cannot be applied on a cgroup v1 host");
        }
        for (Controller c : CONTROLLERS) {
            if (c.needed(r) && hierarchies.mount(c.name()).isEmpty()) {
                throw new CgroupException("cgroup " + path + ": the requested limits need the cgroup v1 controller "
                        + c.name() + ", which is not mounted");
            }
        }
    }

    private void apply(CgroupResources r) {
        for (Controller c : CONTROLLERS) {
            if (c.needed(r)) {
                c.apply(dir(c.name()), r);
            }
        }
    }

    private Path dir(String controller) {
        return hierarchies.mount(controller)
                .orElseThrow(() -> new CgroupException("cgroup " + path + ": the cgroup v1 controller " + controller
                        + " is not mounted"))
                .resolve(path);
    }

    /** The cgroup's directory in {@code controller}'s hierarchy, which must exist. */
    private Path existingDir(String controller) {
        Path dir = dir(controller);
        if (!Files.isDirectory(dir)) {
            throw new CgroupException("cgroup " + path + " does not exist (" + dir + " is missing)");
        }
        return dir;
    }

    @Override
    public List<Path> procsFiles() {
        return hierarchies.all().stream().map(m -> m.resolve(path).resolve("cgroup.procs")).toList();
    }

    @Override
    public void addProcess(int pid) {
        for (Path procs : procsFiles()) {
            CgroupFiles.write(procs, Integer.toString(pid));
        }
    }

    /** Read from the pids hierarchy (or memory, or the first one); every hierarchy holds the same tasks. */
    @Override
    public Set<Integer> pids() {
        Path mount = hierarchies.mount("pids").or(() -> hierarchies.mount("memory"))
                .orElse(hierarchies.all().get(0));
        return CgroupFiles.pidsRecursive(mount.resolve(path));
    }

    @Override
    public CgroupStats stats() {
        if (!exists()) {
            throw new CgroupException("cgroup " + path + " does not exist");
        }
        CgroupStats.Builder stats = CgroupStats.builder();
        for (Controller c : CONTROLLERS) {
            hierarchies.mount(c.name()).map(m -> m.resolve(path)).filter(Files::isDirectory)
                    .ifPresent(d -> c.stats(d, stats));
        }
        return stats.build();
    }

    @Override
    public void freeze() {
        FreezerController.freeze(existingDir("freezer"), FREEZE_TIMEOUT_MS);
    }

    @Override
    public void thaw() {
        FreezerController.thaw(existingDir("freezer"), FREEZE_TIMEOUT_MS);
    }

    @Override
    public boolean isFrozen() {
        return FreezerController.isFrozen(existingDir("freezer"));
    }

    @Override
    public long oomKillCount() {
        return MemoryController.oomKills(existingDir("memory"));
    }

    /**
     * v1 has no cgroup.kill: for SIGKILL, freeze (when the freezer is mounted) so nothing forks between
     * listing and signalling, signal, thaw so the signals are delivered, and repeat until empty.
     */
    @Override
    public void killAll(int signal) {
        if (signal != CgroupSignals.SIGKILL) {
            CgroupSignals.signalAll(syscalls, pids(), signal);
            return;
        }
        boolean freezer = hierarchies.mount("freezer").map(m -> Files.isDirectory(m.resolve(path))).orElse(false);
        CgroupSignals.untilEmpty(path, this::pids, () -> {
            boolean frozen = freezer && tryFreeze();
            try {
                CgroupSignals.signalAll(syscalls, pids(), signal);
            } finally {
                if (frozen) {
                    FreezerController.thaw(dir("freezer"), FREEZE_TIMEOUT_MS);
                }
            }
        }, KILL_TIMEOUT_MS);
    }

    /** Freezing only narrows the fork race; a cgroup that will not freeze is still killed, just unfrozen. */
    private boolean tryFreeze() {
        try {
            FreezerController.freeze(dir("freezer"), KILL_FREEZE_TIMEOUT_MS);
            return true;
        } catch (CgroupException e) {
            LOG.warn("cgroup {}: killing without freezing first: {}", path, e.getMessage());
            return false;
        }
    }

    @Override
    public void destroy() {
        CgroupException failure = null;
        for (Path mount : hierarchies.all()) {
            try {
                CgroupFiles.removeTree(mount.resolve(path), RMDIR_TIMEOUT_MS);
            } catch (CgroupException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        LOG.debug("destroyed cgroup {}", path);
    }

    @Override
    public boolean exists() {
        return hierarchies.all().stream().anyMatch(m -> Files.isDirectory(m.resolve(path)));
    }

    @Override
    public String toString() {
        return "V1CgroupManager[" + path + "]";
    }
}
