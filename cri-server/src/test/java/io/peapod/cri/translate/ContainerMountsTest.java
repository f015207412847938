package io.peapod.cri.translate;

import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.Device;
import io.peapod.cri.v1.IDMapping;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.LinuxContainerConfig;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.MountPropagation;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxDevice;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.peapod.cri.translate.ContainerSecurityTest.mount;
import static io.peapod.cri.translate.Fixtures.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mounts (defaults, pod files, CRI mounts) and devices. */
class ContainerMountsTest {

    @TempDir
    Path tmp;
    Path data;
    Path logs;

    @BeforeEach
    void dirs() throws Exception {
        tmp = tmp.toRealPath();
        data = Files.createDirectories(tmp.resolve("data"));
        logs = Files.createDirectories(tmp.resolve("logs"));
    }

    private static Translation build(ContainerConfig.Builder c) {
        return Fixtures.build(c.build(), new Fixtures.Pod(), Fixtures.busybox());
    }

    private static Translation build(ContainerConfig.Builder c, Fixtures.Pod pod) {
        return Fixtures.build(c.build(), pod, Fixtures.busybox());
    }

    private static io.peapod.cri.v1.Mount.Builder criMount(String host, String container) {
        return io.peapod.cri.v1.Mount.newBuilder().setHostPath(host).setContainerPath(container);
    }

    private static List<String> destinations(Spec s) {
        return s.mounts.stream().map(m -> m.destination).collect(Collectors.toList());
    }

    @Test
    void defaultsThenPodFiles() {
        Spec s = build(container()).spec();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"), destinations(s));
        assertEquals("tmpfs", mount(s, "/dev/shm").type);
        assertTrue(mount(s, "/sys").options.contains("ro"));
        assertTrue(mount(s, "/sys/fs/cgroup").options.contains("ro"));
        Mount hosts = mount(s, "/etc/hosts");
        assertEquals("bind", hosts.type);
        assertEquals("/run/peapod/pods/5a4db0c/hosts", hosts.source);
        assertEquals(List.of("rbind", "rprivate", "rw"), hosts.options);
    }

