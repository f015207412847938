package io.peapod.runtime.cgroup.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupMount;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupSignals;
import io.peapod.runtime.cgroup.CgroupStats;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the machine's real cgroup2 mount: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid
 * one (where only controllers no v1 hierarchy holds are available, typically hugetlb). The core files
 * (cgroup.procs, cgroup.freeze, cgroup.kill, cpu.stat) work without any controller.
 */
class V2CgroupManagerIT {
    private static final String BUSYBOX = "/bin/busybox";
    private static Path root;
    private static String rootSubtreeBefore;

    private String top;
    private V2CgroupManager cgroup;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void requirements() throws IOException {
        assumeTrue(Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(l -> l.matches("Uid:\\s+0\\s.*")), "needs root to create cgroups");
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX + " (busybox-static)");
        root = CgroupMount.parseMountinfo(Files.readString(Path.of("/proc/self/mountinfo"))).stream()
                .filter(CgroupMount::v2).map(CgroupMount::mountPoint).findFirst().orElse(null);
        assumeTrue(root != null, "needs a cgroup2 mount");
        assumeTrue(Files.exists(root.resolve("cgroup.kill")) || Files.exists(root.resolve("cgroup.max.depth")),
                "cgroup2 at " + root + " lacks the core interface files");
        rootSubtreeBefore = Files.readString(root.resolve("cgroup.subtree_control")).trim();
    }

    /** Undo what create() enabled in the (shared) root, so the machine is left as found. */
    @AfterAll
    static void restoreRoot() throws IOException {
        if (root == null) {
            return;
        }
        Set<String> before = Set.of(rootSubtreeBefore.split(" "));
        for (String c : Files.readString(root.resolve("cgroup.subtree_control")).trim().split(" ")) {
            if (!c.isEmpty() && !before.contains(c)) {
                Files.writeString(root.resolve("cgroup.subtree_control"), "-" + c);
            }
        }
    }

    @BeforeEach
    void names() {
        top = "peapod-test-" + UUID.randomUUID().toString().substring(0, 8);
        cgroup = new V2CgroupManager(root, top + "/c1");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        V2CgroupManager all = new V2CgroupManager(root, top);
        try {
            if (all.exists()) {
                all.killAll(CgroupSignals.SIGKILL);
            }
        } finally {
            all.destroy();
        }
        assertFalse(all.exists(), "cleanup left " + top + " behind");
    }

    private static boolean available(String controller) throws IOException {
        return Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split(" ")).contains(controller);
    }

    private Process held(String script) throws IOException {
        Process p = new ProcessBuilder(BUSYBOX, "sh", "-c", "read go; " + script).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static void release(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write('\n');
        in.flush();
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void hugetlbLimitEnablesTheControllerInEveryAncestor() throws Exception {
        assumeTrue(available("hugetlb"), "hugetlb is not available in " + root);
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB")), "no 2MB huge pages");
        cgroup.create(CgroupResources.builder().hugepageLimits(Map.of("2MB", 4L << 20)).build());
        assertTrue(Files.readString(root.resolve("cgroup.subtree_control")).contains("hugetlb"));
        assertTrue(Files.readString(root.resolve(top).resolve("cgroup.subtree_control")).contains("hugetlb"));
        assertEquals("4194304", Files.readString(cgroup.dir().resolve("hugetlb.2MB.max")).trim());
        cgroup.update(CgroupResources.builder().hugepageLimits(Map.of("2MB", -1L)).build());
        assertEquals("max", Files.readString(cgroup.dir().resolve("hugetlb.2MB.max")).trim());
        CgroupStats s = cgroup.stats();
        assertEquals(0L, s.hugetlbUsage().get("2MB"));
        cgroup.update(CgroupResources.builder().unified(Map.of("hugetlb.2MB.max", "2097152")).build());
        assertEquals("2097152", Files.readString(cgroup.dir().resolve("hugetlb.2MB.max")).trim());
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
        assertEquals("3", Files.readString(cgroup.dir().resolve("cgroup.max.descendants")).trim());
    }

    @Test
    void processJoinsAndStatsCountItsCpu() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        assertTrue(Files.readString(Path.of("/proc/" + p.pid() + "/cgroup")).contains("0::/" + top + "/c1\n"));
        assertEquals(Set.of((int) p.pid()), cgroup.pids());
        release(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).contains("sleep")
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        CgroupStats s = cgroup.stats();
        assertTrue(s.cpuUsageNanos() > 0 && s.cpuUserNanos() > 0, s.toString());
    }

    @Test
    void freezeStopsTheProcessAndThawResumesIt() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("while :; do :; done");
        cgroup.addProcess((int) p.pid());
        release(p);
        cgroup.freeze();
        assertTrue(cgroup.isFrozen());
        long before = cpuTicks(p.pid());
        Thread.sleep(300);
        assertEquals(before, cpuTicks(p.pid()), "a frozen task used CPU");
        cgroup.thaw();
        assertFalse(cgroup.isFrozen());
        Thread.sleep(300);
        assertTrue(cpuTicks(p.pid()) > before, "a thawed task used no CPU");
    }

    @Test
    void killAllKillsForkedChildren() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held(BUSYBOX + " sleep 30 & " + BUSYBOX + " sleep 30 & wait");
        cgroup.addProcess((int) p.pid());
        release(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cgroup.pids().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(3, cgroup.pids().size());
        cgroup.killAll(CgroupSignals.SIGKILL);
        assertTrue(cgroup.pids().isEmpty());
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
    }

    @Test
    void destroyRightAfterTheProcessDies() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        Files.createDirectory(cgroup.dir().resolve("nested"));
        p.destroyForcibly();
        cgroup.destroy();
        assertFalse(cgroup.exists());
        cgroup.destroy();
    }
}
