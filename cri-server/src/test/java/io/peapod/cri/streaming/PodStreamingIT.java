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
import io.peapod.cri.streaming.client.Transport;
import io.peapod.cri.v1.AttachRequest;
import io.peapod.cri.v1.ExecRequest;
import io.peapod.cri.v1.PortForwardRequest;
import io.peapod.helper.Helper;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.FileStateStore;
import io.peapod.runtime.container.HostLimits;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.LoopbackNetworkPlugin;
import io.peapod.runtime.network.NamespacePinner;
import io.peapod.runtime.pod.PodContext;
import io.peapod.runtime.pod.PodSpecs;
import io.peapod.runtime.pod.SandboxConfig;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.SandboxRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRI side: StreamingService checks requests and hands out URLs that work, in a real pod. */
class PodStreamingIT {
    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private ContainerRuntime containers;
    private SandboxRuntime pods;
    private NamespacePinner pinner;
    private String cgroupParent;
    private StreamingServer server;
    private StreamingService service;
    private final List<String> sandboxes = new ArrayList<>();

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() {
        cgroupParent = "peapod-pstream-" + UUID.randomUUID().toString().substring(0, 8);
        Helper helper = new Helper();
        containers = new ContainerRuntime(new RuntimeContext(new FileStateStore(tmp.resolve("c"), false), helper,
                CgroupManagers::forPath, HostLimits.current(), cgroupParent));
        pinner = new NamespacePinner(tmp.resolve("run"));
        pods = new SandboxRuntime(new PodContext(containers, pinner, new LoopbackNetworkPlugin(pinner),
                tmp.resolve("pods"), helper.binary(), CgroupManagers::forPath, cgroupParent));
        server = StreamingServer.start(new InetSocketAddress("127.0.0.1", 0), containers);
        service = new StreamingService(server, containers, pods);
    }

    @AfterEach
    void cleanUp() {
        server.close();
        for (String id : sandboxes) {
            pods.remove(id);
        }
        pinner.releaseRunDirs();
        CgroupManagers.forPath(cgroupParent).destroy();
    }

    private SandboxRecord pod(String name) {
        SandboxRecord r = pods.run(SandboxConfig.of(name, "default", UUID.randomUUID().toString()));
        sandboxes.add(r.id());
        return r;
    }

    private String container(SandboxRecord pod, String name, String script) throws IOException {
        BusyboxBundle b = BusyboxBundle.create(Files.createTempDirectory(tmp, name), "sh", "-c", script);
        PodSpecs.joinPod(b.spec(), pod, pods.directoryOf(pod.id()), pods.sharedPidNamespace(pod.id()));
        b.save();
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        pods.createContainer(pod.id(), id, b.spec(), b.dir(), CreateOptions.detached());
        containers.start(id);
        return id;
    }

    @Test
    void portForwardAndExecThroughTheCriUrls() throws Exception {
        SandboxRecord pod = pod("web");
        String web = container(pod, "httpd", "mkdir -p /www; echo hello from the pod > /www/index.html; "
                + "httpd -f -p 127.0.0.1:8080 -h /www");
        String url = service.portForward(PortForwardRequest.newBuilder().setPodSandboxId(pod.id()).addPort(8080)
                .build()).getUrl();
        assertTrue(url.startsWith(server.baseUrl() + "/portforward/"), url);
        try (PortForwardSession s = StreamClient.portForward(URI.create(url), Transport.SPDY,
                Transport.SPDY.portForwardProtocols(), List.of())) {
            String res = "";
            for (int attempt = 0; attempt < 50 && !res.contains("hello"); attempt++) {
                PortStream p = s.open(8080);
                p.output().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                res = new String(p.input().readAllBytes(), StandardCharsets.UTF_8);
                if (!res.contains("hello")) {
                    Thread.sleep(100);   // httpd may still be starting
                }
            }
            assertTrue(res.contains("hello from the pod"), res);
        }

        String execUrl = service.exec(ExecRequest.newBuilder().setContainerId(web).addCmd("hostname")
                .setStdout(true).build()).getUrl();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RemoteCommandSession s = StreamClient.remoteCommand(URI.create(execUrl), Transport.WEBSOCKET,
                Transport.WEBSOCKET.remoteCommandProtocols(), false, false, out, null)) {
            assertEquals(0, s.awaitStatus(Duration.ofSeconds(20)).exitCode());
        }
        assertEquals("web\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badRequestsAreRefusedNamingTheProblem() throws Exception {
        SandboxRecord pod = pod("bad");
        String c = container(pod, "sleeper", "sleep 1000");
        NotFoundException unknown = assertThrows(NotFoundException.class, () -> service.exec(ExecRequest.newBuilder()
                .setContainerId("nosuchcontainer").addCmd("true").setStdout(true).build()));
        assertTrue(unknown.getMessage().contains("nosuchcontainer"), unknown.getMessage());
        assertThrows(InvalidArgumentException.class, () -> service.exec(ExecRequest.newBuilder().setContainerId(c)
                .setStdout(true).build()));
        InvalidArgumentException ttyErr = assertThrows(InvalidArgumentException.class, () -> service.exec(
                ExecRequest.newBuilder().setContainerId(c).addCmd("sh").setTty(true).setStdout(true).setStderr(true)
                        .build()));
        assertTrue(ttyErr.getMessage().contains("tty and stderr"), ttyErr.getMessage());
        assertThrows(InvalidArgumentException.class, () -> service.attach(AttachRequest.newBuilder()
                .setContainerId(c).build()));
        InvalidArgumentException port = assertThrows(InvalidArgumentException.class, () -> service.portForward(
                PortForwardRequest.newBuilder().setPodSandboxId(pod.id()).addPort(70000).build()));
        assertTrue(port.getMessage().contains("70000"), port.getMessage());
        containers.kill(c, 9, true);
        containers.waitFor(c, Duration.ofSeconds(10)).orElseThrow();
        FailedPreconditionException stopped = assertThrows(FailedPreconditionException.class, () -> service.exec(
                ExecRequest.newBuilder().setContainerId(c).addCmd("true").setStdout(true).build()));
        assertTrue(stopped.getMessage().contains(c), stopped.getMessage());
    }
}
