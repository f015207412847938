package io.peapod.runtime.cgroup.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupManagerSuite;
import io.peapod.runtime.cgroup.CgroupMount;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.cgroup.DefaultDeviceRules;
import io.peapod.runtime.cgroup.DeviceRule;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the machine's real cgroup2 mount: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid
 * one (where only controllers no v1 hierarchy holds are available, typically hugetlb). The core files
 * (cgroup.procs, cgroup.freeze, cgroup.kill, cpu.stat) work without any controller.
 */
class V2CgroupManagerIT extends CgroupManagerSuite {
    private static Path root;
    private static String rootSubtreeBefore;

    @BeforeAll
    static void requirements() throws IOException {
        assumeTrue(isRoot(), "needs root to create cgroups");
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX + " (busybox-static)");
        root = CgroupMount.parseMountinfo(Files.readString(Path.of("/proc/self/mountinfo"))).stream()
                .filter(CgroupMount::v2).map(CgroupMount::mountPoint).findFirst().orElse(null);
        assumeTrue(root != null, "needs a cgroup2 mount");
        assumeTrue(Files.exists(root.resolve("cgroup.max.depth")), "cgroup2 at " + root + " lacks core files");
        rootSubtreeBefore = Files.readString(root.resolve("cgroup.subtree_control")).trim();
    }

    /** Undo what create() enabled in the (shared) root, so the machine is left as found. */
    @AfterAll
    static void restoreRoot() throws IOException {
        if (root == null || rootSubtreeBefore == null) {
            return;
        }
        Set<String> before = Set.of(rootSubtreeBefore.split(" "));
        for (String c : Files.readString(root.resolve("cgroup.subtree_control")).trim().split(" ")) {
            if (!c.isEmpty() && !before.contains(c)) {
                Files.writeString(root.resolve("cgroup.subtree_control"), "-" + c);
            }
        }
    }

    @Override
    protected CgroupManager manager(String path) {
        return new V2CgroupManager(root, path);
    }

    private Path dir() {
        return root.resolve(cgroup.path());
    }

    private static boolean available(String controller) throws IOException {
        return Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split(" ")).contains(controller);
    }

    /** Device programs attached directly to the cgroup under test. */
    private int devicePrograms() {
        Syscalls sys = LinuxSyscalls.get();
        int fd = sys.openDirectory(dir().toString());
        try {
            return sys.bpfProgQuery(fd, Syscalls.BPF_CGROUP_DEVICE).length;
        } finally {
            sys.close(fd);
        }
    }

    /** One program per policy: an update replaces it, and a policy that allows everything needs none. */
    @Test
    void updatesReplaceTheDeviceProgram() throws Exception {
        cgroup.create(CgroupResources.none());
        assertEquals(0, devicePrograms());
        cgroup.update(CgroupResources.builder().devices(DefaultDeviceRules.RULES).build());
        assertEquals(1, devicePrograms());
        assertEquals("read:ok write:ok", probeDevNull());
        List<DeviceRule> noNullWrites = new ArrayList<>(DefaultDeviceRules.RULES);
        noNullWrites.add(new DeviceRule(false, 'c', 1, 3, DeviceRule.WRITE));
        cgroup.update(CgroupResources.builder().devices(noNullWrites).build());
        assertEquals(1, devicePrograms());
        assertEquals("read:ok write:refused", probeDevNull());
        cgroup.update(CgroupResources.builder().devices(List.of(DeviceRule.all(true))).build());
        assertEquals(0, devicePrograms());
        assertEquals("read:ok write:ok", probeDevNull());
    }

    @Test
    void hugetlbLimitEnablesTheControllerInEveryAncestor() throws Exception {
        assumeTrue(available("hugetlb"), "hugetlb is not available in " + root);
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB")), "no 2MB huge pages");
        cgroup.create(CgroupResources.builder().hugepageLimits(Map.of("2MB", 4L << 20)).build());
        assertTrue(Files.readString(root.resolve("cgroup.subtree_control")).contains("hugetlb"));
        assertTrue(Files.readString(root.resolve(top).resolve("cgroup.subtree_control")).contains("hugetlb"));
        assertEquals("4194304", Files.readString(dir().resolve("hugetlb.2MB.max")).trim());
        cgroup.update(CgroupResources.builder().hugepageLimits(Map.of("2MB", -1L)).build());
        assertEquals("max", Files.readString(dir().resolve("hugetlb.2MB.max")).trim());
        CgroupStats s = cgroup.stats();
        assertEquals(0L, s.hugetlbUsage().get("2MB"));
        cgroup.update(CgroupResources.builder().unified(Map.of("hugetlb.2MB.max", "2097152")).build());
        assertEquals("2097152", Files.readString(dir().resolve("hugetlb.2MB.max")).trim());
    }

    @Test
    void unavailableControllerIsNamedAndNothingIsCreated() throws Exception {
        assumeTrue(!available("memory"), "memory is available in " + root);
        CgroupException e = assertThrows(CgroupException.class,
                () -> cgroup.create(CgroupResources.builder().memoryLimit(1L << 30).build()));
        assertTrue(e.getMessage().startsWith("cgroup v2 controller memory is not available in " + root),
                e.getMessage());
        assertFalse(Files.exists(root.resolve(top)));
    }

    @Test
    void coreUnifiedKeysAreWrittenVerbatim() throws Exception {
        cgroup.create(CgroupResources.builder().unified(Map.of("cgroup.max.descendants", "3")).build());
        assertEquals("3", Files.readString(dir().resolve("cgroup.max.descendants")).trim());
    }

    @Test
    void processJoinsTheUnifiedHierarchy() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        assertTrue(Files.readString(Path.of("/proc/" + p.pid() + "/cgroup")).contains("0::/" + top + "/c1\n"));
        assertEquals(1L, CgroupFiles.readKeyed(dir().resolve("cgroup.events")).get("populated"));
    }
}
