package io.peapod.helper;

import static io.peapod.helper.HelperFixture.alive;
import static io.peapod.helper.HelperFixture.await;
import static io.peapod.helper.HelperFixture.awaitExit;
import static io.peapod.helper.HelperFixture.lines;
import static io.peapod.helper.HelperFixture.logText;
import static io.peapod.helper.HelperFixture.read;
import static io.peapod.helper.HelperFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.peapod.sys.Syscalls;

/** The helper against the real kernel, with hand-written plans and a busybox rootfs. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HelperIT {
    private static final Logger LOG = LoggerFactory.getLogger(HelperIT.class);
    private static final Pattern CRI = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (stdout|stderr) (P|F) .*");

    private HelperFixture fx;

    @BeforeEach
    void setUp() {
        fx = new HelperFixture();
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String ns(int pid, String type) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
    }

    @Test
    void newNamespacesAndPivotRoot() throws Exception {
        Path state = fx.stateDir("ns");
        Created c = fx.create(state, run(fx.container(state),
                "echo pid=$$; hostname; cat /proc/net/dev; ls /; echo ready; sleep 30"));
        Path log = state.resolve("log");
        await(() -> logText(log).contains("ready"), "ready in " + log);
        List<String> out = logText(log);
        assertTrue(out.contains("pid=1"), out.toString());
        assertTrue(out.contains("box"), out.toString());
        assertEquals(1, out.stream().filter(l -> l.matches("\\s*\\w+:.*")).count(), "one interface: " + out);
        assertTrue(out.stream().anyMatch(l -> l.matches("\\s*lo:.*")), out.toString());
        assertTrue(out.contains("bin") && out.contains("proc"), out.toString());
        assertFalse(out.contains("usr") || out.contains("home") || out.contains("root"), "host files visible: " + out);
        for (String type : List.of("pid", "uts", "ipc", "net", "mnt")) {
            assertNotEquals(ns((int) ProcessHandle.current().pid(), type), ns(c.pid(), type),
                    type + " namespace is new");
        }

        // A second container joins the first one's net and uts namespaces (as in a pod).
        Path state2 = fx.stateDir("joined");
        Created c2 = fx.create(state2, new Plan().stateDir(state2).monitor(true)
                .joinNamespace(Plan.Namespace.NET, Path.of("/proc/" + c.pid() + "/ns/net"))
                .joinNamespace(Plan.Namespace.UTS, Path.of("/proc/" + c.pid() + "/ns/uts"))
                .newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.MNT)
                .log(state2.resolve("log"))
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE).rootfs(fx.rootfs)
                .mountHost(fx.rootfs.toString(), fx.rootfs, null, Syscalls.MS_BIND | Syscalls.MS_REC, null)
                .mount("proc", "/proc", "proc", 0, null, false).pivotRoot()
                .env("PATH=/bin").pathSearch("/bin").args("sh", "-c", "hostname; sleep 30"));
        assertEquals(ns(c.pid(), "net"), ns(c2.pid(), "net"));
        assertEquals(ns(c.pid(), "uts"), ns(c2.pid(), "uts"));
        assertNotEquals(ns(c.pid(), "pid"), ns(c2.pid(), "pid"));
        await(() -> logText(state2.resolve("log")).contains("box"), "joined uts namespace shows hostname box");
    }

    @Test
    void mountThroughSymlinkPointingOutsideLandsInsideRootfs() throws Exception {
        Path hostTarget = Files.createDirectories(fx.dir.resolve("host-target"));
        Files.createSymbolicLink(fx.rootfs.resolve("evil"), hostTarget);   // absolute, outside the rootfs
        Path state = fx.stateDir("evil");
        Plan plan = fx.container(state).mount("tmpfs", "/evil/sub", "tmpfs", 0, "size=64k", false);
        fx.create(state, run(plan, "touch /evil/sub/written && ls /evil/sub"));
        assertEquals(0, awaitExit(state).exitCode(), lines(state.resolve("log")).toString());
        assertEquals(List.of("written"), logText(state.resolve("log")));
        try (var entries = Files.list(hostTarget)) {
            assertEquals(List.of(), entries.toList(), "host directory behind the symlink untouched");
        }
        Path inside = fx.rootfs.resolve(hostTarget.toString().substring(1));
        assertTrue(Files.isDirectory(inside.resolve("sub")), "mount point created inside the rootfs at " + inside);
    }

    @Test
    void userNamespaceMapsRootToHostUid() throws Exception {
        Path state = fx.stateDir("userns");
        Plan plan = new Plan().stateDir(state).monitor(true)
                .newNamespace(Plan.Namespace.USER).uidMap("0 100000 65536").gidMap("0 100000 65536")
                .setgroupsDeny()
                .newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.MNT).newNamespace(Plan.Namespace.UTS)
                .log(state.resolve("log"))
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE).rootfs(fx.rootfs)
                .mountHost(fx.rootfs.toString(), fx.rootfs, null, Syscalls.MS_BIND | Syscalls.MS_REC, null)
                .mount("proc", "/proc", "proc", 0, null, false);
        Created c = fx.create(state, run(plan, "id; echo ready; sleep 30").op("SETGID", "0"));
        await(() -> logText(state.resolve("log")).contains("ready"), "ready");
        assertTrue(logText(state.resolve("log")).get(0).startsWith("uid=0 gid=0"), logText(state.resolve("log")).toString());
        String status = read(Path.of("/proc/" + c.pid() + "/status"));
        assertTrue(status.contains("Uid:\t100000\t100000\t100000\t100000"), status);
        assertTrue(status.contains("Gid:\t100000\t100000\t100000\t100000"), status);
        assertNotEquals(ns((int) ProcessHandle.current().pid(), "user"), ns(c.pid(), "user"));
    }

    @Test
    void exitCodeAndSigkill() throws Exception {
        Path exit3 = fx.stateDir("exit3");
        fx.create(exit3, run(fx.container(exit3), "exit 3"));
        ExitStatus s = awaitExit(exit3);
        assertEquals(3, s.exitCode());
        assertFalse(s.signaled());

        Path killed = fx.stateDir("killed");
        Created c = fx.create(killed, run(fx.container(killed), "sleep 30"));
        assertEquals(new MonitorState(true, c.pid()), MonitorClient.state(killed));
        ProcessHandle.of(c.pid()).orElseThrow().destroyForcibly();
        ExitStatus k = awaitExit(killed);
        assertEquals(137, k.exitCode());
        assertEquals(9, k.signal());
        await(() -> !alive(c.monitorPid()), "monitor exits after the container");
        assertFalse(Files.exists(killed.resolve("ctl.sock")), "ctl.sock removed");
        assertEquals(new MonitorState(false, 0), MonitorClient.state(killed));
    }

    @Test
    void createThenStartThroughTheMonitor() throws Exception {
        Path state = fx.stateDir("split");
        Created c = fx.create(state, run(fx.container(state).startWait(true), "echo started"));
        Thread.sleep(200);
        assertEquals(List.of(), lines(state.resolve("log")), "nothing runs before start");
        assertTrue(alive(c.pid()));
        MonitorClient.start(state);
        assertEquals(0, awaitExit(state).exitCode());
        assertEquals(List.of("started"), logText(state.resolve("log")));
    }

    @Test
    void createThenStartThroughTheFifoWithoutMonitor() throws Exception {
        Path state = fx.stateDir("fifo");
        Path out = state.resolve("out");
        Plan plan = new Plan().stateDir(state).monitor(false).startWait(true)
                .newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.MNT)
                .stdio(1, out).pidFile(state.resolve("pid"))
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE).rootfs(fx.rootfs)
                .mountHost(fx.rootfs.toString(), fx.rootfs, null, Syscalls.MS_BIND | Syscalls.MS_REC, null)
                .mount("proc", "/proc", "proc", 0, null, false);
        Created c = fx.create(state, run(plan, "echo started $$"));
        assertEquals(0, c.monitorPid());
        assertEquals(Integer.toString(c.pid()), read(state.resolve("pid")));
        assertTrue(Files.exists(state.resolve("exec.fifo")));
        Thread.sleep(100);
        assertEquals("", read(out));
        fx.helper.startViaFifo(state);
        await(() -> read(out).equals("started 1\n"), "output after start");
        assertFalse(Files.exists(state.resolve("exec.fifo")), "fifo removed by start");
    }

    @Test
    void criLogWithPartialLineStderrAndReopen() throws Exception {
        Path state = fx.stateDir("log");
        Path log = state.resolve("log");
        fx.create(state, run(fx.container(state).logMaxLine(8),
                "echo one; echo oops >&2; echo 0123456789abc; printf 'ab'; sleep 0.2; echo cd; "
                        + "while [ ! -e /go ]; do sleep 0.05; done; echo two; printf tail"));
        await(() -> logText(log).contains("abcd"), "first records");
        Files.move(log, state.resolve("log.1"));
        MonitorClient.reopenLog(state);
        Files.createFile(fx.rootfs.resolve("go"));
        assertEquals(0, awaitExit(state).exitCode());

        List<String> first = lines(state.resolve("log.1"));
        List<String> second = lines(log);
        for (String line : first) {
            assertTrue(CRI.matcher(line).matches(), line);
        }
        for (String line : second) {
            assertTrue(CRI.matcher(line).matches(), line);
        }
        List<String> firstRecords = first.stream().map(l -> l.split(" ", 2)[1]).toList();
        assertTrue(firstRecords.contains("stdout F one"), first.toString());
        assertTrue(firstRecords.contains("stderr F oops"), first.toString());
        assertTrue(firstRecords.contains("stdout P 01234567"), "long line split at LOG_MAX_LINE: " + first);
        assertTrue(firstRecords.contains("stdout F 89abc"), first.toString());
        assertTrue(firstRecords.contains("stdout F abcd"), "a line written in two parts is one record: " + first);
        assertEquals(List.of("stdout F two", "stdout P tail"),
                second.stream().map(l -> l.split(" ", 2)[1]).toList());
    }

    @Test
    void containerOutlivesTheHelpersCaller() throws Exception {
        Path state = fx.stateDir("detached");
        Path plan = state.resolve("plan");
        run(fx.container(state), "sleep 30").write(plan);
        Path result = state.resolve("result");
        // The caller: a shell in its own process group that runs the helper, then lingers.
        Process caller = new ProcessBuilder("setsid", "sh", "-c",
                fx.helper.binary() + " create " + plan + " " + result + "; sleep 30")
                .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
        fx.track((int) caller.pid());
        await(() -> Files.exists(result) && read(result).endsWith("\n"), "result line in " + result);
        Created c = Created.parse(read(result));
        fx.track(c);
        Runtime.getRuntime().exec(new String[] {"kill", "-KILL", "--", "-" + caller.pid()}).waitFor();
        caller.waitFor(5, TimeUnit.SECONDS);
        assertFalse(caller.isAlive());
        ProcessHandle.of(c.monitorPid()).orElseThrow();
        new ProcessBuilder("kill", "-TERM", Integer.toString(c.monitorPid())).start().waitFor();
        Thread.sleep(100);
        assertTrue(alive(c.monitorPid()), "monitor survives its caller and SIGTERM");
        assertEquals(new MonitorState(true, c.pid()), MonitorClient.state(state));
        assertEquals(Integer.toString(c.monitorPid()), read(state.resolve("monitor.pid")).strip());
    }

    @Test
    void missingProgramIsAClearExecError() throws Exception {
        Path now = fx.stateDir("now");
        Plan plan = fx.container(now).pivotRoot().env("PATH=/bin").pathSearch("/bin").args("nosuchprog");
        HelperException e = assertThrows(HelperException.class, () -> fx.create(now, plan));
        assertEquals("EXEC", e.step());
        assertEquals("execve", e.syscall());
        assertEquals(2, e.errno());
        assertTrue(e.text().contains("nosuchprog"), e.getMessage());

        Path wait = fx.stateDir("wait");
        fx.create(wait, fx.container(wait).pivotRoot().startWait(true).args("/bin/nosuchprog"));
        HelperException s = assertThrows(HelperException.class, () -> MonitorClient.start(wait));
        assertEquals("EXEC", s.step());
        assertEquals(2, s.errno());
        assertEquals(127, awaitExit(wait).exitCode());
    }

    @Test
    void failingMountNamesTheStepAndLeavesNothingBehind() throws Exception {
        Path state = fx.stateDir("badmount");
        Plan plan = fx.container(state).mount("none", "/mnt", "nosuchfs", 0, null, false);
        HelperException e = assertThrows(HelperException.class, () -> fx.create(state, run(plan, "true")));
        assertEquals("MOUNT", e.step());
        assertEquals("mount", e.syscall());
        assertEquals(19, e.errno(), e.getMessage());   // ENODEV
        String planPath = state.resolve("plan").toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            List<String> left = procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdlineOf(p).contains(planPath)).map(Path::toString).toList();
            assertEquals(List.of(), left, "processes left behind");
        }
        assertFalse(Files.exists(state.resolve("ctl.sock")));
        assertFalse(Files.exists(state.resolve("monitor.pid")));

        // Without a monitor the helper itself reaps both stages.
        Path bare = fx.stateDir("badmount-bare");
        Plan plain = new Plan().monitor(false).newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.MNT)
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE).rootfs(fx.rootfs)
                .mount("none", "/mnt", "nosuchfs", 0, null, false).args("/bin/true");
        HelperException b = assertThrows(HelperException.class, () -> fx.create(bare, plain));
        assertEquals("MOUNT", b.step());
        String barePlan = bare.resolve("plan").toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            assertEquals(List.of(), procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdlineOf(p).contains(barePlan)).toList());
        }
    }

    @Test
    void execJoinsARunningContainerAndReportsItsExitCode() throws Exception {
        Path state = fx.stateDir("target");
        Created c = fx.create(state, run(fx.container(state), "sleep 30"));
        Path out = fx.dir.resolve("exec-out");
        Path plan = fx.dir.resolve("exec-plan");
        new Plan().monitor(false)
                .joinNamespace(Plan.Namespace.PID, Path.of("/proc/" + c.pid() + "/ns/pid"))
                .joinNamespace(Plan.Namespace.UTS, Path.of("/proc/" + c.pid() + "/ns/uts"))
                .joinNamespace(Plan.Namespace.MNT, Path.of("/proc/" + c.pid() + "/ns/mnt"))
                .stdio(1, out).env("PATH=/bin").pathSearch("/bin")
                .args("sh", "-c", "hostname; ls /; exit 7").write(plan);
        int code = fx.helper.execAndWait(plan, Redirect.from(new File("/dev/null")), Redirect.DISCARD, Redirect.DISCARD);
        assertEquals(7, code);
        List<String> lines = lines(out);
        assertEquals("box", lines.get(0));
        assertFalse(lines.contains("usr"), "exec sees the container's root: " + lines);

        new Plan().monitor(false)
                .joinNamespace(Plan.Namespace.PID, Path.of("/proc/" + c.pid() + "/ns/pid"))
                .joinNamespace(Plan.Namespace.MNT, Path.of("/proc/" + c.pid() + "/ns/mnt"))
                .args("/bin/sh", "-c", "kill -9 $$").write(plan);
        assertEquals(137, fx.helper.execAndWait(plan, Redirect.from(new File("/dev/null")), Redirect.DISCARD,
                Redirect.DISCARD));
    }

    @Test
    void ttyIsTheControllingTerminalAndResizes() throws Exception {
        Path state = fx.stateDir("tty");
        fx.create(state, run(withDevpts(fx.container(state).tty().consoleSize(24, 80)),
                "[ -t 0 ] && [ -t 1 ] && echo terminal; tty; stty size; "
                        + "while [ ! -e /go ]; do sleep 0.05; done; stty size"));
        await(() -> logText(state.resolve("log")).size() >= 3, "three lines of terminal output");
        MonitorClient.resize(state, 40, 120);
        Files.createFile(fx.rootfs.resolve("go"));
        assertEquals(0, awaitExit(state).exitCode());
        // The pty turns \n into \r\n; the monitor relays what the terminal gave it.
        List<String> out = logText(state.resolve("log")).stream().map(String::strip).toList();
        assertEquals(List.of("terminal", "/dev/pts/0", "24 80", "40 120"), out);
    }

    /** A devpts of the container's own, where the helper opens a terminal (as runc does). */
    private static Plan withDevpts(Plan plan) {
        return plan.mount("devpts", "/dev/pts", "devpts", Syscalls.MS_NOSUID | Syscalls.MS_NOEXEC,
                        "newinstance,ptmxmode=0666,mode=0620", false)
                .symlink("pts/ptmx", "/dev/ptmx");
    }

    @Test
    void idleMonitorStaysSmall() throws Exception {
        Path state = fx.stateDir("rss");
        Created c = fx.create(state, run(fx.container(state), "sleep 30"));
        Thread.sleep(200);
        String status = read(Path.of("/proc/" + c.monitorPid() + "/status"));
        long rssKb = status.lines().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
        LOG.info("idle monitor VmRSS {} kB", rssKb);
        assertTrue(rssKb <= 1024, "idle monitor RSS " + rssKb + " kB exceeds 1 MiB");
    }

    @Test
    void pauseExitsOnSigterm() throws Exception {
        Process pause = new ProcessBuilder(fx.helper.binary().toString(), "pause").start();
        fx.track((int) pause.pid());
        Thread.sleep(100);
        assertTrue(pause.isAlive());
        pause.destroy();
        assertTrue(pause.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, pause.exitValue());
    }

    @Test
    void attachClientsGetFramedOutputAndFeedStdin() throws Exception {
        Path state = fx.stateDir("attach");
        fx.create(state, run(fx.container(state).stdinPipe().stdinOnce().startWait(true),
                "echo hello; cat; echo done"));
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(state.resolve(MonitorClient.ATTACH_SOCKET)));
            Thread.sleep(100);   // the monitor accepts the client in its loop
            MonitorClient.start(state);
            assertEquals("1:hello\n", frame(client));
            client.write(ByteBuffer.wrap("abc\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("1:abc\n", frame(client));
        }
        // STDIN_ONCE: the client's detach closed stdin, so cat ended.
        assertEquals(0, awaitExit(state).exitCode());
        assertEquals(List.of("hello", "abc", "done"), logText(state.resolve("log")));
    }

    /** One attach frame as "STREAM:data". */
    private static String frame(SocketChannel client) throws Exception {
        ByteBuffer head = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
        while (head.hasRemaining()) {
            assertTrue(client.read(head) >= 0, "attach socket closed");
        }
        ByteBuffer data = ByteBuffer.allocate(head.getInt(1));
        while (data.hasRemaining()) {
            assertTrue(client.read(data) >= 0, "attach socket closed");
        }
        return head.get(0) + ":" + new String(data.array(), StandardCharsets.UTF_8);
    }

    @Test
    void seccompFilterIsInstalledBeforeExecve() throws Exception {
        // nr == sethostname (x86_64: 170) ? ERRNO(EPERM) : ALLOW. Enough for a test on x86_64.
        ByteBuffer bpf = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        bpf.putShort((short) 0x20).put((byte) 0).put((byte) 0).putInt(0);          // ld [nr]
        bpf.putShort((short) 0x15).put((byte) 0).put((byte) 1).putInt(170);        // jeq 170
        bpf.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x00050001); // ret ERRNO|EPERM
        bpf.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x7fff0000); // ret ALLOW
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "filter written for x86_64");
        Path state = fx.stateDir("seccomp");
        fx.create(state, run(fx.container(state).seccomp(0, bpf.array()),
                "hostname other || echo denied; hostname"));
        assertEquals(0, awaitExit(state).exitCode());
        List<String> out = logText(state.resolve("log"));
        assertTrue(out.contains("denied") && out.contains("box") && !out.contains("other"), out.toString());
    }

    @Test
    void cgroupProcsPutsTheContainerIntoTheCgroup() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        assumeTrue(Files.isWritable(pids.resolve("cgroup.procs")), "needs the v1 pids hierarchy");
        Path cgroup = pids.resolve("peapod-helper-it-" + ProcessHandle.current().pid());
        Files.createDirectory(cgroup);
        try {
            Path state = fx.stateDir("cgroup");
            Created c = fx.create(state, run(fx.container(state).cgroupProcs(cgroup.resolve("cgroup.procs")),
                    "sleep 30"));
            assertTrue(read(Path.of("/proc/" + c.pid() + "/cgroup")).contains(":pids:/" + cgroup.getFileName()),
                    read(Path.of("/proc/" + c.pid() + "/cgroup")));
            ProcessHandle.of(c.pid()).orElseThrow().destroyForcibly();
            awaitExit(state);
        } finally {
            await(() -> read(cgroup.resolve("cgroup.procs")).isEmpty(), "empty cgroup");
            Files.delete(cgroup);
        }
    }

    @Test
    void execWithItsOwnMonitor() throws Exception {
        Path target = fx.stateDir("exec-target");
        Created c = fx.create(target, run(fx.container(target), "sleep 30"));
        Path state = fx.stateDir("exec-monitored");
        Path plan = state.resolve("plan");
        new Plan().stateDir(state).monitor(true).log(state.resolve("log"))
                .joinNamespace(Plan.Namespace.PID, Path.of("/proc/" + c.pid() + "/ns/pid"))
                .joinNamespace(Plan.Namespace.MNT, Path.of("/proc/" + c.pid() + "/ns/mnt"))
                .env("PATH=/bin").pathSearch("/bin").args("sh", "-c", "echo in $(hostname); exit 4").write(plan);
        Created e = fx.helper.exec(plan, Redirect.from(new File("/dev/null")), Redirect.DISCARD, Redirect.DISCARD);
        fx.track(e);
        assertTrue(e.monitorPid() > 0);
        assertEquals(4, awaitExit(state).exitCode());
        assertTrue(alive(c.pid()), "the container itself keeps running");
    }

    @Test
    void pauseAsPidOneReapsOrphansAndStopsOnSigterm() throws Exception {
        Files.copy(fx.helper.binary(), fx.rootfs.resolve("bin/pause"));
        Path state = fx.stateDir("pause");
        Created c = fx.create(state, fx.container(state).pivotRoot().args("/bin/pause", "pause"));
        // An exec'd shell leaves an orphan behind; it is re-parented to PID 1 (pause) of the namespace.
        Path plan = fx.dir.resolve("orphan-plan");
        new Plan().monitor(false)
                .joinNamespace(Plan.Namespace.PID, Path.of("/proc/" + c.pid() + "/ns/pid"))
                .joinNamespace(Plan.Namespace.MNT, Path.of("/proc/" + c.pid() + "/ns/mnt"))
                .args("/bin/sh", "-c", "/bin/sleep 0.2 & exit 0").write(plan);
        assertEquals(0, fx.helper.execAndWait(plan, Redirect.from(new File("/dev/null")), Redirect.DISCARD,
                Redirect.DISCARD));
        // The orphan sleeps 0.2 s, exits and must not stay a zombie under pause.
        Thread.sleep(300);
        await(() -> ProcessHandle.of(c.pid()).orElseThrow().children().findAny().isEmpty(),
                "pause reaps its orphan");
        new ProcessBuilder("kill", "-TERM", Integer.toString(c.pid())).start().waitFor();
        ExitStatus s = awaitExit(state);
        assertEquals(0, s.exitCode());
        assertFalse(s.signaled());
    }

    @Test
    void initStepsInPlanOrder() throws Exception {
        Path state = fx.stateDir("steps");
        long nosuidNodev = Syscalls.MS_NOSUID | Syscalls.MS_NODEV;
        Plan plan = fx.container(state)
                .mount("tmpfs", "/dev", "tmpfs", Syscalls.MS_NOSUID, "mode=755,size=64k", false)
                .mknod("/dev/null", 0020666, 1, 3, 0, 0)
                .symlink("/proc/self/fd", "/dev/fd")
                .mount("tmpfs", "/work/dir", "tmpfs", nosuidNodev, "size=64k", false)
                .mount(fx.rootfs.resolve("bin/busybox").toString(), "/etc/hostfile", null,
                        Syscalls.MS_BIND | Syscalls.MS_RDONLY, null, true)
                .pivotRoot()
                .sysctl("net.ipv4.ip_forward", "1")
                .mask("/proc/uptime").mask("/proc/bus").mask("/proc/nosuchpath")
                .readonly("/proc/sys")
                .hostname("box").domainname("example.org")
                .rlimit(7, 1024, 2048)
                .setgroups(10, 20).setgid(1000).setuid(1000)
                .caps(0, 0, 0).noNewPrivs().umask(027).chdir("/work/dir")
                .env("PATH=/bin").pathSearch("/bin")
                .args("sh", "-c", "id; ulimit -n; ulimit -Hn; cat /proc/sys/net/ipv4/ip_forward; "
                        + "(echo 0 > /proc/sys/net/ipv4/ip_forward) 2>/dev/null || echo sys-ro; "
                        + "ls -ln /dev/null; readlink /dev/fd; cat /proc/uptime | wc -c; ls /proc/bus | wc -l; pwd; umask; "
                        + "cat /proc/sys/kernel/domainname; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; "
                        + "(echo x > /etc/hostfile) 2>/dev/null || echo bind-ro");
        fx.create(state, plan);
        assertEquals(0, awaitExit(state).exitCode(), lines(state.resolve("log")).toString());
        List<String> out = logText(state.resolve("log")).stream().map(String::strip).toList();
        assertEquals("uid=1000 gid=1000 groups=10,20", out.get(0));
        assertEquals(List.of("1024", "2048", "1", "sys-ro"), out.subList(1, 5));
        assertTrue(out.get(5).matches("crw-rw-rw-\\s+1 0\\s+0\\s+1,\\s+3 .* /dev/null"), out.get(5));
        assertEquals(List.of("/proc/self/fd", "0", "0", "/work/dir", "0027", "example.org"), out.subList(6, 12));
        assertTrue(out.get(12).matches("CapEff:\\s+0+"), out.get(12));
        assertTrue(out.get(13).matches("NoNewPrivs:\\s+1"), out.get(13));
        assertEquals("bind-ro", out.get(14));
        assertTrue(Files.isDirectory(fx.rootfs.resolve("work/dir")), "missing MOUNT components were created");
        assertTrue(Files.isRegularFile(fx.rootfs.resolve("etc/hostfile")), "kind file created a file");
    }

    @Test
    void chrootAmbientCapabilitiesAndOomScore() throws Exception {
        Path state = fx.stateDir("chroot");
        long netBind = 1L << 10;
        Plan plan = fx.container(state).chroot()
                .oomScoreAdj(500)
                .capBounding(netBind | 1L << 6 | 1L << 7 | 1L << 8)
                .keepCaps().setgid(1000).setuid(1000)
                .caps(netBind, netBind, netBind).capAmbient(netBind)
                .env("PATH=/bin").pathSearch("/bin")
                .args("sh", "-c", "ls /; cat /proc/self/oom_score_adj; id -u; "
                        + "grep -E '^Cap(Eff|Prm|Amb|Bnd)' /proc/self/status");
        fx.create(state, plan);
        assertEquals(0, awaitExit(state).exitCode(), lines(state.resolve("log")).toString());
        List<String> out = logText(state.resolve("log")).stream().map(s -> s.replaceAll("\\s+", " ")).toList();
        assertEquals(List.of("bin", "etc", "proc", "500", "1000",
                "CapPrm: 0000000000000400", "CapEff: 0000000000000400", "CapBnd: 00000000000005c0",
                "CapAmb: 0000000000000400"), out);
    }

    @Test
    void consoleSocketReceivesThePtyMaster() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "receiving SCM_RIGHTS needs a helper outside the JDK: python3");
        Path state = fx.stateDir("console");
        Path socket = state.resolve("console.sock");
        String receiver = String.join("\n",
                "import socket, os, sys",
                "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)",
                "print('listening', flush=True)",
                "c, _ = s.accept()",
                "msg, fds, flags, addr = socket.recv_fds(c, 1, 1)",
                "out = b''",
                "while b'on-console' not in out:",
                "    out += os.read(fds[0], 100)",
                "print(out.decode().strip(), flush=True)");
        Process py = new ProcessBuilder(python.toString(), "-c", receiver, socket.toString())
                .redirectError(Redirect.DISCARD).start();
        fx.track((int) py.pid());
        var stdout = new java.io.BufferedReader(new java.io.InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("listening", stdout.readLine());
        Plan plan = new Plan().stateDir(state).monitor(false).tty().consoleSocket(socket)
                .newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.MNT)
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE).rootfs(fx.rootfs)
                .mountHost(fx.rootfs.toString(), fx.rootfs, null, Syscalls.MS_BIND | Syscalls.MS_REC, null)
                .mount("proc", "/proc", "proc", 0, null, false);
        withDevpts(plan);
        fx.create(state, run(plan, "[ -t 1 ] && echo on-console; sleep 30"));
        assertEquals("on-console", stdout.readLine());
        assertTrue(py.waitFor(5, TimeUnit.SECONDS));
    }

    /** A process's command line, or "" when it exited while /proc was being listed. */
    private static String cmdlineOf(Path proc) {
        try {
            return Files.readString(proc.resolve("cmdline"));
        } catch (java.io.IOException gone) {
            return "";
        }
    }
}
