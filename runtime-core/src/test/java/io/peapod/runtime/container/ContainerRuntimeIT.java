package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxDevice;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.LinuxIdMapping;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxPids;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompSyscall;
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

/** Containers for real: namespaces, pivot_root, cgroups, exit codes, supervision. Needs root. */
class ContainerRuntimeIT {
    /** Short on purpose: the monitors' socket paths must fit in 107 bytes. */
    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private ContainerRuntime runtime;
    private Path stateRoot;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        stateRoot = tmp.resolve("state");
        runtime = new ContainerRuntime(new RuntimeContext(new FileStateStore(stateRoot, false),
                new io.peapod.helper.Helper(), CgroupManagers::forPath, HostLimits.current(),
                "peapod-test-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterEach
    void cleanUp() {
        for (String id : created) {
            try {
                runtime.delete(id, true);
            } catch (NotFoundException ignored) {
                // deleted by the test itself
            }
        }
        String parent = runtime.context().defaultCgroupParent();
        CgroupManagers.forPath(parent).destroy();
    }

    private String id() {
        String id = "c" + UUID.randomUUID().toString().substring(0, 12);
        created.add(id);
        return id;
    }

    private BusyboxBundle bundle(String... args) throws IOException {
        return BusyboxBundle.create(Files.createTempDirectory(tmp, "bundle"), args);
    }

    /** Runs the bundle to completion with stdout and stderr in a file; returns exit code and output. */
    private Result run(BusyboxBundle b) throws IOException {
        String id = id();
        Path out = tmp.resolve(id + ".out");
        Files.createFile(out);
        runtime.create(id, b.dir(), new CreateOptions(Map.of(0, "/dev/null", 1, out.toString(), 2, out.toString()),
                null, null, null, false, false));
        runtime.start(id);
        ContainerRecord done = runtime.waitFor(id, Duration.ofSeconds(30)).orElseThrow();
        return new Result(done, Files.readString(out));
    }

    private record Result(ContainerRecord record, String output) {
        int exitCode() {
            return record.exitCode();
        }
    }

    @Test
    void processIsPidOneWithTheSpecsHostnameAndOnlyLoopback() throws IOException {
        BusyboxBundle b = bundle("sh", "-c", "echo pid=$$; hostname; cat /proc/net/dev");
        b.spec().hostname = "peapod-box";
        b.save();
        Result r = run(b);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("pid=1\n"), r.output());
        assertTrue(r.output().contains("peapod-box\n"), r.output());
        long interfaces = r.output().lines().filter(l -> l.contains(":") && !l.contains("|")).count();
        assertEquals(1, interfaces, r.output());
        assertTrue(r.output().contains("lo:"), r.output());
    }

    @Test
    void newNamespacesDifferAndAJoinedOneEqualsItsSource() throws IOException {
        BusyboxBundle b = bundle("sh", "-c", "for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done");
        b.spec().linux().namespaces().removeIf(ns -> ns.type.equals(LinuxNamespace.IPC));
        String self = "/proc/" + ProcessHandle.current().pid() + "/ns/";
        b.spec().linux().namespaces().add(new LinuxNamespace(LinuxNamespace.IPC, self + "ipc"));
        b.save();
        Result r = run(b);
        assertEquals(0, r.exitCode(), r.output());
        String[] inside = r.output().trim().split("\n");
        String[] types = {"pid", "net", "ipc", "uts", "mnt"};
        for (int i = 0; i < types.length; i++) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns", types[i])).toString();
            if (types[i].equals("ipc")) {
                assertEquals(host, inside[i], "joined ipc namespace");
            } else {
                assertNotEquals(host, inside[i], types[i] + " namespace should be new");
            }
        }
    }

    @Test
    void hostFilesAreInvisibleAfterPivotRoot() throws IOException {
        Path marker = tmp.resolve("host-only-marker");
        Files.writeString(marker, "x");
        Result r = run(bundle("sh", "-c", "test -e " + marker + " && echo visible; grep -c . /proc/self/mountinfo"));
        assertFalse(r.output().contains("visible"), r.output());
        assertFalse(r.output().contains(tmp.toString()), r.output());
    }