    @Test
    void podFilesAreReadonlyWithReadonlyRootfs() {
        Spec s = build(container().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true)))).spec();
        for (String f : List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname")) {
            assertTrue(mount(s, f).options.contains("ro"), f);
        }
    }

    @Test
    void missingPodFilesAreLeftOut() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.hostnameFile = null;
        pod.resolv = null;
        List<String> d = destinations(build(container(), pod).spec());
        assertTrue(d.contains("/etc/hosts") && !d.contains("/etc/hostname") && !d.contains("/etc/resolv.conf"),
                d.toString());
    }

    @Test
    void podSharedShmAndHostIpcShm() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.shm = Path.of("/run/peapod/pods/5a4db0c/shm");
        Mount shm = mount(build(container(), pod).spec(), "/dev/shm");
        assertEquals("bind", shm.type);
        assertEquals("/run/peapod/pods/5a4db0c/shm", shm.source);

        Fixtures.Pod host = new Fixtures.Pod();
        host.ipcNs = null;
        Mount hostShm = mount(build(container(), host).spec(), "/dev/shm");
        assertEquals("/dev/shm", hostShm.source);
        assertEquals("bind", hostShm.type);
    }

    @Test
    void criMountsSortedByDepthWithPropagation() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Spec s = build(container()
                .addMounts(criMount(a.toString(), "/var/lib/data/deep").setReadonly(true))
                .addMounts(criMount(b.toString(), "/var/lib/data")
                        .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                .addMounts(criMount(data.toString(), "/data")
                        .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL))
                .addMounts(criMount(logs.toString(), "/var/log"))).spec();
        List<String> d = destinations(s);
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                // by depth; among equal depths in their order (a stable sort), pod files first
                "/data", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/var/log",
                "/var/lib/data", "/var/lib/data/deep"), d);
        assertEquals(List.of("rbind", "rprivate", "ro"), mount(s, "/var/lib/data/deep").options);
        assertEquals(List.of("rbind", "rslave", "rw"), mount(s, "/var/lib/data").options);
        assertEquals(List.of("rbind", "rshared", "rw"), mount(s, "/data").options);
        assertEquals(data.toString(), mount(s, "/data").source);
        assertEquals("shared", s.linux.rootfsPropagation);
    }

    @Test
    void hostToContainerMakesRootSlave() {
        Spec s = build(container().addMounts(criMount(data.toString(), "/data")
                .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER))).spec();
        assertEquals("slave", s.linux.rootfsPropagation);
        assertNull(build(container().addMounts(criMount(data.toString(), "/data"))).spec().linux.rootfsPropagation);
    }

    @Test
    void propagationNeedsAPropagatingHostMount() {
        HostMounts mounts = HostMounts.parse(String.join("\n",
                "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                "30 27 0:40 / " + data + " rw master:7 - tmpfs tmpfs rw", ""));
        ContainerConfig bidirectional = container().addMounts(criMount(data.toString(), "/data")
                .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)).build();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ContainerSpecBuilder.build(
                "c1", bidirectional, Fixtures.sandbox(), new Fixtures.Pod().build(), Fixtures.busybox(),
                Path.of("/r"), Fixtures.etc(), false, () -> mounts));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains("bidirectional")
                && e.getMessage().contains(data + ", which is slave"), e.getMessage());
        // A slave mount carries host-to-container propagation.
        ContainerConfig hostToContainer = container().addMounts(criMount(data.toString(), "/data")
                .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).build();
        Spec s = ContainerSpecBuilder.build("c1", hostToContainer, Fixtures.sandbox(), new Fixtures.Pod().build(),
                Fixtures.busybox(), Path.of("/r"), Fixtures.etc(), false, () -> mounts).spec();
        assertEquals(List.of("rbind", "rslave", "rw"), mount(s, "/data").options);
        // On the private root it does not.
        ContainerConfig onRoot = container().addMounts(criMount(logs.getParent().getParent().toString() + "/x", "/x")
                .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).build();
        InvalidArgumentException p = assertThrows(InvalidArgumentException.class, () -> ContainerSpecBuilder.build(
                "c1", onRoot, Fixtures.sandbox(), new Fixtures.Pod().build(), Fixtures.busybox(), Path.of("/r"),
                Fixtures.etc(), false, () -> mounts));
        assertTrue(p.getMessage().contains("host mount /, which is private"), p.getMessage());
        // Private mounts never read the mount table.
        ContainerSpecBuilder.build("c1", container().addMounts(criMount(data.toString(), "/d")).build(),
                Fixtures.sandbox(), new Fixtures.Pod().build(), Fixtures.busybox(), Path.of("/r"), Fixtures.etc(), false,
                () -> {
                    throw new AssertionError("mount table read for a private mount");
                });
    }

    @Test
    void mountsReplaceDefaultsAndPodFilesAtTheirDestination() throws Exception {
        Path hosts = Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
        Spec s = build(container().addMounts(criMount(hosts.toString(), "/etc/hosts"))
                .addMounts(criMount(data.toString(), "/sys/"))).spec();
        assertEquals(1, s.mounts.stream().filter(m -> m.destination.equals("/etc/hosts")).count());
        assertEquals(hosts.toString(), mount(s, "/etc/hosts").source);
        assertEquals("bind", mount(s, "/sys/").type);
        assertTrue(s.mounts.stream().noneMatch(m -> m.destination.equals("/sys")));
    }

    @Test
    void devMountDropsEverythingUnderDev() {
        List<String> d = destinations(build(container().addMounts(criMount(data.toString(), "/dev"))).spec());
        assertTrue(d.stream().noneMatch(x -> x.startsWith("/dev/")), d.toString());
        assertEquals(1, d.stream().filter(x -> x.equals("/dev")).count());
    }

    @Test
    void missingHostPathsAreReportedForCreation() {
        Path missing = tmp.resolve("not/yet");
        Translation t = build(container().addMounts(criMount(missing.toString(), "/cache"))
                .addMounts(criMount(missing + "/", "/cache2")));
        assertEquals(List.of(missing), t.hostDirsToCreate());
        assertEquals(missing.toString(), mount(t.spec(), "/cache").source);
    }

    @Test
    void symlinkedHostPathsAreResolved() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
        assertEquals(data.toString(), mount(build(container().addMounts(criMount(link.toString(), "/d"))).spec(),
                "/d").source);
    }

    @Test
    void badMountsAreRefusedNamingTheMount() {
        assertBad(container().addMounts(criMount(data.toString(), "relative")), "\"relative\"");
        assertBad(container().addMounts(criMount("", "/x")), "/x");
        assertBad(container().addMounts(criMount("rel/host", "/x")), "\"rel/host\"");
        assertBad(container().addMounts(criMount(data.toString(), "/ro").setReadonly(true).setRecursiveReadOnly(true)),
                "recursive read-only");
        assertBad(container().addMounts(criMount("", "/img").setImage(ImageSpec.newBuilder().setImage("busybox"))),
                "image volume");
        assertBad(container().addMounts(criMount(data.toString(), "/idm").addUidMappings(IDMapping.newBuilder()
                .setContainerId(0).setHostId(100000).setLength(65536))), "id-mapped");
    }

    @Test
    void seLinuxRelabelIsAWarning() {
        Translation t = build(container().addMounts(criMount(data.toString(), "/data").setSelinuxRelabel(true)));
        assertEquals(1, t.warnings().size());
        assertTrue(t.warnings().get(0).contains("/data") && t.warnings().get(0).contains("SELinux"));
    }

    private static void assertBad(ContainerConfig.Builder c, String mentions) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> build(c));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains(mentions), e.getMessage());
    }

    // --- devices --------------------------------------------------------------------------------

    @Test
    void defaultDeviceRulesDenyThenAllowTheStandardNodes() {
        List<LinuxDeviceCgroup> rules = build(container()).spec().linux.resources.devices;
        assertEquals(Boolean.FALSE, rules.get(0).allow);
        assertEquals("rwm", rules.get(0).access);
        assertTrue(rules.stream().anyMatch(r -> r.allow && "c".equals(r.type) && Long.valueOf(1).equals(r.major)
                && Long.valueOf(3).equals(r.minor)), "/dev/null allowed");
        assertTrue(rules.stream().anyMatch(r -> r.allow && Long.valueOf(136).equals(r.major) && r.minor == null),
                "pty slaves allowed");
        assertNull(build(container()).spec().linux.devices);
    }

    @Test
    void devicesAreStatedAndAllowed() {
        Spec s = build(container()
                .addDevices(Device.newBuilder().setHostPath("/dev/null").setContainerPath("/dev/xnull")
                        .setPermissions("rw"))
                .addDevices(Device.newBuilder().setHostPath("/dev/zero"))).spec();
        LinuxDevice d = s.linux.devices.get(0);
        assertEquals("/dev/xnull", d.path);
        assertEquals("c", d.type);
        assertEquals(1L, d.major);
        assertEquals(3L, d.minor);
        assertEquals(0666, d.fileMode);
        LinuxDevice z = s.linux.devices.get(1);
        assertEquals("/dev/zero", z.path);
        assertEquals(5L, z.minor);
        List<LinuxDeviceCgroup> rules = s.linux.resources.devices;
        LinuxDeviceCgroup last = rules.get(rules.size() - 1);
        assertEquals("rwm", last.access);
        assertEquals(5L, last.minor);
        LinuxDeviceCgroup xnull = rules.get(rules.size() - 2);
        assertEquals("rw", xnull.access);
        assertEquals(3L, xnull.minor);
    }

    @Test
    void badDevicesAreRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertBad(container().addDevices(Device.newBuilder().setHostPath(file.toString())),
                "not a character or block device");
        assertBad(container().addDevices(Device.newBuilder().setHostPath("/dev/does-not-exist")), "does not exist");
        assertBad(container().addDevices(Device.newBuilder().setHostPath("/dev/null").setPermissions("rwx")), "\"rwx\"");
        assertBad(container().addDevices(Device.newBuilder().setHostPath("/dev/null").setContainerPath("dev/n")),
                "\"dev/n\"");
        assertBad(container().addCDIDevices(io.peapod.cri.v1.CDIDevice.newBuilder().setName("vendor.com/gpu=0")),
                "vendor.com/gpu=0");
    }
}
