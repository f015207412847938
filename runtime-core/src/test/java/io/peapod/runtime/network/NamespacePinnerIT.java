package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Pinned namespaces against the real kernel. Needs root and nsenter (util-linux). */
class NamespacePinnerIT {
    @TempDir
    Path tmp;
    private NamespacePinner pinner;

    @BeforeAll
    static void requireRoot() {
        assumeTrue(Sh.isRoot(), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nsenter")), "needs /usr/bin/nsenter");
    }

    @BeforeEach
    void setUp() {
        pinner = new NamespacePinner(tmp.resolve("state"));
    }

    @AfterEach
    void cleanUp() {
        for (NamespaceType type : NamespaceType.values()) {
            pinner.listPins(type).forEach(pinner::unpin);
        }
        pinner.releaseRunDirs();
        assertFalse(Sh.mountinfo().contains(tmp.toString()), "a mount under the test dir survived:\n" + Sh.mountinfo());
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Test
    void pinnedNamespacesAreNewLiveAndUnpinLeavesNothing() throws IOException {
        PinnedNamespaces pins = pinner.pinPod("pod-a", EnumSet.allOf(NamespaceType.class));
        assertEquals(tmp.resolve("state/netns/pod-a"), pins.net());
        assertEquals(tmp.resolve("state/ipcns/pod-a"), pins.ipc());
        assertEquals(tmp.resolve("state/utsns/pod-a"), pins.uts());
        for (NamespaceType type : NamespaceType.values()) {
            Path p = pins.path(type);
            assertTrue(pinner.isPinned(p), p + " is a namespace");
            assertNotEquals(inode(Path.of("/proc/self/ns/" + type.procName())), inode(p), "a new " + type);
            assertTrue(Sh.mountinfo().contains(p.toString()), p + " is mounted");
        }
        assertEquals(List.of(pins.net()), pinner.listPins(NamespaceType.NET));

        String lo = Sh.ok("nsenter", "--net=" + pins.net(), "/bin/busybox", "ip", "link", "show", "lo");
        assertTrue(lo.contains("<LOOPBACK,UP,LOWER_UP>"), lo);
        assertEquals(1, Sh.ok("nsenter", "--net=" + pins.net(), "/bin/busybox", "ip", "-o", "link").strip()
                .lines().count(), "only lo in a new netns");

        pinner.unpinPod(pins);
        for (NamespaceType type : NamespaceType.values()) {
            assertFalse(Files.exists(pins.path(type)));
            assertFalse(Sh.mountinfo().contains(pins.path(type).toString()));
        }
        pinner.unpinPod(pins);
        pinner.unpin(pins.net());
    }

    @Test
    void aSecondPinOfTheSameNameIsRefused() {
        Path first = pinner.pin(NamespaceType.NET, "dup");
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> pinner.pin(NamespaceType.NET, "dup"));
        assertTrue(e.getMessage().contains("dup"), e.getMessage());
        assertTrue(pinner.isPinned(first), "the first pin is untouched");

        Path uts = pinner.pin(NamespaceType.UTS, "half");
        assertThrows(AlreadyExistsException.class, () -> pinner.pinPod("half", EnumSet.allOf(NamespaceType.class)));
        assertFalse(Files.exists(pinner.pinPath(NamespaceType.NET, "half")), "no half-made pod pins");
        assertFalse(Files.exists(pinner.pinPath(NamespaceType.IPC, "half")), "no half-made pod pins");
        assertTrue(pinner.isPinned(uts), "the existing pin is untouched");
    }

    @Test
    void badNamesAndForeignPathsAreRefused() {
        assertThrows(InvalidArgumentException.class, () -> pinner.pin(NamespaceType.NET, "../escape"));
        assertThrows(InvalidArgumentException.class, () -> pinner.pin(NamespaceType.NET, ""));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> pinner.unpin(Path.of("/etc/hosts")));
        assertTrue(e.getMessage().contains("/etc/hosts"), e.getMessage());
        assertTrue(Files.exists(Path.of("/etc/hosts")));
    }

    @Test
    void sysctlsLandInThePodsNamespacesOnly() throws IOException {
        PinnedNamespaces pins = pinner.pinPod("pod-s", EnumSet.allOf(NamespaceType.class));
        String hostPortStart = Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip();
        String hostShmmni = Files.readString(Path.of("/proc/sys/kernel/shmmni")).strip();
        String wantPort = hostPortStart.equals("81") ? "82" : "81";
        String wantShmmni = hostShmmni.equals("1234") ? "1235" : "1234";

        pinner.applySysctls(Map.of("net.ipv4.ip_unprivileged_port_start", wantPort, "kernel.shmmni", wantShmmni,
                "net/ipv4/ping_group_range", "0 2147483647"), pins);

        assertEquals(wantPort, Sh.ok("nsenter", "--net=" + pins.net(), "cat",
                "/proc/sys/net/ipv4/ip_unprivileged_port_start").strip());
        assertEquals(wantShmmni, Sh.ok("nsenter", "--ipc=" + pins.ipc(), "cat", "/proc/sys/kernel/shmmni").strip());
        assertEquals("0\t2147483647", Sh.ok("nsenter", "--net=" + pins.net(), "cat",
                "/proc/sys/net/ipv4/ping_group_range").strip());
        assertEquals(hostPortStart, Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip());
        assertEquals(hostShmmni, Files.readString(Path.of("/proc/sys/kernel/shmmni")).strip());
    }

    @Test
    void sysctlsOutsideThePodsNamespacesAreRefusedBeforeAnyWrite() throws IOException {
        PinnedNamespaces pins = pinner.pinPod("pod-r", EnumSet.of(NamespaceType.NET, NamespaceType.UTS));
        String before = Sh.ok("nsenter", "--net=" + pins.net(), "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start");

        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> pinner.applySysctls(Map.of("vm.swappiness", "10"), pins));
        assertTrue(e.getMessage().contains("vm.swappiness"), e.getMessage());

