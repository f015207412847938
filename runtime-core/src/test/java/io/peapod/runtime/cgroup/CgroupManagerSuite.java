package io.peapod.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CgroupManager} shows against the real kernel. Root ITs extend it, supply the
 * manager and check their requirements (skipping with a reason) in a {@code @BeforeAll}.
 */
public abstract class CgroupManagerSuite {
    protected static final String BUSYBOX = "/bin/busybox";

    protected String top;
    protected CgroupManager cgroup;
    private final List<Process> processes = new ArrayList<>();

    /** A manager for {@code path} in the hierarchy under test. */
    protected abstract CgroupManager manager(String path);

    protected static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }

    @BeforeEach
    void names() {
        top = "peapod-test-" + UUID.randomUUID().toString().substring(0, 8);
        cgroup = manager(top + "/c1");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        CgroupManager all = manager(top);
        try {
            if (all.exists()) {
                if (cgroup.exists() && cgroup.isFrozen()) {
                    cgroup.thaw();
                }
                all.killAll(CgroupSignals.SIGKILL);
            }
        } finally {
            all.destroy();
        }
        assertFalse(all.exists(), "cleanup left " + top + " behind");
    }

    /** A busybox shell that waits for a line on stdin before running {@code script}, so it can be moved first. */
    protected Process held(String script) throws IOException {
        Process p = new ProcessBuilder(BUSYBOX, "sh", "-c", "read go; " + script).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    protected static void release(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write('\n');
        in.flush();
    }

    /** utime + stime in clock ticks, from /proc/PID/stat (fields 14 and 15; comm may hold spaces). */
    protected static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    protected static String state(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/status")).lines().filter(l -> l.startsWith("State:"))
                .findFirst().orElseThrow().substring(6).trim();
    }

    protected void awaitPids(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<Integer> pids = cgroup.pids();
        while (pids.size() != count && System.nanoTime() < deadline) {
            Thread.sleep(10);
            pids = cgroup.pids();
        }
        assertEquals(count, pids.size(), "pids " + pids);
    }

    @Test
    void processIsListedAndLeavesWhenItExits() throws Exception {
        cgroup.create(CgroupResources.none());
        assertTrue(cgroup.exists());
        Process p = held("exit 0");
        cgroup.addProcess((int) p.pid());
        assertEquals(Set.of((int) p.pid()), cgroup.pids());
        release(p);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(Set.of(), cgroup.pids());
    }

    @Test
    void pidsIncludeDescendantCgroups() throws Exception {
        cgroup.create(CgroupResources.none());
        CgroupManager child = manager(top + "/c1/inner");
        child.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        child.addProcess((int) p.pid());
        assertEquals(Set.of((int) p.pid()), cgroup.pids());
        cgroup.killAll(CgroupSignals.SIGKILL);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        cgroup.destroy();
        assertFalse(child.exists());
    }

    @Test
    void freezeStopsTheProcessAndThawResumesIt() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("while :; do :; done");
        cgroup.addProcess((int) p.pid());
        release(p);
        assertFalse(cgroup.isFrozen());
        cgroup.freeze();
        assertTrue(cgroup.isFrozen());
        long before = cpuTicks(p.pid());
        Thread.sleep(300);
        assertEquals(before, cpuTicks(p.pid()), "a frozen task used CPU");
        cgroup.thaw();
        assertFalse(cgroup.isFrozen());
        Thread.sleep(300);
        assertTrue(cpuTicks(p.pid()) > before, "a thawed task used no CPU");
        assertTrue(state(p.pid()).startsWith("R"), state(p.pid()));
    }

    @Test
    void killAllKillsForkedChildren() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held(BUSYBOX + " sleep 30 & " + BUSYBOX + " sleep 30 & " + BUSYBOX + " sleep 30 & wait");
        cgroup.addProcess((int) p.pid());
        release(p);
        awaitPids(4);
        cgroup.killAll(CgroupSignals.SIGKILL);
        assertTrue(cgroup.pids().isEmpty());
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
        assertFalse(cgroup.isFrozen(), "killAll must leave the cgroup thawed");
    }

    @Test
    void killAllWithOtherSignalsSignalsOnce() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("trap 'echo got-term; exit 3' TERM; while :; do " + BUSYBOX + " sleep 1; done");
        cgroup.addProcess((int) p.pid());
        release(p);
        awaitPids(2);
        cgroup.killAll(15);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
    }

    @Test
    void statsCountCpuTime() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done");
        cgroup.addProcess((int) p.pid());
        release(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        CgroupStats s = cgroup.stats();
        assertTrue(s.cpuUsageNanos() > 0, s.toString());
        assertTrue(s.cpuUserNanos() > 0, s.toString());
    }

    @Test
    void destroyRemovesEverythingRightAfterTheProcessDies() throws Exception {
        cgroup.create(CgroupResources.none());
        Process p = held("exec " + BUSYBOX + " sleep 30");
        cgroup.addProcess((int) p.pid());
        manager(top + "/c1/nested").create(CgroupResources.none());
        p.destroyForcibly(); // no waitFor: the task may still be exiting
        cgroup.destroy();
        assertFalse(cgroup.exists());
        for (Path procs : cgroup.procsFiles()) {
            assertFalse(Files.exists(procs.getParent()), procs.getParent() + " left behind");
        }
        cgroup.destroy(); // idempotent
        assertThrows(CgroupException.class, () -> cgroup.stats());
    }

    /**
     * Moves a shell into the cgroup that opens /dev/null for reading, then for writing, and returns what it
     * saw, e.g. {@code read:ok write:refused}.
     */
    protected String probeDevNull() throws Exception {
        // subshells: a failed redirection of the special builtin ':' ends a non-interactive shell
        Process p = held("r=refused; w=refused; (: < /dev/null) && r=ok; (: > /dev/null) && w=ok;"
                + " echo read:$r write:$w");
        cgroup.addProcess((int) p.pid());
        release(p);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "probe did not finish");
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    protected static CgroupResources devices(DeviceRule... rules) {
        return CgroupResources.builder().devices(List.of(rules)).build();
    }

    /** Whether the hierarchy under test can enforce device rules; a reason to skip otherwise. */
    protected String devicesUnsupported() {
        return null;
    }

    @Test
    void deviceRulesDecideWhetherDevNullOpens() throws Exception {
        assumeTrue(devicesUnsupported() == null, devicesUnsupported());
        DeviceRule denyAll = DeviceRule.all(false);
        cgroup.create(devices(denyAll, new DeviceRule(true, 'c', 1, 3, DeviceRule.READ)));
        assertEquals("read:ok write:refused", probeDevNull());
        cgroup.update(devices(denyAll, new DeviceRule(true, 'c', 1, DeviceRule.WILDCARD, DeviceRule.ALL_ACCESS)));
        assertEquals("read:ok write:ok", probeDevNull());
        // the last rule for a device wins over an earlier one for the same device
        cgroup.update(devices(denyAll, new DeviceRule(true, 'c', 1, 3, DeviceRule.ALL_ACCESS),
                new DeviceRule(false, 'c', 1, 3, DeviceRule.WRITE)));
        assertEquals("read:ok write:refused", probeDevNull());
        cgroup.update(devices(denyAll));
        assertEquals("read:refused write:refused", probeDevNull());
        cgroup.update(devices(DeviceRule.all(true)));
        assertEquals("read:ok write:ok", probeDevNull());
        cgroup.update(devices(new DeviceRule(false, 'c', 1, 3, DeviceRule.WRITE)));
        assertEquals("read:ok write:refused", probeDevNull());
    }

    @Test
    void createReusesAnExistingCgroupAndUpdateNeedsOne() {
        assertThrows(CgroupException.class, () -> cgroup.update(CgroupResources.none()));
        cgroup.create(CgroupResources.none());
        cgroup.create(CgroupResources.none());
        cgroup.update(CgroupResources.none());
        assertTrue(cgroup.exists());
    }
}
