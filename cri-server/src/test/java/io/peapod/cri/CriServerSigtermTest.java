package io.peapod.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxResponse;
import io.peapod.cri.v1.RuntimeServiceGrpc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a serving JVM: the call in flight completes, the process exits, the socket goes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CriServerSigtermTest {
    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheCallInFlightAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("peapod.sock");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SigtermServerMain.class.getName(), socket.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                CriClient client = CriClient.connect(socket)) {
            assertEquals("serving", out.readLine());

            ListenableFuture<RunPodSandboxResponse> inFlight = RuntimeServiceGrpc.newFutureStub(client.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .runPodSandbox(RunPodSandboxRequest.getDefaultInstance());
            assertEquals("entered", out.readLine());

            server.destroy(); // SIGTERM

            assertEquals("finished-after-sigterm", inFlight.get(20, TimeUnit.SECONDS).getPodSandboxId());
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server did not exit after SIGTERM");
            assertEquals(143, server.exitValue(), "exit status after SIGTERM");
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file must be removed");
        } finally {
            server.destroyForcibly();
        }
    }
}
