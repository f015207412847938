package io.peapod.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.helper.Helper;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.FileStateStore;
import io.peapod.runtime.container.HostLimits;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.LoopbackNetworkPlugin;
import io.peapod.runtime.network.NamespacePinner;
import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.ShortTempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods for real: pinned namespaces, the infra container, containers sharing them. Needs root. */
class SandboxRuntimeIT {
    /** Short on purpose: the monitors' socket paths must fit in 107 bytes. */
    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private SandboxRuntime pods;
    private ContainerRuntime containers;
    private NamespacePinner pinner;
    private String cgroupParent;
    private final List<String> sandboxes = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        cgroupParent = "peapod-test-" + UUID.randomUUID().toString().substring(0, 8);
        Helper helper = new Helper();
        containers = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("containers"), false),
                helper, CgroupManagers::forPath, HostLimits.current(), cgroupParent));
        pinner = new NamespacePinner(tmp.resolve("run"));
        pods = new SandboxRuntime(new PodContext(containers, pinner, new LoopbackNetworkPlugin(pinner),
                tmp.resolve("pods"), helper.binary(), CgroupManagers::forPath, cgroupParent));
    }

    @AfterEach
    void cleanUp() {
        for (String id : sandboxes) {
            pods.remove(id);
        }
        pinner.releaseRunDirs();
        CgroupManagers.forPath(cgroupParent).destroy();
    }

    private SandboxRecord run(SandboxConfig config) {
        SandboxRecord r = pods.run(config);
        sandboxes.add(r.id());
        return r;
    }

    private static SandboxConfig config(String name) {
        return SandboxConfig.of(name, "default", UUID.randomUUID().toString());
    }

    /** A busybox container of the pod running {@code script}, its output in {@code out}. */
    private ContainerRecord container(SandboxRecord pod, String name, String script, Path out) throws IOException {
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, name), "sh", "-c", script);
        PodSpecs.joinPod(b.spec(), pod, pods.directoryOf(pod.id()), pods.sharedPidNamespace(pod.id()));
        b.save();
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createFile(out);
        ContainerRecord c = pods.createContainer(pod.id(), id, b.spec(), b.dir(),
                new CreateOptions(Map.of(0, "/dev/null", 1, out.toString(), 2, out.toString()), null, null, null,
                        false, false));
        containers.start(id);
        return c;
    }

    private String waitOutput(ContainerRecord c, Path out) throws IOException {
        containers.waitFor(c.id(), Duration.ofSeconds(20)).orElseThrow();
        return Files.readString(out);
    }

    @Test
    void containersOfAPodShareNetworkHostnameAndShm() throws Exception {
        SandboxRecord pod = run(config("web").withSysctls(Map.of("net.ipv4.ip_unprivileged_port_start", "80")));
        assertEquals(SandboxState.READY, pods.status(pod.id()).state());
        Path serverOut = tmp.resolve("server.out");
        ContainerRecord server = container(pod, "server",
                "mkdir -p /www; echo hello > /www/index.html; echo from-server > /dev/shm/note; "
                        + "httpd -f -p 127.0.0.1:8080 -h /www & sleep 20", serverOut);
        Path clientOut = tmp.resolve("client.out");
        ContainerRecord client = container(pod, "client",
                "for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://127.0.0.1:8080/index.html && break; "
                        + "sleep 0.2; done; hostname; cat /dev/shm/note; "
                        + "cat /proc/sys/net/ipv4/ip_unprivileged_port_start", clientOut);
        String out = waitOutput(client, clientOut);
        assertTrue(out.contains("hello"), out + "\nserver: " + Files.readString(serverOut));
        assertTrue(out.contains("web\n"), "pod hostname: " + out);
        assertTrue(out.contains("from-server"), "pod /dev/shm shared: " + out);
        assertTrue(out.contains("\n80\n") || out.endsWith("80\n"), "pod sysctl applied: " + out);
        assertEquals(ContainerStatus.RUNNING, containers.state(server.id()).status());
        assertEquals(2, pods.containersOf(pod.id()).size());
    }

    @Test
    void sharedPidNamespaceShowsEveryProcessWithInfraAsPidOne() throws Exception {
        SandboxRecord shared = run(config("shared").withNamespaces(NamespaceMode.POD, NamespaceMode.POD,
                NamespaceMode.POD));
        Path aOut = tmp.resolve("a.out");
        container(shared, "sleeper", "sleep 30", aOut);
        Path bOut = tmp.resolve("b.out");
        ContainerRecord b = container(shared, "looker", "sleep 0.3; cat /proc/1/cmdline | tr '\\0' ' '; echo; ps",
                bOut);
        String out = waitOutput(b, bOut);
        assertTrue(out.startsWith("/pause pause"), "infra is PID 1: " + out);
        assertTrue(out.contains("sleep 30"), "sees the other container: " + out);

        SandboxRecord separate = run(config("separate"));
        Path cOut = tmp.resolve("c.out");
        container(separate, "sleeper2", "sleep 30", cOut);
        Path dOut = tmp.resolve("d.out");
        ContainerRecord d = container(separate, "looker2", "sleep 0.3; ps", dOut);
        String out2 = waitOutput(d, dOut);
        assertFalse(out2.contains("sleep 30"), out2);
        assertFalse(out2.contains("pause"), out2);
    }

    @Test
    void stopAndRemoveLeaveNothingBehind() throws Exception {
        SandboxRecord pod = run(config("gone"));
        ContainerRecord c = container(pod, "stubborn", "trap '' TERM; while true; do sleep 0.1; done",
                tmp.resolve("s.out"));
        SandboxRecord before = pods.status(pod.id());
        ContainerRecord infra = containers.state(pod.infraId());
        long t0 = System.nanoTime();
        SandboxRecord stopped = pods.stop(pod.id(), Duration.ofMillis(800));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 700, "grace period not honoured: " + ms + " ms");
        assertEquals(SandboxState.NOTREADY, stopped.state());
        assertEquals(137, containers.state(c.id()).exitCode());
        assertFalse(Files.exists(Path.of(before.netns())), "netns pin left after stop");
        assertFalse(pinner.isPinned(Path.of(before.netns())));
        assertTrue(pods.remove(pod.id()));
        assertFalse(pods.remove(pod.id()), "second remove reports nothing to do");
        sandboxes.remove(pod.id());
        assertFalse(alive(infra.pid()), "infra process left");
        assertFalse(alive(c.pid()), "container process left");
        assertFalse(CgroupManagers.forPath(before.cgroupParent()).exists(), "pod cgroup left");
        assertFalse(Files.exists(pods.directoryOf(pod.id())), "pod directory left");
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(pod.id()), "a mount of the pod is left: " + mounts);
        assertTrue(containers.list().isEmpty(), "containers left: " + containers.list());
    }

    /**
     * Running, not a zombie: a process whose parent is gone is reaped by init, which some
     * sandboxes' PID 1 never does; a zombie holds nothing but its pid.
     */
    private static boolean alive(int pid) throws IOException {
        Path stat = Path.of("/proc", Integer.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void badInputIsRefusedAndLeavesNothing() {
        SandboxRecord pod = run(config("dup"));
        SandboxConfig same = pod.config();
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> pods.run(same));
        assertTrue(dup.getMessage().contains(pod.id()), dup.getMessage());

        InvalidArgumentException sysctl = assertThrows(InvalidArgumentException.class,
                () -> pods.run(config("bad-sysctl").withSysctls(Map.of("kernel.panic", "1"))));
        assertTrue(sysctl.getMessage().contains("kernel.panic"), sysctl.getMessage());

        InvalidArgumentException hostNet = assertThrows(InvalidArgumentException.class,
                () -> pods.run(config("host-sysctl").withNamespaces(NamespaceMode.NODE, NamespaceMode.CONTAINER,
                        NamespaceMode.POD).withSysctls(Map.of("net.ipv4.ip_forward", "1"))));
        assertTrue(hostNet.getMessage().contains("net.ipv4.ip_forward"), hostNet.getMessage());

        InvalidArgumentException noName = assertThrows(InvalidArgumentException.class,
                () -> pods.run(SandboxConfig.of("", "default", "u")));
        assertTrue(noName.getMessage().contains("name"), noName.getMessage());
        assertEquals(1, pods.list().size(), "only the first pod exists");
    }

    @Test
    void aContainerCannotLeaveThePodsNamespaces() throws IOException {
        SandboxRecord pod = run(config("strict"));
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, "own-net"), "true");
        PodSpecs.joinPod(b.spec(), pod, pods.directoryOf(pod.id()), null);
        b.spec().linux().namespaces().removeIf(ns -> ns.type.equals("network"));
        b.spec().linux().namespaces().add(new io.peapod.runtime.spec.LinuxNamespace("network"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> pods.createContainer(pod.id(), "rogue", b.spec(), b.dir(), CreateOptions.detached()));
        assertTrue(e.getMessage().contains("network"), e.getMessage());
        assertTrue(containers.list().stream().noneMatch(c -> c.id().equals("rogue")));
    }

    @Test
    void hostNetworkPodUsesTheHostsNamespaces() throws IOException {
        SandboxRecord pod = run(config("hostnet").withNamespaces(NamespaceMode.NODE, NamespaceMode.CONTAINER,
                NamespaceMode.POD));
        assertEquals(null, pod.netns());
        Path out = tmp.resolve("h.out");
        ContainerRecord c = container(pod, "h", "readlink /proc/self/ns/net", out);
        String inside = waitOutput(c, out).trim();
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), inside);
        assertNotEquals("", inside);
    }
}
