package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The v1 hierarchies of a machine: which directory each controller (or named hierarchy such as
 * "name=systemd") is mounted at, and, in the hybrid layout, the controller-less cgroup2 mount.
 */
public final class V1Hierarchies {
    private final Map<String, Path> byController;
    private final List<Path> hierarchies;
    private final Path unified;

    public V1Hierarchies(Map<String, Path> byController, Path unified) {
        this.byController = Collections.unmodifiableMap(new LinkedHashMap<>(byController));
        this.hierarchies = byController.values().stream().distinct().toList();
        this.unified = unified;
    }

    /** From parsed mountinfo: the first mount of each hierarchy wins (later ones are bind mounts). */
    public static V1Hierarchies fromMounts(List<CgroupMount> mounts) {
        Map<String, Path> byController = new LinkedHashMap<>();
        Path unified = null;
        for (CgroupMount m : mounts) {
            if (m.v2()) {
                if (unified == null) {
                    unified = m.mountPoint();
                }
                continue;
            }
            for (String controller : m.controllers()) {
                byController.putIfAbsent(controller, m.mountPoint());
            }
        }
        if (byController.isEmpty()) {
            throw new CgroupException("no cgroup v1 hierarchy is mounted");
        }
        return new V1Hierarchies(byController, unified);
    }

    /**
     * From a directory laid out like /sys/fs/cgroup on a v1 machine: one directory per hierarchy named after
     * its controllers ("memory", "cpu,cpuacct"); other names are named hierarchies ("systemd" is
     * name=systemd); symlinks (cpu -> cpu,cpuacct) are skipped; {@code unified} is the hybrid cgroup2 mount
     * when {@code hybrid}.
     */
    public static V1Hierarchies scan(Path root, boolean hybrid) {
        Map<String, Path> byController = new LinkedHashMap<>();
        Path unified = null;
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            list.sorted().forEach(entries::add);
        } catch (IOException e) {
            throw new CgroupException("cannot list cgroup root " + root + ": " + e.getMessage(), e);
        }
        for (Path dir : entries) {
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir)) {
                continue;
            }
            String name = dir.getFileName().toString();
            if (name.equals("unified") && hybrid) {
                unified = dir;
                continue;
            }
            Set<String> names = Set.of(name.split(","));
            if (CgroupMount.V1_CONTROLLERS.containsAll(names)) {
                names.forEach(c -> byController.putIfAbsent(c, dir));
            } else {
                byController.putIfAbsent("name=" + name, dir);
            }
        }
        if (byController.isEmpty()) {
            throw new CgroupException("no cgroup v1 hierarchy under " + root);
        }
        return new V1Hierarchies(byController, unified);
    }

    /** Where {@code controller} is mounted, if it is. */
    public Optional<Path> mount(String controller) {
        return Optional.ofNullable(byController.get(controller));
    }

    /** Every hierarchy a process must join: each v1 mount once, then the hybrid cgroup2 mount if any. */
    public List<Path> all() {
        List<Path> all = new ArrayList<>(hierarchies);
        if (unified != null) {
            all.add(unified);
        }
        return all;
    }

    public Optional<Path> unified() {
        return Optional.ofNullable(unified);
    }

    @Override
    public String toString() {
        return "V1Hierarchies" + byController + (unified == null ? "" : " unified=" + unified);
    }
}
