package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.helper.MonitorClient;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.spec.Box;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.ShortTempDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminals of busybox containers, as a user inside sees them: the container's own process
 * ({@code process.terminal}, through the monitor) and exec sessions with a tty get a
 * {@code /dev/pts/N} of the container as controlling terminal, the size the caller gave
 * before the process starts, and later resizes with SIGWINCH. Needs root.
 */
class TerminalIT {
    /**
     * Prints what a terminal user checks, then exits 3 with the new size once SIGWINCH comes.
     * The trap is set before "ready", so a resize after "ready" is never missed.
     */
    private static final String SCRIPT = "[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-is-tty; "
            + ": </dev/tty && echo has-controlling-tty; "
            + "t=$(tty); echo \"tty=$t\"; [ -c \"$t\" ] && echo tty-exists; "
            + "echo \"fd0=$(readlink /proc/self/fd/0)\"; "
            + "echo \"size=$(stty size)\"; "
            + "trap 'echo \"winch=$(stty size)\"; exit 3' WINCH; echo ready; "
            + "while :; do sleep 0.05; done";

    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private ContainerRuntime runtime;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        runtime = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("state"), false),
                new io.peapod.helper.Helper(), CgroupManagers::forPath, HostLimits.current(),
                "peapod-test-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterEach
    void tearDown() {
        for (String id : ids) {
            runtime.delete(id, true);
        }
        CgroupManagers.forPath(runtime.context().defaultCgroupParent()).destroy();
    }

    private String newId() {
        String id = "t" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        return id;
    }

    private String sleeper() throws IOException {
        String id = newId();
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, "b"), "sleep", "1000");
        runtime.create(id, b.dir(), CreateOptions.detached());
        runtime.start(id);
        return id;
    }

    @Test
    void execTerminalIsAContainerPtyWithTheGivenSizeAndFollowsResizes() throws Exception {
        String id = sleeper();
        Process p = runtime.execProcess(id, List.of("sh", "-c", SCRIPT), null, null, null, null, true);
        p.consoleSize = new Box(21, 77);
        try (ExecSession s = runtime.execSession(id, p, false)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            readUntil(s.stdout(), out, "ready");
            s.resize(33, 111);
            s.stdout().transferTo(out);
            assertEquals(3, s.waitFor(), out.toString(StandardCharsets.UTF_8));
            assertTerminalSeen(lines(out.toString(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void execTerminalWithoutAGivenSizeTakesTheFirstResize() throws Exception {
        String id = sleeper();
        Process p = runtime.execProcess(id, List.of("sh", "-c", "read x; stty size"), null, null, null, null, true);
        try (ExecSession s = runtime.execSession(id, p, true)) {
            s.resize(33, 111);
            s.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.stdout().transferTo(out);
            assertEquals(0, s.waitFor());
            assertTrue(lines(out.toString(StandardCharsets.UTF_8)).contains("33 111"), out.toString());
        }
    }

    @Test
    void containerTerminalHasConsoleSizeAndTheMonitorResizesIt() throws Exception {
        String id = newId();
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, "b"), "sh", "-c", SCRIPT);
        b.spec().process.terminal = true;
        b.spec().process.consoleSize = new Box(21, 77);
        b.save();
        Path log = tmp.resolve(id + ".log");
        runtime.create(id, b.dir(), CreateOptions.logTo(log));
        runtime.start(id);
        await(() -> logLines(log).contains("ready"), "\"ready\" in " + log);
        MonitorClient.resize(runtime.context().store().directoryOf(id), 33, 111);
        ContainerRecord r = runtime.waitFor(id, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(3, r.exitCode().intValue(), logLines(log).toString());
        assertTerminalSeen(logLines(log));
    }

    /** What {@link #SCRIPT} printed for a 21x77 terminal resized to 33x111. */
    private static void assertTerminalSeen(List<String> lines) {
        String all = lines.toString();
        assertTrue(lines.contains("stdio-is-tty"), all);
        assertTrue(lines.contains("has-controlling-tty"), "/dev/tty opens only with a controlling terminal: " + all);
        String tty = lines.stream().filter(l -> l.startsWith("tty=")).findFirst().orElseThrow(() -> new AssertionError(all));
        assertTrue(tty.matches("tty=/dev/pts/\\d+"), all);
        assertTrue(lines.contains("tty-exists"), "the terminal's node exists in the container: " + all);
        assertTrue(lines.contains("fd0=" + tty.substring(4)), all);
        assertTrue(lines.contains("size=21 77"), all);
        assertTrue(lines.contains("winch=33 111"), all);
    }

    /** Lines of terminal output, without the pty's carriage returns. */
    private static List<String> lines(String text) {
        return text.replace("\r", "").lines().toList();
    }

    /** The text of the container's CRI log records ("TIME STREAM TAG text"). */
    private static List<String> logLines(Path log) {
        try {
            List<String> out = new ArrayList<>();
            for (String record : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String[] parts = record.split(" ", 4);
                out.add(parts.length == 4 ? parts[3].replace("\r", "") : "");
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void readUntil(InputStream in, ByteArrayOutputStream out, String marker) throws IOException {
        byte[] buf = new byte[4096];
        while (!out.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                fail("the terminal closed before \"" + marker + "\": " + out.toString(StandardCharsets.UTF_8));
            }
            out.write(buf, 0, n);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
