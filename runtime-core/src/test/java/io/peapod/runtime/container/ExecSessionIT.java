package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.helper.HelperException;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.ShortTempDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec sessions in a running busybox container: pipes, a terminal, exit codes, kill on close. Needs root. */
class ExecSessionIT {
    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private ContainerRuntime runtime;
    private String id;

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() throws IOException {
        runtime = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("state"), false),
                new io.peapod.helper.Helper(), CgroupManagers::forPath, HostLimits.current(),
                "peapod-test-" + UUID.randomUUID().toString().substring(0, 8)));
        id = "x" + UUID.randomUUID().toString().substring(0, 8);
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, "b"), "sleep", "1000");
        runtime.create(id, b.dir(), CreateOptions.detached());
        runtime.start(id);
    }

    @AfterEach
    void tearDown() {
        runtime.delete(id, true);
        CgroupManagers.forPath(runtime.context().defaultCgroupParent()).destroy();
    }

    private Process process(boolean tty, String... args) {
        return runtime.execProcess(id, List.of(args), null, null, null, null, tty);
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void pipesCarryStdinStdoutAndStderrAndTheExitCodeComesBack() throws Exception {
        try (ExecSession s = runtime.execSession(id, process(false, "sh", "-c", "cat; echo oops >&2; exit 9"), true)) {
            assertFalse(s.tty());
            s.stdin().write("round trip\n".getBytes(StandardCharsets.UTF_8));
            s.stdin().close();
            assertEquals("round trip\n", readAll(s.stdout()));
            assertEquals("oops\n", readAll(s.stderr()));
            assertEquals(9, s.waitFor());
        }
        try (ExecSession s = runtime.execSession(id, process(false, "cat"), false)) {
            assertNull(s.stdin(), "no stdin asked for");
            assertEquals("", readAll(s.stdout()), "cat of /dev/null");
            assertEquals(0, s.waitFor());
        }
    }

    @Test
    void terminalSessionsResizeAndMergeOutput() throws Exception {
        try (ExecSession s = runtime.execSession(id, process(true, "sh", "-c",
                "[ -t 0 ] && echo tty; read x; stty size; echo err >&2; exit 4"), true)) {
            assertTrue(s.tty());
            s.resize(33, 99);
            s.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.stdout().transferTo(out);
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("tty") && text.contains("33 99") && text.contains("err"), text);
            assertEquals(4, s.waitFor());
        }
    }

    @Test
    void closeKillsAProcessThatStillRuns() throws Exception {
        ExecSession s = runtime.execSession(id, process(false, "sleep", "4244"), false);
        int pid = s.pid();
        assertTrue(ProcessHandle.of(pid).isPresent());
        s.close();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "pid " + pid + " is gone");
        assertEquals(137, s.waitFor(Duration.ofSeconds(1)).orElseThrow());
    }

    @Test
    void badExecsFailWithTheReason() {
        assertThrows(HelperException.class, () -> runtime.execSession(id, process(false, "/no/such"), false));
        try (ExecSession s = runtime.execSession(id, process(false, "true"), false)) {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> s.resize(1, 1));
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
        runtime.kill(id, 9, true);
        runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow();
        assertThrows(FailedPreconditionException.class, () -> runtime.execSession(id, process(false, "true"), false));
    }
}
