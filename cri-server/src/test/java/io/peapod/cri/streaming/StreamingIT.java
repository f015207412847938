package io.peapod.cri.streaming;

import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.ShortTempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.cri.streaming.client.PortForwardSession;
import io.peapod.cri.streaming.client.PortStream;
import io.peapod.cri.streaming.client.RemoteCommandSession;
import io.peapod.cri.streaming.client.StreamClient;
import io.peapod.cri.streaming.client.StreamException;
import io.peapod.cri.streaming.client.StreamStatus;
import io.peapod.cri.streaming.client.Transport;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.FileStateStore;
import io.peapod.runtime.container.HostLimits;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.errors.NotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming server against real containers, spoken to over TCP by the client library
 * with each protocol version. Needs root (the helper creates namespaces).
 */
class StreamingIT {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingIT.class);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private ContainerRuntime runtime;
    private StreamingServer server;
    private final List<String> created = new ArrayList<>();
    private final List<String> netnsToDelete = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        runtime = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("state"), false),
                new io.peapod.helper.Helper(), CgroupManagers::forPath, HostLimits.current(),
                "peapod-stream-it-" + UUID.randomUUID().toString().substring(0, 8)));
        server = StreamingServer.start(new InetSocketAddress("127.0.0.1", 0), runtime);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        for (String id : created) {
            try {
                runtime.delete(id, true);
            } catch (NotFoundException ignored) {
                // gone already
            }
        }
        CgroupManagers.forPath(runtime.context().defaultCgroupParent()).destroy();
        for (String ns : netnsToDelete) {
            new ProcessBuilder("ip", "netns", "pids", ns).start().waitFor();
            Process p = new ProcessBuilder("sh", "-c", "ip netns pids " + ns + " | xargs -r kill -9").start();
            p.waitFor();
            new ProcessBuilder("ip", "netns", "delete", ns).start().waitFor();
        }
    }

    /** A running busybox container; {@code options} null: detached. */
    private String container(CreateOptions options, String... args) throws IOException {
        String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
        created.add(id);
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, "b"), args);
        runtime.create(id, b.dir(), options == null ? CreateOptions.detached() : options);
        runtime.start(id);
        return id;
    }

    private String sleeper() throws IOException {
        return container(null, "sleep", "1000");
    }

    private URI execUrl(String id, boolean tty, boolean stdin, boolean stderr, String... cmd) {
        return URI.create(server.urlFor(new StreamRequest.Exec(id, List.of(cmd), tty, stdin, true, stderr)));
    }

    private static Transport transport(String name) {
        return Transport.valueOf(name);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SPDY,v4.channel.k8s.io", "SPDY,v3.channel.k8s.io", "SPDY,v2.channel.k8s.io",
            "WEBSOCKET,v5.channel.k8s.io", "WEBSOCKET,v4.channel.k8s.io", "WEBSOCKET,v4.base64.channel.k8s.io"})
    void execSeparatesStdoutAndStderrAndReportsTheExitCode(String transport, String protocol) throws Exception {
        String id = sleeper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(
                execUrl(id, false, false, true, "sh", "-c", "echo out; echo err >&2; exit 3"),
                transport(transport), List.of(protocol), false, false, out, err)) {
            assertEquals(protocol, s.protocol());
            StreamStatus status = s.awaitStatus(WAIT);
            assertEquals(3, status.exitCode(), status.message());
        }
        assertEquals("out\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("err\n", err.toString(StandardCharsets.UTF_8));

        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, false, false, true, "hostname"),
                transport(transport), List.of(protocol), false, false, ok, new ByteArrayOutputStream())) {
            assertEquals(0, s.awaitStatus(WAIT).exitCode());
        }
        assertTrue(ok.size() > 0, "hostname printed something");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SPDY,v4.channel.k8s.io", "SPDY,v2.channel.k8s.io", "WEBSOCKET,v5.channel.k8s.io"})
    void stdinRoundTripsAndItsEndEndsTheProcess(String transport, String protocol) throws Exception {
        String id = sleeper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, false, true, true, "cat"),
                transport(transport), List.of(protocol), true, false, out, new ByteArrayOutputStream())) {
            s.stdin("hello\n".getBytes(StandardCharsets.UTF_8));
            await(() -> out.toString(StandardCharsets.UTF_8).equals("hello\n"), "echoed line");
            s.stdin("world".getBytes(StandardCharsets.UTF_8));
            s.closeStdin();
            assertEquals(0, s.awaitStatus(WAIT).exitCode());
        }
        assertEquals("hello\nworld", out.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SPDY,v4.channel.k8s.io", "SPDY,v3.channel.k8s.io", "WEBSOCKET,v5.channel.k8s.io",
            "WEBSOCKET,v4.base64.channel.k8s.io"})
    void ttyExecSeesItsTerminalAndResizes(String transport, String protocol) throws Exception {
        String id = sleeper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(
                execUrl(id, true, true, false, "sh", "-c", "[ -t 0 ] && echo isatty; read x; stty size; exit 5"),
                transport(transport), List.of(protocol), true, true, out, null)) {
            await(() -> out.toString(StandardCharsets.UTF_8).contains("isatty"), "a terminal");
            s.resize(120, 40);
            s.stdin("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(5, s.awaitStatus(WAIT).exitCode());
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("40 120"), text);
        assertTrue(text.contains("\r\n"), "a terminal turns \\n into \\r\\n: " + text);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SPDY,v4.channel.k8s.io", "WEBSOCKET,v5.channel.k8s.io"})
    void ttyExecStartsWithTheClientsFirstSize(String transport, String protocol) throws Exception {
        String id = sleeper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, true, false, false, "stty", "size"),
                transport(transport), List.of(protocol), false, true, out, null)) {
            // as kubectl does: the terminal's size as soon as the streams are up
            s.resize(111, 33);
            assertEquals(0, s.awaitStatus(WAIT).exitCode(), out.toString(StandardCharsets.UTF_8));
        }
        assertEquals("33 111", out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void attachersShareOutputAndStdinAndDetachingKeepsTheContainer() throws Exception {
        Path log = tmp.resolve("attach.log");
        String id = container(new CreateOptions(Map.of(), log, null, null, false, true), "sh", "-c",
                // A background job's stdin is /dev/null in sh: the reading loop stays in the foreground.
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done & "
                        + "while read line; do echo \"got $line\"; done");
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StreamRequest.Attach req = new StreamRequest.Attach(id, false, true, true, true);
        try (RemoteCommandSession sa = StreamClient.remoteCommand(URI.create(server.urlFor(req)), Transport.SPDY,
                Transport.SPDY.remoteCommandProtocols(), true, false, a, new ByteArrayOutputStream());
             RemoteCommandSession sb = StreamClient.remoteCommand(URI.create(server.urlFor(req)), Transport.WEBSOCKET,
                     Transport.WEBSOCKET.remoteCommandProtocols(), true, false, b, new ByteArrayOutputStream())) {
            await(() -> a.toString(StandardCharsets.UTF_8).contains("tick") && b.toString(StandardCharsets.UTF_8)
                    .contains("tick"), "both attachers see the lines");
            sa.stdin("ping\n".getBytes(StandardCharsets.UTF_8));
            await(() -> b.toString(StandardCharsets.UTF_8).contains("got ping"), "the other attacher sees the echo");
        }
        Thread.sleep(300);
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status(), "detaching leaves the container running");
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        try (RemoteCommandSession sc = StreamClient.remoteCommand(URI.create(server.urlFor(req)), Transport.SPDY,
                Transport.SPDY.remoteCommandProtocols(), true, false, c, new ByteArrayOutputStream())) {
            await(() -> c.toString(StandardCharsets.UTF_8).contains("tick"), "attaching again works");
            runtime.kill(id, 9, true);
            StreamStatus st = sc.awaitStatus(WAIT);
            assertEquals(0, st.exitCode(), "attach ends when the container does: " + st.message());
        }
    }

    @Test
    void containerExitingMidStreamEndsTheExec() throws Exception {
        String id = sleeper();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(
                execUrl(id, false, false, true, "sh", "-c", "echo started; sleep 4243"), Transport.SPDY,
                List.of("v4.channel.k8s.io"), false, false, out, new ByteArrayOutputStream())) {
            await(() -> out.toString(StandardCharsets.UTF_8).contains("started"), "exec running");
            runtime.kill(id, 9, true);
            StreamStatus st = s.awaitStatus(WAIT);
            assertEquals(137, st.exitCode(), st.message());
        }
    }

    @Test
    void clientDisconnectingMidStreamLeaksNothing() throws Exception {
        String id = sleeper();
        // Warm up: the first exec loads classes and starts the event loops' threads.
        runExec(id, "true");
        long fdsBefore = openFds();
        long childrenBefore = ProcessHandle.current().descendants().count();
        for (Transport t : Transport.values()) {
            for (boolean tty : new boolean[] {false, true}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                RemoteCommandSession s = StreamClient.remoteCommand(
                        execUrl(id, tty, true, !tty, "sh", "-c", "echo started; sleep 4242"), t,
                        t.remoteCommandProtocols(), true, tty, out, tty ? null : new ByteArrayOutputStream());
                await(() -> out.toString(StandardCharsets.UTF_8).contains("started"), "exec running");
                assertEquals(1, processesWith("sleep 4242"), "the exec'd process runs");
                s.close();
                await(() -> processesWith("sleep 4242") == 0, "exec'd process killed after the client left (" + t
                        + ", tty " + tty + ")");
            }
        }
        await(() -> streamThreads() == 0, "no streaming threads left: " + streamThreadNames());
        await(() -> ProcessHandle.current().descendants().count() == childrenBefore, "no helper left");
        await(() -> openFds() <= fdsBefore + 2, "fds back to " + fdsBefore);
        assertEquals(ContainerStatus.RUNNING, runtime.state(id).status());
    }

    private int runExec(String id, String... cmd) {
        try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, false, false, true, cmd),
                Transport.SPDY, List.of("v4.channel.k8s.io"), false, false, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream())) {
            return s.awaitStatus(WAIT).exitCode();
        }
    }

    @Test
    void usedExpiredAndUnknownTokensAreRefused() throws Exception {
        String id = sleeper();
        URI url = execUrl(id, false, false, true, "true");
        try (RemoteCommandSession s = StreamClient.remoteCommand(url, Transport.SPDY, List.of("v4.channel.k8s.io"),
                false, false, OutputStream.nullOutputStream(), OutputStream.nullOutputStream())) {
            assertEquals(0, s.awaitStatus(WAIT).exitCode());
        }
        StreamException reused = assertThrows(StreamException.class, () -> StreamClient.remoteCommand(url,
                Transport.WEBSOCKET, List.of("v5.channel.k8s.io"), false, false, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream()));
        assertEquals(404, reused.httpStatus());
        assertTrue(reused.getMessage().contains("unknown, expired or already used"), reused.getMessage());

        StreamingUnitsTest.ManualClock clock = new StreamingUnitsTest.ManualClock();
        try (StreamingServer s = StreamingServer.start(new InetSocketAddress("127.0.0.1", 0), runtime,
                new TokenCache(Duration.ofMinutes(1), clock))) {
            URI expiring = URI.create(s.urlFor(new StreamRequest.Exec(id, List.of("true"), false, false, true,
                    false)));
            clock.now = clock.now.plusSeconds(61);
            StreamException expired = assertThrows(StreamException.class, () -> StreamClient.remoteCommand(expiring,
                    Transport.SPDY, List.of("v4.channel.k8s.io"), false, false, OutputStream.nullOutputStream(),
                    null));
            assertEquals(404, expired.httpStatus());
        }
        URI wrongPath = URI.create(url.toString().replace("/exec/", "/attach/"));
        assertEquals(404, assertThrows(StreamException.class, () -> StreamClient.remoteCommand(wrongPath,
                Transport.SPDY, List.of("v4.channel.k8s.io"), false, false, null, null)).httpStatus());
    }

    @Test
    void unknownProtocolVersionsAreRefused() throws Exception {
        String id = sleeper();
        StreamException spdy = assertThrows(StreamException.class, () -> StreamClient.remoteCommand(
                execUrl(id, false, false, true, "true"), Transport.SPDY, List.of("v9.channel.k8s.io"), false, false,
                null, null));
        assertEquals(403, spdy.httpStatus());
        assertTrue(spdy.getMessage().contains("v9.channel.k8s.io") && spdy.getMessage().contains("v4.channel.k8s.io"),
                spdy.getMessage());
        StreamException ws = assertThrows(StreamException.class, () -> StreamClient.remoteCommand(
                execUrl(id, false, false, true, "true"), Transport.WEBSOCKET, List.of("v9.channel.k8s.io"), false,
                false, null, null));
        assertEquals(400, ws.httpStatus());
        assertTrue(ws.getMessage().contains("v9.channel.k8s.io"), ws.getMessage());
    }

    @Test
    void execOfAMissingCommandReportsAFailure() throws Exception {
        String id = sleeper();
        try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, false, false, true, "/no/such/binary"),
                Transport.WEBSOCKET, List.of("v5.channel.k8s.io"), false, false, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream())) {
            StreamStatus st = s.awaitStatus(WAIT);
            assertTrue(st.exitCode() != 0, st.toString());
            assertTrue(st.message().contains("/no/such/binary"), st.message());
        }
    }

    /** A pod-like network namespace with busybox httpd on port 8080, pinned at /run/netns/NAME. */
    private String netnsWithHttpd() throws Exception {
        String name = "pp-st-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", name);
        netnsToDelete.add(name);
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from the pod\n");
        new ProcessBuilder("ip", "netns", "exec", name, "/bin/busybox", "httpd", "-f", "-p", "8080", "-h",
                www.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);
        return name;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static String httpGet(PortStream stream) throws IOException {
        stream.output().write("GET / HTTP/1.0\r\nHost: pod\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new String(stream.input().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void portForwardReachesAServerInsideThePodNamespace() throws Exception {
        String ns = netnsWithHttpd();
        StreamRequest.PortForward req = new StreamRequest.PortForward("pod1", "/run/netns/" + ns, List.of(8080));
        try (PortForwardSession s = StreamClient.portForward(URI.create(server.urlFor(req)), Transport.SPDY,
                Transport.SPDY.portForwardProtocols(), List.of())) {
            List<PortStream> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(s.open(8080));
            }
            for (PortStream p : streams) {
                String res = httpGet(p);
                assertTrue(res.startsWith("HTTP/1.") && res.contains("hello from the pod"), res);
            }
            PortStream closed = s.open(8081);
            assertEquals(-1, closed.input().read(), "no data from a closed port");
            assertTrue(closed.error().contains("8081"), closed.error());
        }
        // Port 8080 is not open on the host: the connection was made in the pod's namespace.
        try (PortForwardSession s = StreamClient.portForward(URI.create(server.urlFor(req)), Transport.WEBSOCKET,
                Transport.WEBSOCKET.portForwardProtocols(), List.of(8080))) {
            String res = httpGet(s.open(8080));
            assertTrue(res.contains("hello from the pod"), res);
        }
    }

    /** Not a speed test: measures what the closing note reports. */
    @Test
    void benchmarkExecLatencyAndThroughput() throws Exception {
        String id = sleeper();
        for (int i = 0; i < 5; i++) {
            runExec(id, "true");
        }
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            assertEquals(0, runExec(id, "true"));
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        LOG.info("BENCH exec true over SPDY v4 (connect+upgrade+exec+status): median {} ms, p99 {} ms",
                nanos[49] / 1e6, nanos[98] / 1e6);
        Path big = Path.of(runtime.state(id).rootfs()).resolve("big");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 100; i++) {
                chunk.clear();
                ch.write(chunk);
            }
        }
        for (Transport t : Transport.values()) {
            long[] count = new long[1];
            OutputStream counting = new OutputStream() {
                @Override
                public void write(int b) {
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    count[0] += len;
                }
            };
            long t0 = System.nanoTime();
            try (RemoteCommandSession s = StreamClient.remoteCommand(execUrl(id, false, false, true, "cat", "/big"),
                    t, List.of(t.remoteCommandProtocols().get(0)), false, false, counting,
                    OutputStream.nullOutputStream())) {
                assertEquals(0, s.awaitStatus(Duration.ofSeconds(120)).exitCode());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(100L << 20, count[0]);
            LOG.info("BENCH cat of 100 MiB through exec stdout over {}: {} MiB/s", t, String.format("%.0f",
                    100 / secs));
        }
    }

    private static long processesWith(String cmdline) {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').strip().equals(cmdline);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long openFds() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> streamThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("peapod-stream-")).toList();
    }

    private static long streamThreads() {
        return streamThreadNames().size();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
