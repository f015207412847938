package io.peapod.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's containerd with its runc v2 shim using {@code peapod-oci} as the runc binary
 * ({@code ctr run --runc-binary}), on a private socket, root and state. Needs root.
 */
class ContainerdDropInIT {
    private static Path dir;
    private static Path launcher;
    private static Process containerd;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(OciTesting.isRoot(), "needs root");
        assumeTrue(Files.isExecutable(OciTesting.BUSYBOX), "needs /bin/busybox (Debian's busybox-static)");
        String missing = DropInSupport.ensureInstalled(List.of("containerd", "ctr"), List.of("containerd"));
        assumeTrue(missing == null, missing);
        launcher = OciTesting.launcher();
        dir = Files.createTempDirectory("peapod-containerd-it");
        DropInSupport.busyboxRootfs(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.toml"), "version = 2\n"
                + "root = \"" + dir.resolve("root") + "\"\n"
                + "state = \"" + dir.resolve("state") + "\"\n"
                + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                + "[grpc]\n  address = \"" + socket() + "\"\n"
                + "[ttrpc]\n  address = \"" + socket() + ".ttrpc\"\n"
                + "[debug]\n  address = \"" + dir.resolve("debug.sock") + "\"\n");
        containerd = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ctr(10, "version").code() != 0) {
            assertTrue(containerd.isAlive(), "containerd exited: " + Files.readString(dir.resolve("containerd.log")));
            assertTrue(System.nanoTime() < deadline, "containerd never answered on " + socket());
            Thread.sleep(100);
        }
    }

    private static Path socket() {
        return dir.resolve("containerd.sock");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        if (containerd != null) {
            for (String line : ctr(30, "task", "ls", "-q").out().split("\n")) {
                if (!line.isBlank()) {
                    ctr(30, "task", "kill", "-s", "KILL", line.strip());
                    ctr(30, "task", "delete", "--force", line.strip());
                }
            }
            for (String line : ctr(30, "container", "ls", "-q").out().split("\n")) {
                if (!line.isBlank()) {
                    ctr(30, "container", "delete", line.strip());
                }
            }
            containerd.destroy();
            if (!containerd.waitFor(10, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor();
            }
        }
        // shims outlive containerd by design: stop the ones serving our socket
        String ours = socket().toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("containerd-shim") && c.contains(ours))
                        .orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(dir.toString())) {
                DropInSupport.run(30, List.of("umount", "-l", mountPoint));
            }
        }
        DropInSupport.run(60, List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }

    static DropInSupport.Ran ctr(long timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket().toString()));
        cmd.addAll(List.of(args));
        return DropInSupport.run(timeoutSeconds, cmd);
    }

    /** {@code ctr run FLAG --runc-binary peapod-oci --rootfs ROOTFS ID CMD...} (--rootfs is a switch). */
    private static String[] run(String flag, String id, String... cmd) {
        List<String> args = new ArrayList<>(List.of("run", flag, "--runc-binary", launcher.toString(), "--rootfs",
                dir.resolve("rootfs").toString(), id));
        args.addAll(List.of(cmd));
        return args.toArray(String[]::new);
    }

    private static String status(String id) throws Exception {
        for (String line : ctr(30, "task", "ls").out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals(id)) {
                return f[2];
            }
        }
        return "absent";
    }

    @Test
    void runRemovesAndReportsTheExitCode() throws Exception {
        DropInSupport.Ran r = ctr(120, run("--rm", "cd-rm", "sh", "-c", "echo hello containerd; exit 3"));
        assertEquals(3, r.code(), r.all());
        assertTrue(r.out().contains("hello containerd"), r.all());
        assertEquals("absent", status("cd-rm"));
    }

    @Test
    void execPauseResumeAndKill() throws Exception {
        DropInSupport.Ran r = ctr(120, run("-d", "cd-d", "sh", "-c",
                "trap 'exit 7' USR1; while true; do sleep 0.1; done"));
        assertEquals(0, r.code(), r.all());
        assertEquals("RUNNING", status("cd-d"));
        DropInSupport.Ran exec = ctr(60, "task", "exec", "--exec-id", "e1", "cd-d", "sh", "-c", "echo ex; exit 4");
        assertEquals(4, exec.code(), exec.all());
        assertTrue(exec.out().contains("ex"), exec.all());
        assertEquals(0, ctr(60, "task", "pause", "cd-d").code());
        assertEquals("PAUSED", status("cd-d"));
        assertEquals(0, ctr(60, "task", "resume", "cd-d").code());
        assertEquals("RUNNING", status("cd-d"));
        DropInSupport.Ran ps = ctr(60, "task", "ps", "cd-d");
        assertTrue(ps.out().split("\n").length >= 2, ps.all());
        assertEquals(0, ctr(60, "task", "kill", "-s", "USR1", "cd-d").code());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!status("cd-d").equals("STOPPED")) {
            assertTrue(System.nanoTime() < deadline, "cd-d never stopped on USR1");
            Thread.sleep(50);
        }
        assertEquals(0, ctr(60, "task", "delete", "cd-d").code());
        assertEquals(0, ctr(60, "container", "delete", "cd-d").code());
    }
}
