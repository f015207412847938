package io.peapod.runtime.cgroup.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupLayout;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupManagerSuite;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupSignals;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.cgroup.DefaultDeviceRules;
import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the machine's real v1 hierarchies (legacy or hybrid layout), through {@link CgroupManagers}. */
class V1CgroupManagerIT extends CgroupManagerSuite {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    @BeforeAll
    static void requirements() throws IOException {
        assumeTrue(isRoot(), "needs root to create cgroups");
        assumeTrue(CgroupManagers.layout() != CgroupLayout.UNIFIED,
                "needs cgroup v1 hierarchies; this machine is " + CgroupManagers.layout());
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX + " (busybox-static)");
        for (String c : new String[] {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer"}) {
            assumeTrue(Files.isDirectory(ROOT.resolve(c)), "needs the v1 " + c + " controller at " + ROOT.resolve(c));
        }
    }

    @Override
    protected CgroupManager manager(String path) {
        CgroupManager m = CgroupManagers.forPath(path);
        assertTrue(m instanceof V1CgroupManager, "forPath gave " + m + " on a v1 host");
        return m;
    }

    @Override
    protected String devicesUnsupported() {
        return Files.isDirectory(ROOT.resolve("devices")) ? null : "needs the v1 devices controller at "
                + ROOT.resolve("devices");
    }

    /**
     * The rules written verbatim, one line each as runc once did, leave in the kernel exactly the exceptions
     * DevicePolicy computes, in the same order; the cases are the ones where per-key semantics differ from
     * "last matching rule wins".
     */
    @Test
    void kernelKeepsTheExceptionsDevicePolicyComputes() throws Exception {
        assumeTrue(devicesUnsupported() == null, devicesUnsupported());
        DeviceRule denyAll = DeviceRule.all(false);
        List<List<DeviceRule>> cases = List.of(
                // a narrower deny does not punch a hole into a wildcard allow
                List.of(denyAll, rule(true, 'c', -1, -1, "rwm"), rule(false, 'c', 1, 3, "w")),
                // the same key merges and loses bits
                List.of(denyAll, rule(true, 'c', 1, 3, "r"), rule(true, 'c', 1, 3, "w"), rule(true, 'b', 8, -1, "m"),
                        rule(false, 'c', 1, 3, "r")),
                // a removed exception comes back at the end of the list
                List.of(denyAll, rule(true, 'c', 1, 3, "rwm"), rule(true, 'c', 1, 5, "rwm"),
                        rule(false, 'c', 1, 3, "rwm"), rule(true, 'c', 1, 3, "r")),
                DefaultDeviceRules.RULES);
        for (List<DeviceRule> rules : cases) {
            CgroupManager m = manager(top + "/k" + cases.indexOf(rules));
            m.create(CgroupResources.none());
            Path dir = ROOT.resolve("devices").resolve(m.path());
            for (DeviceRule r : rules) {
                Files.writeString(dir.resolve(r.allow() ? "devices.allow" : "devices.deny"), r.v1Line());
            }
            assertEquals(DevicePolicy.of(rules), DevicePolicy.fromV1List(Files.readString(dir.resolve("devices.list"))),
                    "rules " + rules);
        }
    }

    /** Through the manager: a new cgroup gets runc's lines, and devices.list then lists the default devices. */
    @Test
    void defaultRulesReachDevicesList() throws Exception {
        assumeTrue(devicesUnsupported() == null, devicesUnsupported());
        cgroup.create(CgroupResources.builder().devices(DefaultDeviceRules.RULES).build());
        assertEquals(String.join("\n", "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
                "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"), kernel("devices", "devices.list"));
    }

    private static DeviceRule rule(boolean allow, char type, long major, long minor, String access) {
        return new DeviceRule(allow, type, major, minor, DeviceRule.parseAccess(access));
    }

    private String kernel(String controller, String file) throws IOException {
        return Files.readString(ROOT.resolve(controller).resolve(cgroup.path()).resolve(file)).trim();
    }

    @Test
    void limitsReachTheKernelFilesAndSwapOrderWorksBothWays() throws Exception {
        cgroup.create(CgroupResources.builder().memoryLimit(64L << 20).memorySwap(96L << 20)
                .cpuShares(512L).cpuQuota(50_000L).cpuPeriod(100_000L).pidsLimit(20L)
                .cpusetCpus("0").cpusetMems("0").build());
        assertEquals(Long.toString(64L << 20), kernel("memory", "memory.limit_in_bytes"));
        assertEquals(Long.toString(96L << 20), kernel("memory", "memory.memsw.limit_in_bytes"));
        assertEquals("512", kernel("cpu", "cpu.shares"));
        assertEquals("50000", kernel("cpu", "cpu.cfs_quota_us"));
        assertEquals("100000", kernel("cpu", "cpu.cfs_period_us"));
        assertEquals("20", kernel("pids", "pids.max"));
        assertEquals("0", kernel("cpuset", "cpuset.cpus"));
        assertEquals("0", kernel("cpuset", "cpuset.mems"));
        for (Path procs : cgroup.procsFiles()) {
            assertTrue(Files.exists(procs), procs + " missing");
        }

        // Raising both needs memsw first; lowering both needs the limit first. Either order alone fails.
        cgroup.update(CgroupResources.builder().memoryLimit(128L << 20).memorySwap(256L << 20).build());
        assertEquals(Long.toString(128L << 20), kernel("memory", "memory.limit_in_bytes"));
        assertEquals(Long.toString(256L << 20), kernel("memory", "memory.memsw.limit_in_bytes"));
        cgroup.update(CgroupResources.builder().memoryLimit(32L << 20).memorySwap(32L << 20).build());
        assertEquals(Long.toString(32L << 20), kernel("memory", "memory.limit_in_bytes"));
        assertEquals(Long.toString(32L << 20), kernel("memory", "memory.memsw.limit_in_bytes"));
        cgroup.update(CgroupResources.builder().memoryLimit(-1L).memorySwap(-1L).cpuQuota(-1L).pidsLimit(-1L)
                .build());
        assertEquals(-1, cgroup.stats().memoryLimit());
        assertEquals("-1", kernel("cpu", "cpu.cfs_quota_us"));
        assertEquals("max", kernel("pids", "pids.max"));
    }

