package io.peapod.cri.translate;

import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.Int64Value;
import io.peapod.cri.v1.KeyValue;
import io.peapod.cri.v1.LinuxContainerConfig;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.SupplementalGroupsPolicy;
import io.peapod.image.spec.ImageConfig;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.User;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.peapod.cri.translate.Fixtures.container;
import static io.peapod.cri.translate.Fixtures.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** argv, environment, working directory and user of a container's process. */
class ContainerProcessTest {

    private static final ImageConfig ENTRY_AND_CMD = image(List.of("/entry", "-e"), List.of("cmd-arg"), null, null, null);

    private static Process process(ContainerConfig.Builder c, ImageConfig image) {
        return Fixtures.build(c.build(), new Fixtures.Pod(), image).spec().process;
    }

    private static Process process(ContainerConfig.Builder c) {
        return process(c, Fixtures.busybox());
    }

    private static ContainerConfig.Builder withSecurity(LinuxContainerSecurityContext.Builder sc) {
        return container().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc));
    }

    // --- command and args against Entrypoint and Cmd -------------------------------------------

    @Test
    void commandAndArgsReplaceEntrypointAndCmd() {
        Process p = process(container().addCommand("/bin/app").addArgs("--port").addArgs("80"), ENTRY_AND_CMD);
        assertEquals(List.of("/bin/app", "--port", "80"), p.args);
    }

    @Test
    void commandAloneIgnoresImageCmd() {
        Process p = process(container().addCommand("/bin/app"), ENTRY_AND_CMD);
        assertEquals(List.of("/bin/app"), p.args);
    }

    @Test
    void argsAloneFollowImageEntrypoint() {
        Process p = process(container().addArgs("x").addArgs("y"), ENTRY_AND_CMD);
        assertEquals(List.of("/entry", "-e", "x", "y"), p.args);
    }

    @Test
    void neitherGivesEntrypointPlusCmd() {
        assertEquals(List.of("/entry", "-e", "cmd-arg"), process(container(), ENTRY_AND_CMD).args);
        assertEquals(List.of("sh"), process(container(), Fixtures.busybox()).args);
        assertEquals(List.of("/entry"), process(container(), image(List.of("/entry"), null, null, null, null)).args);
    }

    @Test
    void argsWithoutAnyEntrypointAreTheCommand() {
        Process p = process(container().addArgs("/bin/echo").addArgs("hi"), image(null, List.of("sh"), null, null, null));
        assertEquals(List.of("/bin/echo", "hi"), p.args);
    }

    @Test
    void noCommandAnywhereIsRefusedNamingTheContainer() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> process(container(), image(null, null, null, null, null)));
        assertTrue(e.getMessage().contains("container \"app\""), e.getMessage());
        assertTrue(e.getMessage().contains("no command"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> process(container(), null));
    }

    @Test
    void noImageConfigWithCommandWorks() {
        assertEquals(List.of("/pause"), process(container().addCommand("/pause"), null).args);
    }

    // --- environment ----------------------------------------------------------------------------

    @Test
    void containerEnvOverridesImageEnvInPlace() {
        ImageConfig img = image(null, List.of("sh"), List.of("PATH=/img/bin", "A=1", "B=2"), null, null);
        Process p = process(container().addEnvs(kv("B", "20")).addEnvs(kv("C", "3")).addEnvs(kv("A", "10")), img);
        assertEquals(List.of("HOSTNAME=web-0", "PATH=/img/bin", "A=10", "B=20", "C=3"), p.env);
    }

    @Test
    void pathIsDefaultedWhenNobodySetsIt() {
        Process p = process(container(), image(null, List.of("sh"), List.of("A=1"), null, null));
        assertEquals(List.of(ContainerSpecBuilder.DEFAULT_PATH, "HOSTNAME=web-0", "A=1"), p.env);
        Process q = process(container().addEnvs(kv("PATH", "/mine")), image(null, List.of("sh"), null, null, null));
        assertEquals(List.of("HOSTNAME=web-0", "PATH=/mine"), q.env);
    }

    @Test
    void hostnameCanBeOverriddenAndTtyAddsTerm() {
        Process p = process(container().setTty(true).addEnvs(kv("HOSTNAME", "other")));
        assertTrue(p.env.contains("HOSTNAME=other"), p.env.toString());
        assertTrue(p.env.contains("TERM=xterm"), p.env.toString());
        assertEquals(Boolean.TRUE, p.terminal);
        assertNull(process(container()).terminal);
    }

    @Test
    void imageEntryWithoutValueUnsetsAndEmptyValueIsKept() {
        ImageConfig img = image(null, List.of("sh"), List.of("A=1", "A", "B=", "PATH=/bin"), null, null);
        assertEquals(List.of("HOSTNAME=web-0", "B=", "PATH=/bin"), process(container(), img).env);
    }

    @Test
    void badEnvironmentNamesAreRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> process(container().addEnvs(kv("", "x"))));
        assertTrue(e.getMessage().contains("container \"app\""), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> process(container().addEnvs(kv("A=B", "x"))));
        assertThrows(InvalidArgumentException.class,
                () -> process(container(), image(null, List.of("sh"), List.of("=x"), null, null)));
    }

    // --- working directory ----------------------------------------------------------------------

    @Test
    void workingDirFromConfigThenImageThenRoot() {
        ImageConfig img = image(null, List.of("sh"), null, null, "/srv");
        assertEquals("/work", process(container().setWorkingDir("/work"), img).cwd);
        assertEquals("/srv", process(container(), img).cwd);
        assertEquals("/", process(container()).cwd);
    }

    @Test
    void relativeWorkingDirIsRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> process(container().setWorkingDir("work")));
        assertTrue(e.getMessage().contains("\"work\""), e.getMessage());
        InvalidArgumentException i = assertThrows(InvalidArgumentException.class,
                () -> process(container(), image(null, List.of("sh"), null, null, "srv")));
        assertTrue(i.getMessage().contains("image WorkingDir"), i.getMessage());
    }

    // --- user -----------------------------------------------------------------------------------

    private static User imageUser(String user) {
        return process(container(), image(null, List.of("sh"), null, user, null)).user;
    }

    @Test
    void noUserIsRootWithRootsGroups() {
        User u = imageUser(null);
        assertEquals(0L, u.uid);
        assertEquals(0L, u.gid);
        assertEquals(List.of(0L, 10L), u.additionalGids); // root is a member of wheel
    }

    @Test
    void numericImageUserTakesItsGroupFromPasswd() {
        User u = imageUser("1000");
        assertEquals(1000L, u.uid);
        assertEquals(1000L, u.gid);
        assertEquals(List.of(10L, 50L, 1000L), u.additionalGids);
    }

    @Test
    void numericUserNotInPasswdGetsGroupZero() {
        User u = imageUser("4242");
        assertEquals(4242L, u.uid);
        assertEquals(0L, u.gid);
        assertEquals(List.of(0L), u.additionalGids);
    }

    @Test
    void uidColonGidIsTakenAsIs() {
        User u = imageUser("1000:29");
        assertEquals(1000L, u.uid);
        assertEquals(29L, u.gid);
        assertEquals(List.of(10L, 29L, 50L), u.additionalGids);
    }

    @Test
    void namesResolveInTheImagesFiles() {
        User u = imageUser("app");
        assertEquals(1000L, u.uid);
        assertEquals(1000L, u.gid);
        User v = imageUser("daemon:staff");
        assertEquals(1L, v.uid);
        assertEquals(50L, v.gid);
        assertEquals(List.of(29L, 50L), v.additionalGids);
        User w = imageUser("65534:wheel");
        assertEquals(65534L, w.uid);
        assertEquals(10L, w.gid);
    }

    @Test
    void unknownNamesAreRefusedNamingThem() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> imageUser("ghost"));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains("\"ghost\"")
                && e.getMessage().contains("/etc/passwd"), e.getMessage());
        InvalidArgumentException g = assertThrows(InvalidArgumentException.class, () -> imageUser("app:ghosts"));
        assertTrue(g.getMessage().contains("\"ghosts\"") && g.getMessage().contains("/etc/group"), g.getMessage());
        assertThrows(InvalidArgumentException.class, () -> imageUser("app:"));
        assertThrows(InvalidArgumentException.class, () -> imageUser("1:2:3"));
        assertThrows(InvalidArgumentException.class, () -> imageUser("4294967296"));
    }

    @Test
    void namedUserWithoutPasswdFileIsRefused() {
        ContainerConfig c = container().build();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Fixtures.build(c, Fixtures.sandbox(), new Fixtures.Pod(),
                        image(null, List.of("sh"), null, "app", null), RootfsReader.empty()));
        assertTrue(e.getMessage().contains("\"app\""), e.getMessage());
    }

    @Test
    void securityContextUserOverridesImageUser() {
        ImageConfig img = image(null, List.of("sh"), null, "app", null);
        User u = process(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1))), img).user;
        assertEquals(1L, u.uid);
        assertEquals(1L, u.gid);
        assertEquals(List.of(1L, 29L), u.additionalGids);

        User v = process(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(3000))
                .addSupplementalGroups(4000)), img).user;
        assertEquals(1000L, v.uid);
        assertEquals(3000L, v.gid);
        // Kubernetes' documented example: primary, supplemental and the image's memberships.
        assertEquals(List.of(10L, 50L, 3000L, 4000L), v.additionalGids);

        User w = process(withSecurity(LinuxContainerSecurityContext.newBuilder().setRunAsUsername("daemon")), img).user;
        assertEquals(1L, w.uid);
    }

    @Test
    void strictPolicyDropsTheImagesGroupMemberships() {
        User u = process(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(3000))
                .addSupplementalGroups(4000)
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict))).user;
        assertEquals(List.of(3000L, 4000L), u.additionalGids);
    }

    @Test
    void podSecurityContextGivesDefaults() {
        Fixtures.Pod pod = new Fixtures.Pod();
        pod.security = LinuxSandboxSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(2000))
                .addSupplementalGroups(7).build();
        User u = Fixtures.build(container().build(), pod, Fixtures.busybox()).spec().process.user;
        assertEquals(1000L, u.uid);
        assertEquals(2000L, u.gid);
        assertEquals(List.of(7L, 10L, 50L, 2000L), u.additionalGids);
    }

    @Test
    void runAsGroupWithoutUserIsRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> process(withSecurity(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsGroup(Int64Value.newBuilder().setValue(5)))));
        assertTrue(e.getMessage().contains("run_as_group 5"), e.getMessage());
    }

    @Test
    void negativeIdsAreRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> process(withSecurity(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(-1)))));
        assertTrue(e.getMessage().contains("run_as_user -1"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> process(withSecurity(
                LinuxContainerSecurityContext.newBuilder().addSupplementalGroups(-3))));
    }

    @Test
    void runAsNonRootRefusesRoot() {
        ContainerConfig c = container().build();
        ImageConfig rootImage = image(null, List.of("sh"), null, "root", null);
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> ContainerSpecBuilder.build("c1", c, Fixtures.sandbox(), new Fixtures.Pod().build(), rootImage,
                        Path.of("/rootfs"), Fixtures.etc(), true));
        assertTrue(e.getMessage().contains("container \"app\"") && e.getMessage().contains("uid 0")
                && e.getMessage().contains("\"root\""), e.getMessage());
        // An image without a user is root too.
        assertThrows(FailedPreconditionException.class, () -> ContainerSpecBuilder.build("c1", c, Fixtures.sandbox(),
                new Fixtures.Pod().build(), Fixtures.busybox(), Path.of("/rootfs"), Fixtures.etc(), true));
        Spec ok = ContainerSpecBuilder.build("c1", c, Fixtures.sandbox(), new Fixtures.Pod().build(),
                image(null, List.of("sh"), null, "app", null), Path.of("/rootfs"), Fixtures.etc(), true).spec();
        assertEquals(1000L, ok.process.user.uid);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(v).build();
    }
}
