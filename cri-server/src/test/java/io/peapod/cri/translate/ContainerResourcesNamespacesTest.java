package io.peapod.cri.translate;

import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.HugepageLimit;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.LinuxContainerConfig;
import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.NamespaceMode;
import io.peapod.cri.v1.NamespaceOption;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxIdMapping;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

import static io.peapod.cri.translate.Fixtures.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resources, namespaces, hostname, rlimits, annotations, cgroup and log paths. */
class ContainerResourcesNamespacesTest {

    private static Spec spec(ContainerConfig.Builder c) {
        return spec(c, new Fixtures.Pod());
    }

    private static Spec spec(ContainerConfig.Builder c, Fixtures.Pod pod) {
        return Fixtures.build(c.build(), pod, Fixtures.busybox()).spec();
    }

    private static ContainerConfig.Builder withResources(LinuxContainerResources.Builder r) {
        return container().setLinux(LinuxContainerConfig.newBuilder().setResources(r));
    }

    private static ContainerConfig.Builder withNamespaces(NamespaceOption.Builder o) {
        return container().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(o)));
    }

    // --- resources ------------------------------------------------------------------------------

    @Test
    void everyResourceIsMapped() {
        Spec s = spec(withResources(LinuxContainerResources.newBuilder()
                .setCpuPeriod(100000).setCpuQuota(50000).setCpuShares(512)
                .setMemoryLimitInBytes(256L << 20).setMemorySwapLimitInBytes(512L << 20)
                .setOomScoreAdj(900).setCpusetCpus("0-1").setCpusetMems("0")
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))
                .putUnified("memory.high", "200M")));
        LinuxResources r = s.linux.resources;
        assertEquals(100000L, r.cpu.period);
        assertEquals(50000L, r.cpu.quota);
        assertEquals(512L, r.cpu.shares);
        assertEquals("0-1", r.cpu.cpus);
        assertEquals("0", r.cpu.mems);
        assertEquals(256L << 20, r.memory.limit);
        assertEquals(512L << 20, r.memory.swap);
        assertEquals("2MB", r.hugepageLimits.get(0).pageSize);
        assertEquals(4L << 20, r.hugepageLimits.get(0).limit);
        assertEquals(Map.of("memory.high", "200M"), r.unified);
        assertEquals(900, s.process.oomScoreAdj);
        assertEquals("kubepods/burstable/pod1234/" + Fixtures.CONTAINER_ID, s.linux.cgroupsPath);
    }

    @Test
    void unsetResourcesAreLeftOut() {
        Spec s = spec(container());
        assertNull(s.linux.resources.cpu);
        assertNull(s.linux.resources.memory);
        assertNull(s.linux.resources.hugepageLimits);
        assertNull(s.linux.resources.unified);
        assertEquals(0, s.process.oomScoreAdj);
        Spec q = spec(withResources(LinuxContainerResources.newBuilder().setCpuQuota(-1)));
        assertEquals(-1L, q.linux.resources.cpu.quota);
        assertNull(q.linux.resources.cpu.period);
    }

    @Test
    void badResourcesAreRefusedNamingTheValue() {
        assertBad(withResources(LinuxContainerResources.newBuilder().setCpuShares(-5)), "cpu_shares -5");
        assertBad(withResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(-2)),
                "memory_limit_in_bytes -2");
        assertBad(withResources(LinuxContainerResources.newBuilder().setCpuQuota(-7)), "cpu_quota -7");
        assertBad(withResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(100 << 20)
                .setMemorySwapLimitInBytes(50 << 20)), "below memory_limit_in_bytes");
        assertBad(withResources(LinuxContainerResources.newBuilder().setOomScoreAdj(1001)), "oom_score_adj 1001");
        assertBad(withResources(LinuxContainerResources.newBuilder()
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2M"))), "\"2M\"");
        assertBad(withResources(LinuxContainerResources.newBuilder().putUnified("../memory.max", "1")),
                "\"../memory.max\"");
        // Caught by the validator, still naming the container and the value.
        assertBad(withResources(LinuxContainerResources.newBuilder().setCpuPeriod(10)), "period 10");
        assertBad(withResources(LinuxContainerResources.newBuilder().setCpusetCpus("zero")), "\"zero\"");
    }

    private static void assertBad(ContainerConfig.Builder c, String mentions) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> spec(c));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains(mentions), e.getMessage());
    }

    @Test
    void rlimitsDefault() {
        Spec s = spec(container());
        assertEquals(1, s.process.rlimits.size());
        assertEquals("RLIMIT_NOFILE", s.process.rlimits.get(0).type);
        assertEquals(1048576L, s.process.rlimits.get(0).soft);
        assertEquals(1048576L, s.process.rlimits.get(0).hard);
    }

    // --- namespaces -----------------------------------------------------------------------------

    private static Map<String, String> namespaces(Spec s) {
        return s.linux.namespaces.stream().collect(Collectors.toMap(n -> n.type,
                n -> n.path == null ? "new" : n.path));
    }

    @Test
    void joinsThePodsNamespaces() {
        Spec s = spec(container());
        Map<String, String> ns = namespaces(s);
        assertEquals("/proc/self/ns/net", ns.get(LinuxNamespace.NETWORK));
        assertEquals("/proc/self/ns/ipc", ns.get(LinuxNamespace.IPC));
        assertEquals("/proc/self/ns/uts", ns.get(LinuxNamespace.UTS));
        assertEquals("new", ns.get(LinuxNamespace.PID));
        assertEquals("new", ns.get(LinuxNamespace.MOUNT));
        assertEquals("new", ns.get(LinuxNamespace.CGROUP));
        assertFalse(ns.containsKey(LinuxNamespace.USER));
        assertEquals("web-0", s.hostname);
    }

    @Test
    void sharedPidNamespaceJoinsTheInfraProcess() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.pidMode = SandboxContext.PidMode.POD;
        long pid = ProcessHandle.current().pid();
        assertEquals("/proc/" + pid + "/ns/pid", namespaces(spec(container(), pod)).get(LinuxNamespace.PID));
        // The container's own option wins when given.
        assertEquals("/proc/" + pid + "/ns/pid", namespaces(spec(withNamespaces(NamespaceOption.newBuilder()
                .setPid(NamespaceMode.POD)))).get(LinuxNamespace.PID));
        assertEquals("new", namespaces(spec(withNamespaces(NamespaceOption.newBuilder()
                .setPid(NamespaceMode.CONTAINER)), pod)).get(LinuxNamespace.PID));
    }

    @Test
    void sharedPidNamespaceNeedsARunningInfra() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.pidMode = SandboxContext.PidMode.POD;
        pod.infraPid = 0;
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> spec(container(), pod));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains(Fixtures.SANDBOX_ID));
    }

    @Test
    void hostNamespaces() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.pidMode = SandboxContext.PidMode.NODE;
        pod.netNs = null;
        pod.utsNs = null;
        Spec s = spec(withNamespaces(NamespaceOption.newBuilder().setPid(NamespaceMode.NODE)
                .setNetwork(NamespaceMode.NODE)), pod);
        Map<String, String> ns = namespaces(s);
        assertFalse(ns.containsKey(LinuxNamespace.PID));
        assertFalse(ns.containsKey(LinuxNamespace.NETWORK));
        assertFalse(ns.containsKey(LinuxNamespace.UTS));
        assertNull(s.hostname);
        assertTrue(s.process.env.contains("HOSTNAME=web-0"));
    }

    @Test
    void aContainerCannotLeaveItsPodsNamespaces() {
        assertBad(withNamespaces(NamespaceOption.newBuilder().setPid(NamespaceMode.NODE)), "host's PID namespace");
        assertBad(withNamespaces(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)), "network");
        assertBad(withNamespaces(NamespaceOption.newBuilder().setIpc(NamespaceMode.CONTAINER)), "IPC namespace mode");
        assertBad(withNamespaces(NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET).setTargetId("abc")),
                "TARGET");
        Fixtures.Pod host = new Fixtures.Pod();
        host.netNs = null;
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(withNamespaces(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)), host));
        assertTrue(e.getMessage().contains("network"), e.getMessage());
        Fixtures.Pod hostPid = new Fixtures.Pod();
        hostPid.pidMode = SandboxContext.PidMode.NODE;
        assertThrows(InvalidArgumentException.class,
                () -> spec(withNamespaces(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)), hostPid));
    }

    @Test
    void joinsThePodsUserNamespace() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.userNs = new SandboxContext.UserNamespace(Path.of("/proc/self/ns/user"),
                List.of(new LinuxIdMapping(0, 100000, 65536)), List.of(new LinuxIdMapping(0, 100000, 65536)));
        Spec s = spec(container(), pod);
        assertEquals("/proc/self/ns/user", namespaces(s).get(LinuxNamespace.USER));
        assertEquals(100000L, s.linux.uidMappings.get(0).hostID);
        assertEquals(65536L, s.linux.gidMappings.get(0).size);
    }

    @Test
    void missingNamespaceFileIsRefused() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.netNs = Path.of("/run/peapod/netns/does-not-exist");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> spec(container(), pod));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains("does-not-exist"),
                e.getMessage());
    }

    // --- annotations, ids, log path --------------------------------------------------------------

    @Test
    void annotationsAsContainerdSetsThem() {
        Spec s = spec(container().putAnnotations("user.note", "x")
                .putAnnotations(ContainerSpecBuilder.ANNOTATION_CONTAINER_TYPE, "forged")
                .putLabels("app", "web")
                .setImage(ImageSpec.newBuilder().setImage("sha256:abc").setUserSpecifiedImage("busybox:1.36")));
        Map<String, String> a = s.annotations;
        assertEquals("x", a.get("user.note"));
        assertEquals("container", a.get("io.kubernetes.cri.container-type"));
        assertEquals(Fixtures.SANDBOX_ID, a.get("io.kubernetes.cri.sandbox-id"));
        assertEquals("web-0", a.get("io.kubernetes.cri.sandbox-name"));
        assertEquals("default", a.get("io.kubernetes.cri.sandbox-namespace"));
        assertEquals("1234", a.get("io.kubernetes.cri.sandbox-uid"));
        assertEquals("app", a.get("io.kubernetes.cri.container-name"));
        assertEquals("busybox:1.36", a.get("io.kubernetes.cri.image-name"));
        assertFalse(a.containsKey("app"), "labels are not annotations");
        assertEquals("docker.io/library/busybox:latest",
                spec(container()).annotations.get("io.kubernetes.cri.image-name"));
    }

    @Test
    void logPathIsUnderTheSandboxLogDirectory() {
        Translation t = Fixtures.build(container().build(), new Fixtures.Pod(), Fixtures.busybox());
        assertEquals(Path.of("/var/log/pods/default_web-0_1234/app/0.log"), t.logPath());
        assertNull(Fixtures.build(container().setLogPath("").build(), new Fixtures.Pod(), Fixtures.busybox()).logPath());
        assertBad(container().setLogPath("../../etc/passwd"), "log_path");
        assertBad(container().setLogPath("/abs.log"), "log_path");
    }

    @Test
    void badIdsAndMetadataAreRefused() {
        ContainerConfig noName = ContainerConfig.newBuilder().addCommand("/x").build();
        assertThrows(InvalidArgumentException.class, () -> ContainerSpecBuilder.build("c1", noName, Fixtures.sandbox(),
                new Fixtures.Pod().build(), null, Path.of("/r"), RootfsReader.empty()));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ContainerSpecBuilder.build(
                "../x", container().build(), Fixtures.sandbox(), new Fixtures.Pod().build(), Fixtures.busybox(),
                Path.of("/r"), RootfsReader.empty()));
        assertTrue(e.getMessage().contains("\"../x\""), e.getMessage());
    }

    @Test
    void rootIsTheGivenRootfs() {
        assertEquals("/var/lib/peapod/containers/c0ffee/rootfs", spec(container()).root.path);
    }
}