    @Test
    void userNamespaceMapsRootToTheSpecsHostUid() throws Exception {
        BusyboxBundle b = bundle("sleep", "30");
        // the mapped root must be able to reach the rootfs
        for (Path p = b.dir(); p.startsWith(tmp.getParent()) && !p.equals(tmp.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        b.spec().linux().namespaces().add(new LinuxNamespace(LinuxNamespace.USER));
        b.spec().linux().uidMappings = List.of(new LinuxIdMapping(0, 200000, 65536));
        b.spec().linux().gidMappings = List.of(new LinuxIdMapping(0, 200000, 65536));
        b.spec().mounts.removeIf(m -> m.destination.equals("/sys") || m.destination.equals("/sys/fs/cgroup"));
        b.save();
        String id = id();
        ContainerRecord c = runtime.create(id, b.dir(), CreateOptions.detached());
        runtime.start(id);
        String status = Files.readString(Path.of("/proc", Integer.toString(c.pid()), "status"));
        String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertTrue(uidLine.matches("Uid:\\s+200000\\s+200000\\s+200000\\s+200000"), uidLine);
        runtime.delete(id, true);
    }

    @Test
    void ambientCapabilitiesNeedInheritableOnesAsInRunc() throws IOException {
        // runc spec's default: ambient caps that are not inheritable; runc and crun leave them out
        BusyboxBundle b = bundle("sh", "-c", "grep -E 'CapInh|CapAmb' /proc/self/status");
        var caps = b.spec().process.capabilities;
        caps.bounding = List.of("CAP_KILL", "CAP_NET_BIND_SERVICE");
        caps.effective = caps.bounding;
        caps.permitted = caps.bounding;
        caps.inheritable = List.of();
        caps.ambient = List.of("CAP_KILL", "CAP_NET_BIND_SERVICE");
        b.save();
        Result r = run(b);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("CapAmb:\t0000000000000000"), r.output());
        caps.inheritable = List.of("CAP_KILL");
        b.save();
        Result kill = run(b);
        assertEquals(0, kill.exitCode(), kill.output());
        assertTrue(kill.output().contains("CapAmb:\t0000000000000020"), "CAP_KILL (bit 5) alone: " + kill.output());
    }

    @Test
    void startingNowCreatesARunningContainerUnlessHooksMustRunBetween() throws IOException {
        String id = id();
        Path out = tmp.resolve(id + ".out");
        Files.createFile(out);
        CreateOptions now = new CreateOptions(Map.of(0, "/dev/null", 1, out.toString(), 2, out.toString()), null,
                null, null, false, false).startingNow();
        ContainerRecord created = runtime.create(id, bundle("sh", "-c", "echo at once").dir(), now);
        assertEquals(ContainerStatus.RUNNING, created.status(), created.toString());
        assertTrue(created.started() != null, "started is recorded");
        ContainerRecord done = runtime.waitFor(id, Duration.ofSeconds(30)).orElseThrow();
        assertEquals(0, done.exitCode());
        assertEquals("at once\n", Files.readString(out));
        assertThrows(FailedPreconditionException.class, () -> runtime.start(id), "nothing is left to start");

        BusyboxBundle hooked = bundle("true");
        hooked.spec().hooks = new io.peapod.runtime.spec.Hooks();
        io.peapod.runtime.spec.Hook hook = new io.peapod.runtime.spec.Hook();
        hook.path = "/bin/true";
        hooked.spec().hooks.createRuntime = List.of(hook);
        hooked.save();
        String other = id();
        var e = assertThrows(io.peapod.runtime.errors.InvalidArgumentException.class,
                () -> runtime.create(other, hooked.dir(), now));
        assertTrue(e.getMessage().contains("hooks must run between create and start"), e.getMessage());
        assertTrue(runtime.list().stream().noneMatch(c -> c.id().equals(other)), "nothing was created");
    }

    @Test
    void exitCodesAndSignals() throws IOException {
        assertEquals(3, run(bundle("sh", "-c", "exit 3")).exitCode());
        // PID 1 of a namespace ignores signals from inside it: SIGKILL comes from the host
        String id = id();
        runtime.create(id, bundle("sleep", "30").dir(), CreateOptions.detached());
        runtime.start(id);
        runtime.kill(id, 9, false);
        ContainerRecord killed = runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(137, killed.exitCode());
        assertFalse(killed.oomKilled());
    }

    @Test
    void stopHonoursTheGracePeriod() throws IOException {
        // traps TERM and keeps running: only the SIGKILL after the grace period ends it
        BusyboxBundle stubborn = bundle("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done");
        String id = id();
        runtime.create(id, stubborn.dir(), CreateOptions.detached());
        runtime.start(id);
        long t0 = System.nanoTime();
        ContainerRecord r = runtime.stop(id, Duration.ofMillis(1500));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(137, r.exitCode());
        assertTrue(ms >= 1400, "stopped after " + ms + " ms, before the grace period ended");

        BusyboxBundle polite = bundle("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        String id2 = id();
        runtime.create(id2, polite.dir(), CreateOptions.detached());
        runtime.start(id2);
        ContainerRecord r2 = runtime.stop(id2, Duration.ofSeconds(20));
        assertEquals(0, r2.exitCode());
    }

    @Test
    void memoryHogIsOomKilled() throws IOException {
        BusyboxBundle b = bundle("sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived");
        LinuxMemory mem = new LinuxMemory();
        mem.limit = 32L * 1024 * 1024;
        mem.swap = 32L * 1024 * 1024;
        b.spec().linux().resources().memory = mem;
        b.save();
        Result r = run(b);
        assertEquals(137, r.exitCode(), r.output());
        assertTrue(r.record().oomKilled(), "OOM kill not recognised");
    }

    @Test
    void forkBombStopsAtThePidsLimit() throws Exception {
        BusyboxBundle b = bundle("sh", "-c",
                "i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); echo forked $i; done");
        LinuxPids pids = new LinuxPids();
        pids.limit = 10L;
        b.spec().linux().resources().pids = pids;
        b.save();
        Result r = run(b);
        // busybox sh gives up at the first failed fork
        assertTrue(r.output().contains("can't fork"), r.output());
        int last = r.output().lines().filter(l -> l.startsWith("forked ")).mapToInt(l -> Integer.parseInt(l.substring(7)))
                .max().orElse(0);
        assertTrue(last >= 5 && last < 10, "forked " + last + " with a pids limit of 10 (the shell is one)");
    }

    @Test
    void cpuQuotaReachesTheKernel() throws IOException {
        BusyboxBundle b = bundle("sleep", "30");
        LinuxCpu cpu = new LinuxCpu();
        cpu.quota = 50000L;
        cpu.period = 100000L;
        cpu.shares = 512L;
        b.spec().linux().resources().cpu = cpu;
        b.save();
        String id = id();
        ContainerRecord c = runtime.create(id, b.dir(), CreateOptions.detached());
        var stats = CgroupManagers.forPath(c.cgroupPath());
        assertTrue(stats.pids().contains(c.pid()), "container process not in its cgroup");
        if (CgroupManagers.layout() != io.peapod.runtime.cgroup.CgroupLayout.UNIFIED) {
            Path dir = Path.of("/sys/fs/cgroup/cpu", c.cgroupPath());
            assertEquals("50000", Files.readString(dir.resolve("cpu.cfs_quota_us")).trim());
            assertEquals("100000", Files.readString(dir.resolve("cpu.cfs_period_us")).trim());
            assertEquals("512", Files.readString(dir.resolve("cpu.shares")).trim());
        }
        runtime.delete(id, true);
        assertFalse(CgroupManagers.forPath(c.cgroupPath()).exists(), "cgroup left after delete");
    }

    /** The default rules let a shell use the standard nodes; one more rule takes writing to /dev/null away. */
    @Test
    void deviceRulesAreEnforced() throws IOException {
        Result fine = run(bundle("sh", "-c", "echo x > /dev/null && head -c 4 /dev/urandom > /dev/zero"
                + " && head -c 1 /dev/zero > /dev/full; echo done"));
        assertEquals(0, fine.exitCode(), fine.output());
        // /dev/full refuses the write itself (ENOSPC): the open was allowed
        assertTrue(fine.output().contains("No space left on device") && fine.output().contains("done"),
                fine.output());
        assertFalse(fine.output().contains("Operation not permitted"), fine.output());

        BusyboxBundle b = bundle("sh", "-c", "cat /dev/null && echo read; echo x > /dev/null && echo wrote");
        b.spec().linux().resources().devices.add(new LinuxDeviceCgroup(false, "c", 1L, 3L, "w"));
        b.save();
        Result denied = run(b);
        assertNotEquals(0, denied.exitCode(), denied.output());
        assertTrue(denied.output().contains("read\n"), denied.output());
        assertTrue(denied.output().contains("can't create /dev/null: Operation not permitted"), denied.output());
        assertFalse(denied.output().contains("wrote"), denied.output());

        BusyboxBundle tun = bundle("sh", "-c", "cat /dev/tun");
        tun.spec().linux().devices = List.of(tunDevice());
        tun.save();
        Result t = run(tun);
        assertNotEquals(0, t.exitCode(), t.output());
        assertTrue(t.output().contains("can't open '/dev/tun': Operation not permitted"),
                "a node without a rule: " + t.output());
    }

    /**
     * /dev/net/tun's numbers (c 10:200), which anyone may open where no rule forbids it: the helper may create
     * the node (mknod of any node is allowed), but no rule allows opening it.
     */
    private static LinuxDevice tunDevice() {
        LinuxDevice d = new LinuxDevice();
        d.path = "/dev/tun";
        d.type = "c";
        d.major = 10L;
        d.minor = 200L;
        d.fileMode = 0666;
        return d;
    }

    @Test
    void seccompDeniesWithTheConfiguredErrno() throws IOException {
        BusyboxBundle b = bundle("sh", "-c", "mkdir /tmp/denied; echo rc=$?");
        Seccomp s = new Seccomp();
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.architectures = List.of("SCMP_ARCH_X86_64");
        SeccompSyscall rule = new SeccompSyscall();
        rule.names = List.of("mkdir", "mkdirat");
        rule.action = "SCMP_ACT_ERRNO";
        rule.errnoRet = 38L;
        s.syscalls = List.of(rule);
        b.spec().linux().seccomp = s;
        b.save();
        Result r = run(b);
        assertTrue(r.output().contains("Function not implemented"), r.output());
        assertTrue(r.output().contains("rc=1"), r.output());
    }

    @Test
    void createStartSplitAndIllegalTransitions() throws IOException {
        BusyboxBundle b = bundle("sleep", "30");
        String id = id();
        ContainerRecord c = runtime.create(id, b.dir(), CreateOptions.detached());
        assertEquals(ContainerStatus.CREATED, runtime.state(id).status());
        assertTrue(c.pid() > 0);
        assertThrows(FailedPreconditionException.class, () -> runtime.pause(id));
        runtime.start(id);
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
        FailedPreconditionException again = assertThrows(FailedPreconditionException.class, () -> runtime.start(id));
        assertTrue(again.getMessage().contains("running"), again.getMessage());
        assertThrows(FailedPreconditionException.class, () -> runtime.delete(id, false));
        runtime.pause(id);
        assertEquals(ContainerStatus.PAUSED, runtime.state(id).status());
        runtime.resume(id);
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
        runtime.kill(id, 9, false);
        assertEquals(137, runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow().exitCode());
        runtime.delete(id, false);
        assertThrows(NotFoundException.class, () -> runtime.state(id));
    }

    @Test
    void containerOutlivesTheJvmThatStartedIt() throws Exception {
        BusyboxBundle b = bundle("sh", "-c", "sleep 1; exit 7");
        String id = id();
        Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), StartAndExit.class.getName(),
                stateRoot.toString(), id, b.dir().toString(), runtime.context().defaultCgroupParent())
                .inheritIO().start();
        assertEquals(0, other.waitFor());
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
        ContainerRecord done = runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(7, done.exitCode());
    }

