package io.peapod.cri.translate;

import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.Int64Value;
import io.peapod.cri.v1.KeyValue;
import io.peapod.cri.v1.LinuxContainerConfig;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.NamespaceMode;
import io.peapod.cri.v1.NamespaceOption;
import io.peapod.cri.v1.SecurityProfile;
import io.peapod.helper.Helper;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.FileStateStore;
import io.peapod.runtime.container.HostLimits;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.spec.Spec;
import io.peapod.sys.LinuxSyscalls;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Translated specs run by runtime-core on the real kernel: the user, groups, environment, pod
 * files, capabilities and seccomp a process sees, and a container sharing the PID namespace of
 * an infra container built by SandboxSpecBuilder. The "pod" uses the host's network, IPC and UTS
 * namespaces (so nothing renames the host). Needs root and /bin/busybox.
 */
class TranslatedSpecRunIT {

    @TempDir
    Path tmp;
    private ContainerRuntime runtime;
    private String cgroupParent;
    private final List<String> created = new ArrayList<>();
    private Path rootfs;
    private Path hosts;

    @BeforeAll
    static void requirements() {
        assumeTrue(LinuxSyscalls.get().geteuid() == 0, "needs root");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() throws IOException {
        cgroupParent = "peapod-critrans-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("state"), false),
                new Helper(), CgroupManagers::forPath, HostLimits.current(), cgroupParent));
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String tool : List.of("sh", "id", "cat", "grep", "tr", "pwd", "echo")) {
            Files.createSymbolicLink(rootfs.resolve("bin/" + tool), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("etc/passwd"), Fixtures.PASSWD);
        Files.writeString(rootfs.resolve("etc/group"), Fixtures.GROUP);
        hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n10.1.2.3 web-0\n");
    }

    @AfterEach
    void cleanUp() {
        for (String id : created) {
            try {
                runtime.delete(id, true);
            } catch (NotFoundException ignored) {
                // not created
            }
        }
        CgroupManagers.forPath(cgroupParent).destroy();
    }

    private Fixtures.Pod pod() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.netNs = null;
        pod.ipcNs = null;
        pod.utsNs = null;
        pod.cgroupParent = cgroupParent;
        pod.hosts = hosts;
        pod.resolv = null;
        pod.hostnameFile = null;
        return pod;
    }

    private String run(Spec spec) throws IOException {
        String id = spec.linux.cgroupsPath.substring(spec.linux.cgroupsPath.lastIndexOf('/') + 1);
        created.add(id);
        Path out = Files.createFile(tmp.resolve(id + ".out"));
        Path bundle = Files.createDirectories(tmp.resolve("bundle-" + id));
        runtime.create(id, spec, bundle, new CreateOptions(Map.of(0, "/dev/null", 1, out.toString(), 2,
                out.toString()), null, null, null, false, false));
        runtime.start(id);
        ContainerRecord done = runtime.waitFor(id, Duration.ofSeconds(30)).orElseThrow();
        String output = Files.readString(out);
        assertEquals(0, done.exitCode(), output);
        return output;
    }

    private Spec container(String id, ContainerConfig.Builder config, Fixtures.Pod pod) {
        return ContainerSpecBuilder.build(id, config.build(), Fixtures.sandbox(), pod.build(),
                Fixtures.image(null, List.of("sh"), List.of("FOO=image"), "app", "/tmp"), rootfs,
                new LayeredRootfsReader(List.of(rootfs))).spec();
    }

    @Test
    void theProcessSeesWhatTheConfigAsked() throws IOException {
        ContainerConfig.Builder c = Fixtures.container()
                .addCommand("sh").addArgs("-c").addArgs("id -u; id -g; id -G; echo FOO=$FOO BAR=$BAR; pwd; "
                        + "cat /etc/hosts; grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status")
                .addEnvs(KeyValue.newBuilder().setKey("BAR").setValue("container"))
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .addSupplementalGroups(4000).setNoNewPrivs(true)
                        .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)
                                .setIpc(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER))));
        String out = run(container("c" + UUID.randomUUID().toString().substring(0, 8), c, pod()));
        List<String> lines = out.lines().toList();
        assertEquals("1000", lines.get(0), out);
        assertEquals("1000", lines.get(1), out);
        assertEquals("1000 10 50 4000", lines.get(2), out); // busybox lists the primary group first
        assertEquals("FOO=image BAR=container", lines.get(3), out);
        assertEquals("/tmp", lines.get(4), out);
        assertTrue(out.contains("10.1.2.3 web-0"), out);
        // Default capabilities are dropped from the effective set of a non-root user.
        assertTrue(out.contains("CapEff:\t0000000000000000"), out);
        assertTrue(out.contains("Seccomp:\t2"), out);
        assertTrue(out.contains("NoNewPrivs:\t1"), out);
    }

    @Test
    void rootKeepsTheDefaultCapabilities() throws IOException {
        ContainerConfig.Builder c = Fixtures.container()
                .addCommand("sh").addArgs("-c").addArgs("grep '^CapEff:' /proc/self/status")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(0))));
        String out = run(container("c" + UUID.randomUUID().toString().substring(0, 8), c, pod()));
        long expected = io.peapod.runtime.spec.Capabilities.mask(SecurityTranslator.DEFAULT_CAPABILITIES);
        assertEquals(String.format("CapEff:\t%016x", expected), out.trim());
    }

    @Test
    void aContainerSharesTheInfraContainersPidNamespace() throws IOException {
        Fixtures.Pod pod = pod();
        pod.pidMode = SandboxContext.PidMode.POD;
        Path infraRoot = Files.createDirectories(tmp.resolve("infra-root"));
        Spec infra = SandboxSpecBuilder.build(Fixtures.sandbox(), pod.build(), infraRoot, new Helper().binary()).spec();
        String infraId = infra.linux.cgroupsPath.substring(infra.linux.cgroupsPath.lastIndexOf('/') + 1);
        created.add(infraId);
        Path bundle = Files.createDirectories(tmp.resolve("bundle-infra"));
        runtime.create(infraId, infra, bundle, CreateOptions.detached());
        ContainerRecord running = runtime.start(infraId);
        try {
            pod.infraPid = runtime.state(infraId).pid();
            assertTrue(pod.infraPid > 0, running.toString());
            ContainerConfig.Builder c = Fixtures.container()
                    .addCommand("sh").addArgs("-c").addArgs("tr '\\0' ' ' < /proc/1/cmdline; echo; echo self=$$")
                    .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                            .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                    .setNetwork(NamespaceMode.NODE).setIpc(NamespaceMode.NODE)
                                    .setPid(NamespaceMode.POD))));
            String out = run(container("c" + UUID.randomUUID().toString().substring(0, 8), c, pod));
            List<String> lines = out.lines().toList();
            assertEquals("/pause pause", lines.get(0).trim(), out);
            assertTrue(!lines.get(1).equals("self=1"), out);
        } finally {
            runtime.stop(infraId, Duration.ofSeconds(5));
        }
    }
}
