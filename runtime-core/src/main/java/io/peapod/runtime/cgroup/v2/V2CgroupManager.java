package io.peapod.runtime.cgroup.v2;

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
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A cgroup in the unified (v2) hierarchy. */
public final class V2CgroupManager implements CgroupManager {
    private static final Logger LOG = LoggerFactory.getLogger(V2CgroupManager.class);
    private static final long FREEZE_TIMEOUT_MS = 5_000;
    private static final long RMDIR_TIMEOUT_MS = 2_000;
    private static final long KILL_TIMEOUT_MS = 10_000;
    /** Enabled whenever the parent offers them, so that stats work without limits. */
    private static final Set<String> ALWAYS = Set.of("cpu", "memory", "pids", "io");

    private final Path root;
    private final String path;
    private final Path dir;
    private final Supplier<Syscalls> syscalls;
    /** Unified last, so that raw keys win over the translated fields. */
    private final List<Controller> controllers;

    public V2CgroupManager(Path root, String path) {
        this(root, path, LinuxSyscalls::get);
    }

    public V2CgroupManager(Path root, String path, Supplier<Syscalls> syscalls) {
        this.root = root;
        this.path = CgroupFiles.normalize(path);
        this.dir = root.resolve(this.path);
        this.syscalls = syscalls;
        this.controllers = List.of(new CpusetController(), new MemoryController(), new CpuController(),
                new PidsController(), new HugetlbController(), new IoController(), new DevicesController(syscalls),
                new UnifiedController());
    }

    @Override
    public String path() {
        return path;
    }

    /** The cgroup's directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public void create(CgroupResources resources) {
        List<Path> created = new ArrayList<>();
        try {
            prepareAncestors(required(resources), created);
            apply(resources);
        } catch (RuntimeException e) {
            CgroupFiles.undoCreate(created);
            throw e;
        }
        LOG.debug("created cgroup {} under {}", path, root);
    }

    @Override
    public void update(CgroupResources resources) {
        requireExists();
        prepareAncestors(required(resources), null);
        apply(resources);
    }

    private Set<String> required(CgroupResources r) {
        Set<String> required = new LinkedHashSet<>();
        for (Controller c : controllers) {
            if (c.needed(r)) {
                required.addAll(c.controllers(r));
            }
        }
        return required;
    }

    /**
     * Walks from the root to the cgroup, enabling the controllers in each ancestor's cgroup.subtree_control
     * and, when {@code created} is not null, creating missing directories (recorded for undo).
     */
    private void prepareAncestors(Set<String> required, List<Path> created) {
        Path current = root;
        for (String part : path.split("/")) {
            enableControllers(current, required);
            Path child = current.resolve(part);
            if (created != null) {
                created.addAll(CgroupFiles.createDirectories(current, part));
            }
            current = child;
        }
    }

    private static void enableControllers(Path parent, Set<String> required) {
        Set<String> available = words(CgroupFiles.read(parent.resolve("cgroup.controllers")));
        Set<String> enabled = words(CgroupFiles.read(parent.resolve("cgroup.subtree_control")));
        for (String controller : required) {
            if (!available.contains(controller)) {
                throw new CgroupException("cgroup v2 controller " + controller + " is not available in " + parent
                        + " (cgroup.controllers lists: " + String.join(" ", available) + ")");
            }
        }
        Set<String> missing = new LinkedHashSet<>(required);
        missing.removeAll(enabled);
        if (!missing.isEmpty()) {
            Path file = parent.resolve("cgroup.subtree_control");
            try {
                CgroupFiles.write(file, missing.stream().map(c -> "+" + c).collect(Collectors.joining(" ")));
            } catch (CgroupException e) {
                boolean busy = String.valueOf(e.getMessage()).contains("busy");
                throw busy ? new CgroupException(e.getMessage() + " (a non-root cgroup that holds processes cannot"
                        + " enable controllers for its children)", e) : e;
            }
        }
        // Accounting controllers for stats: enabled when offered, but a refusal is no reason to fail.
        for (String optional : ALWAYS.stream().sorted().toList()) {
            if (available.contains(optional) && !enabled.contains(optional) && !missing.contains(optional)) {
                try {
                    CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+" + optional);
                } catch (CgroupException e) {
                    LOG.debug("not enabling {} in {}: {}", optional, parent, e.getMessage());
                }
            }
        }
    }

    private static Set<String> words(String s) {
        Set<String> words = new LinkedHashSet<>();
        Arrays.stream(s.split("\\s+")).filter(w -> !w.isEmpty()).forEach(words::add);
        return words;
    }

    private void apply(CgroupResources r) {
        for (Controller c : controllers) {
            if (c.needed(r)) {
                c.apply(dir, r);
            }
        }
    }

    @Override
    public List<Path> procsFiles() {
        return List.of(dir.resolve("cgroup.procs"));
    }

    @Override
    public void addProcess(int pid) {
        CgroupFiles.write(dir.resolve("cgroup.procs"), Integer.toString(pid));
    }

    @Override
    public Set<Integer> pids() {
        return CgroupFiles.pidsRecursive(dir);
    }

    @Override
    public CgroupStats stats() {
        requireExists();
        CgroupStats.Builder stats = CgroupStats.builder();
        for (Controller c : controllers) {
            c.stats(dir, stats);
        }
        return stats.build();
    }

    @Override
    public void freeze() {
        requireExists();
        FreezerController.freeze(dir, FREEZE_TIMEOUT_MS);
    }

    @Override
    public void thaw() {
        requireExists();
        FreezerController.thaw(dir, FREEZE_TIMEOUT_MS);
    }

    @Override
    public boolean isFrozen() {
        requireExists();
        return FreezerController.isFrozen(dir);
    }

    @Override
    public long oomKillCount() {
        requireExists();
        return MemoryController.oomKills(dir);
    }

    private void requireExists() {
        if (!exists()) {
            throw new CgroupException("cgroup " + path + " does not exist under " + root);
        }
    }

    /** SIGKILL uses cgroup.kill (Linux 5.14+) when present; otherwise every pid is signalled until empty. */
    @Override
    public void killAll(int signal) {
        if (signal != CgroupSignals.SIGKILL) {
            CgroupSignals.signalAll(syscalls, pids(), signal);
            return;
        }
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            CgroupSignals.untilEmpty(path, this::pids, () -> CgroupFiles.write(kill, "1"), KILL_TIMEOUT_MS);
        } else {
            CgroupSignals.untilEmpty(path, this::pids, () -> CgroupSignals.signalAll(syscalls, pids(), signal),
                    KILL_TIMEOUT_MS);
        }
    }

    @Override
    public void destroy() {
        CgroupFiles.removeTree(dir, RMDIR_TIMEOUT_MS);
        LOG.debug("destroyed cgroup {}", path);
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(dir);
    }

    @Override
    public String toString() {
        return "V2CgroupManager[" + path + "]";
    }
}
