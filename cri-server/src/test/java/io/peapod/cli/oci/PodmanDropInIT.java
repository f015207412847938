package io.peapod.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's podman (with conmon) driving {@code peapod-oci} as its runtime, on private
 * storage, run and tmp directories, cgroupfs, file events and no network. Needs root.
 */
class PodmanDropInIT {
    private static final String IMAGE = "localhost/peapod-busybox:test";
    private static Path dir;
    private static Path launcher;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(OciTesting.isRoot(), "needs root");
        assumeTrue(Files.isExecutable(OciTesting.BUSYBOX), "needs /bin/busybox (Debian's busybox-static)");
        String missing = DropInSupport.ensureInstalled(List.of("podman", "conmon"), List.of("podman", "conmon"));
        assumeTrue(missing == null, missing);
        launcher = OciTesting.launcher();
        dir = Files.createTempDirectory("peapod-podman-it");
        Path rootfs = dir.resolve("rootfs");
        DropInSupport.busyboxRootfs(rootfs);
        DropInSupport.Ran tar = DropInSupport.run(60, List.of("tar", "-C", rootfs.toString(), "-cf",
                dir.resolve("rootfs.tar").toString(), "."));
        assertEquals(0, tar.code(), tar.all());
        DropInSupport.Ran imported = podman(120, "import", dir.resolve("rootfs.tar").toString(), IMAGE);
        assertEquals(0, imported.code(), imported.all());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        podman(120, "rm", "--all", "--force", "--time", "0");
        podman(120, "system", "reset", "--force");
        // containers/storage may leave its private bind of the overlay home mounted
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(dir.toString())) {
                DropInSupport.run(30, List.of("umount", "-l", mountPoint));
            }
        }
        DropInSupport.run(60, List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }

    static List<String> podmanCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString(), "--tmpdir", dir.resolve("libpod").toString(),
                "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", launcher.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static DropInSupport.Ran podman(long timeoutSeconds, String... args) throws Exception {
        return DropInSupport.run(timeoutSeconds, podmanCommand(args));
    }

    @Test
    void runRemovesAndReportsTheExitCode() throws Exception {
        DropInSupport.Ran r = podman(120, "run", "--rm", "--network", "none", IMAGE, "sh", "-c",
                "echo hello from peapod; exit 4");
        assertEquals(4, r.code(), r.all());
        assertTrue(r.out().contains("hello from peapod"), r.all());
    }

    @Test
    void detachedThenExecPauseTopKillAndStop() throws Exception {
        DropInSupport.Ran run = podman(120, "run", "-d", "--name", "pp-d", "--network", "none", IMAGE, "sh", "-c",
                "trap 'exit 7' USR1; while true; do sleep 0.1; done");
        assertEquals(0, run.code(), run.all());
        DropInSupport.Ran exec = podman(120, "exec", "pp-d", "sh", "-c", "echo in-exec; exit 5");
        assertEquals(5, exec.code(), exec.all());
        assertTrue(exec.out().contains("in-exec"), exec.all());

        assertEquals(0, podman(60, "pause", "pp-d").code());
        assertEquals("paused", podman(60, "inspect", "--format", "{{.State.Status}}", "pp-d").out().strip());
        assertEquals(0, podman(60, "unpause", "pp-d").code());
        assertEquals("running", podman(60, "inspect", "--format", "{{.State.Status}}", "pp-d").out().strip());

        DropInSupport.Ran top = podman(60, "top", "pp-d");
        assertEquals(0, top.code(), top.all());
        assertTrue(top.out().contains("sleep") || top.out().contains("sh -c"), top.all());

        assertEquals(0, podman(60, "kill", "-s", "USR1", "pp-d").code());
        DropInSupport.Ran waited = podman(60, "wait", "pp-d");
        assertEquals("7", waited.out().strip(), waited.all());
        assertEquals(0, podman(60, "rm", "pp-d").code());
    }

    @Test
    void stopWaitsTheGracePeriodThenKills() throws Exception {
        // sleep as PID 1 ignores SIGTERM: stop must wait its grace period, then SIGKILL
        assertEquals(0, podman(120, "run", "-d", "--name", "pp-stop", "--network", "none", IMAGE, "sleep", "1000")
                .code());
        long t0 = System.nanoTime();
        DropInSupport.Ran stop = podman(120, "stop", "-t", "2", "pp-stop");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, stop.code(), stop.all());
        assertTrue(ms >= 2000, "stopped after " + ms + " ms, before the grace period");
        assertEquals("137", podman(60, "inspect", "--format", "{{.State.ExitCode}}", "pp-stop").out().strip());
        assertEquals(0, podman(60, "rm", "pp-stop").code());
    }

    @Test
    void interactiveTerminal() throws Exception {
        assumeTrue(DropInSupport.onPath("script"), "needs script(1) from bsdutils");
        String cmd = String.join(" ", podmanCommand("run", "--rm", "-it", "--network", "none", IMAGE, "sh", "-c",
                "'tty; exit 3'"));
        DropInSupport.Ran r = DropInSupport.run(120, List.of("script", "-qec", cmd, "/dev/null"));
        assertEquals(3, r.code(), r.all());
        assertTrue(r.out().contains("/dev/pts/0"), r.all());
    }
}