    @Test
    void processJoinsEveryHierarchy() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        String membership = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
        assertTrue(membership.contains(":name=systemd:/" + cgroup.path() + "\n"), membership);
        for (String line : membership.split("\n")) {
            assertTrue(line.endsWith(":/" + cgroup.path()), "process not moved in hierarchy " + line);
        }
    }

    @Test
    void oomKillerKillsAProcessAboveTheLimit() throws Exception {
        cgroup.create(CgroupResources.builder().memoryLimit(32L << 20).memorySwap(32L << 20).build());
        assertEquals(0, cgroup.oomKillCount());
        // awk doubles a string until it no longer fits in 32 MiB.
        Process p = held(BUSYBOX + " awk 'BEGIN { s = \"x\"; for (i = 0; i < 30; i++) s = s s; print length(s) }'");
        cgroup.addProcess((int) p.pid());
        release(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "memory hog did not end");
        assertTrue(cgroup.oomKillCount() > 0, "oom_kill counter still 0; exit " + p.exitValue());
        assertEquals(cgroup.oomKillCount(), cgroup.stats().oomKills());
        assertNotEquals(0, p.exitValue());
    }

    @Test
    void forkLoopStopsAtThePidsLimit() throws Exception {
        cgroup.create(CgroupResources.builder().pidsLimit(5L).build());
        // The shell may give up at the first failed fork or go on failing; either way it ends without waiting
        // and leaves the sleeps that did start.
        Process p = held("i=0; while [ $i -lt 20 ]; do " + BUSYBOX + " sleep 30 & i=$((i+1)); done");
        cgroup.addProcess((int) p.pid());
        release(p);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "fork loop did not end");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("can't fork"), "no fork failure reported: " + output);
        assertEquals(4, cgroup.pids().size(), "the shell used 4 of 5 pids for children: " + cgroup.pids());
        assertTrue(Long.parseLong(kernel("pids", "pids.events").split("\\s+")[1]) > 0, "pids.events max");
        cgroup.killAll(CgroupSignals.SIGKILL);
        assertTrue(cgroup.pids().isEmpty());
    }

    @Test
    void frozenTasksAreInUninterruptibleSleep() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("while :; do :; done");
        cgroup.addProcess((int) p.pid());
        release(p);
        cgroup.freeze();
        assertEquals("FROZEN", kernel("freezer", "freezer.state"));
        assertTrue(state(p.pid()).startsWith("D"), "frozen task reports " + state(p.pid()));
        cgroup.thaw();
        assertEquals("THAWED", kernel("freezer", "freezer.state"));
    }

    @Test
    void memoryStatsWhileAProcessHoldsMemory() throws Exception {
        cgroup.create(CgroupResources.builder().memoryLimit(256L << 20).pidsLimit(10L).build());
        // 4 MiB string plus some CPU work, then wait with the memory held.
        Process p = held("exec " + BUSYBOX + " awk 'BEGIN { s = \"x\"; for (i = 0; i < 22; i++) s = s s;"
                + " for (i = 0; i < 300000; i++) t += i; print \"ready\"; fflush(); getline l; print length(s) }'");
        cgroup.addProcess((int) p.pid());
        release(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        CgroupStats s = cgroup.stats();
        assertTrue(s.cpuUsageNanos() > 0, s.toString());
        assertTrue(s.memoryUsage() >= 4L << 20, s.toString());
        assertTrue(s.memoryRss() >= 4L << 20, s.toString());
        assertTrue(s.memoryWorkingSet() > 0 && s.memoryWorkingSet() <= s.memoryUsage(), s.toString());
        assertTrue(s.pageFaults() > 0, s.toString());
        assertEquals(256L << 20, s.memoryLimit());
        assertEquals(1, s.pidsCurrent());
        assertEquals(10, s.pidsLimit());
        assertEquals(0, s.oomKills());
        release(p);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void failedCreateLeavesNothingBehind() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> cgroup.create(CgroupResources.builder().cpusetCpus("1023").build()));
        assertTrue(e.getMessage().contains("cpuset.cpus"), e.getMessage());
        assertFalse(cgroup.exists());
        assertFalse(manager(top).exists(), "the parent created for it is gone too");
    }

    @Test
    void unifiedKeysAndMissingControllersAreRefusedBeforeAnythingIsCreated() {
        assertThrows(CgroupException.class, () -> cgroup.create(
                CgroupResources.builder().unified(Map.of("memory.high", "1000000")).build()));
        assertFalse(cgroup.exists());
        assumeTrue(!Files.isDirectory(ROOT.resolve("hugetlb")), "hugetlb is mounted here");
        CgroupException e = assertThrows(CgroupException.class, () -> cgroup.create(
                CgroupResources.builder().hugepageLimits(Map.of("2MB", 2L << 20)).build()));
        assertTrue(e.getMessage().contains("controller hugetlb"), e.getMessage());
        assertFalse(cgroup.exists());
    }

    @Test
    void pidsAreReadFromThePidsHierarchy() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        assertEquals(Set.of((int) p.pid()), cgroup.pids());
        assertEquals(Long.toString(p.pid()), kernel("pids", "cgroup.procs"));
    }
}
