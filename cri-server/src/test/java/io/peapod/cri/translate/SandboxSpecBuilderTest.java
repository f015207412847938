package io.peapod.cri.translate;

import io.peapod.cri.v1.Int64Value;
import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.cri.v1.LinuxPodSandboxConfig;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.NamespaceMode;
import io.peapod.cri.v1.NamespaceOption;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.SecurityProfile;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxIdMapping;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The infra (pause) container's spec. */
class SandboxSpecBuilderTest {

    @TempDir
    Path tmp;
    Path rootfs;
    Path helper;

    @BeforeEach
    void files() throws Exception {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        helper = Files.writeString(tmp.resolve("peapod-helper"), "\177ELF");
    }

    private Translation build(PodSandboxConfig config, Fixtures.Pod pod) {
        Translation t = SandboxSpecBuilder.build(config, pod.build(), rootfs, helper);
        Fixtures.checkValid(t.spec());
        return t;
    }

    private Spec spec(Fixtures.Pod pod) {
        return build(Fixtures.sandbox(), pod).spec();
    }

    private static Map<String, String> namespaces(Spec s) {
        return s.linux.namespaces.stream().collect(Collectors.toMap(n -> n.type, n -> n.path == null ? "new" : n.path));
    }

    private static PodSandboxConfig withLinux(LinuxPodSandboxConfig.Builder linux) {
        return Fixtures.sandbox().toBuilder().setLinux(linux).build();
    }

    @Test
    void runsThePauseModeOfTheHelper() {
        Spec s = spec(new Fixtures.Pod());
        assertEquals(List.of("/pause", "pause"), s.process.args);
        assertEquals("/", s.process.cwd);
        assertEquals(rootfs.toString(), s.root.path);
        assertEquals(Boolean.TRUE, s.root.readonly);
        Mount pause = s.mounts.stream().filter(m -> m.destination.equals("/pause")).findFirst().orElseThrow();
        assertEquals(helper.toString(), pause.source);
        assertEquals("bind", pause.type);
        assertTrue(pause.options.contains("ro"));
        assertTrue(s.mounts.stream().anyMatch(m -> m.destination.equals("/dev") && m.type.equals("tmpfs")),
                "a /dev for the standard nodes (masking binds /dev/null)");
        assertEquals(List.of(), s.process.capabilities.bounding);
        assertEquals(List.of(), s.process.capabilities.effective);
        assertEquals(Boolean.TRUE, s.process.noNewPrivileges);
        assertEquals(0L, s.process.user.uid);
        assertEquals("web-0", s.hostname);
        assertEquals("kubepods/burstable/pod1234/" + Fixtures.SANDBOX_ID, s.linux.cgroupsPath);
        assertEquals(2L, s.linux.resources.cpu.shares);
        assertEquals(DefaultSpec.deviceRules().size(), s.linux.resources.devices.size(),
                "the helper creates and masking binds the standard nodes");
        assertEquals(-998, s.process.oomScoreAdj);
        assertEquals("sandbox", s.annotations.get("io.kubernetes.cri.container-type"));
        assertEquals(Fixtures.SANDBOX_ID, s.annotations.get("io.kubernetes.cri.sandbox-id"));
        assertEquals("/var/log/pods/default_web-0_1234", s.annotations.get("io.kubernetes.cri.sandbox-log-directory"));
    }

    @Test
    void namespacesPerPidMode() {
        Fixtures.Pod shared = new Fixtures.Pod();
        shared.pidMode = SandboxContext.PidMode.POD;
        Spec s = spec(shared);
        Map<String, String> ns = namespaces(s);
        assertEquals("/proc/self/ns/net", ns.get(LinuxNamespace.NETWORK));
        assertEquals("/proc/self/ns/ipc", ns.get(LinuxNamespace.IPC));
        assertEquals("/proc/self/ns/uts", ns.get(LinuxNamespace.UTS));
        assertEquals("new", ns.get(LinuxNamespace.PID));
        assertEquals("new", ns.get(LinuxNamespace.MOUNT));
        assertTrue(s.mounts.stream().anyMatch(m -> m.destination.equals("/proc")));

        assertEquals("new", namespaces(spec(new Fixtures.Pod())).get(LinuxNamespace.PID));

        Fixtures.Pod host = new Fixtures.Pod();
        host.pidMode = SandboxContext.PidMode.NODE;
        host.netNs = null;
        host.ipcNs = null;
        host.utsNs = null;
        Spec h = spec(host);
        assertEquals(Map.of(LinuxNamespace.MOUNT, "new"), namespaces(h));
        assertTrue(h.mounts.stream().noneMatch(m -> m.destination.equals("/proc")), "no /proc without a new pid ns");
        assertNull(h.hostname);
    }