        assertNull(pins.ipc());
        e = assertThrows(InvalidArgumentException.class, () -> pinner.applySysctls(
                Map.of("net.ipv4.ip_unprivileged_port_start", "99", "kernel.shmmax", "1"), pins));
        assertTrue(e.getMessage().contains("kernel.shmmax") && e.getMessage().contains("host"), e.getMessage());
        assertEquals(before, Sh.ok("nsenter", "--net=" + pins.net(), "cat",
                "/proc/sys/net/ipv4/ip_unprivileged_port_start"), "nothing written");

        e = assertThrows(InvalidArgumentException.class,
                () -> pinner.applySysctls(Map.of("net.ipv4.no_such_knob", "1"), pins));
        assertTrue(e.getMessage().contains("unknown sysctl net.ipv4.no_such_knob"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> pinner.applySysctls(Map.of("net.ipv4.ip_unprivileged_port_start", "many"), pins));
        assertTrue(e.getMessage().contains("\"many\""), e.getMessage());
    }

    @Test
    void hostnameIsSetInThePinnedUtsNamespace() throws IOException {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Path uts = pinner.pin(NamespaceType.UTS, "pod-h");
        pinner.setHostname(uts, "web-0.peapod");
        assertEquals("web-0.peapod", Sh.ok("nsenter", "--uts=" + uts, "cat", "/proc/sys/kernel/hostname").strip());
        assertEquals(host, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        assertThrows(InvalidArgumentException.class, () -> pinner.setHostname(uts, "bad host"));
        assertThrows(InvalidArgumentException.class, () -> pinner.setHostname(uts, "x".repeat(65)));
    }

    @Test
    void loopbackPluginBringsLoUpAndReportsLoopbackOnly() {
        Path net = pinner.pin(NamespaceType.NET, "pod-l");
        Sh.ok("nsenter", "--net=" + net, "/bin/busybox", "ip", "link", "set", "lo", "down");
        LoopbackNetworkPlugin plugin = new LoopbackNetworkPlugin(pinner);
        PodNetworkStatus status = plugin.setUp(PodNetworkRequest.of("sb-l", "l", "default", "u", net));
        assertTrue(status.loopbackOnly());
        assertTrue(status.ips().isEmpty());
        String lo = Sh.ok("nsenter", "--net=" + net, "/bin/busybox", "ip", "link", "show", "lo");
        assertTrue(lo.contains("UP"), lo);
        plugin.check(PodNetworkRequest.of("sb-l", "l", "default", "u", net));
        plugin.tearDown(PodNetworkRequest.of("sb-l", "l", "default", "u", net));
        assertTrue(plugin.status().ready());
    }

    @Test
    void pinsFromManyThreadsAtOnceAreDistinctAndAllGoAway() throws Exception {
        int pods = 40;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            String name = "par-" + i;
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                PinnedNamespaces p = pinner.pinPod(name, EnumSet.allOf(NamespaceType.class));
                long t1 = System.nanoTime();
                return new long[] {t1 - t0, inode(p.net()), inode(p.ipc()), inode(p.uts())};
            }));
        }
        List<Long> micros = new ArrayList<>();
        Set<Long> inodes = new HashSet<>();
        for (Future<long[]> f : futures) {
            long[] r = f.get(60, TimeUnit.SECONDS);
            micros.add(r[0] / 1000);
            inodes.add(r[1]);
            inodes.add(r[2]);
            inodes.add(r[3]);
        }
        pool.shutdown();
        assertEquals(3 * pods, inodes.size(), "every pin is its own namespace");
        Collections.sort(micros);
        LoggerFactory.getLogger(NamespacePinnerIT.class).info("pinning net+ipc+uts, 10 at a time: median {} us, max {} us",
                micros.get(pods / 2), micros.get(pods - 1));
        for (NamespaceType type : NamespaceType.values()) {
            assertEquals(pods, pinner.listPins(type).size());
            pinner.listPins(type).forEach(pinner::unpin);
            assertEquals(List.of(), pinner.listPins(type));
        }
        assertFalse(Sh.mountinfo().contains(tmp.resolve("state/netns/par-").toString()));
    }

    @Test
    void otherMountNamespacesSeeLaterPinsAndLoseUnpinnedOnes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs /usr/bin/unshare");
        Path early = pinner.pin(NamespaceType.NET, "pod-early");
        // a mount namespace made now, sharing mount propagation as a containerized agent's would
        Process holder = new ProcessBuilder("/usr/bin/unshare", "--mount", "--propagation", "unchanged",
                "/bin/busybox", "sleep", "30").start();
        try {
            Path mountinfo = Path.of("/proc/" + holder.pid() + "/mountinfo");
            boolean copied = false;
            for (int i = 0; i < 100 && !copied; i++) {
                String theirs = Files.readString(mountinfo);
                copied = !theirs.equals(Sh.mountinfo()) && theirs.contains(early.toString());
                if (!copied) {
                    Thread.sleep(20);
                }
            }
            assertTrue(copied, "the new mount namespace holds a copy of the early pin");

            Path late = pinner.pin(NamespaceType.NET, "pod-late");
            assertTrue(Files.readString(mountinfo).contains(late.toString()),
                    "a pin made later propagates into the other mount namespace");

            pinner.unpin(early);
            pinner.unpin(late);
            String theirs = Files.readString(mountinfo);
            assertFalse(theirs.contains(early.toString()) || theirs.contains(late.toString()),
                    "no copy keeps an unpinned namespace alive:\n" + theirs);
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
