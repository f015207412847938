package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helper and MonitorClient against stand-ins: a shell script for the binary, a socket for the monitor. */
class HelperLauncherTest {
    @TempDir
    Path dir;

    private Helper fake(String body) throws Exception {
        Path script = dir.resolve("fake-helper");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new Helper(script);
    }

    private Path plan() {
        Path plan = dir.resolve("plan");
        new Plan().args("true").write(plan);
        return plan;
    }

    @Test
    void resultLineComesFromTheResultFileArgument() throws Exception {
        Helper h = fake("[ \"$1\" = create ] && [ -f \"$2\" ] && echo 'ok 12 34' > \"$3\"");
        assertEquals(new Created(12, 34), h.create(plan()));
        assertTrue(Files.notExists(dir.resolve("plan.result")), "result file removed");
    }

    @Test
    void errorLineBecomesHelperException() throws Exception {
        Helper h = fake("echo 'error MOUNT mount 2 /x: No such file or directory' > \"$3\"; exit 1");
        HelperException e = assertThrows(HelperException.class, () -> h.create(plan()));
        assertEquals("MOUNT", e.step());
        assertEquals(2, e.errno());
    }

    @Test
    void helperDyingWithoutResultIsNamed() throws Exception {
        Helper h = fake("exit 3");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.create(plan()));
        assertTrue(e.getMessage().contains("status 3") && e.getMessage().contains("plan"), e.getMessage());
    }

    @Test
    void execAndWaitReturnsTheProcessExitCode() throws Exception {
        Helper h = fake("[ \"$1\" = exec ] && echo 'ok 99 0' > \"$3\"; sleep 0.1; exit 42");
        assertEquals(42, h.execAndWait(plan(), Redirect.from(new File("/dev/null")), Redirect.DISCARD,
                Redirect.DISCARD));
    }

    @Test
    void startViaFifoReportsTheContainersError() throws Exception {
        Helper ok = fake("[ \"$1\" = start ] && echo ok");
        ok.startViaFifo(dir);
        Helper bad = fake("echo 'error EXEC execve 2 /bin/x: No such file or directory'; exit 1");
        assertEquals("EXEC", assertThrows(HelperException.class, () -> bad.startViaFifo(dir)).step());
    }

    /** Serves one connection per answer, recording the command lines. */
    private CompletableFuture<List<String>> monitor(String... answers) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve(MonitorClient.CTL_SOCKET)));
        return CompletableFuture.supplyAsync(() -> {
            List<String> commands = new ArrayList<>();
            try (server) {
                for (String answer : answers) {
                    try (SocketChannel c = server.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(256);
                        while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
                            c.read(in);
                        }
                        commands.add(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                        c.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return commands;
        });
    }

    @Test
    void monitorProtocol() throws Exception {
        var served = monitor("running 42", "ok", "ok", "error EXEC execve 2 /bin/x: No such file or directory",
                "error CTL - 0 unknown command \"resize\"");
        assertEquals(new MonitorState(true, 42), MonitorClient.state(dir));
        MonitorClient.reopenLog(dir);
        MonitorClient.start(dir);
        HelperException e = assertThrows(HelperException.class, () -> MonitorClient.start(dir));
        assertEquals("execve", e.syscall());
        assertThrows(HelperException.class, () -> MonitorClient.resize(dir, 24, 80));
        assertEquals(List.of("state\n", "reopen-log\n", "start\n", "start\n", "resize 24 80\n"), served.get());
        assertThrows(IllegalArgumentException.class, () -> MonitorClient.resize(dir, 0, 80));
    }

    @Test
    void goneMonitorWithoutExitFileIsAnError() {
        assertThrows(java.io.UncheckedIOException.class, () -> MonitorClient.state(dir));
    }
}
