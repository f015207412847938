package io.peapod.cli.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.cli.common.Terminal;
import io.peapod.cli.serve.ServeCommand;
import io.peapod.cri.service.CriEvents;
import io.peapod.kube.testing.KubeTestEnv;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that goes away mid-command: the daemon ends the command and frees what it held. Needs root. */
class CommandSessionIT {
    private KubeTestEnv env;
    private CriEvents events;
    private ServeCommand.Daemon daemon;

    @BeforeAll
    static void requireRoot() {
        KubeTestEnv.assumeUsable();
    }

    @BeforeEach
    void setUp() throws Exception {
        env = new KubeTestEnv();
        events = new CriEvents();
        daemon = ServeCommand.Daemon.start(env.engine(), events, env.config.state().resolve("peapod.sock"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            daemon.stop();
            events.close();
        } finally {
            env.close();
        }
    }

    private int run(String... args) {
        String[] argv = args;
        return CommandClient.run(daemon.commandSocket(), argv, new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream(), Terminal.NONE).orElseThrow();
    }

    /** Sends a request as a client would, then hangs up without waiting for the answer. */
    private void sendAndHangUp(List<String> argv, long afterMillis) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.commandSocket()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
            Wire.writeRequest(out, new Wire.Request(argv, "/", Map.of(), false));
            Thread.sleep(afterMillis);
        }
    }

    private static long commandThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("peapod-cli-\\d+(-in)?") && t.isAlive()).count();
    }

    private static void awaitNoCommandThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (commandThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, commandThreads(), "the daemon's command threads ended");
    }

    @Test
    void aFollowEndsWhenItsClientGoesAway() throws Exception {
        String state = env.config.state().toString();
        assertEquals(0, run("run", "-d", "--state", state, "--name", "talker", KubeTestEnv.IMAGE, "sh", "-c",
                "while :; do echo tick; sleep 0.2; done"));
        awaitNoCommandThreads();
        sendAndHangUp(List.of("logs", "-f", "--state", state, "talker"), 700);
        awaitNoCommandThreads();
        assertEquals(0, run("rm", "-f", "--state", state, "talker"));
    }

    @Test
    void aPortForwardFreesItsPortWhenItsClientGoesAway() throws Exception {
        String state = env.config.state().toString();
        Path manifest = env.dir.resolve("pod.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: fwd}
                spec:
                  terminationGracePeriodSeconds: 0
                  containers:
                  - {name: a, image: %s, imagePullPolicy: Never, command: [sleep, '100']}
                """.formatted(KubeTestEnv.IMAGE));
        assertEquals(0, run("pod", "run", "--state", state, manifest.toString()));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        sendAndHangUp(List.of("port-forward", "--state", state, "fwd", port + ":80"), 1000);
        awaitNoCommandThreads();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(again.isBound(), "port " + port + " is free again");
        }
        assertEquals(0, run("pod", "rm", "--state", state, "fwd"));
    }
}
