package io.peapod.cri.translate;

import io.peapod.cri.v1.Capability;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.LinuxContainerConfig;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.LinuxPodSandboxConfig;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.SELinuxOption;
import io.peapod.cri.v1.SecurityProfile;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.seccomp.DefaultProfile;
import io.peapod.runtime.spec.Capabilities;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxCapabilities;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.peapod.cri.translate.Fixtures.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Privileged, capabilities, read-only rootfs, no_new_privs, masked paths, seccomp, AppArmor, SELinux. */
@SuppressWarnings("deprecation") // the deprecated profile strings are part of what is tested
class ContainerSecurityTest {

    @TempDir
    Path tmp;

    private static Translation build(LinuxContainerSecurityContext.Builder sc) {
        return Fixtures.build(container().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc)).build(),
                new Fixtures.Pod(), Fixtures.busybox());
    }

    private static Spec spec(LinuxContainerSecurityContext.Builder sc) {
        return build(sc).spec();
    }

    private static LinuxContainerSecurityContext.Builder sc() {
        return LinuxContainerSecurityContext.newBuilder();
    }

    private static List<String> caps(Capability.Builder c) {
        LinuxCapabilities caps = spec(sc().setCapabilities(c)).process.capabilities;
        assertEquals(caps.bounding, caps.effective);
        assertEquals(caps.bounding, caps.permitted);
        return caps.bounding;
    }

    private static List<String> sortedCaps(List<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort((a, b) -> Integer.compare(Capabilities.number(a), Capabilities.number(b)));
        return out;
    }

    private static Translation privileged(LinuxContainerSecurityContext.Builder sc) {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.security = LinuxSandboxSecurityContext.newBuilder().setPrivileged(true).build();
        return Fixtures.build(container().setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(sc.setPrivileged(true))).build(), pod, Fixtures.busybox());
    }

    // --- capabilities --------------------------------------------------------------------------

    @Test
    void defaultCapabilities() {
        LinuxCapabilities c = spec(sc()).process.capabilities;
        assertEquals(sortedCaps(SecurityTranslator.DEFAULT_CAPABILITIES), c.bounding);
        assertNull(c.ambient);
        assertNull(c.inheritable);
    }

    @Test
    void addAndDropAsTheKubeletSendsThem() {
        List<String> c = caps(Capability.newBuilder().addAddCapabilities("NET_ADMIN").addAddCapabilities("sys_time")
                .addDropCapabilities("CHOWN").addDropCapabilities("CAP_KILL"));
        assertTrue(c.contains("CAP_NET_ADMIN") && c.contains("CAP_SYS_TIME"), c.toString());
        assertFalse(c.contains("CAP_CHOWN") || c.contains("CAP_KILL"), c.toString());
        assertEquals(SecurityTranslator.DEFAULT_CAPABILITIES.size(), c.size());
    }

    @Test
    void addAllThenDropOne() {
        List<String> c = caps(Capability.newBuilder().addAddCapabilities("ALL").addDropCapabilities("CHOWN"));
        assertEquals(Capabilities.all().size() - 1, c.size());
        assertFalse(c.contains("CAP_CHOWN"));
    }

    @Test
    void dropAllThenAddOne() {
        assertEquals(List.of("CAP_NET_BIND_SERVICE"),
                caps(Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE")));
        assertEquals(List.of(), caps(Capability.newBuilder().addDropCapabilities("all")));
    }

    @Test
    void ambientCapabilitiesAreInEverySet() {
        LinuxCapabilities c = spec(sc().setCapabilities(Capability.newBuilder()
                .addDropCapabilities("ALL").addAddAmbientCapabilities("NET_BIND_SERVICE"))).process.capabilities;
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), c.ambient);
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), c.inheritable);
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), c.permitted);
    }

    @Test
    void unknownCapabilityIsRefusedNamingIt() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMINZ"))));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains("NET_ADMINZ"),
                e.getMessage());
    }

    // --- privileged ------------------------------------------------------------------------------

    @Test
    void privilegedGetsEverythingAndNoMasks() {
        Translation t = privileged(sc().setCapabilities(Capability.newBuilder().addDropCapabilities("ALL")));
        Spec s = t.spec();
        assertEquals(Capabilities.all(), s.process.capabilities.bounding);
        assertNull(s.linux.maskedPaths);
        assertNull(s.linux.readonlyPaths);
        assertNull(s.linux.seccomp);
        Mount sys = mount(s, "/sys");
        assertTrue(sys.options.contains("rw") && !sys.options.contains("ro"), sys.options.toString());
        assertTrue(mount(s, "/sys/fs/cgroup").options.contains("rw"));
        assertEquals(1, s.linux.resources.devices.size());
        LinuxDeviceCgroup all = s.linux.resources.devices.get(0);
        assertTrue(all.allow);
        assertEquals("a", all.type);
        assertEquals("rwm", all.access);
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("device nodes")), t.warnings().toString());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("add/drop")), t.warnings().toString());
    }

    @Test
    void privilegedIgnoresSeccompRequests() {
        Spec s = privileged(sc().setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault))).spec();
        assertNull(s.linux.seccomp);
    }

    @Test
    void privilegedContainerNeedsPrivilegedPod() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> spec(sc().setPrivileged(true)));
        assertTrue(e.getMessage().contains("privileged") && e.getMessage().contains("default/web-0"), e.getMessage());
        // The sandbox config may say so too.
        PodSandboxConfig sandbox = Fixtures.sandbox().toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setPrivileged(true))).build();
        ContainerConfig c = container().setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(sc().setPrivileged(true))).build();
        assertEquals(Capabilities.all(), Fixtures.build(c, sandbox, new Fixtures.Pod(), Fixtures.busybox(),
                Fixtures.etc()).spec().process.capabilities.bounding);
    }

    // --- rootfs, no_new_privs, masked and read-only paths -------------------------------------------

    @Test
    void readonlyRootfsAndNoNewPrivs() {
        Spec s = spec(sc().setReadonlyRootfs(true).setNoNewPrivs(true));
        assertEquals(Boolean.TRUE, s.root.readonly);
        assertEquals(Boolean.TRUE, s.process.noNewPrivileges);
        Spec d = spec(sc());
        assertNull(d.root.readonly);
        assertNull(d.process.noNewPrivileges);
    }

    @Test
    void emptyMaskedAndReadonlyPathsMeanRuntimeDefaults() {
        Spec s = spec(sc());
        Spec defaults = DefaultSpec.create(false, 0, 0);
        assertEquals(defaults.linux.maskedPaths, s.linux.maskedPaths);
        assertEquals(defaults.linux.readonlyPaths, s.linux.readonlyPaths);
        assertTrue(s.linux.maskedPaths.contains("/proc/kcore"));
    }

    @Test
    void givenMaskedAndReadonlyPathsAreUsed() {
        Spec s = spec(sc().addMaskedPaths("/proc/secret").addReadonlyPaths("/proc/sys").addReadonlyPaths("/etc"));
        assertEquals(List.of("/proc/secret"), s.linux.maskedPaths);
        assertEquals(List.of("/proc/sys", "/etc"), s.linux.readonlyPaths);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().addMaskedPaths("proc/x")));
        assertTrue(e.getMessage().contains("\"proc/x\""), e.getMessage());
    }

    // --- seccomp ---------------------------------------------------------------------------------

    private static SecurityProfile profile(SecurityProfile.ProfileType type, String ref) {
        return SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref).build();
    }

    @Test
    void runtimeDefaultIsPeapodsProfile() {
        Seccomp s = spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.RuntimeDefault, ""))).linux.seccomp;
        assertNotNull(s);
        assertEquals(SpecIO.mapper().valueToTree(DefaultProfile.runtimeDefault()), SpecIO.mapper().valueToTree(s));
    }

    @Test
    void unconfinedAndNothingMeanNoFilter() {
        assertNull(spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Unconfined, ""))).linux.seccomp);
        assertNull(spec(sc()).linux.seccomp);
    }

    @Test
    void localhostProfileIsReadFromItsFile() throws Exception {
        Path file = tmp.resolve("profile.json");
        Files.writeString(file, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                + "\"syscalls\":[{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
        Seccomp s = spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, file.toString()))).linux.seccomp;
        assertEquals("SCMP_ACT_ALLOW", s.defaultAction);
        assertEquals(List.of("reboot"), s.syscalls.get(0).names);
        Seccomp d = spec(sc().setSeccompProfilePath("localhost/" + file)).linux.seccomp;
        assertEquals("SCMP_ACT_ALLOW", d.defaultAction);
    }

    @Test
    void badLocalhostProfilesAreRefusedNamingTheFile() throws Exception {
        Path missing = tmp.resolve("missing.json");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, missing.toString()))));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"defaultAction\": 12");
        InvalidArgumentException b = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, bad.toString()))));
        assertTrue(b.getMessage().contains(bad.toString()), b.getMessage());
        Path wrongAction = tmp.resolve("wrong.json");
        Files.writeString(wrongAction, "{\"defaultAction\":\"SCMP_ACT_EXPLODE\"}");
        InvalidArgumentException w = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, wrongAction.toString()))));
        assertTrue(w.getMessage().contains("SCMP_ACT_EXPLODE"), w.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, ""))));
        assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccomp(profile(SecurityProfile.ProfileType.Localhost, "relative.json"))));
    }

    @Test
    void deprecatedProfileStrings() {
        assertNotNull(spec(sc().setSeccompProfilePath("runtime/default")).linux.seccomp);
        assertNotNull(spec(sc().setSeccompProfilePath("docker/default")).linux.seccomp);
        assertNull(spec(sc().setSeccompProfilePath("unconfined")).linux.seccomp);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(sc().setSeccompProfilePath("bogus/x")));
        assertTrue(e.getMessage().contains("\"bogus/x\""), e.getMessage());
    }

    @Test
    void profileFieldWinsOverDeprecatedString() {
        assertNull(spec(sc().setSeccompProfilePath("runtime/default")
                .setSeccomp(profile(SecurityProfile.ProfileType.Unconfined, ""))).linux.seccomp);
    }

    @Test
    void podProfileIsTheDefault() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.security = LinuxSandboxSecurityContext.newBuilder()
                .setSeccomp(profile(SecurityProfile.ProfileType.RuntimeDefault, "")).build();
        assertNotNull(Fixtures.build(container().build(), pod, Fixtures.busybox()).spec().linux.seccomp);
        ContainerConfig unconfined = container().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                sc().setSeccomp(profile(SecurityProfile.ProfileType.Unconfined, "")))).build();
        assertNull(Fixtures.build(unconfined, pod, Fixtures.busybox()).spec().linux.seccomp);
    }

    // --- AppArmor and SELinux --------------------------------------------------------------------

    @Test
    void appArmorAndSeLinuxAreReportedNotApplied() {
        Translation t = build(sc().setApparmor(profile(SecurityProfile.ProfileType.RuntimeDefault, ""))
                .setSelinuxOptions(SELinuxOption.newBuilder().setType("container_t").setLevel("s0:c1,c2")));
        assertEquals(2, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).contains("AppArmor") && t.warnings().get(0).contains("container \"app\""));
        assertTrue(t.warnings().get(1).contains("SELinux") && t.warnings().get(1).contains("container_t"));
        assertNull(t.spec().process.apparmorProfile);
        assertNull(t.spec().process.selinuxLabel);
        assertEquals(List.of(), build(sc().setApparmor(profile(SecurityProfile.ProfileType.Unconfined, ""))).warnings());
        assertEquals(1, build(sc().setApparmorProfile("localhost/k8s-nginx")).warnings().size());
        assertEquals(List.of(), build(sc()).warnings());
    }

    static Mount mount(Spec s, String destination) {
        return s.mounts.stream().filter(m -> m.destination.equals(destination)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount at " + destination));
    }
}
