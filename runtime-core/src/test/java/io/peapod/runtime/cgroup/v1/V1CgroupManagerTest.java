package io.peapod.runtime.cgroup.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.cgroup.BlkioThrottle;
import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupLayout;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.cgroup.CgroupMount;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.cgroup.DeviceRate;
import io.peapod.runtime.cgroup.FakeCgroupFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V1CgroupManagerTest {
    private static final String LEAF = "peapod/abc";
    private static final String[] HIERARCHIES = {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "blkio",
        "devices", "systemd", "unified"};

    @TempDir
    Path tmp;
    FakeCgroupFs fs;

    /** Laid out like this machine: hybrid, cpu and cpuacct separate, no hugetlb. */
    @BeforeEach
    void layout() {
        fs = new FakeCgroupFs(tmp).file("unified/cgroup.controllers", "");
        for (String h : HIERARCHIES) {
            fs.files(h + "/" + LEAF, "cgroup.procs");
        }
        fs.files("memory/" + LEAF, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
                        "memory.soft_limit_in_bytes", "memory.swappiness", "memory.oom_control")
                .files("cpu/" + LEAF, "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us",
                        "cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.idle")
                .files("pids/" + LEAF, "pids.max")
                .files("blkio/" + LEAF, "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                        "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device")
                .file("cpuset/cpuset.cpus", "0-3\n").file("cpuset/cpuset.mems", "0\n")
                .file("cpuset/peapod/cpuset.cpus", "\n").file("cpuset/peapod/cpuset.mems", "\n")
                .file("cpuset/" + LEAF + "/cpuset.cpus", "\n").file("cpuset/" + LEAF + "/cpuset.mems", "\n")
                .file("memory/" + LEAF + "/memory.limit_in_bytes", "9223372036854771712\n");
    }

    private CgroupManager manager() {
        return CgroupManagers.forPath(CgroupLayout.HYBRID, tmp, LEAF);
    }

    @Test
    void createWritesEveryResourceIntoItsHierarchy() {
        manager().create(CgroupResources.builder()
                .memoryLimit(64L << 20).memorySwap(128L << 20).memoryReservation(32L << 20).memorySwappiness(10L)
                .disableOomKiller(true)
                .cpuShares(512L).cpuQuota(50_000L).cpuPeriod(100_000L).cpuBurst(2000L)
                .cpuRealtimePeriod(1_000_000L).cpuRealtimeRuntime(0L).cpuIdle(false)
                .pidsLimit(42L)
                .blkioThrottle(new BlkioThrottle(List.of(new DeviceRate(8, 0, 1000)),
                        List.of(new DeviceRate(8, 0, 2000)), List.of(new DeviceRate(8, 0, 30)),
                        List.of(new DeviceRate(8, 16, 40))))
                .build());
        assertEquals("67108864", fs.read("memory/" + LEAF + "/memory.limit_in_bytes"));
        assertEquals("134217728", fs.read("memory/" + LEAF + "/memory.memsw.limit_in_bytes"));
        assertEquals("33554432", fs.read("memory/" + LEAF + "/memory.soft_limit_in_bytes"));
        assertEquals("10", fs.read("memory/" + LEAF + "/memory.swappiness"));
        assertEquals("1", fs.read("memory/" + LEAF + "/memory.oom_control"));
        assertEquals("512", fs.read("cpu/" + LEAF + "/cpu.shares"));
        assertEquals("50000", fs.read("cpu/" + LEAF + "/cpu.cfs_quota_us"));
        assertEquals("100000", fs.read("cpu/" + LEAF + "/cpu.cfs_period_us"));
        assertEquals("2000", fs.read("cpu/" + LEAF + "/cpu.cfs_burst_us"));
        assertEquals("1000000", fs.read("cpu/" + LEAF + "/cpu.rt_period_us"));
        assertEquals("0", fs.read("cpu/" + LEAF + "/cpu.rt_runtime_us"));
        assertEquals("0", fs.read("cpu/" + LEAF + "/cpu.idle"));
        assertEquals("42", fs.read("pids/" + LEAF + "/pids.max"));
        assertEquals("8:0 1000", fs.read("blkio/" + LEAF + "/blkio.throttle.read_bps_device"));
        assertEquals("8:0 2000", fs.read("blkio/" + LEAF + "/blkio.throttle.write_bps_device"));
        assertEquals("8:0 30", fs.read("blkio/" + LEAF + "/blkio.throttle.read_iops_device"));
        assertEquals("8:16 40", fs.read("blkio/" + LEAF + "/blkio.throttle.write_iops_device"));
        // a new cpuset cgroup gets its parent's cpus and mems, top down
        assertEquals("0-3", fs.read("cpuset/peapod/cpuset.cpus"));
        assertEquals("0", fs.read("cpuset/peapod/cpuset.mems"));
        assertEquals("0-3", fs.read("cpuset/" + LEAF + "/cpuset.cpus"));
        assertEquals("0", fs.read("cpuset/" + LEAF + "/cpuset.mems"));
    }

    @Test
    void explicitCpusetOverridesTheInheritedOne() {
        manager().create(CgroupResources.builder().cpusetCpus("1").cpusetMems("0").build());
        assertEquals("0-3", fs.read("cpuset/peapod/cpuset.cpus"));
        assertEquals("1", fs.read("cpuset/" + LEAF + "/cpuset.cpus"));
    }

    @Test
    void unlimitedValues() {
        manager().create(CgroupResources.builder().memoryLimit(-1L).memorySwap(-1L).cpuQuota(-1L).pidsLimit(-1L)
                .build());
        assertEquals("-1", fs.read("memory/" + LEAF + "/memory.limit_in_bytes"));
        assertEquals("-1", fs.read("memory/" + LEAF + "/memory.memsw.limit_in_bytes"));
        assertEquals("-1", fs.read("cpu/" + LEAF + "/cpu.cfs_quota_us"));
        assertEquals("max", fs.read("pids/" + LEAF + "/pids.max"));
    }

    @Test
    void missingControllerIsNamedOnlyWhenNeeded() {
        manager().create(CgroupResources.builder().pidsLimit(10L).build()); // no hugetlb needed: fine
        CgroupException e = assertThrows(CgroupException.class, () -> manager().update(
                CgroupResources.builder().hugepageLimits(Map.of("2MB", 2L << 20)).build()));
        assertEquals("cgroup peapod/abc: the requested limits need the cgroup v1 controller hugetlb, which is not"
                + " mounted", e.getMessage());
    }

    @Test
    void unifiedKeysAreRefusedOnV1() {
        CgroupException e = assertThrows(CgroupException.class, () -> manager().create(
                CgroupResources.builder().unified(Map.of("memory.high", "1000")).build()));
        assertEquals("cgroup peapod/abc: unified (cgroup v2) settings [memory.high] cannot be applied on a cgroup"
                + " v1 host", e.getMessage());
    }

    @Test
    void swapWithoutSwapAccountingIsAClearError() throws Exception {
        Files.delete(tmp.resolve("memory/" + LEAF + "/memory.memsw.limit_in_bytes"));
        manager().create(CgroupResources.builder().memoryLimit(1L << 20).build());
        CgroupException e = assertThrows(CgroupException.class, () -> manager().update(
                CgroupResources.builder().memoryLimit(1L << 20).memorySwap(2L << 20).build()));
        assertTrue(e.getMessage().startsWith("memory+swap limit 2097152 cannot be set: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("does not exist (swap accounting is off; boot with swapaccount=1)"));
    }

    @Test
    void blkioWeightWithoutProportionalSchedulerIsAClearError() {
        CgroupException e = assertThrows(CgroupException.class, () -> manager().create(
                CgroupResources.builder().blkioWeight(500).build()));
        assertTrue(e.getMessage().contains("neither blkio.weight nor blkio.bfq.weight exists"), e.getMessage());
        fs.files("blkio/" + LEAF, "blkio.bfq.weight");
        manager().update(CgroupResources.builder().blkioWeight(500).build());
        assertEquals("500", fs.read("blkio/" + LEAF + "/blkio.bfq.weight"));
    }

    @Test
    void failedCreateRemovesDirectoriesItMadeInEveryHierarchy() {
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.HYBRID, tmp, "peapod/new");
        // peapod/new has no cpuset.cpus in the fake, as if the kernel refused: the create must undo itself.
        assertThrows(CgroupException.class, () -> m.create(CgroupResources.none()));
        for (String h : HIERARCHIES) {
            assertFalse(fs.exists(h + "/peapod/new"), h);
            assertTrue(fs.exists(h + "/peapod"), h);
        }
        assertFalse(m.exists());
    }

    @Test
    void processesGoIntoEveryHierarchyIncludingNamedAndUnified() {
        CgroupManager m = manager();
        assertEquals(HIERARCHIES.length, m.procsFiles().size());
        assertTrue(m.procsFiles().contains(tmp.resolve("systemd/" + LEAF + "/cgroup.procs")));
        assertTrue(m.procsFiles().contains(tmp.resolve("unified/" + LEAF + "/cgroup.procs")));
        m.addProcess(4321);
        for (String h : HIERARCHIES) {
            assertEquals("4321", fs.read(h + "/" + LEAF + "/cgroup.procs"), h);
        }
        assertEquals(Set.of(4321), m.pids());
    }

    @Test
    void freezerState() {
        fs.file("freezer/" + LEAF + "/freezer.state", "FROZEN\n");
        assertTrue(manager().isFrozen());
        manager().freeze(); // the fake reads back FROZEN at once
        fs.file("freezer/" + LEAF + "/freezer.state", "THAWED\n");
        assertFalse(manager().isFrozen());
    }

    @Test
    void operationsOnAMissingCgroupSaySo() {
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.HYBRID, tmp, "peapod/none");
        CgroupException e = assertThrows(CgroupException.class, m::freeze);
        assertEquals("cgroup peapod/none does not exist (" + tmp.resolve("freezer/peapod/none") + " is missing)",
                e.getMessage());
        assertThrows(CgroupException.class, m::oomKillCount);
        assertThrows(CgroupException.class, m::stats);
        assertThrows(CgroupException.class, () -> m.update(CgroupResources.none()));
        assertEquals(Set.of(), m.pids());
    }

    @Test
    void statsFromControllerFiles() {
        fs.file("cpuacct/" + LEAF + "/cpuacct.usage", "5000\n")
                .file("cpuacct/" + LEAF + "/cpuacct.usage_user", "3000\n")
                .file("cpuacct/" + LEAF + "/cpuacct.usage_sys", "2000\n")
                .file("cpu/" + LEAF + "/cpu.stat", "nr_periods 7\nnr_throttled 2\nthrottled_time 900\n")
                .file("memory/" + LEAF + "/memory.usage_in_bytes", "1000000\n")
                .file("memory/" + LEAF + "/memory.limit_in_bytes", "2000000\n")
                .file("memory/" + LEAF + "/memory.memsw.usage_in_bytes", "1004096\n")
                .file("memory/" + LEAF + "/memory.stat", "cache 1\nrss 2\ntotal_cache 300000\ntotal_rss 600000\n"
                        + "total_inactive_file 100000\ntotal_pgfault 55\ntotal_pgmajfault 5\n")
                .file("memory/" + LEAF + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")
                .file("pids/" + LEAF + "/pids.current", "4\n")
                .file("pids/" + LEAF + "/pids.max", "max\n");
        CgroupStats s = manager().stats();
        assertEquals(5000, s.cpuUsageNanos());
        assertEquals(3000, s.cpuUserNanos());
        assertEquals(2000, s.cpuSystemNanos());
        assertEquals(7, s.cpuPeriods());
        assertEquals(2, s.cpuThrottledPeriods());
        assertEquals(900, s.cpuThrottledTimeNanos());
        assertEquals(1_000_000, s.memoryUsage());
        assertEquals(2_000_000, s.memoryLimit());
        assertEquals(900_000, s.memoryWorkingSet());
        assertEquals(600_000, s.memoryRss());
        assertEquals(300_000, s.memoryCache());
        assertEquals(55, s.pageFaults());
        assertEquals(5, s.majorPageFaults());
        assertEquals(4096, s.swapUsage());
        assertEquals(4, s.pidsCurrent());
        assertEquals(-1, s.pidsLimit());
        assertEquals(3, s.oomKills());
        assertEquals(Map.of(), s.hugetlbUsage());
        assertEquals(3, manager().oomKillCount());
    }

    @Test
    void cpuacctStatTicksWhenPerModeFilesAreMissing() {
        fs.file("cpuacct/" + LEAF + "/cpuacct.usage", "5000\n").file("cpuacct/" + LEAF + "/cpuacct.stat",
                "user 3\nsystem 1\n");
        CgroupStats.Builder b = CgroupStats.builder();
        new CpuacctController().stats(tmp.resolve("cpuacct/" + LEAF), b);
        assertEquals(30_000_000, b.cpuUserNanos);
        assertEquals(10_000_000, b.cpuSystemNanos);
    }

    @Test
    void scanHandlesCoMountedControllersAndSymlinks(@TempDir Path other) throws Exception {
        FakeCgroupFs legacy = new FakeCgroupFs(other).dir("cpu,cpuacct").dir("memory").dir("systemd")
                .dir("net_cls,net_prio");
        Files.createSymbolicLink(other.resolve("cpu"), other.resolve("cpu,cpuacct"));
        V1Hierarchies h = V1Hierarchies.scan(legacy.root(), false);
        assertEquals(other.resolve("cpu,cpuacct"), h.mount("cpu").orElseThrow());
        assertEquals(other.resolve("cpu,cpuacct"), h.mount("cpuacct").orElseThrow());
        assertEquals(other.resolve("systemd"), h.mount("name=systemd").orElseThrow());
        assertTrue(h.mount("hugetlb").isEmpty());
        assertEquals(4, h.all().size());
        assertTrue(h.unified().isEmpty());
    }

    @Test
    void hierarchiesFromMountinfo() {
        String mountinfo = """
                30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
                31 25 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
                32 25 0:29 / /mnt/memory-again rw - cgroup cgroup rw,memory
                27 25 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
                26 25 0:24 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate
                """;
        V1Hierarchies h = V1Hierarchies.fromMounts(CgroupMount.parseMountinfo(mountinfo));
        assertEquals(Path.of("/sys/fs/cgroup/memory"), h.mount("memory").orElseThrow());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), h.mount("cpuacct").orElseThrow());
        assertEquals(List.of(Path.of("/sys/fs/cgroup/cpu,cpuacct"), Path.of("/sys/fs/cgroup/memory"),
                Path.of("/sys/fs/cgroup/systemd"), Path.of("/sys/fs/cgroup/unified")), h.all());
    }

    @Test
    void destroyRemovesEveryHierarchyAndIsIdempotent() throws Exception {
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.LEGACY, tmp, "gone/x");
        for (String h : HIERARCHIES) {
            Files.createDirectories(tmp.resolve(h + "/gone/x/child"));
        }
        assertTrue(m.exists());
        m.destroy();
        assertFalse(m.exists());
        for (String h : HIERARCHIES) {
            assertTrue(fs.exists(h + "/gone"), h);
        }
        m.destroy();
    }
}
