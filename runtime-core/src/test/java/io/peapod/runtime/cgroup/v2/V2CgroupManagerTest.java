package io.peapod.runtime.cgroup.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.cgroup.BlkioThrottle;
import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupLayout;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.cgroup.DeviceRate;
import io.peapod.runtime.cgroup.DeviceRule;
import io.peapod.runtime.cgroup.DeviceWeight;
import io.peapod.runtime.cgroup.FakeCgroupFs;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V2CgroupManagerTest {
    private static final String LEAF = "peapod/abc";
    private static final String[] LEAF_FILES = {"cgroup.procs", "memory.max", "memory.swap.max", "memory.low",
        "cpu.weight", "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "hugetlb.2MB.max",
        "io.weight", "io.max", "memory.high"};

    @TempDir
    Path tmp;
    FakeCgroupFs fs;

    @BeforeEach
    void layout() {
        fs = new FakeCgroupFs(tmp)
                .file("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc")
                .file("cgroup.subtree_control", "")
                .file("peapod/cgroup.controllers", "cpuset cpu io memory hugetlb pids")
                .file("peapod/cgroup.subtree_control", "memory pids")
                .files(LEAF, LEAF_FILES)
                .file(LEAF + "/cpu.max", "max 100000");
    }

    private CgroupManager manager() {
        return CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, LEAF);
    }

    /** A Syscalls that answers the bpf(2) calls from {@code answers} and records each call by name. */
    private static Syscalls bpfOnly(List<String> calls, java.util.function.Function<String, Object> answers) {
        return (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class},
                (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? "" : Arrays.toString(args).replaceAll("\\[B@\\w+",
                            "<program>")));
                    Object answer = answers.apply(method.getName());
                    if (answer instanceof RuntimeException e) {
                        throw e;
                    }
                    return answer;
                });
    }

    @Test
    void deviceRulesAttachOneProgramAndDetachThePreviousOnes() {
        List<String> calls = new ArrayList<>();
        Syscalls sys = bpfOnly(calls, name -> switch (name) {
            case "openDirectory" -> 40;
            case "bpfProgQuery" -> new int[] {7};
            case "bpfLoadDeviceProgram" -> 41;
            case "bpfProgGetFdById" -> 42;
            default -> null;
        });
        new V2CgroupManager(tmp, LEAF, () -> sys).create(CgroupResources.builder()
                .devices(List.of(DeviceRule.all(false), new DeviceRule(true, 'c', 1, 3, DeviceRule.ALL_ACCESS)))
                .build());
        assertEquals(List.of("openDirectory[" + tmp.resolve(LEAF) + "]", "bpfProgQuery[40, 6]",
                "bpfLoadDeviceProgram[<program>, peapod_devices]", "bpfProgAttach[40, 41, 6, 2]", "close[41]",
                "bpfProgGetFdById[7]", "bpfProgDetach[40, 42, 6]", "close[42]", "close[40]"), calls);
    }

    @Test
    void aRefusedProgramNamesTheCgroupAndTheKernelsReason() {
        List<String> calls = new ArrayList<>();
        Syscalls sys = bpfOnly(calls, name -> switch (name) {
            case "openDirectory" -> 40;
            case "bpfProgQuery" -> new int[0];
            case "bpfLoadDeviceProgram" -> new SyscallException("bpf", 1, "Operation not permitted", "BPF_PROG_LOAD",
                    "BPF_PROG_TYPE_CGROUP_DEVICE", "12 instructions");
            default -> null;
        });
        CgroupException e = assertThrows(CgroupException.class, () -> new V2CgroupManager(tmp, LEAF, () -> sys)
                .create(CgroupResources.builder().devices(List.of(DeviceRule.all(false))).build()));
        assertEquals("cgroup " + tmp.resolve(LEAF) + ": cannot enforce the device rules: the kernel refused their"
                + " BPF program (BPF_PROG_TYPE_CGROUP_DEVICE needs CONFIG_CGROUP_BPF and CAP_SYS_ADMIN or"
                + " CAP_BPF): bpf(\"BPF_PROG_LOAD\", \"BPF_PROG_TYPE_CGROUP_DEVICE\", \"12 instructions\") failed:"
                + " EPERM (Operation not permitted)", e.getMessage());
        assertEquals("close[40]", calls.get(calls.size() - 1), "the cgroup's fd is closed");
    }

    @Test
    void createWritesEveryResource() {
        manager().create(CgroupResources.builder()
                .memoryLimit(64L << 20).memorySwap(96L << 20).memoryReservation(32L << 20)
                .cpuShares(1024L).cpuQuota(50_000L).cpuPeriod(100_000L).cpuBurst(1000L).cpuIdle(true)
                .cpusetCpus("0-1").cpusetMems("0").pidsLimit(100L)
                .hugepageLimits(Map.of("2MB", 4L << 20))
                .blkioWeight(500)
                .blkioThrottle(new BlkioThrottle(List.of(new DeviceRate(8, 0, 1_048_576)), null,
                        List.of(new DeviceRate(8, 0, 100)), List.of(new DeviceRate(8, 0, 0))))
                .unified(Map.of("memory.high", "50000000"))
                .build());
        assertEquals("67108864", fs.read(LEAF + "/memory.max"));
        assertEquals("33554432", fs.read(LEAF + "/memory.swap.max"));
        assertEquals("33554432", fs.read(LEAF + "/memory.low"));
        assertEquals("39", fs.read(LEAF + "/cpu.weight"));
        assertEquals("50000 100000", fs.read(LEAF + "/cpu.max"));
        assertEquals("1000", fs.read(LEAF + "/cpu.max.burst"));
        assertEquals("1", fs.read(LEAF + "/cpu.idle"));
        assertEquals("0-1", fs.read(LEAF + "/cpuset.cpus"));
        assertEquals("0", fs.read(LEAF + "/cpuset.mems"));
        assertEquals("100", fs.read(LEAF + "/pids.max"));
        assertEquals("4194304", fs.read(LEAF + "/hugetlb.2MB.max"));
        assertEquals("default 4950", fs.read(LEAF + "/io.weight"));
        assertEquals("8:0 rbps=1048576 riops=100 wiops=max", fs.read(LEAF + "/io.max"));
        assertEquals("50000000", fs.read(LEAF + "/memory.high"));
        // Controllers are enabled top-down: what the limits need, plus the stats controllers on offer.
        assertEquals("+cpuset +memory +cpu +pids +hugetlb +io", fs.read("cgroup.subtree_control"));
        assertEquals("+cpuset +cpu +hugetlb +io", fs.read("peapod/cgroup.subtree_control"));
    }

    @Test
    void unlimitedValuesUseMax() {
        manager().create(CgroupResources.builder().memoryLimit(-1L).memorySwap(-1L).cpuQuota(-1L).pidsLimit(-1L)
                .hugepageLimits(Map.of("2MB", -1L)).build());
        assertEquals("max", fs.read(LEAF + "/memory.max"));
        assertEquals("max", fs.read(LEAF + "/memory.swap.max"));
        assertEquals("max", fs.read(LEAF + "/cpu.max"));
        assertEquals("max", fs.read(LEAF + "/pids.max"));
        assertEquals("max", fs.read(LEAF + "/hugetlb.2MB.max"));
    }

    @Test
    void periodAloneKeepsTheCurrentQuota() {
        fs.file(LEAF + "/cpu.max", "20000 100000\n");
        manager().update(CgroupResources.builder().cpuPeriod(50_000L).build());
        assertEquals("20000 50000", fs.read(LEAF + "/cpu.max"));
        manager().update(CgroupResources.builder().cpuQuota(30_000L).build());
        assertEquals("30000", fs.read(LEAF + "/cpu.max"));
    }

    @Test
    void bfqWeightTakesBlkioScaleAndDeviceWeights() {
        fs.file(LEAF + "/io.bfq.weight", "default 100");
        manager().update(CgroupResources.builder().blkioWeight(300).build());
        assertEquals("300", fs.read(LEAF + "/io.bfq.weight"));
        manager().update(CgroupResources.builder().blkioWeightDevices(List.of(new DeviceWeight(8, 16, 200))).build());
        assertEquals("8:16 200", fs.read(LEAF + "/io.bfq.weight"));
    }

    @Test
    void conversions() {
        assertEquals(1, CpuController.sharesToWeight(2));
        assertEquals(39, CpuController.sharesToWeight(1024));
        assertEquals(10000, CpuController.sharesToWeight(262144));
        assertEquals(1, IoController.blkioToIoWeight(10));
        assertEquals(4950, IoController.blkioToIoWeight(500));
        assertEquals(10000, IoController.blkioToIoWeight(1000));
        assertEquals("max", MemoryController.swapMax(100L, -1L));
        assertEquals("0", MemoryController.swapMax(100L, 100L));
        assertEquals(null, MemoryController.swapMax(100L, null));
        assertEquals("memory+swap limit 200 needs a memory limit on cgroup v2 (got null)",
                assertThrows(CgroupException.class, () -> MemoryController.swapMax(null, 200L)).getMessage());
        assertEquals(List.of("8:0 rbps=10 wbps=20", "8:16 wiops=max"), IoController.ioMaxLines(new BlkioThrottle(
                List.of(new DeviceRate(8, 0, 10)), List.of(new DeviceRate(8, 0, 20)), null,
                List.of(new DeviceRate(8, 16, 0)))));
    }

    @Test
    void missingControllerInAncestorIsNamedAndNothingIsLeftBehind() {
        fs.file("cgroup.controllers", "cpu memory pids");
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, "other/abc");
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.create(CgroupResources.builder().hugepageLimits(Map.of("2MB", 1L << 21)).build()));
        assertEquals("cgroup v2 controller hugetlb is not available in " + tmp
                + " (cgroup.controllers lists: cpu memory pids)", e.getMessage());
        assertFalse(fs.exists("other"));
    }

    @Test
    void failedWriteRemovesTheDirectoriesCreateMade() {
        fs.file("fresh/cgroup.controllers", "cpu memory pids").file("fresh/cgroup.subtree_control", "");
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, "fresh/new");
        // The fake does not populate new directories, so memory.max is missing: the write fails like a kernel
        // refusal would, after mkdir.
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.create(CgroupResources.builder().memoryLimit(1L << 20).build()));
        assertTrue(e.getMessage().startsWith("cannot write '1048576' to " + tmp.resolve("fresh/new/memory.max")),
                e.getMessage());
        assertFalse(fs.exists("fresh/new"));
        assertTrue(fs.exists("fresh/cgroup.controllers"));
    }

    @Test
    void unifiedKeyWithoutFileIsRefused() {
        CgroupException e = assertThrows(CgroupException.class, () -> manager().create(
                CgroupResources.builder().unified(Map.of("memory.oom.group", "1")).build()));
        assertTrue(e.getMessage().startsWith("unified cgroup key memory.oom.group cannot be set"), e.getMessage());
    }

    @Test
    void unsupportedOnV2() {
        assertThrows(CgroupException.class, () -> manager().create(
                CgroupResources.builder().disableOomKiller(true).build()));
        assertThrows(CgroupException.class, () -> manager().create(
                CgroupResources.builder().cpuRealtimeRuntime(1000L).build()));
        assertThrows(IllegalArgumentException.class, () -> CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, "../x"));
    }

    @Test
    void updateOfMissingCgroupFails() {
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, "peapod/none");
        assertFalse(m.exists());
        assertEquals("cgroup peapod/none does not exist under " + tmp, assertThrows(CgroupException.class,
                () -> m.update(CgroupResources.builder().pidsLimit(1L).build())).getMessage());
    }

    @Test
    void processesAndFreezerFiles() {
        CgroupManager m = manager();
        assertEquals(List.of(tmp.resolve(LEAF + "/cgroup.procs")), m.procsFiles());
        m.addProcess(1234);
        assertEquals("1234", fs.read(LEAF + "/cgroup.procs"));
        assertEquals(Set.of(1234), m.pids());
        fs.file(LEAF + "/cgroup.events", "populated 1\nfrozen 1\n");
        assertTrue(m.isFrozen());
        fs.file(LEAF + "/cgroup.events", "populated 1\nfrozen 0\n");
        assertFalse(m.isFrozen());
    }

    @Test
    void freezeWritesCgroupFreezeAndWaitsForTheEvent() {
        fs.files(LEAF, "cgroup.freeze").file(LEAF + "/cgroup.events", "populated 0\nfrozen 1\n");
        manager().freeze(); // the fake already reports frozen
        assertEquals("1", fs.read(LEAF + "/cgroup.freeze"));
        fs.file(LEAF + "/cgroup.events", "populated 0\nfrozen 0\n");
        manager().thaw();
        assertEquals("0", fs.read(LEAF + "/cgroup.freeze"));
    }

    @Test
    void operationsOnAMissingCgroupSaySo() {
        CgroupManager m = CgroupManagers.forPath(CgroupLayout.UNIFIED, tmp, "peapod/none");
        String expected = "cgroup peapod/none does not exist under " + tmp;
        assertEquals(expected, assertThrows(CgroupException.class, m::freeze).getMessage());
        assertEquals(expected, assertThrows(CgroupException.class, m::stats).getMessage());
        assertEquals(expected, assertThrows(CgroupException.class, m::oomKillCount).getMessage());
        assertEquals(Set.of(), m.pids());
        m.destroy();
    }

    @Test
    void statsFromInterfaceFiles() {
        fs.file(LEAF + "/cpu.stat", "usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\nnr_periods 10\n"
                        + "nr_throttled 4\nthrottled_usec 500\n")
                .file(LEAF + "/memory.current", "1000000\n")
                .file(LEAF + "/memory.max", "2000000\n")
                .file(LEAF + "/memory.stat", "anon 600000\nfile 300000\ninactive_file 250000\npgfault 77\n"
                        + "pgmajfault 3\n")
                .file(LEAF + "/memory.swap.current", "4096\n")
                .file(LEAF + "/memory.events", "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n")
                .file(LEAF + "/pids.current", "3\n")
                .file(LEAF + "/pids.max", "max\n")
                .file(LEAF + "/hugetlb.2MB.current", "2097152\n")
                .file(LEAF + "/hugetlb.1GB.current", "0\n");
        CgroupStats s = manager().stats();
        assertEquals(3_000_000, s.cpuUsageNanos());
        assertEquals(2_000_000, s.cpuUserNanos());
        assertEquals(1_000_000, s.cpuSystemNanos());
        assertEquals(10, s.cpuPeriods());
        assertEquals(4, s.cpuThrottledPeriods());
        assertEquals(500_000, s.cpuThrottledTimeNanos());
        assertEquals(1_000_000, s.memoryUsage());
        assertEquals(2_000_000, s.memoryLimit());
        assertEquals(750_000, s.memoryWorkingSet());
        assertEquals(600_000, s.memoryRss());
        assertEquals(300_000, s.memoryCache());
        assertEquals(77, s.pageFaults());
        assertEquals(3, s.majorPageFaults());
        assertEquals(4096, s.swapUsage());
        assertEquals(3, s.pidsCurrent());
        assertEquals(-1, s.pidsLimit());
        assertEquals(2, s.oomKills());
        assertEquals(Map.of("2MB", 2097152L, "1GB", 0L), s.hugetlbUsage());
        assertEquals(2, manager().oomKillCount());
    }
}
