package io.peapod.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.runtime.spec.Hook;
import io.peapod.runtime.spec.Hooks;
import io.peapod.runtime.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peapod oci} as conmon and containerd-shim drive it, in this JVM and through the launcher. Needs root. */
class OciCliIT {
    @TempDir
    Path tmp;

    private Path root;
    private Path bundle;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue(OciTesting.isRoot(), "needs root");
        assumeTrue(Files.isExecutable(OciTesting.BUSYBOX), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        root = tmp.resolve("state");
        bundle = tmp.resolve("bundle");
    }

    @AfterEach
    void cleanUp() {
        for (String id : ids) {
            OciTesting.run("--root", root.toString(), "delete", "--force", id);
        }
    }

    private String newId() {
        String id = "oci-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        return id;
    }

    private OciTesting.Result oci(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--root";
        all[1] = root.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return OciTesting.run(all);
    }

    private JsonNode state(String id) throws IOException {
        OciTesting.Result r = oci("state", id);
        assertEquals(0, r.code(), r.err());
        return OciJson.MAPPER.readTree(r.out());
    }

    private static boolean alive(int pid) {
        return Files.exists(Path.of("/proc/" + pid)) && !procState(pid).equals("Z");
    }

    private static String procState(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "gone";
        }
    }

    private void awaitStatus(String id, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!state(id).get("status").asText().equals(status)) {
            assertTrue(System.nanoTime() < deadline, "container " + id + " never became " + status);
            Thread.sleep(20);
        }
    }

    @Test
    void lifecycleWithoutAMonitor() throws Exception {
        OciTesting.bundle(bundle, "sleep", "1000");
        String id = newId();
        Path pidFile = tmp.resolve("pid");
        OciTesting.Result created = oci("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id);
        assertEquals(0, created.code(), created.err());
        JsonNode s = state(id);
        assertEquals("created", s.get("status").asText());
        int pid = s.get("pid").asInt();
        assertEquals(Integer.toString(pid), Files.readString(pidFile).strip());
        assertEquals(bundle.toAbsolutePath().toString(), s.get("bundle").asText());
        assertTrue(Files.exists(root.resolve(id).resolve("exec.fifo")), "a created container waits on its exec fifo");

        assertEquals(0, oci("start", id).code());
        assertEquals("running", state(id).get("status").asText());
        // runc semantics: no peapod monitor; the helper is gone and the container was re-parented
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        int ppid = Integer.parseInt(status.lines().filter(l -> l.startsWith("PPid:")).findFirst().orElseThrow()
                .substring(5).strip());
        String parent = Files.readString(Path.of("/proc/" + ppid + "/comm")).strip();
        assertNotEquals("peapod-helper", parent);

        OciTesting.Result refused = oci("delete", id);
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("cannot delete container " + id + " that is not stopped: running"),
                refused.err());

        OciTesting.Result list = oci("list", "--format", "json");
        assertTrue(list.out().contains("\"id\":\"" + id + "\""), list.out());

        assertEquals(0, oci("kill", id, "KILL").code());
        awaitStatus(id, "stopped");
        assertFalse(alive(pid));
        assertEquals(0, state(id).get("pid").asInt());
        assertEquals(0, oci("delete", id).code());
        assertFalse(Files.exists(root.resolve(id)));
        OciTesting.Result gone = oci("state", id);
        assertEquals(1, gone.code());
        assertTrue(gone.err().contains(id), gone.err());
    }

    @Test
    void killBySignalNumberAndAll() throws Exception {
        OciTesting.bundle(bundle, "sh", "-c", "trap 'exit 7' USR1; sleep 1000 & wait");
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, oci("start", id).code());
        Thread.sleep(300);
        OciTesting.Result ps = oci("ps", "--format", "json", id);
        JsonNode pids = OciJson.MAPPER.readTree(ps.out());
        assertEquals(2, pids.size(), ps.out());
        OciTesting.Result table = oci("ps", id);
        assertTrue(table.out().startsWith("UID") && table.out().contains("sleep 1000"), table.out());
        assertEquals(0, oci("kill", "--all", id, "9").code());
        awaitStatus(id, "stopped");
        assertEquals(1, oci("kill", id, "SIGNOPE").code());
        assertEquals(0, oci("delete", id).code());
    }

    @Test
    void execExitCodesDetachAndPidFile() throws Exception {
        OciTesting.bundle(bundle, "sleep", "1000");
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, oci("start", id).code());
        assertEquals(3, oci("exec", id, "sh", "-c", "hostname > /tmp/h; exit 3").code());
        assertEquals("peapod", Files.readString(bundle.resolve("rootfs/tmp/h")).strip());
        assertEquals(0, oci("exec", "--cwd", "/tmp", "--env", "X=42", id, "sh", "-c", "echo $X > x").code());
        assertEquals("42", Files.readString(bundle.resolve("rootfs/tmp/x")).strip());

        Path pidFile = tmp.resolve("exec.pid");
        long t0 = System.nanoTime();
        assertEquals(0, oci("exec", "--detach", "--pid-file", pidFile.toString(), id, "sleep", "30").code());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "exec --detach must not wait");
        int execPid = Integer.parseInt(Files.readString(pidFile).strip());
        assertTrue(alive(execPid));
        assertTrue(OciJson.MAPPER.readTree(oci("ps", "--format", "json", id).out()).toString()
                .contains(Integer.toString(execPid)));
        OciTesting.Result stopped = oci("exec", "no-such-container", "true");
        assertEquals(1, stopped.code());
        assertEquals(0, oci("delete", "--force", id).code());
        assertFalse(alive(execPid), "delete --force takes the exec'd process with the cgroup");
    }

    @Test
    void pauseResumeUpdateAndStats() throws Exception {
        OciTesting.bundle(bundle, "sleep", "1000");
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, oci("start", id).code());
        int pid = state(id).get("pid").asInt();
        assertEquals(0, oci("pause", id).code());
        assertEquals("paused", state(id).get("status").asText());
        assertEquals("FROZEN", Files.readString(Path.of("/sys/fs/cgroup/freezer/peapod/" + id + "/freezer.state")).strip());
        assertTrue(alive(pid));
        assertEquals(0, oci("resume", id).code());
        assertEquals("running", state(id).get("status").asText());

        Path res = tmp.resolve("resources.json");
        Files.writeString(res, "{\"pids\":{\"limit\":77},\"memory\":{\"limit\":67108864}}");
        OciTesting.Result upd = oci("update", "--resources", res.toString(), id);
        assertEquals(0, upd.code(), upd.err());
        assertEquals(0, oci("update", "--pids-limit", "88", id).code());
        OciTesting.Result ev = oci("events", "--stats", id);
        assertEquals(0, ev.code(), ev.err());
        JsonNode stats = OciJson.MAPPER.readTree(ev.out().strip());
        assertEquals("stats", stats.get("type").asText());
        assertEquals(88, stats.at("/data/pids/limit").asInt());
        assertEquals(67108864L, stats.at("/data/memory/usage/limit").asLong());
        assertTrue(stats.at("/data/pids/current").asInt() >= 1);
        assertEquals(1, oci("update", "--resources", tmp.resolve("missing.json").toString(), id).code());
    }

    private static Hook hook(String script, Integer timeout) {
        Hook h = new Hook();
        h.path = "/bin/sh";
        h.args = List.of("sh", "-c", script);
        h.env = List.of("HOOKVAR=v");
        h.timeout = timeout;
        return h;
    }

    @Test
    void hooksRunInOrderWithStateAndInTheRightNamespaces() throws Exception {
        Spec spec = OciTesting.bundle(bundle, "sleep", "1000");
        Path log = tmp.resolve("hooks.log");
        String rec = " >> " + log;
        spec.hooks = new Hooks();
        spec.hooks.prestart = List.of(hook("read s; echo \"prestart $s $HOOKVAR $(hostname)\"" + rec, 5));
        spec.hooks.createRuntime = List.of(hook("read s; echo \"createRuntime $s\"" + rec, null));
        spec.hooks.createContainer = List.of(hook("read s; echo \"createContainer $(hostname)\"" + rec, null));
        spec.hooks.startContainer = List.of(hook("read s; echo \"startContainer $s $(hostname)\"" + rec, null));
        spec.hooks.poststart = List.of(hook("read s; echo \"poststart $s\"" + rec, null));
        spec.hooks.poststop = List.of(hook("read s; echo \"poststop $s\"" + rec, null));
        OciTesting.save(bundle, spec);
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("prestart {") && lines.get(0).contains("\"status\":\"creating\"")
                && lines.get(0).contains("\"id\":\"" + id + "\"") && lines.get(0).endsWith(" v " + host),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("createRuntime {"), lines.get(1));
        assertEquals("createContainer peapod", lines.get(2));

        assertEquals(0, oci("start", id).code());
        lines = Files.readAllLines(log);
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(3).startsWith("startContainer {") && lines.get(3).contains("\"status\":\"created\"")
                && lines.get(3).endsWith(" peapod"), lines.get(3));
        assertTrue(lines.get(4).contains("\"status\":\"running\""), lines.get(4));

        assertEquals(0, oci("delete", "--force", id).code());
        lines = Files.readAllLines(log);
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(5).startsWith("poststop {") && lines.get(5).contains("\"status\":\"stopped\""),
                lines.get(5));
    }

    @Test
    void aFailingCreateHookFailsCreateAndLeavesNothing() throws Exception {
        Spec spec = OciTesting.bundle(bundle, "sleep", "1000");
        spec.hooks = new Hooks();
        spec.hooks.createRuntime = List.of(hook("echo broken hook >&2; exit 9", null));
        OciTesting.save(bundle, spec);
        String id = newId();
        Path pidFile = tmp.resolve("pid");
        OciTesting.Result r = oci("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("createRuntime hook 0") && r.err().contains("status 9")
                && r.err().contains("broken hook"), r.err());
        assertFalse(Files.exists(root.resolve(id)));
        int pid = Integer.parseInt(Files.readString(pidFile).strip());
        assertFalse(alive(pid), "the created process is killed");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids/peapod/" + id)), "the cgroup is removed");
    }

    @Test
    void aHookTimeoutFailsCreate() throws Exception {
        Spec spec = OciTesting.bundle(bundle, "sleep", "1000");
        spec.hooks = new Hooks();
        spec.hooks.prestart = List.of(hook("sleep 30", 1));
        OciTesting.save(bundle, spec);
        String id = newId();
        long t0 = System.nanoTime();
        OciTesting.Result r = oci("create", "--bundle", bundle.toString(), id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("timed out after 1 s"), r.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
        assertFalse(Files.exists(root.resolve(id)));
    }

    @Test
    void poststartAndPoststopFailuresAreNotFatal() throws Exception {
        Spec spec = OciTesting.bundle(bundle, "sleep", "1000");
        spec.hooks = new Hooks();
        spec.hooks.poststart = List.of(hook("exit 1", null));
        spec.hooks.poststop = List.of(hook("exit 1", null));
        OciTesting.save(bundle, spec);
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, oci("start", id).code());
        assertEquals("running", state(id).get("status").asText());
        assertEquals(0, oci("delete", "--force", id).code());
        assertFalse(Files.exists(root.resolve(id)));
    }

    @Test
    void aFailingStartContainerHookFailsStartAndStopsTheContainer() throws Exception {
        Spec spec = OciTesting.bundle(bundle, "sleep", "1000");
        spec.hooks = new Hooks();
        spec.hooks.startContainer = List.of(hook("exit 4", null));
        OciTesting.save(bundle, spec);
        String id = newId();
        assertEquals(0, oci("create", "--bundle", bundle.toString(), id).code());
        OciTesting.Result r = oci("start", id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("startContainer hook 0"), r.err());
        assertEquals("stopped", state(id).get("status").asText());
    }

    @Test
    void seccompWithoutNoNewPrivilegesAndReducedCapabilities() throws Exception {
        // what podman's default spec looks like: a seccomp profile, no no_new_privs, no CAP_SYS_ADMIN
        Spec spec = OciTesting.bundle(bundle, "sh", "-c", "mkdir /tmp/d 2>/dev/null; echo $? > /tmp/rc; sleep 1000");
        spec.process.noNewPrivileges = false;
        io.peapod.runtime.spec.Seccomp sc = new io.peapod.runtime.spec.Seccomp();
        sc.defaultAction = "SCMP_ACT_ALLOW";
        io.peapod.runtime.spec.SeccompSyscall deny = new io.peapod.runtime.spec.SeccompSyscall();
        deny.names = List.of("mkdir", "mkdirat", "syscall");
        deny.action = "SCMP_ACT_ERRNO";
        sc.syscalls = List.of(deny);
        spec.linux.seccomp = sc;
        OciTesting.save(bundle, spec);
        String id = newId();
        OciTesting.Result c = oci("create", "--bundle", bundle.toString(), id);
        assertEquals(0, c.code(), c.err());
        assertEquals(0, oci("start", id).code());
        Path rc = bundle.resolve("rootfs/tmp/rc");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(rc) || Files.readString(rc).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "the container never wrote " + rc);
            Thread.sleep(20);
        }
        assertEquals("1", Files.readString(rc).strip(), "mkdir is denied by the filter");
        assertFalse(Files.exists(bundle.resolve("rootfs/tmp/d")));
    }

    @Test
    void consoleSocketReceivesAPtyMasterFromInsideTheContainer() throws Exception {
        Path recvtty = tmp.resolve("recvtty");
        Process cc = new ProcessBuilder("gcc", "-O2", "-o", recvtty.toString(),
                Path.of("src/test/c/recvtty.c").toAbsolutePath().toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(cc.waitFor() == 0, "gcc cannot build the console receiver: " + ccOut);
        Spec spec = OciTesting.bundle(bundle, "sh", "-c", "tty; echo tty-done");
        spec.process.terminal = true;
        OciTesting.save(bundle, spec);
        Path socket = tmp.resolve("console.sock");
        Process receiver = new ProcessBuilder(recvtty.toString(), socket.toString()).start();
        try {
            byte[] first = receiver.getInputStream().readNBytes("listening\n".length());
            assertEquals("listening\n", new String(first, StandardCharsets.UTF_8));
            String id = newId();
            OciTesting.Result c = oci("create", "--bundle", bundle.toString(), "--console-socket", socket.toString(), id);
            assertEquals(0, c.code(), c.err());
            assertEquals(0, oci("start", id).code());
            assertTrue(receiver.waitFor(20, TimeUnit.SECONDS), "the terminal never closed");
            String out = new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.startsWith("received\n"), out);
            assertTrue(out.contains("/dev/pts/0") && out.contains("tty-done"), out);
        } finally {
            receiver.destroyForcibly();
        }
    }

    /** The real launcher, as conmon runs it: a separate JVM per command. */
    @Test
    void theLauncherEndToEnd() throws Exception {
        OciTesting.bundle(bundle, "sleep", "1000");
        String id = newId();
        Path launcher = OciTesting.launcher();
        assertEquals(0, launch(launcher, "--root", root.toString(), "create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, launch(launcher, "--root", root.toString(), "start", id).code());
        OciTesting.Result st = launch(launcher, "--root", root.toString(), "state", id);
        assertEquals("running", OciJson.MAPPER.readTree(st.out()).get("status").asText());
        OciTesting.Result ex = launch(launcher, "--root", root.toString(), "exec", id, "sh", "-c", "echo out-$((6*7)); exit 5");
        assertEquals(5, ex.code());
        assertEquals("out-42", ex.out().strip());
        OciTesting.Result refused = launch(launcher, "--root", root.toString(), "--log-format", "json", "delete", id);
        assertEquals(1, refused.code());
        JsonNode err = OciJson.MAPPER.readTree(refused.err().strip());
        assertEquals("error", err.get("level").asText());
        assertTrue(err.get("msg").asText().contains("not stopped"));
        OciTesting.Result v = launch(launcher, "--version");
        assertTrue(v.out().startsWith("runc version ") && v.out().contains("\nspec: 1.2.0"), v.out());
        assertEquals(0, launch(launcher, "--root", root.toString(), "delete", "--force", id).code());
    }

    private static OciTesting.Result launch(Path launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("oci-out", ".txt");
        Path err = Files.createTempFile("oci-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "peapod-oci " + String.join(" ", args) + " hung");
            return new OciTesting.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