    /** Started in a second JVM by {@link #containerOutlivesTheJvmThatStartedIt}. */
    public static final class StartAndExit {
        public static void main(String[] args) {
            ContainerRuntime rt = new ContainerRuntime(new RuntimeContext(new FileStateStore(Path.of(args[0]), false),
                    new io.peapod.helper.Helper(), CgroupManagers::forPath, HostLimits.current(), args[3]));
            rt.create(args[1], Path.of(args[2]), CreateOptions.detached());
            rt.start(args[1]);
            System.exit(0);
        }
    }

    @Test
    void logRecordsPartialLines() throws IOException {
        BusyboxBundle b = bundle("sh", "-c", "echo full; printf partial");
        String id = id();
        Path log = tmp.resolve("c.log");
        runtime.create(id, b.dir(), CreateOptions.logTo(log));
        runtime.start(id);
        runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow();
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+Z stdout F full")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+Z stdout P partial")), lines.toString());
    }

    @Test
    void badSpecsLeaveNothingBehind() throws IOException {
        BusyboxBundle b = bundle("true");
        b.spec().linux().namespaces().add(new LinuxNamespace("netz"));
        b.save();
        assertBadSpec(b, "netz");

        BusyboxBundle dup = bundle("true");
        dup.spec().linux().namespaces().add(new LinuxNamespace(LinuxNamespace.PID));
        dup.save();
        assertBadSpec(dup, "pid");

        BusyboxBundle relative = bundle("true");
        relative.spec().process.cwd = "relative/dir";
        relative.save();
        assertBadSpec(relative, "relative/dir");

        BusyboxBundle noRoot = bundle("true");
        noRoot.spec().root.path = "missing-rootfs";
        noRoot.save();
        assertBadSpec(noRoot, "missing-rootfs");

        BusyboxBundle maps = bundle("true");
        maps.spec().linux().uidMappings = List.of(new LinuxIdMapping(0, 1000, 1));
        maps.save();
        assertBadSpec(maps, "user");

        BusyboxBundle host = bundle("true");
        host.spec().linux().namespaces().removeIf(ns -> ns.type.equals(LinuxNamespace.UTS));
        host.spec().hostname = "nope";
        host.save();
        assertBadSpec(host, "hostname");

        BusyboxBundle missing = bundle("/bin/definitely-missing");
        String id = id();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> {
                    runtime.create(id, missing.dir(), CreateOptions.detached());
                    runtime.start(id);
                });
        assertTrue(e.getMessage().contains("definitely-missing") || e.getMessage().contains("execve"), e.getMessage());
    }

    private void assertBadSpec(BusyboxBundle b, String mentioned) {
        String id = id();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> runtime.create(id, b.dir(), CreateOptions.detached()));
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
        assertFalse(Files.exists(stateRoot.resolve(id)), "state directory left behind");
        assertFalse(CgroupManagers.forPath(runtime.context().defaultCgroupParent() + "/" + id).exists(),
                "cgroup left behind");
    }
}