    @Test
    void joinsThePodsUserNamespace() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.userNs = new SandboxContext.UserNamespace(Path.of("/proc/self/ns/user"),
                List.of(new LinuxIdMapping(0, 200000, 65536)), List.of(new LinuxIdMapping(0, 200000, 65536)));
        Spec s = spec(pod);
        assertEquals("/proc/self/ns/user", namespaces(s).get(LinuxNamespace.USER));
        assertEquals(200000L, s.linux.uidMappings.get(0).hostID);
    }

    @Test
    void runsAsThePodsUser() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.security = LinuxSandboxSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(65535))
                .setRunAsGroup(Int64Value.newBuilder().setValue(65535)).build();
        Spec s = spec(pod);
        assertEquals(65535L, s.process.user.uid);
        assertEquals(65535L, s.process.user.gid);
        Fixtures.Pod bad = new Fixtures.Pod();
        bad.security = LinuxSandboxSecurityContext.newBuilder()
                .setRunAsGroup(Int64Value.newBuilder().setValue(5)).build();
        assertThrows(InvalidArgumentException.class, () -> spec(bad));
        Fixtures.Pod negative = new Fixtures.Pod();
        negative.security = LinuxSandboxSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(-1)).build();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> spec(negative));
        assertTrue(e.getMessage().contains("pod \"default/web-0\"") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void sysctlsAreSetInThePodsNamespaces() {
        Spec s = build(withLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.ipv4.ip_unprivileged_port_start", "0")
                .putSysctls("kernel.shm_rmid_forced", "1")), new Fixtures.Pod()).spec();
        assertEquals("0", s.linux.sysctl.get("net.ipv4.ip_unprivileged_port_start"));
        assertEquals("1", s.linux.sysctl.get("kernel.shm_rmid_forced"));
        assertNull(spec(new Fixtures.Pod()).linux.sysctl);
    }

    @Test
    void badSysctlsAreRefusedNamingThem() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> build(withLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("kernel.panic", "1")),
                        new Fixtures.Pod()));
        assertTrue(e.getMessage().contains("pod \"default/web-0\"") && e.getMessage().contains("kernel.panic"),
                e.getMessage());
        Fixtures.Pod hostNet = new Fixtures.Pod();
        hostNet.netNs = null;
        InvalidArgumentException h = assertThrows(InvalidArgumentException.class,
                () -> build(withLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.core.somaxconn", "1024")),
                        hostNet));
        assertTrue(h.getMessage().contains("net.core.somaxconn") && h.getMessage().contains("host's network"),
                h.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> build(withLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.core.somaxconn", "")),
                        new Fixtures.Pod()));
    }

    @Test
    void podSeccompAndSeLinuxAreReported() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.security = LinuxSandboxSecurityContext.newBuilder().setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault)).build();
        Translation t = build(Fixtures.sandbox(), pod);
        assertEquals(1, t.warnings().size());
        assertNull(t.spec().linux.seccomp);
        assertEquals(List.of(), build(Fixtures.sandbox(), new Fixtures.Pod()).warnings());
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(InvalidArgumentException.class,
                () -> SandboxSpecBuilder.build(Fixtures.sandbox(), new Fixtures.Pod().build(), rootfs, tmp.resolve("nope")));
        assertThrows(InvalidArgumentException.class,
                () -> SandboxSpecBuilder.build(Fixtures.sandbox(), new Fixtures.Pod().build(), rootfs, Path.of("rel")));
        assertThrows(InvalidArgumentException.class, () -> SandboxSpecBuilder.build(
                PodSandboxConfig.getDefaultInstance(), new Fixtures.Pod().build(), rootfs, helper));
        assertThrows(InvalidArgumentException.class, () -> new SandboxContext("", null, null, null,
                SandboxContext.PidMode.POD, 0, null, "p", null, null, null, null, null, null, null));
        assertThrows(InvalidArgumentException.class, () -> new SandboxContext("s", null, null, null,
                SandboxContext.PidMode.POD, 0, null, " ", null, null, null, null, null, null, null));
    }

    @Test
    void pidModeOfASandboxConfig() {
        assertEquals(SandboxContext.PidMode.POD, SandboxContext.pidModeOf(Fixtures.sandbox()));
        assertEquals(SandboxContext.PidMode.CONTAINER, SandboxContext.pidModeOf(withLinux(LinuxPodSandboxConfig
                .newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))))));
        assertThrows(InvalidArgumentException.class, () -> SandboxContext.pidModeOf(withLinux(LinuxPodSandboxConfig
                .newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET))))));
    }

    @Test
    void contextForAPod() {
        PodSandboxConfig config = withLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(7))
                        .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))));
        SandboxContext ctx = SandboxContext.forPod("s1", config, new io.peapod.runtime.network.PinnedNamespaces(
                Path.of("/run/peapod/netns/s1"), null, Path.of("/run/peapod/utsns/s1")), 42, "kubepods/pod1",
                Path.of("/run/peapod/pods/s1"), null);
        assertEquals(Path.of("/run/peapod/netns/s1"), ctx.netNs());
        assertNull(ctx.ipcNs());
        assertEquals(SandboxContext.PidMode.CONTAINER, ctx.pidMode());
        assertEquals(Path.of("/run/peapod/pods/s1/hosts"), ctx.hostsFile());
        assertEquals(Path.of("/run/peapod/pods/s1/resolv.conf"), ctx.resolvConfFile());
        assertEquals(Path.of("/run/peapod/pods/s1/hostname"), ctx.hostnameFile());
        assertEquals("web-0", ctx.hostname());
        assertEquals(Path.of("/var/log/pods/default_web-0_1234"), ctx.logDirectory());
        assertEquals(7, ctx.security().getRunAsUser().getValue());
        assertEquals(Path.of("/proc/42/ns/pid"), ctx.infraPidNamespace());
        SandboxContext bare = SandboxContext.forPod("s2", PodSandboxConfig.getDefaultInstance(), null, 0, "p", null,
                null);
        assertNull(bare.netNs());
        assertNull(bare.hostsFile());
        assertNull(bare.logDirectory());
        assertEquals("", bare.hostname());
    }

    @Test
    void podResourcesAddOverhead() {
        assertNull(SandboxSpecBuilder.podResources(Fixtures.sandbox()));
        LinuxResources r = SandboxSpecBuilder.podResources(withLinux(LinuxPodSandboxConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(1024).setCpuPeriod(100000)
                        .setCpuQuota(200000).setMemoryLimitInBytes(1L << 30))
                .setOverhead(LinuxContainerResources.newBuilder().setCpuShares(100).setCpuPeriod(50000)
                        .setCpuQuota(10000).setMemoryLimitInBytes(64L << 20))));
        assertEquals(1124L, r.cpu.shares);
        assertEquals(220000L, r.cpu.quota);
        assertEquals(100000L, r.cpu.period);
        assertEquals((1L << 30) + (64L << 20), r.memory.limit);
        LinuxResources only = SandboxSpecBuilder.podResources(withLinux(LinuxPodSandboxConfig.newBuilder()
                .setOverhead(LinuxContainerResources.newBuilder().setCpuShares(100).setMemoryLimitInBytes(1 << 20))));
        assertEquals(100L, only.cpu.shares);
        assertNull(only.memory, "overhead alone does not limit an otherwise unlimited pod");
        LinuxResources unlimitedMemory = SandboxSpecBuilder.podResources(withLinux(LinuxPodSandboxConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(10))
                .setOverhead(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1 << 20))));
        assertNull(unlimitedMemory.memory);
        assertFalse(unlimitedMemory.cpu.shares == null);
    }
}
