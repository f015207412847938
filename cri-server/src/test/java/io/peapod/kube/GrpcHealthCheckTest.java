package io.peapod.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The grpc probe against a real grpc-java server that serves grpc.health.v1.Health/Check. */
class GrpcHealthCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private HealthServer server;
    private Map<String, Integer> health;

    @BeforeEach
    void start() throws IOException {
        server = new HealthServer();
        health = server.health;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private GrpcHealthCheck.Outcome check(String service) throws IOException {
        return GrpcHealthCheck.check("127.0.0.1", server.port(), service, TIMEOUT);
    }

    @Test
    void servingPasses() throws IOException {
        health.put("", 1);
        health.put("db", 1);
        assertTrue(check("").serving());
        assertTrue(check(null).serving());
        assertTrue(check("db").serving());
    }

    @Test
    void notServingFailsWithTheStatus() throws IOException {
        health.put("db", 2);
        GrpcHealthCheck.Outcome o = check("db");
        assertFalse(o.serving());
        assertEquals("service unhealthy (responseStatus=NOT_SERVING)", o.message());
    }

    @Test
    void aGrpcErrorFails() throws IOException {
        GrpcHealthCheck.Outcome o = check("missing");
        assertFalse(o.serving());
        assertTrue(o.message().startsWith("no health status in the answer"), o.message());
    }

    @Test
    void nothingListeningOrNotHttp2Fails() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThrows(IOException.class, () -> GrpcHealthCheck.check("127.0.0.1", closed, "", TIMEOUT));
        try (ServerSocket http1 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket c = http1.accept()) {
                    c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    c.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the probe hung up
                }
            });
            t.start();
            IOException e = assertThrows(IOException.class,
                    () -> GrpcHealthCheck.check("127.0.0.1", http1.getLocalPort(), "", TIMEOUT));
            assertTrue(e.getMessage().contains("not an HTTP/2 server") || e.getMessage().contains("closed"),
                    e.getMessage());
            t.join(5000);
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            assertThrows(IOException.class, () -> GrpcHealthCheck.check("127.0.0.1", silent.getLocalPort(), "",
                    Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        }
    }
}
